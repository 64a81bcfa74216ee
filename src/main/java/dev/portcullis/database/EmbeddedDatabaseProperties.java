package dev.portcullis.database;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded PostgreSQL that Portcullis starts when no {@code spring.r2dbc.url} is set.
 *
 * @param enabled whether the embedded database may start at all ({@code portcullis.embedded-db.enabled}, default true)
 * @param dataDir where its data lives; kept across restarts ({@code portcullis.embedded-db.data-dir},
 *        default {@code ~/.portcullis/pgdata})
 * @param port TCP port on 127.0.0.1; 0 picks a free one ({@code portcullis.embedded-db.port}, default 0)
 */
@ConfigurationProperties("portcullis.embedded-db")
public record EmbeddedDatabaseProperties(@DefaultValue("true") boolean enabled, @Nullable Path dataDir,
		@DefaultValue("0") int port) {

	public EmbeddedDatabaseProperties {
		if (dataDir == null) {
			dataDir = Path.of(System.getProperty("user.home"), ".portcullis", "pgdata");
		}
	}

	/** The data directory, never null (the default applies when none is set). */
	@Override
	public Path dataDir() {
		return java.util.Objects.requireNonNull(this.dataDir);
	}

}
