package dev.portcullis.publish;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.review.ChangeRequests;
import dev.portcullis.review.webhook.Webhooks;
import dev.portcullis.web.PublicUrl;
import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The publication outbox ({@code publication}, {@code published_object}): the only writer of its rows (DESIGN.md).
 * A request inserts PENDING rows, one per target, for the workspace's state at that moment; the worker claims them
 * ({@link #claim}, {@code FOR UPDATE SKIP LOCKED} with a lease, first come first served per target, one running per
 * target), and every write it makes afterwards names its claim's fencing token and changes nothing once the claim
 * is someone else's (docs/adr/049). Audited: {@code publication.request}, {@code publication.retry}, {@code publication.finish}.
 */
@Component
class Publications {

	private static final String FROM = " FROM publication p JOIN workspace w ON w.id = p.workspace_id";

	private final DatabaseClient db;

	private final Targets targets;

	private final WorkspaceStates states;

	private final AuditLog audit;

	private final TransactionalOperator transaction;

	private final JsonMapper json;

	private final ChangeRequests changeRequests;

	private final Webhooks webhooks;

	private final PublicUrl publicUrl;

	Publications(DatabaseClient db, Targets targets, WorkspaceStates states, AuditLog audit,
			ReactiveTransactionManager transactions, JsonMapper json, ChangeRequests changeRequests,
			Webhooks webhooks, PublicUrl publicUrl) {
		this.db = db;
		this.changeRequests = changeRequests;
		this.webhooks = webhooks;
		this.publicUrl = publicUrl;
		this.targets = targets;
		this.states = states;
		this.audit = audit;
		this.transaction = TransactionalOperator.create(transactions);
		this.json = json;
	}

	/**
	 * The change requests a publication brings to its target, with their approvers (its Git commit names them): those
	 * of the workspace merged after the state of the last publication applied to the same target (SUCCEEDED or
	 * PARTIAL, not a dry run) and up to the state this one publishes. Empty when nothing was merged through review
	 * (an unprotected workspace saved directly).
	 */
	Mono<List<Publication.ChangeRequest>> changeRequests(PublicationRow row) {
		Mono<Optional<Instant>> previous = this.db.sql("""
				SELECT max(state_at) AS previous FROM publication
				 WHERE target_id = :target AND id <> :id AND NOT dry_run AND status IN ('SUCCEEDED', 'PARTIAL')
				   AND state_at <= :stateAt""")
			.bind("target", (row.targetId() != null) ? row.targetId() : -1L)
			.bind("id", row.id())
			.bind("stateAt", row.stateAt().atOffset(ZoneOffset.UTC))
			.map((r) -> Optional.ofNullable(r.get("previous", OffsetDateTime.class)).map(OffsetDateTime::toInstant))
			.one()
			.defaultIfEmpty(Optional.empty());
		return previous.flatMapMany((after) -> this.changeRequests.mergedBetween(row.workspace(), after.orElse(null),
				row.stateAt()))
			.map((merged) -> new Publication.ChangeRequest(merged.id(), merged.title(), merged.approvers()))
			.collectList();
	}

	/**
	 * Queues the publication of the workspace's state now to {@code target}, or to every target of the workspace
	 * when it is null. {@link PublishRefused} NOT_FOUND for an unknown workspace or target, CONFLICT when the
	 * workspace has no targets.
	 */
	Mono<List<PublicationRow>> request(String workspace, @Nullable String target, boolean dryRun,
			boolean forceConflicts, Actor by) {
		Flux<TargetRow> to = (target != null) ? this.targets.find(workspace, target).flux() : this.targets.of(workspace);
		Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
		return to.collectList().flatMap((rows) -> {
			if (rows.isEmpty()) {
				return Mono.error(PublishRefused.conflict("Workspace " + workspace + " has no targets to publish to;"
						+ " an administrator adds them on the workspace's Publishing page."));
			}
			return this.states.at(workspace, at).flatMap((state) -> {
				String versions = this.json.writeValueAsString(versions(state));
				return Flux.fromIterable(rows)
					.concatMap((row) -> this.db
						.sql("INSERT INTO publication (workspace_id, target_id, target_name, target_type, state_at,"
								+ " state_versions, dry_run, force_conflicts, requested_by) VALUES (:ws, :target,"
								+ " :name, :type, :at, :versions, :dry, :force, :by) RETURNING id")
						.bind("ws", row.workspaceId())
						.bind("target", row.id())
						.bind("name", row.name())
						.bind("type", row.type())
						.bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
						.bind("versions", Json.of(versions))
						.bind("dry", dryRun)
						.bind("force", forceConflicts)
						.bind("by", by.username())
						.map((r) -> r.get(0, Long.class))
						.one()
						.flatMap((id) -> this.audit.record(new AuditLog.Event(by, "publication.request",
								AuditLog.Outcome.SUCCESS, "publication/" + id, workspace, by.address(),
								Map.of("target", row.name(), "dryRun", dryRun, "policies", state.policies().size(),
										"stateAt", at.toString())))
							.thenReturn(id)))
					.collectList()
					.as(this.transaction::transactional)
					.flatMapMany(Flux::fromIterable)
					.concatMap((id) -> find(workspace, id))
					.collectList();
			});
		});
	}

	/** The workspace's publication {@code id}, or {@link PublishRefused} NOT_FOUND. */
	Mono<PublicationRow> find(String workspace, long id) {
		return this.targets.workspaceId(workspace).flatMap((ws) -> this.db
			.sql("SELECT " + PublicationRow.COLUMNS + FROM + " WHERE p.workspace_id = :ws AND p.id = :id")
			.bind("ws", ws)
			.bind("id", id)
			.map(PublicationRow::of)
			.one())
			.switchIfEmpty(Mono.error(() -> PublishRefused
				.notFound("There is no publication " + id + " in workspace " + workspace + ".")));
	}

	/** The workspace's publications, newest first, optionally of one status and one target, at most {@code limit}. */
	Flux<PublicationRow> list(String workspace, @Nullable String status, @Nullable String target, int limit) {
		return this.targets.workspaceId(workspace).flatMapMany((ws) -> {
			StringBuilder sql = new StringBuilder("SELECT " + PublicationRow.COLUMNS + FROM + " WHERE p.workspace_id = :ws");
			if (status != null) {
				sql.append(" AND p.status = :status");
			}
			if (target != null) {
				sql.append(" AND p.target_name = :target");
			}
			sql.append(" ORDER BY p.id DESC LIMIT :limit");
			DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString()).bind("ws", ws).bind("limit", limit);
			if (status != null) {
				spec = spec.bind("status", status);
			}
			if (target != null) {
				spec = spec.bind("target", target);
			}
			return spec.map(PublicationRow::of).all();
		});
	}

	/**
	 * Queues a FAILED or PARTIAL publication again (same state, same id, attempts from zero). CONFLICT when it has
	 * not ended in failure, when its target is gone, or when a newer publication to the target has succeeded since
	 * (retrying would put an older state back: publish again instead).
	 */
	Mono<PublicationRow> retry(String workspace, long id, Actor by) {
		return find(workspace, id).flatMap((row) -> {
			if (!row.status().equals("FAILED") && !row.status().equals("PARTIAL")) {
				return Mono.error(PublishRefused.conflict("Publication " + id + " is " + row.status()
						+ "; only a FAILED or PARTIAL publication can be retried."));
			}
			if (row.targetId() == null) {
				return Mono.error(PublishRefused.conflict("The target of publication " + id + " was deleted."));
			}
			return this.db
				.sql("UPDATE publication SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp(),"
						+ " error = NULL, claimed_by = NULL, claimed_until = NULL, finished_at = NULL WHERE id = :id"
						+ " AND status IN ('FAILED', 'PARTIAL') AND NOT EXISTS (SELECT 1 FROM publication q WHERE"
						+ " q.target_id = :target AND q.id > :id AND q.status IN ('SUCCEEDED', 'PARTIAL')"
						+ " AND NOT q.dry_run)")
				.bind("id", id)
				.bind("target", row.targetId())
				.fetch()
				.rowsUpdated()
				.flatMap((count) -> (count == 0)
						? Mono.error(PublishRefused.conflict("A newer publication to " + row.targetName()
								+ " has been applied since; publish again instead of retrying this one."))
						: this.audit.record(new AuditLog.Event(by, "publication.retry", AuditLog.Outcome.SUCCESS,
								"publication/" + id, workspace, by.address(), Map.of("target", row.targetName()))))
				.as(this.transaction::transactional)
				.then(find(workspace, id));
		});
	}

	/**
	 * Claims the oldest publication that is due (PENDING and its next attempt has come, or RUNNING with a lapsed
	 * lease: its instance stopped), whose target has no older publication waiting and none running: it becomes
	 * RUNNING, this owner's until the lease ends, its attempts counted. Empty when there is none (or another
	 * instance claimed the same target at the same moment: the one-running-per-target index refuses the second).
	 */
	Mono<PublicationRow> claim(String owner, Duration lease) {
		return this.db
			.sql("UPDATE publication SET status = 'RUNNING', claimed_by = :owner, claimed_until = clock_timestamp()"
					+ " + make_interval(secs => :secs), claim_token = nextval('publication_claim_token'),"
					+ " attempts = attempts + 1, started_at = coalesce(started_at,"
					+ " clock_timestamp()) WHERE id = (SELECT p.id FROM publication p WHERE p.target_id IS NOT NULL"
					+ " AND ((p.status = 'PENDING' AND p.next_attempt_at <= clock_timestamp()) OR (p.status ="
					+ " 'RUNNING' AND p.claimed_until < clock_timestamp())) AND NOT EXISTS (SELECT 1 FROM publication"
					+ " q WHERE q.target_id = p.target_id AND ((q.id < p.id AND q.status IN ('PENDING', 'RUNNING'))"
					+ " OR (q.id <> p.id AND q.status = 'RUNNING'))) ORDER BY p.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
					+ " RETURNING id")
			.bind("owner", owner)
			.bind("secs", (double) lease.toMillis() / 1000)
			.map((r) -> r.get(0, Long.class))
			.one()
			.onErrorResume(org.springframework.dao.DataIntegrityViolationException.class, (ex) -> Mono.empty())
			.flatMap(this::byId);
	}

	Mono<PublicationRow> byId(long id) {
		return this.db.sql("SELECT " + PublicationRow.COLUMNS + FROM + " WHERE p.id = :id")
			.bind("id", id)
			.map(PublicationRow::of)
			.one();
	}

	/** Extends this owner's leases of the given running publications; the number renewed. */
	Mono<Long> renew(String owner, List<Long> ids, Duration lease) {
		if (ids.isEmpty()) {
			return Mono.just(0L);
		}
		return this.db
			.sql("UPDATE publication SET claimed_until = clock_timestamp() + make_interval(secs => :secs)"
					+ " WHERE claimed_by = :owner AND status = 'RUNNING' AND id = ANY(:ids)")
			.bind("owner", owner)
			.bind("secs", (double) lease.toMillis() / 1000)
			.bind("ids", ids.toArray(Long[]::new))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Whether the claim {@code row} was made with still holds with at least {@code margin} of its lease left, and if
	 * so extends the lease to {@code lease} from now (never shortening it): the fence before an effect
	 * (docs/adr/049). A claim that has less than the margin left is not extended, so a lapsing lease is never revived
	 * after another instance could have taken the publication over.
	 */
	Mono<Boolean> holds(PublicationRow row, Duration margin, Duration lease) {
		return this.db
			.sql("UPDATE publication SET claimed_until = greatest(claimed_until, clock_timestamp() + make_interval(secs"
					+ " => :secs)) WHERE id = :id AND claim_token = :token AND status = 'RUNNING' AND claimed_until >"
					+ " clock_timestamp() + make_interval(secs => :margin)")
			.bind("id", row.id())
			.bind("token", token(row))
			.bind("secs", (double) lease.toMillis() / 1000)
			.bind("margin", (double) margin.toMillis() / 1000)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Appends a note in words to the publication's record, whoever holds it: an attempt that stopped because its
	 * lease lapsed, or that ended after another instance took over. Never changes the status.
	 */
	Mono<Void> note(long id, String by, String text) {
		return this.db
			.sql("UPDATE publication SET notes = notes || jsonb_build_array(jsonb_build_object('at',"
					+ " to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'by', :by::text,"
					+ " 'text', :text::text)) WHERE id = :id")
			.bind("id", id)
			.bind("by", by)
			.bind("text", text)
			.fetch()
			.rowsUpdated()
			.then();
	}

	private static long token(PublicationRow row) {
		return (row.claimToken() != null) ? row.claimToken() : -1L;
	}

	/** Records the plan (and for an apply, that applying begins); false when the claim is no longer this attempt's. */
	Mono<Boolean> planned(PublicationRow row, String owner, Plan plan, boolean applying) {
		return this.db
			.sql("UPDATE publication SET plan = :plan" + (applying ? ", apply_started_at = coalesce(apply_started_at,"
					+ " clock_timestamp())" : "") + " WHERE id = :id AND claimed_by = :owner AND claim_token = :token"
					+ " AND status = 'RUNNING' AND claimed_until > clock_timestamp()")
			.bind("id", row.id())
			.bind("owner", owner)
			.bind("token", token(row))
			.bind("plan", Json.of(this.json.writeValueAsString(plan.items())))
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Records how the publication ended, and for an applied one what the target now holds, in one transaction with
	 * its audit event and, unless it is a dry run, the workspace's {@code publication.succeeded} (SUCCEEDED) or
	 * {@code publication.failed} (FAILED, PARTIAL) webhook deliveries; nothing when the lease is no longer this
	 * owner's (another instance has it, and will converge).
	 */
	Mono<Boolean> finished(PublicationRow row, String owner, String status, @Nullable Applied applied,
			List<DesiredObject> desired, @Nullable String error) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE publication SET status = :status, results = :results, commit_id = :commit,"
					+ " resource_versions = :versions, error = :error, pull_request = :pullRequest,"
					+ " commit_status = :commitStatus, finished_at = clock_timestamp(),"
					+ " claimed_by = NULL, claimed_until = NULL WHERE id = :id AND claimed_by = :owner"
					+ " AND claim_token = :token AND status = 'RUNNING'")
			.bind("id", row.id())
			.bind("owner", owner)
			.bind("token", token(row))
			.bind("status", status)
			.bind("results", Json.of(this.json.writeValueAsString((applied != null) ? applied.results() : List.of())))
			.bind("versions", Json.of(this.json.writeValueAsString((applied != null) ? applied.resourceVersions()
					: Map.of())));
		spec = (applied != null && applied.commit() != null) ? spec.bind("commit", applied.commit())
				: spec.bindNull("commit", String.class);
		spec = (error != null) ? spec.bind("error", error) : spec.bindNull("error", String.class);
		spec = (applied != null && applied.pullRequest() != null) ? spec.bind("pullRequest", applied.pullRequest())
				: spec.bindNull("pullRequest", String.class);
		spec = (applied != null && applied.commitStatus() != null) ? spec.bind("commitStatus", applied.commitStatus())
				: spec.bindNull("commitStatus", String.class);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("target", row.targetName());
		details.put("status", status);
		details.put("attempts", row.attempts());
		if (applied != null && applied.commit() != null) {
			details.put("commit", applied.commit());
		}
		if (applied != null && applied.pullRequest() != null) {
			details.put("pullRequest", applied.pullRequest());
		}
		if (applied != null && applied.commitStatus() != null) {
			details.put("commitStatus", applied.commitStatus());
		}
		if (applied != null && !applied.superseded().isEmpty()) {
			details.put("superseded", applied.superseded());
		}
		if (error != null) {
			details.put("error", error);
		}
		return spec.fetch().rowsUpdated().flatMap((count) -> {
			if (count == 0) {
				return Mono.just(false);
			}
			Mono<Void> objects = (applied != null && !row.dryRun() && row.targetId() != null)
					? published(row, applied, desired) : Mono.empty();
			return objects
				.then(superseded(row, applied))
				.then(this.audit.record(new AuditLog.Event(Actor.SYSTEM, "publication.finish",
						status.equals("SUCCEEDED") ? AuditLog.Outcome.SUCCESS : AuditLog.Outcome.FAILURE,
						"publication/" + row.id(), row.workspace(), null, details)))
				.then(row.dryRun() ? Mono.empty() : notify(row, status, applied, error))
				.thenReturn(true);
		}).as(this.transaction::transactional);
	}

	/**
	 * Queues the webhook deliveries of a finished publication: {@code id}, {@code target}, {@code status},
	 * {@code actor} (who asked for it), {@code url} (its page), and {@code commit}, {@code pullRequest} or
	 * {@code error} where there is one.
	 */
	private Mono<Void> notify(PublicationRow row, String status, @Nullable Applied applied, @Nullable String error) {
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("id", row.id());
		payload.put("target", row.targetName());
		payload.put("status", status);
		payload.put("actor", row.requestedBy());
		payload.put("url", this.publicUrl.link("/workspaces/" + row.workspace() + "/publications/" + row.id()));
		if (applied != null && applied.commit() != null) {
			payload.put("commit", applied.commit());
		}
		if (applied != null && applied.pullRequest() != null) {
			payload.put("pullRequest", applied.pullRequest());
		}
		if (error != null) {
			payload.put("error", error);
		}
		return this.webhooks.enqueue(row.workspace(),
				status.equals("SUCCEEDED") ? Webhooks.PUBLICATION_SUCCEEDED : Webhooks.PUBLICATION_FAILED, payload);
	}

	/** An attempt failed: PENDING again after {@code wait}, or FAILED when {@code wait} is null. */
	Mono<Boolean> attemptFailed(PublicationRow row, String owner, String error, @Nullable Duration wait) {
		if (wait == null) {
			return finished(row, owner, "FAILED", null, List.of(), error);
		}
		return this.db
			.sql("UPDATE publication SET status = 'PENDING', error = :error, next_attempt_at = clock_timestamp() +"
					+ " make_interval(secs => :secs), claimed_by = NULL, claimed_until = NULL WHERE id = :id AND"
					+ " claimed_by = :owner AND claim_token = :token AND status = 'RUNNING'")
			.bind("id", row.id())
			.bind("owner", owner)
			.bind("token", token(row))
			.bind("error", error)
			.bind("secs", (double) wait.toMillis() / 1000)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Gives up this owner's claims (at shutdown): they are due again at once, for any instance. */
	Mono<Long> release(String owner) {
		return this.db
			.sql("UPDATE publication SET status = 'PENDING', claimed_by = NULL, claimed_until = NULL,"
					+ " next_attempt_at = clock_timestamp() WHERE claimed_by = :owner AND status = 'RUNNING'")
			.bind("owner", owner)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Marks the earlier publications whose pull requests {@code applied} found no longer open as superseded by
	 * {@code row}, so that later publications do not look at them again.
	 */
	private Mono<Void> superseded(PublicationRow row, @Nullable Applied applied) {
		if (applied == null || applied.superseded().isEmpty()) {
			return Mono.empty();
		}
		return this.db
			.sql("UPDATE publication SET superseded_by = :id WHERE target_id = :target AND id = ANY(:ids) AND id < :id"
					+ " AND superseded_by IS NULL")
			.bind("id", row.id())
			.bind("target", (row.targetId() != null) ? row.targetId() : -1L)
			.bind("ids", applied.superseded().toArray(Long[]::new))
			.fetch()
			.rowsUpdated()
			.then();
	}

	/**
	 * The earlier publications to {@code row}'s target that opened a pull request not known to be closed: the ones a
	 * newer pull request supersedes (docs/adr/045). Oldest first, at most 50.
	 */
	Mono<List<Publication.Earlier>> earlierProposals(PublicationRow row) {
		return this.db
			.sql("SELECT id, pull_request, commit_id FROM publication WHERE target_id = :target AND id < :id AND"
					+ " pull_request IS NOT NULL AND superseded_by IS NULL AND status IN ('SUCCEEDED', 'PARTIAL')"
					+ " AND NOT dry_run ORDER BY id LIMIT 50")
			.bind("target", (row.targetId() != null) ? row.targetId() : -1L)
			.bind("id", row.id())
			.map((r) -> new Publication.Earlier(r.get("id", Long.class), r.get("pull_request", String.class),
					r.get("commit_id", String.class)))
			.all()
			.collectList();
	}

	/**
	 * What the target holds after {@code applied}: objects applied or unchanged stored, deleted ones removed. For a
	 * pull request ({@link Applied#pullRequest()}) the objects it changes are stored as proposed in it, each with what
	 * the target branch held before (the last merged text), and a proposed deletion is kept, marked, until merged;
	 * what it leaves unchanged is what the branch holds, so no longer proposed.
	 */
	private Mono<Void> published(PublicationRow row, Applied applied, List<DesiredObject> desired) {
		Map<String, DesiredObject> byRef = new LinkedHashMap<>();
		desired.forEach((d) -> byRef.put(d.ref(), d));
		List<Mono<Long>> writes = new ArrayList<>();
		String proposal = applied.pullRequest();
		for (ObjectResult result : applied.results()) {
			String pr = (result.outcome() == ObjectResult.Outcome.UNCHANGED) ? null : proposal;
			switch (result.outcome()) {
				case DELETED -> writes.add((pr != null) ? this.db
					.sql("UPDATE published_object SET pull_request = :pr, proposed_deletion = true, publication_id = :p,"
							+ " merged_yaml = CASE WHEN pull_request IS NULL THEN yaml ELSE merged_yaml END"
							+ " WHERE target_id = :t AND kind = :k AND namespace = :ns AND name = :n")
					.bind("pr", pr)
					.bind("p", row.id())
					.bind("t", row.targetId())
					.bind("k", result.kind())
					.bind("ns", result.namespace())
					.bind("n", result.name())
					.fetch()
					.rowsUpdated() : this.db
					.sql("DELETE FROM published_object WHERE target_id = :t AND kind = :k AND namespace = :ns AND"
							+ " name = :n")
					.bind("t", row.targetId())
					.bind("k", result.kind())
					.bind("ns", result.namespace())
					.bind("n", result.name())
					.fetch()
					.rowsUpdated());
				case CREATED, UPDATED, UNCHANGED -> {
					DesiredObject object = byRef.get(result.ref());
					if (object != null) {
						DatabaseClient.GenericExecuteSpec spec = this.db
							.sql("INSERT INTO published_object (target_id, kind, namespace, name, yaml, publication_id,"
									+ " pull_request) VALUES (:t, :k, :ns, :n, :yaml, :p, :pr) ON CONFLICT (target_id,"
									+ " kind, namespace, name) DO UPDATE SET yaml = EXCLUDED.yaml, publication_id ="
									+ " EXCLUDED.publication_id, pull_request = EXCLUDED.pull_request, proposed_deletion"
									+ " = false, merged_yaml = CASE WHEN EXCLUDED.pull_request IS NULL THEN NULL WHEN"
									+ " published_object.pull_request IS NULL THEN published_object.yaml ELSE"
									+ " published_object.merged_yaml END")
							.bind("t", row.targetId())
							.bind("k", object.kind())
							.bind("ns", object.namespace())
							.bind("n", object.name())
							.bind("yaml", object.yaml())
							.bind("p", row.id());
						writes.add(((pr != null) ? spec.bind("pr", pr) : spec.bindNull("pr", String.class)).fetch()
							.rowsUpdated());
					}
				}
				case FAILED -> {
				}
			}
		}
		return Flux.concat(writes).then();
	}

	/**
	 * What was last published to the target, object by object, in {@code PolicyKey} order: for a pull request what it
	 * proposed, except deletions it proposed and that are not merged yet.
	 */
	Flux<DesiredObject> publishedTo(long targetId) {
		return this.db
			.sql("SELECT kind, namespace, name, yaml FROM published_object WHERE target_id = :t AND NOT proposed_deletion"
					+ " ORDER BY kind COLLATE \"C\", namespace COLLATE \"C\", name COLLATE \"C\"")
			.bind("t", targetId)
			.map((r) -> Desired.of(r.get("kind", String.class), r.get("namespace", String.class),
					r.get("name", String.class), r.get("yaml", String.class)))
			.all();
	}

	/**
	 * An object a pull request proposed that the target branch was not yet seen to hold.
	 *
	 * @param yaml what was proposed, null for a proposed deletion
	 * @param mergedYaml what the target branch held when it was proposed (the last merged text), null for no file
	 * @param pullRequest the request's address
	 */
	record Pending(String kind, String namespace, String name, @Nullable String yaml, @Nullable String mergedYaml,
			String pullRequest) {

		String ref() {
			return PlanItem.ref(this.kind, this.namespace, this.name);
		}

	}

	/** The target's objects proposed in pull requests not yet seen merged, in {@code PolicyKey} order. */
	Flux<Pending> pending(long targetId) {
		return this.db
			.sql("SELECT kind, namespace, name, yaml, merged_yaml, pull_request, proposed_deletion FROM published_object"
					+ " WHERE target_id = :t AND pull_request IS NOT NULL ORDER BY kind COLLATE \"C\", namespace"
					+ " COLLATE \"C\", name COLLATE \"C\"")
			.bind("t", targetId)
			.map((r) -> new Pending(r.get("kind", String.class), r.get("namespace", String.class),
					r.get("name", String.class),
					Boolean.TRUE.equals(r.get("proposed_deletion", Boolean.class)) ? null : r.get("yaml", String.class),
					r.get("merged_yaml", String.class), r.get("pull_request", String.class)))
			.all();
	}

	/**
	 * The target branch holds what {@code pending} proposed (its request was merged): the object is published as
	 * proposed (a proposed deletion: no longer published). Only while it is still the same proposal.
	 */
	Mono<Void> merged(long targetId, Pending pending) {
		String where = " WHERE target_id = :t AND kind = :k AND namespace = :ns AND name = :n AND pull_request = :pr";
		return this.db
			.sql((pending.yaml() == null) ? "DELETE FROM published_object" + where + " AND proposed_deletion"
					: "UPDATE published_object SET pull_request = NULL, merged_yaml = NULL" + where)
			.bind("t", targetId)
			.bind("k", pending.kind())
			.bind("ns", pending.namespace())
			.bind("n", pending.name())
			.bind("pr", pending.pullRequest())
			.fetch()
			.rowsUpdated()
			.then();
	}

	private static List<Map<String, Object>> versions(WorkspaceState state) {
		List<Map<String, Object>> out = new ArrayList<>();
		for (PolicyVersion version : state.policies()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("kind", version.key().kind().kindName());
			entry.put("namespace", version.key().namespace());
			entry.put("name", version.key().name());
			entry.put("version", version.version());
			out.add(entry);
		}
		return out;
	}

}
