package dev.portcullis.policy.web;

import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.identity.Actor;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace's agent settings in Chromium: an administrator opens the form from the workspace page, is told
 * which value is wrong next to its field, saves, and sees the summary with "Cilium default" marks; a viewer sees
 * the settings read-only and why.
 */
class SettingsPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	Workspaces workspaces;

	@Autowired
	WorkspaceSettings settings;

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

	private String newWorkspace() {
		String ws = "agent-" + UUID.randomUUID().toString().substring(0, 8);
		this.workspaces.create(ws, "", Actor.SYSTEM).block();
		return ws;
	}

	@Test
	void adminShouldEditTheSettingsInPlaceWithMessagesNextToTheFields() {
		String ws = newWorkspace();
		this.page.setViewportSize(390, 900);
		signIn(Role.ADMIN);
		open("/workspaces/" + ws);
		Locator card = this.page.locator("#agent-settings");
		assertThat(card.getByText("Never changed: these are Cilium's defaults.")).isVisible();
		assertThat(card.getByText("Cilium default")).hasCount(12);

		// the form replaces the summary in place (htmx), filled with the settings in force
		this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit settings")).click();
		assertThat(this.page.getByLabel("Cluster name")).hasValue("default");
		assertThat(this.page.getByLabel("Peers default to the local cluster")).isChecked();
		assertThat(this.page).hasURL(baseUrl() + "/workspaces/" + ws);

		// a bad value: nothing is saved, the message stands next to its field, the other values are kept
		expectFailedResponse(422, "/workspaces/" + ws + "/settings");
		this.page.getByLabel("Cluster name").fill("Prod_EU");
		this.page.getByLabel("Policy enforcement mode").selectOption("always");
		button("Save settings").click();
		assertThat(this.page.locator("#setting-clusterName-error")).containsText("is not a cluster name Cilium accepts");
		assertThat(this.page.getByLabel("Cluster name")).hasAttribute("aria-invalid", "true");
		assertThat(this.page.getByLabel("Policy enforcement mode")).hasValue("always");
		screenshot("settings-390-invalid");
		assertThat(fits()).isTrue();

		this.page.getByLabel("Cluster name").fill("prod-eu");
		this.page.getByLabel("Host firewall").check();
		this.page.getByLabel("Peers default to the local cluster").uncheck();
		this.page.getByLabel("DNS reject response code").selectOption("nameError");
		button("Save settings").click();
		assertThat(card.getByText("Saved as version 1")).isVisible();
		assertThat(card.locator("dd", new Locator.LocatorOptions().setHasText("prod-eu"))).containsText("(Cilium default: default)");
		assertThat(card.getByText("Cilium default", new Locator.GetByTextOptions().setExact(true))).hasCount(7);
		assertThat(card.getByText("Version 1, changed by " + username(Role.ADMIN))).isVisible();
		screenshot("settings-390-saved");
		assertThat(fits()).isTrue();

		var saved = this.settings.current(ws).block().settings().engineOptions();
		assertThat(saved.clusterName()).isEqualTo("prod-eu");
		assertThat(saved.hostFirewall()).isTrue();
		assertThat(saved.policyDefaultLocalCluster()).isFalse();
		assertThat(saved.enforcementMode().name()).isEqualTo("ALWAYS");

		// the settings page itself, without htmx, says the same after a reload
		open("/workspaces/" + ws + "/settings");
		assertThat(this.page.getByLabel("Host firewall")).isChecked();
		assertThat(this.page.getByLabel("DNS reject response code")).hasValue("nameError");
	}

	@Test
	void viewerShouldSeeTheSettingsReadOnlyWithTheReason() {
		String ws = newWorkspace();
		signIn(Role.VIEWER);
		open("/workspaces/" + ws);
		Locator card = this.page.locator("#agent-settings");
		assertThat(card.getByText("Read-only: only administrators change agent settings")).isVisible();
		assertThat(card.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Edit settings"))).hasCount(0);
		open("/workspaces/" + ws + "/settings");
		assertThat(this.page.locator("form#settings-form")).hasCount(0);
		assertThat(this.page.locator("#agent-settings dl dt").first()).hasText("Cilium version");
	}

	private boolean fits() {
		Object fits = this.page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth");
		return Boolean.TRUE.equals(fits);
	}

}
