package dev.portcullis;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.identity.Role;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of tests that run the whole application on a random port against {@link TestDatabase}, with a
 * {@code WebTestClient}. Properties come from {@code @DynamicPropertySource} so that they are in the
 * environment before auto-configuration decides whether to start the embedded database.
 * <p>
 * {@link #as(Role)} calls the app as a user with that role; {@link #anonymous()} as nobody.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "portcullis.embedded-db.enabled=false", "portcullis.flows.sources.enabled=false",
				"portcullis.webhooks.deliver=false", "portcullis.publish.worker=false",
				"portcullis.publish.git.allow-file-urls=true", "portcullis.public-url=https://portcullis.example.test/" })
@AutoConfigureWebTestClient
@org.springframework.context.annotation.Import(InFlightRequests.class)
public abstract class IntegrationTest {

	/** The password of every user {@link #as} and {@link #createUser} create. */
	protected static final String PASSWORD = "test password 0f the suite";

	/** Roles whose test user this JVM has written (the database outlives the JVM; the hash is rewritten once). */
	private static final Set<String> ensured = ConcurrentHashMap.newKeySet();

	private WebTestClient anonymousClient;

	@Autowired
	void client(WebTestClient client) {
		// password hashing (Argon2) is slow on purpose; give a busy build machine room
		// the app's codec limit (256 KiB for request bodies) applies to this client too; its responses may be larger
		this.anonymousClient = client.mutate().responseTimeout(java.time.Duration.ofSeconds(30))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
			.build();
	}

	@Autowired
	private DatabaseClient database;

	@Autowired
	private PasswordEncoder passwordEncoder;

	/** A client that calls the app as a user with this role (HTTP Basic; the user is created on first use). */
	protected WebTestClient as(Role role) {
		String username = username(role);
		createUser(username, role);
		return as(username, PASSWORD);
	}

	/** A client that sends these credentials with HTTP Basic. */
	protected WebTestClient as(String username, String password) {
		return this.anonymousClient.mutate()
			.defaultHeaders((headers) -> headers.setBasicAuth(username, password))
			.build();
	}

	/**
	 * A signed-in browser session: {@code client} sends the session cookie and the CSRF header, as a page's
	 * htmx requests do; {@code cookieOnly} sends just the cookie, as a forged cross-site form would.
	 */
	protected record Session(WebTestClient client, WebTestClient cookieOnly, String sessionId, String csrfToken) {
	}

	/** Signs in through the sign-in form as a user with this role (created on first use). */
	protected Session session(Role role) {
		createUser(username(role), role);
		return session(username(role), PASSWORD);
	}

	/** Signs in through the sign-in form; fails the test when the sign-in is refused. */
	protected Session session(String username, String password) {
		var login = this.anonymousClient.get().uri("/login").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult();
		// the sign-in page keeps its CSRF token in a cookie, not in a session
		var pageCookies = new org.springframework.util.LinkedMultiValueMap<String, String>();
		login.getResponseCookies().forEach((name, values) -> values.forEach((c) -> pageCookies.add(name, c.getValue())));
		String formToken = field(login.getResponseBody(), "name=\"_csrf\" value=\"");
		var signIn = this.anonymousClient.post().uri("/login").cookies((cookies) -> cookies.addAll(pageCookies))
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("username=" + encode(username) + "&password=" + encode(password) + "&_csrf=" + encode(formToken))
			.exchange().expectStatus().isFound()
			.expectHeader().location("/")
			.expectBody().returnResult();
		String sessionId = signIn.getResponseCookies().getFirst(SESSION_COOKIE).getValue();
		String page = this.anonymousClient.get().uri("/").cookie(SESSION_COOKIE, sessionId).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		String csrf = field(page, "<meta name=\"_csrf\" content=\"");
		String header = field(page, "<meta name=\"_csrf_header\" content=\"");
		WebTestClient cookieOnly = this.anonymousClient.mutate().defaultCookie(SESSION_COOKIE, sessionId).build();
		return new Session(cookieOnly.mutate().defaultHeader(header, csrf).build(), cookieOnly, sessionId, csrf);
	}

	/** The name of the session cookie. */
	protected static final String SESSION_COOKIE = "SESSION";

	private static String field(String html, String prefix) {
		int start = html.indexOf(prefix);
		if (start < 0) {
			throw new AssertionError("no " + prefix + " in the page");
		}
		start += prefix.length();
		return html.substring(start, html.indexOf('"', start));
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

	/** A client without credentials. */
	protected WebTestClient anonymous() {
		return this.anonymousClient;
	}

	/** The username {@link #as} signs in with for this role. */
	protected String username(Role role) {
		return "test-" + role.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Makes sure a user exists with this role, enabled, with {@link #PASSWORD}; the database is shared by all
	 * test classes (and runs), so existing users are updated rather than duplicated.
	 */
	protected void createUser(String username, Role role) {
		if (!ensured.add(username.toLowerCase(Locale.ROOT) + "/" + role)) {
			return;
		}
		this.database.sql("INSERT INTO app_user (username, display_name, password_hash, role) "
				+ "VALUES (:username, :displayName, :hash, :role) ON CONFLICT ((lower(username))) DO UPDATE "
				+ "SET role = EXCLUDED.role, enabled = true, password_hash = EXCLUDED.password_hash")
			.bind("username", username)
			.bind("displayName", "Test " + role.name().toLowerCase(Locale.ROOT))
			.bind("hash", this.passwordEncoder.encode(PASSWORD))
			.bind("role", role.name())
			.then()
			.block();
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		// a generated administrator password (fresh database) goes to a temporary file, never to ~/.portcullis
		registry.add("portcullis.admin.password-file", () -> java.nio.file.Path
			.of(System.getProperty("java.io.tmpdir"), "portcullis-test-" + ProcessHandle.current().pid(),
					"initial-admin-password")
			.toString());
		// the Git adapter's clones too (one directory per JVM: two apps in one test share it, as instances on one host)
		registry.add("portcullis.publish.git.work-directory", () -> java.nio.file.Path
			.of(System.getProperty("java.io.tmpdir"), "portcullis-test-" + ProcessHandle.current().pid(), "git-cache")
			.toString());
	}

}
