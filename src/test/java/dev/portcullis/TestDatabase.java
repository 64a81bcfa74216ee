package dev.portcullis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The PostgreSQL every data test runs on, one per JVM: {@code TEST_DATABASE_URL}
 * ({@code postgresql://user:password@host:port/database}, set by {@code .ci/run} to the machine's server)
 * when set, else a Testcontainers PostgreSQL when Docker runs, else an embedded PostgreSQL in a temporary
 * directory. Never an in-memory imitation.
 */
public final class TestDatabase {

	/** Where and how to connect. */
	public record Connection(String host, int port, String database, String username, String password, String origin) {

		public String r2dbcUrl() {
			return "r2dbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
		}

		public String jdbcUrl() {
			return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
		}

	}

	private static Connection connection;

	private TestDatabase() {
	}

	public static synchronized Connection get() {
		if (connection == null) {
			connection = open();
		}
		return connection;
	}

	/** Points Spring's R2DBC and Flyway settings at the test database. */
	public static void register(DynamicPropertyRegistry registry) {
		Connection c = get();
		registry.add("spring.r2dbc.url", c::r2dbcUrl);
		registry.add("spring.r2dbc.username", c::username);
		registry.add("spring.r2dbc.password", c::password);
		registry.add("spring.flyway.url", c::jdbcUrl);
		registry.add("spring.flyway.user", c::username);
		registry.add("spring.flyway.password", c::password);
	}

	private static Connection open() {
		String url = System.getenv("TEST_DATABASE_URL");
		if (url != null && !url.isBlank()) {
			return fromUrl(url.trim());
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return new Connection(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
					container.getUsername(), container.getPassword(), "Testcontainers");
		}
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// the JVM is going away; nothing left to do
				}
			}));
			return new Connection("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", "embedded");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded PostgreSQL for the tests", ex);
		}
	}

	static Connection fromUrl(String url) {
		URI uri = URI.create(url.replaceFirst("^(jdbc:|r2dbc:)", ""));
		if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
			throw new IllegalArgumentException(
					"TEST_DATABASE_URL must look like postgresql://user:password@host:port/database");
		}
		String user = "postgres";
		String password = "";
		if (uri.getRawUserInfo() != null) {
			String[] parts = uri.getRawUserInfo().split(":", 2);
			user = decode(parts[0]);
			password = (parts.length > 1) ? decode(parts[1]) : "";
		}
		int port = (uri.getPort() > 0) ? uri.getPort() : 5432;
		String database = uri.getPath().replaceFirst("^/", "");
		return new Connection(uri.getHost(), port, database.isEmpty() ? "postgres" : database, user, password,
				"TEST_DATABASE_URL");
	}

	private static String decode(String s) {
		return URLDecoder.decode(s, StandardCharsets.UTF_8);
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
