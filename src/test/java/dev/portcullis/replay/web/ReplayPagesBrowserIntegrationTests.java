package dev.portcullis.replay.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.replay.ReplayFixtures;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The replay page in Chromium on the real Hubble exports (src/test/resources/flows), as a new user would use it:
 * from the workspace page to the replay page, a draft that denies one workload's ingress, the group of its newly
 * dropped flows with the right count, at 1280 and 390 px; the editor's "Replay this draft" and its rule hits.
 */
class ReplayPagesBrowserIntegrationTests extends BrowserTest {

	static final List<String> FILES = ReplayFixtures.FILES;

	static final String DENY_DETAILS = ReplayFixtures.DENY_DETAILS;

	@Autowired
	JsonMapper json;

	/** A workspace holding the corpus; returns its name and how many non-reply flows go to bookinfo's details. */
	private Map.Entry<String, Long> workspaceWithTheCorpus() throws IOException {
		String ws = "replay-page-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		StringBuilder all = new StringBuilder();
		long toDetails = 0;
		for (String file : FILES) {
			try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				all.append(text).append(text.endsWith("\n") ? "" : "\n");
				for (String line : text.split("\n")) {
					if (line.isBlank()) {
						continue;
					}
					JsonNode flow = this.json.readTree(line).path("flow");
					JsonNode destination = flow.path("destination");
					boolean details = false;
					for (JsonNode label : destination.path("labels")) {
						details |= label.asString().equals("k8s:app=details");
					}
					if (details && "bookinfo".equals(destination.path("namespace").asString(null))
							&& !flow.path("is_reply").asBoolean(false)) {
						toDetails++;
					}
				}
			}
		}
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(all.toString()).exchange()
			.expectStatus().isOk();
		return Map.entry(ws, toDetails);
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	@Test
	void aDraftThatDeniesOneWorkloadShouldShowItsFlowsAsNewlyDropped() throws IOException {
		Map.Entry<String, Long> ws = workspaceWithTheCorpus();
		signIn(Role.VIEWER);
		for (int width : new int[] { 1280, 390 }) {
			this.page.setViewportSize(width, 900);
			open("/workspaces/" + ws.getKey());
			this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Replay on real flows")).click();
			assertThat(this.page).hasURL(baseUrl() + "/workspaces/" + ws.getKey() + "/replay");
			this.page.locator("#draft").fill(DENY_DETAILS);
			button("Replay").click();
			Locator row = this.page.locator("table.replay-groups tbody tr");
			assertThat(row.first()).containsText("bookinfo/details-v1");
			assertThat(this.page.locator(".replay-stats .stat-dropped dd"))
				.hasText(String.format(java.util.Locale.ROOT, "%,d", ws.getValue()));
			assertThat(this.page.locator("#replay-coverage")).containsText("of the flows decidable");
			assertThat(this.page.locator(".replay-chart rect.bar-dropped").first()).isAttached();
			screenshot("replay-" + width);
			this.page.locator("table.replay-groups details summary").first().click();
			assertThat(this.page.locator("table.replay-groups details").first())
				.containsText("CiliumNetworkPolicy/bookinfo/lock-details");
			if (width == 390) {
				screenshot("replay-390-explained");
			}
		}
		// a draft with errors is refused with its line and column, and nothing is replayed
		expectFailedResponse(422, "/workspaces/" + ws.getKey() + "/replay");
		this.page.locator("#draft").fill(DENY_DETAILS.replace("- all", "- everything"));
		button("Replay").click();
		assertThat(this.page.locator("#form-errors")).containsText("line 12");
		assertThat(this.page.locator("#replay-result")).hasCount(0);
	}

