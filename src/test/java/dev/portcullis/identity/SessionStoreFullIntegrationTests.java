package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session store holding {@code max-sessions} (here 3) live sessions: a new sign-in (form or OpenID Connect) is
 * refused clearly and audited, never a 500 and never half signed in; stateless requests and signed-in users go
 * on; a freed slot, or an expired session, makes room again. The OIDC provider is fictitious: its round trip
 * ends at the redirect.
 */
@TestPropertySource(properties = { "server.reactive.session.max-sessions=3",
		"spring.security.oauth2.client.registration.corp.client-id=portcullis",
		"spring.security.oauth2.client.registration.corp.client-secret=secret",
		"spring.security.oauth2.client.registration.corp.client-name=Corp SSO",
		"spring.security.oauth2.client.registration.corp.scope=openid,profile",
		"spring.security.oauth2.client.registration.corp.authorization-grant-type=authorization_code",
		"spring.security.oauth2.client.registration.corp.redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
		"spring.security.oauth2.client.provider.corp.authorization-uri=https://idp.example.com/authorize",
		"spring.security.oauth2.client.provider.corp.token-uri=https://idp.example.com/token",
		"spring.security.oauth2.client.provider.corp.jwk-set-uri=https://idp.example.com/jwks" })
class SessionStoreFullIntegrationTests extends IntegrationTest {

	static final String FULL = "Too many people are signed in right now";

	@Autowired
	WebSessionManager sessionManager;

	@Autowired
	DatabaseClient db;

	@Autowired
	SignInThrottle throttle;

	@BeforeEach
	@AfterEach
	void emptyTheStore() {
		InMemoryWebSessionStore store = store();
		List.copyOf(store.getSessions().keySet()).forEach((id) -> store.removeSession(id).block());
		this.throttle.reset();
	}

	@Test
	void aFormSignInThatFindsTheStoreFullShouldBeRefusedClearlyAndAudited() {
		Session first = session(Role.VIEWER);
		session(Role.VIEWER);
		session(Role.VIEWER);
		assertThat(store().getSessions()).hasSize(3);

		String username = "full-" + UUID.randomUUID().toString().substring(0, 8);
		createUser(username, Role.VIEWER);
		EntityExchangeResult<byte[]> refused = postLogin(username).expectStatus().isFound()
			.expectHeader().location("/login?full")
			.expectBody().returnResult();
		// nothing half done: no session cookie, no session in the store
		assertThat(refused.getResponseCookies().getFirst(SESSION_COOKIE)).isNull();
		assertThat(store().getSessions()).hasSize(3);
		assertThat(anonymous().get().uri("/login?full").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody()).contains(FULL);
		assertThat(signInAudit(username)).containsExactly(Map.of("outcome", "FAILURE", "reason", "session store full"));

		// stateless requests and signed-in users are not affected
		as(Role.VIEWER).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		as(Role.VIEWER).get().uri("/").exchange().expectStatus().isOk();
		first.client().get().uri("/").exchange().expectStatus().isOk();
		assertThat(store().getSessions()).hasSize(3);

		// a sign-out frees a slot
		first.client().post().uri("/logout").exchange().expectStatus().isFound()
			.expectHeader().location("/login?signedout");
		Session again = session(username, PASSWORD);
		again.client().get().uri("/").exchange().expectStatus().isOk();
		assertThat(signInAudit(username)).containsExactly(Map.of("outcome", "FAILURE", "reason", "session store full"),
				Map.of("outcome", "SUCCESS", "reason", ""));
	}

	@Test
	void anOidcSignInThatFindsTheStoreFullShouldBeRefusedClearlyAndAudited() {
		Session first = session(Role.VIEWER);
		session(Role.VIEWER);
		session(Role.VIEWER);
		long before = oidcRefusals();

		anonymous().get().uri("/oauth2/authorization/corp").exchange()
			.expectStatus().isFound()
			.expectHeader().location("/login?full")
			.expectCookie().doesNotExist(SESSION_COOKIE);
		assertThat(store().getSessions()).hasSize(3);
		assertThat(oidcRefusals()).isEqualTo(before + 1);

		first.client().post().uri("/logout").exchange().expectStatus().isFound();
		String location = anonymous().get().uri("/oauth2/authorization/corp").exchange()
			.expectStatus().isFound()
			.expectCookie().exists(SESSION_COOKIE)
			.expectBody().returnResult().getResponseHeaders().getLocation().toString();
		assertThat(location).startsWith("https://idp.example.com/authorize?");
	}

