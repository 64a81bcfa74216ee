package dev.portcullis.benchmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Keystroke to updated markers, summary and graph in the policy editor, for {@link EditorBenchmark}'s 200-line
 * policy, measured in Chromium through the real path (the page's fetches over HTTP to the app on PostgreSQL). Each
 * round types one character into a comment at the end of the policy and times, in the page, from the keydown to
 * the editor's {@code portcullis:checked} event (problems underlined and listed, summary rendered, graph image
 * decoded). That includes the 60 ms typing debounce; the report also gives the time after it. Opt-in, never a
 * timing assertion: {@code -Dbench.editor=true -Dit.test=EditorKeystrokeBenchmarkIntegrationTests} (rounds:
 * {@code -Dbench.rounds=60}).
 */
@EnabledIfSystemProperty(named = "bench.editor", matches = "true")
class EditorKeystrokeBenchmarkIntegrationTests extends BrowserTest {

	private static final double DEBOUNCE_MS = 60;

	@Autowired
	Workspaces workspaces;

	@Test
	@SuppressWarnings("unchecked")
	void keystrokeToUpdatedMarkersSummaryAndGraph() {
		int rounds = Integer.getInteger("bench.rounds", 60);
		int warmup = 5;
		String ws = "bench-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "", Actor.SYSTEM).block();
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/policies/new");
		String policy = EditorBenchmark.twoHundredLines() + "# keystrokes: ";
		this.page.getByRole(com.microsoft.playwright.options.AriaRole.TEXTBOX,
				new com.microsoft.playwright.Page.GetByRoleOptions().setName("YAML").setExact(true)).fill(policy);
		this.page.waitForFunction("() => document.querySelector('#policy-summary li') !== null");
		this.page.keyboard().press("Control+End");
		this.page.evaluate("""
				() => {
				  window.__rounds = [];
				  document.querySelector('.cm-content').addEventListener('keydown', (e) => { window.__down = performance.now(); }, true);
				  document.getElementById('editor').addEventListener('portcullis:checked', (e) => {
				    const since = window.__down;
				    const requests = performance.getEntriesByType('resource')
				      .filter((r) => new RegExp('/api/v1/(check|validate|describe|graph)$').test(r.name) && r.startTime >= since);
				    const server = requests.length ? Math.max(...requests.map((r) => r.responseEnd)) - Math.min(...requests.map((r) => r.startTime)) : 0;
				    performance.clearResourceTimings();
				    window.__rounds.push({ state: e.detail.state, ms: performance.now() - since, requests: server });
				  });
				}""");
		List<Double> total = new ArrayList<>();
		List<Double> requests = new ArrayList<>();
		for (int i = 0; i < warmup + rounds; i++) {
			int before = ((Number) this.page.evaluate("() => window.__rounds.length")).intValue();
			this.page.keyboard().type(Character.toString('a' + (i % 26)));
			this.page.waitForFunction("(n) => window.__rounds.length > n", before);
			Map<String, Object> round = (Map<String, Object>) this.page.evaluate("() => window.__rounds.at(-1)");
			if (!"valid".equals(round.get("state"))) {
				throw new IllegalStateException("round " + i + ": " + round);
			}
			if (i >= warmup) {
				total.add(((Number) round.get("ms")).doubleValue());
				requests.add(((Number) round.get("requests")).doubleValue());
			}
		}
		int lines = policy.split("\n").length;
		String report = String.format(Locale.ROOT,
				"Editor keystroke, %d-line policy, %d rounds: keydown → markers + summary + graph decoded:%n"
						+ "  total (includes the %d ms debounce): p50 %.0f ms, p95 %.0f ms, max %.0f ms%n"
						+ "  after the debounce (requests + rendering): p50 %.0f ms, p95 %.0f ms, max %.0f ms%n"
						+ "  of which the requests (first request sent to last response received): p50 %.0f ms, p95 %.0f ms%n",
				lines, rounds, (int) DEBOUNCE_MS, percentile(total, 50), percentile(total, 95), percentile(total, 100),
				percentile(total, 50) - DEBOUNCE_MS, percentile(total, 95) - DEBOUNCE_MS,
				percentile(total, 100) - DEBOUNCE_MS, percentile(requests, 50), percentile(requests, 95));
		System.out.println(report);
	}

	private static double percentile(List<Double> values, int p) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
