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
