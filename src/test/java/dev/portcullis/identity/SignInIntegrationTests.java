package dev.portcullis.identity;

import java.util.List;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in form, sign-out, the session cookie, CSRF and the throttling of failed sign-ins. */
class SignInIntegrationTests extends IntegrationTest {

	@Autowired
	DatabaseClient db;

	/** The cookie that holds the CSRF token before sign-in. */
	static final String CSRF_COOKIE = "XSRF-TOKEN";

	@Autowired
	SignInThrottle throttle;

	@Autowired
	org.springframework.web.server.session.WebSessionManager sessionManager;

	@BeforeEach
	@AfterEach
	void forgetFailures() {
		// every request of the suite comes from 127.0.0.1: never leave it locked for the next test
		this.throttle.reset();
	}

	@Test
	void anonymousPageRequestShouldBeSentToTheSignInPage() {
		anonymous().get().uri("/").exchange().expectStatus().isFound().expectHeader().location("/login");
		String html = anonymous().get().uri("/login").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("<h1>Sign in</h1>", "name=\"_csrf\"", "autocomplete=\"current-password\"")
			.doesNotContain("id=\"nav\"", "/status/database", "Sign out");
	}

	@Test
	void anonymousHtmxRequestShouldBeToldToRedirectToTheSignInPage() {
		anonymous().get().uri("/status/database").header("HX-Request", "true").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals("HX-Redirect", "/login");
	}

	@Test
	void signInShouldStartASessionWithSafeCookieFlagsAndShowTheUserInTheTopBar() {
		String username = "signin-" + suffix();
		createUser(username, Role.AUTHOR);
		Session session = session(username, PASSWORD);
		String html = session.client().get().uri("/").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("id=\"current-user\"", ">author</span>", "Sign out", "<meta name=\"_csrf\"",
				"href=\"/settings/tokens\"").doesNotContain("href=\"/admin/users\"");
		assertThat(audit("auth.signin", "user/" + username)).contains("SUCCESS");
	}

	@Test
	void sessionCookieShouldBeHttpOnlyAndSameSiteLax() {
		// the sign-in page holds its CSRF token in a cookie with the same flags, and starts no session
		EntityExchangeResult<byte[]> login = anonymous().get().uri("/login").exchange().expectBody().returnResult();
		assertThat(login.getResponseCookies().getFirst(SESSION_COOKIE)).isNull();
		ResponseCookie csrf = login.getResponseCookies().getFirst(CSRF_COOKIE);
		assertThat(csrf).isNotNull();
		assertThat(csrf.isHttpOnly()).isTrue();
		assertThat(csrf.getSameSite()).isEqualTo("Lax");
		String username = "cookie-" + suffix();
		createUser(username, Role.VIEWER);
		EntityExchangeResult<Void> signIn = postLogin(username, PASSWORD).expectStatus().isFound()
			.expectBody().isEmpty();
		ResponseCookie cookie = signIn.getResponseCookies().getFirst(SESSION_COOKIE);
		assertThat(cookie).isNotNull();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(cookie.getPath()).isEqualTo("/");
		// signing in with a session id planted beforehand gives a new one (no session fixation)
		String planted = UUID.randomUUID().toString();
		EntityExchangeResult<byte[]> again = anonymous().get().uri("/login").exchange().expectBody().returnResult();
		String given = anonymous().post().uri("/login").cookie(SESSION_COOKIE, planted)
			.cookie(CSRF_COOKIE, again.getResponseCookies().getFirst(CSRF_COOKIE).getValue())
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(org.springframework.web.reactive.function.BodyInserters.fromFormData("username", username)
				.with("password", PASSWORD)
				.with("_csrf", formToken(new String(again.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8))))
			.exchange().expectStatus().isFound().expectBody().returnResult()
			.getResponseCookies().getFirst(SESSION_COOKIE).getValue();
		assertThat(given).isNotEqualTo(planted);
	}

	@Test
	void sessionsShouldExpireAfterThirtyIdleMinutes() {
		org.springframework.web.server.session.DefaultWebSessionManager sessions =
				(org.springframework.web.server.session.DefaultWebSessionManager) this.sessionManager;
		assertThat(sessions.getSessionStore().createWebSession().block().getMaxIdleTime())
			.isEqualTo(java.time.Duration.ofMinutes(30));
	}

