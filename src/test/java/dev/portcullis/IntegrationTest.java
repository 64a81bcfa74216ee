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
		properties = "portcullis.embedded-db.enabled=false")
@AutoConfigureWebTestClient
public abstract class IntegrationTest {

	/** The password of every user {@link #as} and {@link #createUser} create. */
	protected static final String PASSWORD = "test password 0f the suite";

	/** Roles whose test user this JVM has written (the database outlives the JVM; the hash is rewritten once). */
	private static final Set<String> ensured = ConcurrentHashMap.newKeySet();

	@Autowired
	private WebTestClient anonymousClient;

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
	}

}