	@Test
	void anOpenChangeRequestShouldBePickedAsCandidateAndReachedFromItsPage() throws IOException {
		Map.Entry<String, Long> ws = workspaceWithTheCorpus();
		JsonNode proposed = this.json.readTree(as(Role.AUTHOR).post()
			.uri("/api/v1/workspaces/" + ws.getKey() + "/change-requests").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Lock details", "description", "why", "changes", DENY_DETAILS, "deletes",
					List.of()))
			.exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody());
		long id = proposed.get("id").asLong();
		String dropped = String.format(java.util.Locale.ROOT, "%,d", ws.getValue());
		signIn(Role.VIEWER);
		for (int width : new int[] { 1280, 390 }) {
			this.page.setViewportSize(width, 900);
			open("/workspaces/" + ws.getKey() + "/replay");
			assertThat(this.page.locator("#baseline option:checked")).containsText("What is published");
			this.page.locator("#changeRequest").selectOption(String.valueOf(id));
			button("Replay").click();
			assertThat(this.page.locator(".replay-stats .stat-dropped dd")).hasText(dropped);
			assertThat(this.page.locator("#replay-sources")).containsText("latest versions (nothing published yet)");
			assertThat(this.page.locator("#replay-sources"))
				.containsText("change request " + id + ", revision 1: Lock details");
			screenshot("replay-change-request-" + width);
		}
		// the change request's page links to the same replay, against the latest versions
		open("/workspaces/" + ws.getKey() + "/change-requests/" + id);
		this.page.locator("#impact-replay").click();
		assertThat(this.page.locator("#changeRequest option:checked")).containsText("#" + id + " Lock details");
		assertThat(this.page.locator("#baseline option:checked")).containsText("The latest versions");
		assertThat(this.page.locator("#q")).hasValue("--since 24h");
		assertThat(this.page.locator("#replay-sources")).containsText("change request " + id);
		// the corpus is older than a day: every stored flow instead
		this.page.locator("#q").fill("");
		button("Replay").click();
		assertThat(this.page.locator(".replay-stats .stat-dropped dd")).hasText(dropped);
		assertThat(this.page.locator("#replay-sources")).containsText("latest versions");
		// a change request and a draft at once is refused inline
		expectFailedResponse(422, "/workspaces/" + ws.getKey() + "/replay");
		this.page.locator("#draft").fill(DENY_DETAILS);
		button("Replay").click();
		assertThat(this.page.locator("#form-errors")).containsText("not both");
	}

	@Test
	void aReplayShouldShowItsProgressWhileItRunsAndThenItsResult() throws IOException {
		Map.Entry<String, Long> ws = workspaceWithTheCorpus();
		signIn(Role.VIEWER);
		this.page.setViewportSize(390, 900);
		open("/workspaces/" + ws.getKey() + "/replay");
		this.page.locator("#draft").fill(DENY_DETAILS);
		// the form's answer is the progress bar of a replay started in the background, which the page then polls
		// until the result replaces it
		java.util.concurrent.atomic.AtomicReference<com.microsoft.playwright.Response> started =
				new java.util.concurrent.atomic.AtomicReference<>();
		com.microsoft.playwright.Response polled = this.page.waitForResponse(
				(response) -> response.url().contains("/replay/runs/") && response.headers().containsKey("hx-retarget"),
				() -> started.set(this.page.waitForResponse((response) -> response.url().endsWith("/replay")
						&& response.request().method().equals("POST"), () -> button("Replay").click())));
		org.assertj.core.api.Assertions.assertThat(started.get().text())
			.contains("id=\"replay-run\"", "<progress", "/replay/runs/");
		org.assertj.core.api.Assertions.assertThat(polled.status()).isEqualTo(200);
		assertThat(this.page.locator(".replay-stats .stat-dropped dd"))
			.hasText(String.format(java.util.Locale.ROOT, "%,d", ws.getValue()));
		assertThat(this.page.locator("#replay-run")).hasCount(0);
		assertThat(this.page.locator(".replay-chart rect.bar-dropped").first()).isAttached();
		// a run that is not (or no longer) here says so instead of polling forever
		open("/workspaces/" + ws.getKey() + "/replay/runs/no-such-run");
		assertThat(this.page.locator("#replay-run")).containsText("replay again");
		screenshot("replay-run-lost-390");
	}

	@Test
	void theEditorShouldReplayItsTextAndMarkRulesNoFlowMatched() throws IOException {
		Map.Entry<String, Long> ws = workspaceWithTheCorpus();
		String policy = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: details-in
				  namespace: bookinfo
				spec:
				  endpointSelector:
				    matchLabels:
				      app: details
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        app: nothing-like-this
				""";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws.getKey() + "/import")
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(policy).exchange().expectStatus().isOk();
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws.getKey() + "/policies/CiliumNetworkPolicy/bookinfo/details-in/edit");
		assertThat(this.page.locator("#rule-hits")).containsText("candidate for removal");
		screenshot("replay-rule-hits-1280");
		button("Replay this draft").click();
		assertThat(this.page).hasURL(baseUrl() + "/workspaces/" + ws.getKey() + "/replay");
		assertThat(this.page.locator("#draft")).hasValue(java.util.regex.Pattern.compile("name: details-in"));
	}

}
