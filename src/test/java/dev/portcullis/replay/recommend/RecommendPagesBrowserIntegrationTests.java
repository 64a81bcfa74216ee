package dev.portcullis.replay.recommend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recommendations page in Chromium as a new user meets it: an uploaded real Hubble export, the link from the flow
 * log, a recommendation with L7 rules (the draft, its rules with their flows, the generalised paths), and "Open in the
 * editor", which fills the new-policy editor with one drafted policy, and "Propose as a change", which opens a change
 * request with the whole draft.
 */
class RecommendPagesBrowserIntegrationTests extends BrowserTest {

	@Test
	void userShouldRecommendFromUploadedFlowsAndOpenAPolicyInTheEditor() throws IOException {
		String ws = "recpage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		try (InputStream in = getClass().getResourceAsStream("/flows/basic-sample-348-http-flows.json")) {
			as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws + "/flows")
				.contentType(MediaType.parseMediaType("application/x-ndjson"))
				.bodyValue(new String(in.readAllBytes(), StandardCharsets.UTF_8)).exchange().expectStatus().isOk();
		}
		this.page.setViewportSize(1280, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/flows?q=--namespace+istio-system");
		this.page.locator("#recommend-link").click();
		assertThat(this.page.locator("h1")).hasText("Recommend policies from flows");
		assertThat(this.page.getByLabel("Flows (hubble observe flags)")).hasValue("--namespace istio-system");

		this.page.getByLabel("Flows (hubble observe flags)").fill("");
		this.page.getByLabel("L7 rules (HTTP methods and paths, gRPC, Kafka, DNS names)").check();
		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Recommend")).click();
		assertThat(this.page.locator("#draft")).containsText("kind: CiliumNetworkPolicy");
		assertThat(this.page.locator("#draft")).not().containsText("pod-template-hash");
		assertThat(this.page.locator("#would-deny")).containsText("0 flows that got through");
		assertThat(this.page.locator("table.recommend-rules tbody tr").first()).isVisible();
		assertThat(this.page.locator("table.recommend-rules")).containsText("GET ");
		String recommended = this.page.url();
		screenshot("recommend-1280");
		this.page.setViewportSize(390, 900);
		screenshot("recommend-390");
		this.page.setViewportSize(1280, 900);

		this.page.locator(".recommended-policies li").first()
			.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Open in the editor"))
			.click();
		assertThat(this.page.locator("h1")).containsText("New policy");
		String text = (String) this.page.evaluate("() => document.querySelector('textarea[name=yaml]').value");
		assertThat(text).contains("kind: CiliumNetworkPolicy").contains("name: recommended-").doesNotContain("---");
		screenshot("recommend-editor");

		// the whole draft as a change request: the form comes filled, and the change request shows its policies
		this.page.navigate(recommended);
		this.page.locator("#propose-recommendation").click();
		assertThat(this.page.locator("h1")).hasText("Propose a change");
		assertThat(this.page.locator("#change-title")).hasValue("Policies recommended from flows");
		String changes = this.page.locator("#change-changes").inputValue();
		assertThat(changes).contains("kind: CiliumNetworkPolicy").contains("name: recommended-").contains("---");
		this.page.locator("#propose-button").click();
		assertThat(this.page.locator(".change-facts")).containsText("Open");
		assertThat(this.page.locator("#policies .policy-change").first()).containsText("recommended-");
	}

}