	@Test
	void wrongPasswordShouldComeBackWithAnInlineErrorAndBeAudited() {
		String username = "wrong-" + suffix();
		createUser(username, Role.VIEWER);
		postLogin(username, "not the password").expectStatus().isFound().expectHeader().location("/login?error");
		String html = anonymous().get().uri("/login?error").exchange().expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(html).contains("id=\"signin-error\"", "Wrong username or password.");
		assertThat(audit("auth.signin", "user/" + username)).containsExactly("FAILURE");
	}

	@Test
	void unknownUserShouldGetTheSameAnswerAsAWrongPassword() {
		postLogin("nobody-" + suffix(), "whatever password").expectStatus().isFound()
			.expectHeader().location("/login?error");
	}

	@Test
	void fiveFailuresShouldLockTheUsernameEvenForTheRightPassword() {
		String username = "locked-" + suffix();
		createUser(username, Role.VIEWER);
		for (int i = 0; i < 5; i++) {
			postLogin(username, "wrong password " + i).expectHeader().location("/login?error");
		}
		postLogin(username, PASSWORD).expectStatus().isFound().expectHeader().location("/login?locked");
		assertThat(anonymous().get().uri("/login?locked").exchange().expectBody(String.class).returnResult()
			.getResponseBody()).contains("Too many failed sign-ins");
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/too-many-sign-in-failures");
		assertThat(audit("auth.signin", "user/" + username)).containsExactly("FAILURE", "FAILURE", "FAILURE",
				"FAILURE", "FAILURE", "FAILURE", "FAILURE");
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE target = :t AND details->>'reason' = 'throttled'")
			.bind("t", "user/" + username).map((row) -> row.get("n", Long.class)).one().block()).isEqualTo(2L);
	}

	@Test
	void manyFailuresFromOneAddressShouldLockItForEveryUsername() {
		for (int i = 0; i < 20; i++) {
			postLogin("spray-" + i + "-" + suffix(), "guess").expectHeader().location("/login?error");
		}
		createUser(username(Role.VIEWER), Role.VIEWER);
		postLogin(username(Role.VIEWER), PASSWORD).expectHeader().location("/login?locked");
		as(Role.VIEWER).get().uri("/api/v1/tokens").exchange().expectStatus().isEqualTo(429);
	}

	@Test
	void basicFailuresShouldCountTowardsTheLockToo() {
		String username = "basic-" + suffix();
		createUser(username, Role.VIEWER);
		for (int i = 0; i < 5; i++) {
			as(username, "wrong " + i).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
		}
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isEqualTo(429);
	}

	@Test
	void disabledUserShouldNotSignIn() {
		String username = "disabled-" + suffix();
		createUser(username, Role.VIEWER);
		this.db.sql("UPDATE app_user SET enabled = false WHERE username = :u").bind("u", username).then().block();
		postLogin(username, PASSWORD).expectHeader().location("/login?disabled");
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void disablingAUserShouldEndTheirSessionAtTheNextRequest() {
		String username = "ended-" + suffix();
		createUser(username, Role.AUTHOR);
		Session session = session(username, PASSWORD);
		session.client().get().uri("/").exchange().expectStatus().isOk();
		this.db.sql("UPDATE app_user SET enabled = false WHERE username = :u").bind("u", username).then().block();
		session.client().get().uri("/").exchange().expectStatus().isFound().expectHeader().location("/login");
	}

	@Test
	void aNewRoleShouldEndTheOpenSessionAndApplyAtTheNextSignIn() {
		String username = "promoted-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		session.client().get().uri("/admin/users").exchange().expectStatus().isForbidden();
		this.db.sql("UPDATE app_user SET role = 'ADMIN' WHERE username = :u").bind("u", username).then().block();
		// a role change ends the user's sessions (docs/adr/010), whoever changes it
		session.client().get().uri("/admin/users").exchange().expectStatus().isFound().expectHeader().location("/login");
		session(username, PASSWORD).client().get().uri("/admin/users").exchange().expectStatus().isOk();
	}

	@Test
	void signOutShouldEndTheSessionAndBeAudited() {
		String username = "signout-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		session.client().post().uri("/logout").exchange().expectStatus().isFound()
			.expectHeader().location("/login?signedout");
		session.client().get().uri("/").exchange().expectStatus().isFound().expectHeader().location("/login");
		assertThat(audit("auth.signout", "user/" + username)).containsExactly("SUCCESS");
		assertThat(anonymous().get().uri("/login?signedout").exchange().expectBody(String.class).returnResult()
			.getResponseBody()).contains("You are signed out.");
	}

	@Test
	void pagePostWithoutCsrfTokenShouldBeRefusedAndAudited() {
		String username = "csrf-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		String html = session.cookieOnly().post().uri("/settings/tokens").accept(MediaType.TEXT_HTML)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=forged&expires=30").exchange()
			.expectStatus().isForbidden()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(html).contains("You may not do that");
		session.cookieOnly().post().uri("/logout").exchange().expectStatus().isForbidden();
		// the session survived the forged sign-out, and nothing was created
		session.client().get().uri("/").exchange().expectStatus().isOk();
		assertThat(this.db.sql("SELECT count(*) AS n FROM api_token t JOIN app_user u ON u.id = t.user_id "
				+ "WHERE u.username = :u").bind("u", username).map((row) -> row.get("n", Long.class)).one().block())
			.isZero();
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND actor = :u "
				+ "AND details->>'reason' = 'csrf'").bind("u", username).map((row) -> row.get("n", Long.class)).one()
			.block()).isEqualTo(2L);
	}

	@Test
	void htmxPostWithoutCsrfHeaderShouldBeRefusedAndWithItAccepted() {
		Session session = session(Role.VIEWER);
		session.cookieOnly().post().uri("/settings/tokens").header("HX-Request", "true")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=htmx&expires=30").exchange()
			.expectStatus().isForbidden();
		session.cookieOnly().post().uri("/settings/tokens").header("HX-Request", "true").header("X-CSRF-TOKEN", "forged")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=htmx&expires=30").exchange()
			.expectStatus().isForbidden();
		// an Authorization header that does not authenticate the request does not exempt it
		session.cookieOnly().post().uri("/settings/tokens").header("HX-Request", "true")
			.header("Authorization", "Bearer pcl_not-on-pages")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=htmx&expires=30").exchange()
			.expectStatus().isForbidden();
		session.client().post().uri("/settings/tokens").header("HX-Request", "true")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=htmx&expires=30").exchange()
			.expectStatus().isOk();
	}

	@Test
	void staticAssetsHealthAndSignInPageShouldBeOpen() {
		anonymous().get().uri("/assets/app.css").exchange().expectStatus().isOk();
		anonymous().get().uri("/assets/favicon.svg").exchange().expectStatus().isOk();
		anonymous().get().uri("/actuator/health").exchange().expectStatus().isOk();
		anonymous().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
		anonymous().get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
		anonymous().get().uri("/api/docs").exchange().expectStatus().isFound();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec postLogin(String username,
			String password) {
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectBody(String.class)
			.returnResult();
		String cookie = login.getResponseCookies().getFirst(CSRF_COOKIE).getValue();
		String html = login.getResponseBody();
		int start = html.indexOf("name=\"_csrf\" value=\"") + "name=\"_csrf\" value=\"".length();
		String token = html.substring(start, html.indexOf('"', start));
		return anonymous().post().uri("/login").cookie(CSRF_COOKIE, cookie)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(org.springframework.web.reactive.function.BodyInserters.fromFormData("username", username)
				.with("password", password)
				.with("_csrf", token))
			.exchange();
	}

	private static String formToken(String html) {
		int start = html.indexOf("name=\"_csrf\" value=\"") + "name=\"_csrf\" value=\"".length();
		return html.substring(start, html.indexOf('"', start));
	}

	private List<String> audit(String action, String target) {
		return this.db.sql("SELECT outcome FROM audit_event WHERE action = :a AND target = :t ORDER BY id")
			.bind("a", action)
			.bind("t", target)
			.map((row) -> row.get("outcome", String.class))
			.all()
			.collectList()
			.block();
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
