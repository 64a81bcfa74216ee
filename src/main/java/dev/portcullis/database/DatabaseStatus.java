package dev.portcullis.database;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * What the footer and the dashboard say about the database: reachable or not, server version, the schema
 * version Flyway applied, and this installation's identity.
 */
@Component
public class DatabaseStatus {

	private static final Logger log = LoggerFactory.getLogger(DatabaseStatus.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final DatabaseClient db;

	/** Whether the last snapshot found the database up; a change is logged once, not at every poll. */
	private final AtomicBoolean wasUp = new AtomicBoolean(true);

	DatabaseStatus(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * A snapshot of the database's state.
	 *
	 * @param up whether a query answered within a few seconds
	 * @param serverVersion PostgreSQL's {@code server_version}, or null when down
	 * @param schemaVersion the newest successfully applied migration, or null when down or unmigrated
	 * @param installationId this installation's identity, or null when down
	 * @param installedAt when this installation first started, or null when down
	 */
	public record Snapshot(boolean up, @Nullable String serverVersion, @Nullable String schemaVersion,
			@Nullable UUID installationId, @Nullable Instant installedAt) {

		private static final java.time.format.DateTimeFormatter UTC_MINUTES = java.time.format.DateTimeFormatter
			.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
			.withZone(java.time.ZoneOffset.UTC);

		/** {@link #installedAt()} to the minute in UTC, or an empty string when unknown. */
		public String installedAtUtc() {
			return (this.installedAt != null) ? UTC_MINUTES.format(this.installedAt) : "";
		}

		static Snapshot down() {
			return new Snapshot(false, null, null, null, null);
		}

	}

	/** Reads the snapshot; never fails: an unreachable database gives {@link Snapshot#up()} false. */
	public Mono<Snapshot> snapshot() {
		Mono<String> server = this.db.sql("SELECT current_setting('server_version') AS v")
			.map((row) -> row.get("v", String.class))
			.one();
		Mono<String> schema = this.db
			.sql("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL "
					+ "ORDER BY installed_rank DESC LIMIT 1")
			.map((row) -> row.get("version", String.class))
			.one()
			.defaultIfEmpty("");
		Mono<Installation> installation = installation();
		return Mono.zip(server, schema, installation)
			.map((t) -> new Snapshot(true, t.getT1(), t.getT2().isEmpty() ? null : t.getT2(), t.getT3().id(),
					t.getT3().createdAt()))
			.timeout(TIMEOUT)
			.doOnNext((snapshot) -> {
				if (!this.wasUp.getAndSet(true)) {
					log.info("The database answers again");
				}
			})
			.onErrorResume((ex) -> {
				failed(ex);
				return Mono.just(Snapshot.down());
			});
	}

	/**
	 * Logs why the status query failed: at WARN when the database was up before, at DEBUG while it stays down. Only
	 * the exception's type and message are logged (no URL, no credentials: drivers do not put them in messages).
	 */
	private void failed(Throwable ex) {
		if (this.wasUp.getAndSet(false)) {
			log.warn("The database status query failed; the footer shows the database as down: {}: {}",
					ex.getClass().getName(), ex.getMessage());
		}
		else {
			log.debug("The database status query failed again: {}: {}", ex.getClass().getName(), ex.getMessage());
		}
	}

	private record Installation(UUID id, Instant createdAt) {
	}

	/** The installation row, written once by the first migration. */
	private Mono<Installation> installation() {
		return this.db.sql("SELECT id, created_at FROM installation")
			.map((row) -> new Installation(row.get("id", UUID.class),
					row.get("created_at", OffsetDateTime.class).toInstant()))
			.one();
	}

}
