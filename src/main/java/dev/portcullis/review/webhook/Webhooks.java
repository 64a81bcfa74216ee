package dev.portcullis.review.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The entry point other features call to announce an event to a workspace's webhooks.
 * {@link #enqueue(String, String, Map)} writes one delivery row per active webhook of the workspace that subscribes
 * to the event, through the same {@link DatabaseClient} and therefore inside the caller's reactive transaction: call
 * it within the transaction of the change it reports, and a change that rolls back sends nothing. Nothing is sent
 * here; the delivery worker sends committed rows (signed, retried with backoff) after the commit.
 */
@Component
public class Webhooks {

	/** A change request was opened; payload: {@code id}, {@code title}, {@code actor}, optionally {@code url}. */
	public static final String OPENED = "change_request.opened";

	/** A change request got a new revision; as {@link #OPENED} plus {@code revision}. */
	public static final String REVISED = "change_request.revised";

	/** A reviewer approved a change request; as {@link #OPENED}, {@code actor} being the reviewer. */
	public static final String APPROVED = "change_request.approved";

	/** A reviewer requested changes; as {@link #APPROVED}. */
	public static final String CHANGES_REQUESTED = "change_request.changes_requested";

	/** A change request was merged; as {@link #OPENED}. */
	public static final String MERGED = "change_request.merged";

	/** A change request was withdrawn by its author; as {@link #OPENED}. */
	public static final String WITHDRAWN = "change_request.withdrawn";

	/** A publication reached its target; payload: {@code id}, {@code target}, optionally {@code actor}, {@code url}. */
	public static final String PUBLICATION_SUCCEEDED = "publication.succeeded";

	/** A publication failed; as {@link #PUBLICATION_SUCCEEDED} plus {@code error}. */
	public static final String PUBLICATION_FAILED = "publication.failed";

	/** Every event a webhook may subscribe to, in the order pages list them. */
	public static final List<String> EVENTS = List.of(OPENED, REVISED, APPROVED, CHANGES_REQUESTED, MERGED, WITHDRAWN,
			PUBLICATION_SUCCEEDED, PUBLICATION_FAILED);

	/** A test delivery, sent to one webhook only by its ping action; webhooks do not subscribe to it. */
	static final String PING = "ping";

	private final DatabaseClient db;

	private final JsonMapper json;

	Webhooks(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * Queues {@code event} for every active webhook of {@code workspace} that subscribes to it, in the caller's
	 * transaction; completes with nothing when none does (or there is no such workspace).
	 * <p>
	 * The body every webhook receives is one JSON object: {@code event}, {@code workspace}, {@code text} (one line a
	 * chat relay can post, such as Slack's or Mattermost's incoming webhooks; made from the payload unless the
	 * payload brings its own {@code text}), {@code occurredAt}, then the payload's members in their order. Payload
	 * values must be JSON-writable (strings, numbers, booleans, lists, maps); never put a secret in them. For the
	 * change-request events the payload carries {@code id} (the change request's number), {@code title},
	 * {@code actor} (who did it), optionally {@code revision}, {@code status} and {@code url} (a link to the page).
	 * For example {@code enqueue("prod", Webhooks.MERGED, Map.of("id", 12, "title", "Open 443", "actor", "bob"))}
	 * sends {@code {"event":"change_request.merged","workspace":"prod","text":"[prod] Change request #12 “Open 443”
	 * merged by bob", ...}}.
	 * @throws IllegalArgumentException when {@code event} is not one of {@link #EVENTS}
	 */
	public Mono<Void> enqueue(String workspace, String event, Map<String, Object> payload) {
		if (!EVENTS.contains(event)) {
			throw new IllegalArgumentException("not a webhook event: " + event + "; allowed: " + EVENTS);
		}
		String body = body(workspace, event, payload, Instant.now());
		return this.db.sql("INSERT INTO webhook_delivery (webhook_id, event, body) SELECT h.id, :event,"
				+ " CAST(:body AS json) FROM webhook h JOIN workspace w ON w.id = h.workspace_id"
				+ " WHERE w.name = :workspace AND h.active AND :event = ANY (h.events)")
			.bind("event", event)
			.bind("body", body)
			.bind("workspace", workspace)
			.then();
	}

	/** The JSON body sent for this event (see {@link #enqueue}). */
	String body(String workspace, String event, Map<String, Object> payload, Instant at) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("event", event);
		body.put("workspace", workspace);
		Object text = payload.get("text");
		body.put("text", (text instanceof String s && !s.isBlank()) ? s : text(workspace, event, payload));
		body.put("occurredAt", at.toString());
		payload.forEach((name, value) -> {
			if (!body.containsKey(name) && !"text".equals(name)) {
				body.put(name, value);
			}
		});
		return this.json.writeValueAsString(body);
	}

	/** One line for a chat: {@code [prod] Change request #12 “Open 443” merged by bob <url>}. */
	static String text(String workspace, String event, Map<String, Object> payload) {
		StringBuilder line = new StringBuilder("[").append(workspace).append("] ");
		Object id = payload.get("id");
		Object title = payload.get("title");
		Object actor = payload.get("actor");
		if (event.startsWith("change_request.")) {
			line.append("Change request");
			if (id != null) {
				line.append(" #").append(id);
			}
			if (title != null) {
				line.append(" “").append(title).append('”');
			}
			line.append(' ').append(switch (event) {
				case OPENED -> "opened";
				case REVISED -> (payload.get("revision") != null) ? "revised (revision " + payload.get("revision") + ")"
						: "revised";
				case APPROVED -> "approved";
				case CHANGES_REQUESTED -> "needs changes";
				case MERGED -> "merged";
				case WITHDRAWN -> "withdrawn";
				default -> event.substring("change_request.".length());
			});
		}
		else if (event.startsWith("publication.")) {
			line.append("Publication");
			if (id != null) {
				line.append(" #").append(id);
			}
			if (payload.get("target") != null) {
				line.append(" to ").append(payload.get("target"));
			}
			line.append(PUBLICATION_SUCCEEDED.equals(event) ? " succeeded" : " failed");
			if (payload.get("error") != null) {
				line.append(": ").append(payload.get("error"));
			}
		}
		else {
			line.append("Test delivery from Portcullis");
		}
		if (actor != null) {
			line.append(" by ").append(actor);
		}
		if (payload.get("url") instanceof String url && !url.isBlank()) {
			line.append(' ').append(url);
		}
		return line.toString().replaceAll("[\\r\\n]+", " ");
	}

}
