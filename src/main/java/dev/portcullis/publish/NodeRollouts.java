package dev.portcullis.publish;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import dev.portcullis.database.LeaseLoop;
import dev.portcullis.flow.sources.NodeAgentEvents;
import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Follows which nodes have taken up each applied publication to a Kubernetes target (docs/adr/046). Where the
 * outbox worker runs, every {@link NodeRolloutSettings#every()} it adds a row ({@code publication_node_rollout}) for
 * each such publication that ended SUCCEEDED or PARTIAL within {@link NodeRolloutSettings#duration()}, then claims the
 * due ones one at a time (the claim moves the next check an interval on, with {@code FOR UPDATE SKIP LOCKED}, so that
 * one instance asks at a time), reads the nodes' policy events since the apply started ({@link NodeAgentEvents}) and
 * records the count ({@link NodeRollout#of}). A publication is checked until every node has its changes or the
 * duration has passed; the last reading stays. Only reads the cluster: a check cut off by a restart is simply
 * repeated. Pages and the API show what was recorded and never ask a node themselves.
 */
@Component
@EnableConfigurationProperties(NodeRolloutSettings.class)
class NodeRollouts extends LeaseLoop {

	private static final Logger log = LoggerFactory.getLogger(NodeRollouts.class);

	private static final Duration STORE = Duration.ofSeconds(30);

	private static final TypeReference<List<ObjectResult>> RESULTS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final NodeAgentEvents events;

	private final JsonMapper json;

	private final PublishSettings publish;

	private final NodeRolloutSettings settings;

	@Autowired
	NodeRollouts(DatabaseClient db, NodeAgentEvents events, JsonMapper json, PublishSettings publish,
			NodeRolloutSettings settings) {
		super("publish-node-rollout", LeaseLoop.newOwner());
		this.db = db;
		this.events = events;
		this.json = json;
		this.publish = publish;
		this.settings = settings;
	}

	@Override
	protected boolean enabled() {
		return this.publish.worker() && this.settings.enabled();
	}

	@Override
	protected Duration interval() {
		return this.settings.every();
	}

	@Override
	protected void claimFree() {
		checkDue(null);
	}

	/**
	 * Adds the rows of recently applied publications, then checks every due one on the calling thread;
	 * {@code workspaceId} limits both to one workspace (tests), null: all. How many were checked.
	 */
	int checkDue(@Nullable Long workspaceId) {
		if (!this.settings.enabled()) {
			return 0;
		}
		follow(workspaceId).block(STORE);
		int checked = 0;
		while (!Thread.currentThread().isInterrupted()) {
			PublicationRow row = claim(workspaceId).block(STORE);
			if (row == null) {
				return checked;
			}
			NodeRollout rollout;
			try {
				rollout = read(row);
			}
			catch (RuntimeException ex) {
				log.warn("publishing: cannot read the nodes of publication {}", row.id(), ex);
				rollout = new NodeRollout(NodeRollout.State.UNKNOWN, 0, 0, List.of(),
						"internal error: the server could not read the nodes (see its log)");
			}
			record(row.id(), rollout).block(STORE);
			checked++;
		}
		return checked;
	}

	private NodeRollout read(PublicationRow row) {
		List<ObjectResult> results = (row.results() != null) ? this.json.readValue(row.results(), RESULTS) : List.of();
		Instant since = (row.applyStartedAt() != null) ? row.applyStartedAt() : row.requestedAt();
		boolean changed = results.stream().anyMatch((r) -> r.outcome() == ObjectResult.Outcome.CREATED
				|| r.outcome() == ObjectResult.Outcome.UPDATED || r.outcome() == ObjectResult.Outcome.DELETED);
		NodeAgentEvents.Reading reading = changed ? this.events.read(row.workspace(), since, this.settings.timeout())
				: new NodeAgentEvents.Reading(null, List.of());
		return NodeRollout.of(results, since, reading);
	}

	/** What is known of the publication's node roll-out; empty when it is not followed (Git, dry run, failed, old). */
	Mono<NodeRollout.Progress> of(long publicationId) {
		return this.db
			.sql("SELECT result, done, checked_at FROM publication_node_rollout WHERE publication_id = :id")
			.bind("id", publicationId)
			.map((r) -> {
				Json result = r.get("result", Json.class);
				OffsetDateTime at = r.get("checked_at", OffsetDateTime.class);
				return new NodeRollout.Progress(
						(result != null) ? this.json.readValue(result.asString(), NodeRollout.class) : null,
						!Boolean.TRUE.equals(r.get("done", Boolean.class)), (at != null) ? at.toInstant() : null);
			})
			.one();
	}

	private Mono<Long> follow(@Nullable Long workspaceId) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO publication_node_rollout (publication_id, check_until, next_check_at)"
					+ " SELECT p.id, p.finished_at + make_interval(secs => :seconds), clock_timestamp()"
					+ " FROM publication p WHERE p.target_type = 'kubernetes' AND NOT p.dry_run"
					+ " AND p.status IN ('SUCCEEDED', 'PARTIAL')"
					+ " AND p.finished_at > clock_timestamp() - make_interval(secs => :seconds)"
					+ ((workspaceId != null) ? " AND p.workspace_id = :ws" : "")
					+ " ON CONFLICT (publication_id) DO NOTHING")
			.bind("seconds", (double) this.settings.duration().toMillis() / 1000);
		if (workspaceId != null) {
			spec = spec.bind("ws", workspaceId);
		}
		return spec.fetch().rowsUpdated();
	}

	private Mono<PublicationRow> claim(@Nullable Long workspaceId) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("WITH due AS (SELECT r.publication_id FROM publication_node_rollout r"
					+ " JOIN publication p ON p.id = r.publication_id"
					+ " WHERE NOT r.done AND r.next_check_at <= clock_timestamp()"
					+ ((workspaceId != null) ? " AND p.workspace_id = :ws" : "")
					+ " ORDER BY r.next_check_at LIMIT 1 FOR UPDATE OF r SKIP LOCKED),"
					+ " claimed AS (UPDATE publication_node_rollout SET next_check_at = clock_timestamp()"
					+ " + make_interval(secs => :every) WHERE publication_id IN (SELECT publication_id FROM due)"
					+ " RETURNING publication_id)"
					+ " SELECT " + PublicationRow.COLUMNS
					+ " FROM publication p JOIN workspace w ON w.id = p.workspace_id"
					+ " WHERE p.id IN (SELECT publication_id FROM claimed)")
			.bind("every", (double) this.settings.every().toMillis() / 1000);
		if (workspaceId != null) {
			spec = spec.bind("ws", workspaceId);
		}
		return spec.map(PublicationRow::of).one();
	}

	private Mono<Long> record(long publicationId, NodeRollout rollout) {
		return this.db
			.sql("UPDATE publication_node_rollout SET result = :result, checked_at = clock_timestamp(),"
					+ " done = :complete OR clock_timestamp() >= check_until WHERE publication_id = :id")
			.bind("id", publicationId)
			.bind("result", Json.of(this.json.writeValueAsString(rollout)))
			.bind("complete", rollout.complete())
			.fetch()
			.rowsUpdated();
	}

}
