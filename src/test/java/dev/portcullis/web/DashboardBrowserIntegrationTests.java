package dev.portcullis.web;

import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class DashboardBrowserIntegrationTests extends BrowserTest {

	@Test
	void dashboardShouldShowNavigationAndLoadTheDatabaseStatusThroughHtmx() {
		signIn(Role.VIEWER);
		open("/");
		assertThat(this.page).hasTitle("Dashboard · Portcullis");
		assertThat(this.page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
				new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Dashboard")))
			.hasAttribute("aria-current", "page");
		assertThat(this.page.locator("#db-status")).containsText("PostgreSQL");
		assertThat(this.page.locator("#db-status")).containsText("· up");
		assertThat(this.page.locator(".footer .version")).not().isEmpty();
		assertThat((Boolean) this.page.evaluate("() => typeof window.htmx === 'object' && htmx.version.startsWith('2.')"))
			.isTrue();
		screenshot("dashboard-desktop");
	}

	@Test
	void narrowScreenShouldFoldTheNavigationIntoAMenu() {
		this.page.setViewportSize(390, 800);
		signIn(Role.VIEWER);
		open("/");
		assertThat(this.page.locator("#nav")).isHidden();
		this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions().setName("Menu"))
			.click();
		assertThat(this.page.locator("#nav")).isVisible();
		assertThat(this.page.locator("[data-nav-toggle]")).hasAttribute("aria-expanded", "true");
		screenshot("dashboard-mobile-menu");
	}

	@Test
	void missingPageShouldShowTheFriendlyErrorPage() {
		signIn(Role.VIEWER);
		Response response = open("/does-not-exist");
		assertThat(response.status()).isEqualTo(404);
		assertThat(this.page.locator("h1")).hasText("This page does not exist");
		screenshot("error-404");
		this.page.getByText("Back to the dashboard").click();
		assertThat(this.page).hasTitle("Dashboard · Portcullis");
	}

}
