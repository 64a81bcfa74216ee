package dev.portcullis.inventory;

import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/** The inventory page in a real browser: an author imports (refused, then accepted); the workspace shows the summary. */
class InventoryPagesBrowserIntegrationTests extends BrowserTest {

	@Test
	void authorShouldImportPastedKubectlOutputAndSeeItOnTheWorkspacePage() {
		String ws = "invpage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		expectFailedResponse(422, "/workspaces/" + ws + "/inventory");
		this.page.setViewportSize(390, 900);
		signIn(Role.AUTHOR);
		open("/workspaces/" + ws + "/inventory");
		assertThat(this.page.locator("h1")).hasText("Cluster inventory");
		assertThat(this.page.getByText("No inventory yet")).isVisible();

		this.page.getByLabel("kubectl output (YAML or JSON)").fill(InventoryApiIntegrationTests.KUBECTL
			.replace("port: 80,", "port: eighty,"));
		button("Import").click();
		assertThat(this.page.locator("#outcome-heading")).hasText("Nothing was imported");
		assertThat(this.page.locator("#importer [role=alert]")).containsText("line 10");
		assertThat(this.page.locator("#importer [role=alert]")).containsText("items[0].spec.ports[0].port");

		this.page.getByLabel("kubectl output (YAML or JSON)").fill(InventoryApiIntegrationTests.KUBECTL);
		this.page.getByLabel("Message").fill("first export");
		button("Import").click();
		assertThat(this.page.locator("#outcome-heading")).hasText("Imported");
		assertThat(this.page.getByText("Imported version 1.")).isVisible();
		screenshot("inventory-imported");

		open("/workspaces/" + ws + "/inventory");
		assertThat(this.page.locator("#services-heading")).isVisible();
		assertThat(this.page.locator("table").last()).containsText("cart-1");
		assertThat(this.page.getByText("first export")).isVisible();

		open("/workspaces/" + ws);
		assertThat(this.page.locator("#inventory-summary")).containsText("version 1");
		assertThat(this.page.locator("#inventory-summary")).containsText("1 Service");
	}

	@Test
	void viewerShouldSeeTheInventoryWithoutTheForm() {
		String ws = "invview-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/inventory")
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(InventoryApiIntegrationTests.KUBECTL)
			.exchange().expectStatus().isOk();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws + "/inventory");
		assertThat(this.page.locator("#read-only")).isVisible();
		assertThat(this.page.locator("#inventory-form")).hasCount(0);
		assertThat(this.page.locator("#namespaces-heading")).isVisible();
	}

	private com.microsoft.playwright.Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

}
