package dev.portcullis.review.webhook;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The {@code webhook} and {@code webhook_delivery} tables as the API and pages read and change them (the worker's
 * claims and results are in {@link DeliveryWorker}). Every query names the workspace, so an id from another workspace
 * is not found.
 */
@Component
class WebhookStore {

	private static final String COLUMNS = "h.id, w.name AS workspace, h.name, h.url, h.events, h.active, h.created_by,"
			+ " h.created_at, h.updated_by, h.updated_at";

	private static final String DELIVERY = "d.id, d.webhook_id, d.event, d.body::text AS body, d.status, d.attempts,"
			+ " d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.created_at";

	private final DatabaseClient db;

	WebhookStore(DatabaseClient db) {
		this.db = db;
	}

	/** The workspace's webhooks by name. */
	Flux<WebhookRow> of(String workspace) {
		return this.db.sql("SELECT " + COLUMNS + " FROM webhook h JOIN workspace w ON w.id = h.workspace_id"
				+ " WHERE w.name = :ws ORDER BY h.name, h.id")
			.bind("ws", workspace)
			.map(WebhookStore::webhook)
			.all();
	}

	Mono<WebhookRow> one(String workspace, long id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM webhook h JOIN workspace w ON w.id = h.workspace_id"
				+ " WHERE w.name = :ws AND h.id = :id")
			.bind("ws", workspace)
			.bind("id", id)
			.map(WebhookStore::webhook)
			.one();
	}

	/** Whether another webhook of the workspace has this name. */
	Mono<Boolean> nameTaken(long workspaceId, String name, @Nullable Long except) {
		return this.db.sql("SELECT count(*) AS n FROM webhook WHERE workspace_id = :ws AND name = :name AND id <> :id")
			.bind("ws", workspaceId)
			.bind("name", name)
			.bind("id", (except != null) ? except : -1L)
			.map((row) -> row.get("n", Long.class) > 0)
			.one();
	}

	/** A new webhook with a placeholder secret (sealing binds the id, so {@link #seal} follows); answers its id. */
	Mono<Long> insert(long workspaceId, String name, String url, List<String> events, boolean active, String by) {
		return this.db.sql("INSERT INTO webhook (workspace_id, name, url, secret_sealed, events, active, created_by,"
				+ " updated_by) VALUES (:ws, :name, :url, '\\x00'::bytea, :events, :active, :by, :by) RETURNING id")
			.bind("ws", workspaceId)
			.bind("name", name)
			.bind("url", url)
			.bind("events", events.toArray(String[]::new))
			.bind("active", active)
			.bind("by", by)
			.map((row) -> row.get("id", Long.class))
			.one();
	}

	Mono<Long> update(long id, String name, String url, List<String> events, boolean active, String by) {
		return this.db.sql("UPDATE webhook SET name = :name, url = :url, events = :events, active = :active,"
				+ " updated_by = :by, updated_at = clock_timestamp() WHERE id = :id")
			.bind("id", id)
			.bind("name", name)
			.bind("url", url)
			.bind("events", events.toArray(String[]::new))
			.bind("active", active)
			.bind("by", by)
			.fetch()
			.rowsUpdated();
	}

	Mono<Long> seal(long id, byte[] sealed) {
		return this.db.sql("UPDATE webhook SET secret_sealed = :secret WHERE id = :id")
			.bind("id", id)
			.bind("secret", ByteBuffer.wrap(sealed))
			.fetch()
			.rowsUpdated();
	}

	/** Deletes the webhook and its deliveries. */
	Mono<Long> delete(long id) {
		return this.db.sql("DELETE FROM webhook WHERE id = :id").bind("id", id).fetch().rowsUpdated();
	}

	/** The webhook's newest deliveries first, at most {@code limit}. */
	Flux<DeliveryRow> deliveries(long webhookId, int limit) {
		return this.db.sql("SELECT " + DELIVERY + " FROM webhook_delivery d WHERE d.webhook_id = :id"
				+ " ORDER BY d.id DESC LIMIT :limit")
			.bind("id", webhookId)
			.bind("limit", limit)
			.map(WebhookStore::delivery)
			.all();
	}

	Mono<DeliveryRow> delivery(long webhookId, long deliveryId) {
		return this.db.sql("SELECT " + DELIVERY + " FROM webhook_delivery d WHERE d.webhook_id = :webhook"
				+ " AND d.id = :id")
			.bind("webhook", webhookId)
			.bind("id", deliveryId)
			.map(WebhookStore::delivery)
			.one();
	}

	/** Queues a new delivery of {@code body} to one webhook, due now; answers it. */
	Mono<DeliveryRow> queue(long webhookId, String event, String body) {
		return this.db.sql("INSERT INTO webhook_delivery AS d (webhook_id, event, body) VALUES (:webhook, :event,"
				+ " CAST(:body AS json)) RETURNING " + DELIVERY)
			.bind("webhook", webhookId)
			.bind("event", event)
			.bind("body", body)
			.map(WebhookStore::delivery)
			.one();
	}

	private static WebhookRow webhook(Readable row) {
		String[] events = row.get("events", String[].class);
		List<String> ordered = Webhooks.EVENTS.stream().filter(Arrays.asList(events)::contains).toList();
		return new WebhookRow(row.get("id", Long.class), row.get("workspace", String.class),
				row.get("name", String.class), row.get("url", String.class), ordered, row.get("active", Boolean.class),
				row.get("created_by", String.class), instant(row, "created_at"), row.get("updated_by", String.class),
				instant(row, "updated_at"));
	}

	static DeliveryRow delivery(Readable row) {
		return new DeliveryRow(row.get("id", Long.class), row.get("webhook_id", Long.class),
				row.get("event", String.class), row.get("body", String.class), row.get("status", String.class),
				row.get("attempts", Integer.class), instant(row, "next_attempt_at"), instantOrNull(row, "last_attempt_at"),
				row.get("last_status_code", Integer.class), row.get("last_error", String.class),
				instantOrNull(row, "delivered_at"), instant(row, "created_at"));
	}

	static Instant instant(Readable row, String column) {
		return row.get(column, OffsetDateTime.class).toInstant();
	}

	static @Nullable Instant instantOrNull(Readable row, String column) {
		OffsetDateTime time = row.get(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

}