	@Test
	void expiredSessionsShouldBePurgedBeforeTheStoreCountsAsFull() {
		InMemoryWebSessionStore store = store();
		Clock original = store.getClock();
		Session idle = session(Role.VIEWER);
		session(Role.VIEWER);
		session(Role.VIEWER);
		WebSession idleSession = store.getSessions().get(idle.sessionId());
		try {
			// 20 minutes on: nothing has expired yet, and the store's own lazy sweep ran just now (setClock)
			store.setClock(Clock.fixed(idleSession.getLastAccessTime().plus(Duration.ofMinutes(20)), ZoneOffset.UTC));
			assertThat(store.getSessions()).hasSize(3);
			// one session had a shorter idle time: it is expired, but still counted until someone sweeps
			idleSession.setMaxIdleTime(Duration.ofMinutes(10));
			assertThat(idleSession.isExpired()).isTrue();
			assertThat(store.getSessions()).hasSize(3);

			Session newcomer = session(Role.AUTHOR);
			newcomer.client().get().uri("/").exchange().expectStatus().isOk();
			assertThat(store.getSessions()).hasSize(3).doesNotContainKey(idle.sessionId());
		}
		finally {
			store.setClock(original);
		}
	}

	@Test
	void signOutsShouldLeaveNothingBehindInTheStore() {
		// a signed-in user's, then anonymous ones (the sign-in page's cookie token passes CSRF)
		Session first = session(Role.VIEWER);
		first.client().post().uri("/logout").exchange().expectStatus().isFound();
		for (int i = 0; i < 5; i++) {
			EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectBody(String.class)
				.returnResult();
			String cookie = login.getResponseCookies().getFirst(SignInIntegrationTests.CSRF_COOKIE).getValue();
			String html = login.getResponseBody();
			int start = html.indexOf("name=\"_csrf\" value=\"") + "name=\"_csrf\" value=\"".length();
			anonymous().post().uri("/logout").cookie(SignInIntegrationTests.CSRF_COOKIE, cookie)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("_csrf", html.substring(start, html.indexOf('"', start))))
				.exchange();
		}
		// no ended session put back (under a new id) by the sign-out's clearing of the CSRF token
		assertThat(store().getSessions()).isEmpty();
	}

	private WebTestClient.ResponseSpec postLogin(String username) {
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectBody(String.class)
			.returnResult();
		String cookie = login.getResponseCookies().getFirst(SignInIntegrationTests.CSRF_COOKIE).getValue();
		String html = login.getResponseBody();
		int start = html.indexOf("name=\"_csrf\" value=\"") + "name=\"_csrf\" value=\"".length();
		String token = html.substring(start, html.indexOf('"', start));
		return anonymous().post().uri("/login").cookie(SignInIntegrationTests.CSRF_COOKIE, cookie)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", username).with("password", PASSWORD).with("_csrf", token))
			.exchange();
	}

	private List<Map<String, String>> signInAudit(String username) {
		return this.db.sql("SELECT outcome, coalesce(details->>'reason', '') AS reason FROM audit_event "
				+ "WHERE action = 'auth.signin' AND target = :t ORDER BY id")
			.bind("t", "user/" + username)
			.map((row) -> Map.of("outcome", row.get("outcome", String.class), "reason", row.get("reason", String.class)))
			.all()
			.collectList()
			.block();
	}

	private long oidcRefusals() {
		return this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.signin' AND outcome = 'FAILURE' "
				+ "AND details->>'method' = 'oidc' AND details->>'reason' = 'session store full' AND target = 'oidc/corp'")
			.map((row) -> row.get("n", Long.class))
			.one()
			.block();
	}

	private InMemoryWebSessionStore store() {
		return ((WebSessions.PollAwareSessionManager) this.sessionManager).store();
	}

}
