package dev.portcullis.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Records what happened, by whom, from where. Call {@link #record} inside the transaction of the change it
 * describes, so that a change and its audit entry commit or roll back together; sign-in events and denials,
 * which change nothing, are recorded on their own.
 */
@Component
public class AuditLog {

	private final DatabaseClient db;

	private final JsonMapper json;

	AuditLog(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/**
	 * Who did something, as the log records them: a name and how they authenticated. The audit log owns this view
	 * so that it depends on no feature that writes to it; {@code identity.Actor} is the one implementation.
	 */
	public interface Who {

		/** The name recorded as {@code actor}: a username, {@code system} or {@code anonymous}. */
		String username();

		/** How they authenticated ({@code USER}, {@code TOKEN}, {@code SYSTEM}, {@code ANONYMOUS}), recorded by name. */
		Enum<?> kind();

	}

	/** How an audited action ended. */
	public enum Outcome {

		SUCCESS, FAILURE, DENIED

	}

	/**
	 * One thing to record.
	 *
	 * @param actor who
	 * @param action what, as {@code area.verb}: {@code policy.save}, {@code policy.delete}, {@code policy.restore},
	 *        {@code bundle.import}, {@code workspace.export}, {@code workspace.create}, {@code workspace.settings},
	 *        {@code auth.signin}, {@code auth.signout}, {@code auth.denied}, {@code token.create}, {@code token.revoke},
	 *        {@code user.create}, {@code user.update},
	 *        {@code inventory.import}, {@code webhook.create}, {@code webhook.update}, {@code webhook.delete},
	 *        {@code webhook.ping}, {@code webhook.redeliver}
	 * @param outcome how it ended
	 * @param target what it was done to, for example {@code CiliumNetworkPolicy/default/web}
	 * @param workspace the workspace's name, when it happened in one
	 * @param remoteAddress the client's address
	 * @param details further facts (version numbers, counts, the reason of a failure); never secrets
	 */
	public record Event(Who actor, String action, Outcome outcome, @Nullable String target,
			@Nullable String workspace, @Nullable String remoteAddress, Map<String, Object> details) {

		public Event {
			details = Map.copyOf(details);
		}

	}

	/** A recorded event with its id and time. */
	public record Entry(long id, Instant occurredAt, String actor, String actorKind, String action, String outcome,
			@Nullable String target, @Nullable String workspace, @Nullable String remoteAddress, String details) {
	}

	public Mono<Void> record(Event event) {
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("INSERT INTO audit_event (actor, actor_kind, action, outcome, target, workspace, remote_address, details) "
					+ "VALUES (:actor, :kind, :action, :outcome, :target, :workspace, :remote, :details)")
			.bind("actor", event.actor().username())
			.bind("kind", event.actor().kind().name())
			.bind("action", event.action())
			.bind("outcome", event.outcome().name())
			.bind("details", Json.of(this.json.writeValueAsString(event.details())));
		insert = bindNullable(insert, "target", event.target());
		insert = bindNullable(insert, "workspace", event.workspace());
		insert = bindNullable(insert, "remote", event.remoteAddress());
		return insert.then();
	}

	private static DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable String value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
	}

	static Entry entry(io.r2dbc.spi.Readable row) {
		return new Entry(row.get("id", Long.class), row.get("occurred_at", OffsetDateTime.class).toInstant(),
				row.get("actor", String.class), row.get("actor_kind", String.class), row.get("action", String.class),
				row.get("outcome", String.class), row.get("target", String.class), row.get("workspace", String.class),
				row.get("remote_address", String.class), row.get("details", Json.class).asString());
	}

}
