package dev.portcullis.web;

import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

class ApiDocsBrowserIntegrationTests extends BrowserTest {

	@Test
	void apiPageShouldBrowseTheOpenApiDocumentWithoutLeavingTheApp() {
		signIn(Role.VIEWER);
		open("/");
		this.page.locator("#nav").getByText("API", new com.microsoft.playwright.Locator.GetByTextOptions().setExact(true)).click();
		assertThat(this.page).hasTitle("API · Portcullis");
		// other features document their endpoints too: pick the evaluate operation, wherever it is listed
		com.microsoft.playwright.Locator evaluate = this.page.locator(".opblock-summary-path[data-path='/api/v1/evaluate']");
		assertThat(evaluate).containsText("/api/v1/evaluate");
		evaluate.click();
		assertThat(this.page.locator(".opblock-body").first()).containsText("backend-from-frontend");
		screenshot("api-docs");
	}

}
