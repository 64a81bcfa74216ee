package dev.portcullis.flow.sources;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import dev.portcullis.flow.sources.SourceRow.Cursor;
import dev.portcullis.flow.sources.SourceRow.Kind;
import dev.portcullis.flow.sources.SourceRow.Status;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

/**
 * The {@code flow_source} and {@code flow_file_position} tables: sources' settings, leases (claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so that one instance follows a source however many run), status and positions.
 * Every write a follower makes names its lease owner and changes nothing once the lease is someone else's.
 */
@Component
class FlowSources {

	private static final String COLUMNS = "s.*, w.name AS workspace";

	private final DatabaseClient db;

	FlowSources(DatabaseClient db) {
		this.db = db;
	}

	/** The workspace's sources, relay first. */
	Flux<SourceRow> of(String workspace) {
		return this.db.sql("SELECT " + COLUMNS + " FROM flow_source s JOIN workspace w ON w.id = s.workspace_id"
				+ " WHERE w.name = :name ORDER BY s.kind DESC")
			.bind("name", workspace)
			.map(FlowSources::row)
			.all();
	}

	Mono<SourceRow> byId(long id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM flow_source s JOIN workspace w ON w.id = s.workspace_id"
				+ " WHERE s.id = :id")
			.bind("id", id)
			.map(FlowSources::row)
			.one();
	}

	/** The settings a form or the API writes (the sealed key is written by {@link #sealKey}). */
	record Settings(Kind kind, boolean enabled, @Nullable String address, boolean tls, @Nullable String serverName,
			@Nullable String caPem, @Nullable String clientCertPem, @Nullable String directory,
			@Nullable String fileName) {
	}

	/**
	 * Creates or replaces the workspace's source of this kind; a replaced source keeps its status, cursor and
	 * positions, and its follower restarts with the new settings. Answers the source's id.
	 */
	Mono<Long> save(long workspaceId, Settings settings, String by) {
		GenericExecuteSpec spec = this.db.sql("INSERT INTO flow_source (workspace_id, kind, enabled, address, tls,"
				+ " server_name, ca_pem, client_cert_pem, directory, file_name, updated_by) VALUES (:ws, :kind, :enabled,"
				+ " :address, :tls, :serverName, :ca, :cert, :directory, :fileName, :by)"
				+ " ON CONFLICT (workspace_id, kind) DO UPDATE SET enabled = EXCLUDED.enabled, address = EXCLUDED.address,"
				+ " tls = EXCLUDED.tls, server_name = EXCLUDED.server_name, ca_pem = EXCLUDED.ca_pem,"
				+ " client_cert_pem = EXCLUDED.client_cert_pem, directory = EXCLUDED.directory,"
				+ " file_name = EXCLUDED.file_name, updated_by = EXCLUDED.updated_by, updated_at = clock_timestamp(),"
				+ " config_version = flow_source.config_version + 1 RETURNING id")
			.bind("ws", workspaceId)
			.bind("kind", settings.kind().column())
			.bind("enabled", settings.enabled())
			.bind("tls", settings.tls())
			.bind("by", by);
		spec = text(spec, "address", settings.address());
		spec = text(spec, "serverName", settings.serverName());
		spec = text(spec, "ca", settings.caPem());
		spec = text(spec, "cert", settings.clientCertPem());
		spec = text(spec, "directory", settings.directory());
		spec = text(spec, "fileName", settings.fileName());
		return spec.map((row) -> row.get("id", Long.class)).one();
	}

	/** Writes (or with null, removes) the sealed client key. */
	Mono<Long> sealKey(long id, byte @Nullable [] sealed) {
		GenericExecuteSpec spec = this.db.sql("UPDATE flow_source SET client_key_sealed = :key WHERE id = :id")
			.bind("id", id);
		spec = (sealed != null) ? spec.bind("key", java.nio.ByteBuffer.wrap(sealed)) : spec.bindNull("key", java.nio.ByteBuffer.class);
		return spec.fetch().rowsUpdated();
	}

	/** Removes the workspace's source of this kind (its positions go with it). */
	Mono<Long> delete(long workspaceId, Kind kind) {
		return this.db.sql("DELETE FROM flow_source WHERE workspace_id = :ws AND kind = :kind")
			.bind("ws", workspaceId)
			.bind("kind", kind.column())
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Renews this owner's leases of enabled sources: answers them. Its own rows are renewed even while one of its
	 * followers holds a row lock (an ingest transaction moving the resume cursor): the renewal waits for it, where a
	 * skip would look like a lost lease and stop a healthy follower, leaving the source free for another instance to
	 * claim. Runs before {@link #claimFree} (docs/adr/027).
	 */
	Flux<SourceRow> renew(String owner, Duration lease) {
		return this.db.sql("UPDATE flow_source s SET lease_until = clock_timestamp()"
				+ " + make_interval(secs => :secs) FROM workspace w WHERE w.id = s.workspace_id AND s.enabled"
				+ " AND s.lease_owner = :owner RETURNING " + COLUMNS)
			.bind("owner", owner)
			.bind("secs", seconds(lease))
			.map(FlowSources::row)
			.all();
	}

	/**
	 * Claims every enabled source that no live lease holds: answers those claimed. Free rows another instance is
	 * claiming at the same moment are skipped, not waited for.
	 */
	Flux<SourceRow> claimFree(String owner, Duration lease) {
		return this.db.sql("UPDATE flow_source s SET lease_owner = :owner, lease_until = clock_timestamp()"
				+ " + make_interval(secs => :secs) FROM workspace w WHERE w.id = s.workspace_id AND s.id IN"
				+ " (SELECT id FROM flow_source WHERE enabled AND (lease_owner IS NULL OR (lease_owner <> :owner"
				+ " AND lease_until < clock_timestamp())) FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS)
			.bind("owner", owner)
			.bind("secs", seconds(lease))
			.map(FlowSources::row)
			.all();
	}

	private static double seconds(Duration lease) {
		return (double) lease.toMillis() / 1000;
	}

	/** Gives up this owner's lease of a source (its follower stopped), marking it stopped. */
	Mono<Long> release(long id, String owner) {
		return this.db.sql("UPDATE flow_source SET lease_owner = NULL, lease_until = NULL, state = 'stopped',"
				+ " state_since = clock_timestamp(), next_attempt_at = NULL WHERE id = :id AND lease_owner = :owner")
			.bind("id", id)
			.bind("owner", owner)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Records the follower's state; an error (not null) is kept as the last error. Answers 0 when the lease is no
	 * longer this owner's.
	 */
	Mono<Long> state(long id, String owner, String state, @Nullable String error, @Nullable Instant nextAttempt) {
		GenericExecuteSpec spec = this.db.sql("UPDATE flow_source SET state_since = CASE WHEN state = :state THEN"
				+ " state_since ELSE clock_timestamp() END, state = :state, next_attempt_at = :next,"
				+ " last_error = COALESCE(:error, last_error), last_error_at = CASE WHEN :error IS NULL THEN last_error_at"
				+ " ELSE clock_timestamp() END WHERE id = :id AND lease_owner = :owner")
			.bind("id", id)
			.bind("owner", owner)
			.bind("state", state);
		spec = text(spec, "error", (error == null) ? null : abbreviate(error));
		spec = (nextAttempt != null) ? spec.bind("next", OffsetDateTime.ofInstant(nextAttempt, ZoneOffset.UTC))
				: spec.bindNull("next", OffsetDateTime.class);
		return spec.fetch().rowsUpdated();
	}

	Mono<Cursor> cursor(long id) {
		return this.db.sql("SELECT cursor_time, cursor_ids FROM flow_source WHERE id = :id")
			.bind("id", id)
			.map((row) -> {
				String time = row.get("cursor_time", String.class);
				String[] ids = row.get("cursor_ids", String[].class);
				return new Cursor((time != null) ? Instant.parse(time) : null,
						(ids != null) ? List.of(ids) : List.of());
			})
			.one()
			.defaultIfEmpty(Cursor.START);
	}

	/**
	 * Moves a Relay's cursor and counts the flows stored, in the caller's transaction; fails with
	 * {@link LeaseLost} (rolling the transaction back) when the lease is no longer this owner's.
	 */
	Mono<Void> advance(long id, String owner, Cursor cursor, long stored) {
		GenericExecuteSpec spec = this.db.sql("UPDATE flow_source SET cursor_time = :time, cursor_ids = :ids,"
				+ " flows_stored = flows_stored + :stored WHERE id = :id AND lease_owner = :owner"
				+ " AND lease_until > clock_timestamp()")
			.bind("id", id)
			.bind("owner", owner)
			.bind("ids", cursor.ids().toArray(new String[0]))
			.bind("stored", stored);
		spec = text(spec, "time", (cursor.time() != null) ? ObserverCodec.timestamp(cursor.time()) : null);
		return fenced(spec);
	}

	/** A file's position: how far it was read and whether it is finished (a rotated backup read to its end). */
	record Position(String fingerprint, String fileName, long offset, long lines, boolean done) {
	}

	Flux<Position> positions(long id) {
		return this.db.sql("SELECT * FROM flow_file_position WHERE source_id = :id")
			.bind("id", id)
			.map((row) -> new Position(row.get("fingerprint", String.class), row.get("file_name", String.class),
					row.get("byte_offset", Long.class), row.get("lines", Long.class), row.get("done", Boolean.class)))
			.all();
	}

	/**
	 * Records a file's new position and counts the flows stored, in the caller's transaction; fails with
	 * {@link LeaseLost} when the lease is no longer this owner's.
	 */
	Mono<Void> position(long id, String owner, Position position, long stored) {
		Mono<Void> counted = fenced(this.db.sql("UPDATE flow_source SET flows_stored = flows_stored + :stored"
				+ " WHERE id = :id AND lease_owner = :owner AND lease_until > clock_timestamp()")
			.bind("id", id)
			.bind("owner", owner)
			.bind("stored", stored));
		return counted.then(this.db.sql("INSERT INTO flow_file_position (source_id, fingerprint, file_name,"
				+ " byte_offset, lines, done) VALUES (:id, :fp, :name, :offset, :lines, :done) ON CONFLICT (source_id,"
				+ " fingerprint) DO UPDATE SET file_name = EXCLUDED.file_name, byte_offset = EXCLUDED.byte_offset,"
				+ " lines = EXCLUDED.lines, done = EXCLUDED.done, updated_at = clock_timestamp()")
			.bind("id", id)
			.bind("fp", position.fingerprint())
			.bind("name", position.fileName())
			.bind("offset", position.offset())
			.bind("lines", position.lines())
			.bind("done", position.done())
			.fetch()
			.rowsUpdated()
			.then());
	}

	/** The lease was taken over by another instance (this one stalled past it): stop, write nothing. */
	static final class LeaseLost extends RuntimeException {

		LeaseLost() {
			super("the lease of this source passed to another instance");
		}

	}

	private static Mono<Void> fenced(GenericExecuteSpec spec) {
		return spec.fetch().rowsUpdated().flatMap((n) -> (n == 1) ? Mono.<Void>empty() : Mono.error(new LeaseLost()));
	}

	private static GenericExecuteSpec text(GenericExecuteSpec spec, String name, @Nullable String value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
	}

	static String abbreviate(String text) {
		String oneLine = text.replaceAll("\\s+", " ").strip();
		return (oneLine.length() <= 500) ? oneLine : oneLine.substring(0, 499) + "…";
	}

	private static SourceRow row(Readable row) {
		java.nio.ByteBuffer key = row.get("client_key_sealed", java.nio.ByteBuffer.class);
		byte[] sealed = null;
		if (key != null) {
			sealed = new byte[key.remaining()];
			key.get(sealed);
		}
		Status status = new Status(row.get("state", String.class), instant(row, "state_since"),
				row.get("last_error", String.class), instantOrNull(row, "last_error_at"),
				instantOrNull(row, "next_attempt_at"), row.get("flows_stored", Long.class),
				row.get("cursor_time", String.class), row.get("lease_owner", String.class),
				instantOrNull(row, "lease_until"));
		return new SourceRow(row.get("id", Long.class), row.get("workspace_id", Long.class),
				row.get("workspace", String.class), Kind.of(row.get("kind", String.class)),
				row.get("enabled", Boolean.class), row.get("address", String.class), row.get("tls", Boolean.class),
				row.get("server_name", String.class), row.get("ca_pem", String.class),
				row.get("client_cert_pem", String.class), sealed, row.get("directory", String.class),
				row.get("file_name", String.class), row.get("config_version", Integer.class),
				row.get("updated_by", String.class), instant(row, "updated_at"), status);
	}

	private static Instant instant(Readable row, String column) {
		return row.get(column, OffsetDateTime.class).toInstant();
	}

	private static @Nullable Instant instantOrNull(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
