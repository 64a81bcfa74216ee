package dev.portcullis.identity;

import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change of credentials ends sessions (docs/adr/010): a user's own password change ends their other sessions and
 * keeps the one that made it; an administrator's password reset, role change or disabling ends all of them. And no
 * secret (a new API token, a generated password) is ever kept in a session.
 */
class SessionEndingIntegrationTests extends IntegrationTest {

	@Autowired
	SignInThrottle throttle;

	@Autowired
	WebSessionManager sessionManager;

	@BeforeEach
	@AfterEach
	void forgetFailures() {
		this.throttle.reset();
	}

	@Test
	void ownPasswordChangeShouldEndTheUsersOtherSessionsAndKeepThisOne() {
		String username = "rotate-" + suffix();
		createUser(username, Role.AUTHOR);
		Session here = session(username, PASSWORD);
		Session elsewhere = session(username, PASSWORD);
		signedIn(here);
		signedIn(elsewhere);

		var changed = here.client().post().uri("/settings/password").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("currentPassword", PASSWORD).with("newPassword", "a brand new password")
				.with("confirmPassword", "a brand new password"))
			.exchange().expectStatus().isSeeOther()
			.expectBody().returnResult();

		// this session goes on, under a new id (as at every sign-in); the old id is gone
		String renewed = changed.getResponseCookies().getFirst(SESSION_COOKIE).getValue();
		assertThat(renewed).isNotEqualTo(here.sessionId());
		anonymous().get().uri("/").cookie(SESSION_COOKIE, renewed).exchange().expectStatus().isOk();
		signedOut(here);
		signedOut(elsewhere);
		assertThat(stored(elsewhere)).as("the ended session is gone from the store").isNull();
		// and it stays ended: signing in again with the old password does not work, with the new one it does
		signedOut(elsewhere);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
		signedIn(session(username, "a brand new password"));
	}

	@Test
	void administratorsPasswordResetShouldEndAllTheUsersSessions() {
		String username = "reset-" + suffix();
		createUser(username, Role.VIEWER);
		Session user = session(username, PASSWORD);
		Session admin = session(Role.ADMIN);
		String page = admin.client().post().uri("/admin/users/" + username + "/password").exchange()
			.expectStatus().isOk()
			.expectHeader().value("Cache-Control", (value) -> assertThat(value).contains("no-store"))
			.expectBody(String.class).returnResult().getResponseBody();
		String password = between(page, "id=\"new-password-value\">", "<");
		signedOut(user);
		assertNoSecretIn(admin, password);
		signedIn(admin);
		signedIn(session(username, password));
	}

	@Test
	void roleChangeAndDisablingShouldEndAllTheUsersSessions() {
		String username = "demote-" + suffix();
		createUser(username, Role.AUTHOR);
		Session first = session(username, PASSWORD);
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("role", "VIEWER")).exchange().expectStatus().isOk();
		signedOut(first);

		Session second = session(username, PASSWORD);
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("displayName", "Only A New Name")).exchange().expectStatus().isOk();
		assertThat(signedIn(second)).as("a new display name does not end a session").contains("Only A New Name");
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", false)).exchange().expectStatus().isOk();
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", true)).exchange().expectStatus().isOk();
		signedOut(second);
		signedIn(session(username, PASSWORD));
	}

	@Test
	void aNewApiTokenShouldBeShownInTheAnswerOnlyAndNeverKeptInTheSession() {
		Session session = session(Role.VIEWER);
		String page = session.client().post().uri("/settings/tokens").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("name", "shown once").with("expires", "30"))
			.exchange()
			.expectStatus().isOk()
			.expectHeader().value("Cache-Control", (value) -> assertThat(value).contains("no-store"))
			.expectBody(String.class).returnResult().getResponseBody();
		String token = between(page, "id=\"new-token-value\">", "<");
		assertThat(token).startsWith("pcl_").hasSize(47);
		assertNoSecretIn(session, token);
		assertThat(session.client().get().uri("/settings/tokens").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody()).doesNotContain(token).contains("shown once");
	}

	@Test
	void aGeneratedPasswordForANewUserShouldBeShownInTheAnswerOnlyAndNeverKeptInTheSession() {
		Session admin = session(Role.ADMIN);
		String username = "fresh-" + suffix();
		String page = admin.client().post().uri("/admin/users").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", username).with("role", "VIEWER"))
			.exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		String password = between(page, "id=\"new-password-value\">", "<");
		assertNoSecretIn(admin, password);
		as(username, password).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
	}

	private String signedIn(Session session) {
		return session.client().get().uri("/").exchange().expectStatus().isOk().expectBody(String.class).returnResult()
			.getResponseBody();
	}

	private void signedOut(Session session) {
		session.client().get().uri("/").exchange().expectStatus().isFound().expectHeader().location("/login");
	}

	private WebSession stored(Session session) {
		return ((DefaultWebSessionManager) this.sessionManager).getSessionStore()
			.retrieveSession(session.sessionId())
			.block();
	}

	/** Nothing in the session's attributes shows {@code secret}, however it is printed. */
	private void assertNoSecretIn(Session session, String secret) {
		WebSession stored = stored(session);
		assertThat(stored).isNotNull();
		stored.getAttributes().forEach((name, value) -> assertThat(String.valueOf(value)).as(name)
			.doesNotContain(secret));
	}

	private static String between(String text, String start, String end) {
		int from = text.indexOf(start);
		assertThat(from).as(start + " in the page").isNotNegative();
		from += start.length();
		return text.substring(from, text.indexOf(end, from));
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
