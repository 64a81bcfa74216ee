package dev.portcullis.identity;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Sign in, see who you are, create an API token (shown once), sign out; an admin browses users and audit. */
class IdentityBrowserIntegrationTests extends BrowserTest {

	@Autowired
	SignInThrottle throttle;

	@Test
	void userShouldSignInCreateATokenSeeItOnceAndSignOut() {
		this.throttle.reset();
		open("/");
		assertThat(this.page).hasTitle("Sign in · Portcullis");
		assertThat(this.page.locator("#nav")).hasCount(0);
		screenshot("identity-sign-in");

		this.page.getByLabel("Username").fill(username(Role.AUTHOR));
		this.page.getByLabel("Password").fill("not the password");
		createUser(username(Role.AUTHOR), Role.AUTHOR);
		button("Sign in").click();
		assertThat(this.page.locator("#signin-error")).hasText("Wrong username or password.");

		signIn(Role.AUTHOR);
		assertThat(this.page).hasTitle("Dashboard · Portcullis");
		assertThat(this.page.locator("#current-user")).containsText("Test author");
		assertThat(this.page.locator("#current-user .badge-role")).hasText("author");
		assertThat(this.page.locator("#nav").getByText("Users")).hasCount(0);
		assertThat(this.page.locator("meta[name=_csrf]")).hasCount(1);

		this.page.locator("#nav").getByText("API tokens").click();
		assertThat(this.page).hasTitle("API tokens · Portcullis");
		this.page.getByLabel("Name").fill("browser pipeline");
		this.page.getByLabel("Expires").selectOption("30");
		button("Create token").click();
		Locator secret = this.page.locator("#new-token-value");
		assertThat(secret).containsText("pcl_");
		String token = secret.textContent().trim();
		assertThat(token).hasSize(47);
		assertThat(this.page.locator("#tokens")).containsText("browser pipeline");
		screenshot("identity-token-created");

		// the token was in the answer to the form only: the page shows it no more
		open("/settings/tokens");
		assertThat(this.page.locator("#new-token")).hasCount(0);
		assertThat(this.page.content()).doesNotContain(token);
		assertThat(this.page.locator("#tokens")).containsText(token.substring(0, 10) + "…");

		this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke browser pipeline")).first()
			.click();
		assertThat(this.page.locator("#tokens")).containsText("revoked");

		button("Sign out").click();
		assertThat(this.page).hasTitle("Sign in · Portcullis");
		assertThat(this.page.getByText("You are signed out.")).isVisible();
		open("/settings/tokens");
		assertThat(this.page).hasTitle("Sign in · Portcullis");
	}

	@Test
	void adminShouldSeeUsersAndTheAuditLogOfTheirOwnSignIn() {
		this.throttle.reset();
		signIn(Role.ADMIN);
		this.page.locator("#nav").getByText("Users").click();
		assertThat(this.page).hasTitle("Users · Portcullis");
		assertThat(this.page.locator("#users tbody tr").first()).isVisible();
		assertThat(this.page.getByLabel("Username")).isVisible();
		screenshot("identity-users");

		this.page.locator("#nav").getByText("Audit").click();
		assertThat(this.page).hasTitle("Audit · Portcullis");
		this.page.getByLabel("Actor").fill(username(Role.ADMIN));
		this.page.getByLabel("Action").fill("auth.signin");
		button("Filter").click();
		assertThat(this.page).hasURL(java.util.regex.Pattern.compile(".*actor=test-admin.*"));
		assertThat(this.page.locator("#audit-table tbody tr").first()).containsText("auth.signin");
		assertThat(this.page.locator("#audit-table tbody tr").first()).containsText("form");
		screenshot("identity-audit");
	}

	@Test
	void pageScriptsShouldCallTheApiWithTheSessionOnlyWhenTheySendTheCsrfHeader() {
		this.throttle.reset();
		signIn(Role.VIEWER);
		open("/api/docs");
		String script = """
				async (withCsrf) => {
				  const headers = {'Content-Type': 'application/json'};
				  if (withCsrf) {
				    headers[document.querySelector('meta[name=_csrf_header]').content] =
				        document.querySelector('meta[name=_csrf]').content;
				  }
				  const response = await fetch('/api/v1/tokens', {method: 'POST', headers,
				      body: JSON.stringify({name: 'from the page'})});
				  return response.status;
				}""";
		expectFailedResponse(403, "/api/v1/tokens");
		assertThat(this.page.evaluate(script, false)).isEqualTo(403);
		assertThat(this.page.evaluate(script, true)).isEqualTo(201);
		assertThat(this.page.evaluate("async () => (await fetch('/api/v1/tokens')).status")).isEqualTo(200);
	}

	private Locator button(String name) {
		return this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
	}

}
