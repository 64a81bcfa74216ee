package dev.portcullis;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that run the whole application on a random port against {@link TestDatabase}, with a
 * {@code WebTestClient}. Properties come from {@code @DynamicPropertySource} so that they are in the
 * environment before auto-configuration decides whether to start the embedded database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "portcullis.embedded-db.enabled=false")
@AutoConfigureWebTestClient
public abstract class IntegrationTest {

	@org.springframework.beans.factory.annotation.Autowired
	private org.springframework.test.web.reactive.server.WebTestClient anonymousClient;

	/**
	 * A client that calls the app as a user with this role (HTTP Basic; the user is created on first use).
	 * Until the identity feature exists it is the plain client.
	 */
	protected org.springframework.test.web.reactive.server.WebTestClient as(dev.portcullis.identity.Role role) {
		return this.anonymousClient;
	}

	/** The username {@link #as} signs in with for this role. */
	protected String username(dev.portcullis.identity.Role role) {
		return "test-" + role.name().toLowerCase(java.util.Locale.ROOT);
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
	}

}
