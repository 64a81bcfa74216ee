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

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
	}

}
