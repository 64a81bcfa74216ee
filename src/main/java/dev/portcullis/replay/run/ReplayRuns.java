package dev.portcullis.replay.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.policy.StoreException;
import dev.portcullis.replay.ReplayProgress;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.Replays;
import dev.portcullis.simulation.StateChoice;
import io.r2dbc.postgresql.codec.Json;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Replay runs ({@code replay_run}), the only writer of their rows: a request inserts a PENDING run with both states
 * as made then ({@link #start}); a worker claims it ({@link #claim}: {@code FOR UPDATE SKIP LOCKED} with a lease,
 * oldest first, a RUNNING run whose lease lapsed is claimed again), writes its progress and its end, each write
 * naming its lease and changing nothing once the lease is someone else's. A run belongs to the user who asked for
 * it: {@link #find} and {@link #cancel} of another user's run (administrators included) answer nothing, as for an
 * unknown id. Ended runs are deleted after {@code portcullis.replay.runs.retention}. Runs are not audited: a replay
 * reads, and its run only keeps the answer for its user.
 */
@Component
@EnableConfigurationProperties(ReplayRunSettings.class)
public class ReplayRuns {

	private static final TypeReference<Map<String, List<String>>> PARAMETERS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final JsonMapper json;

	ReplayRuns(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** A state as a run keeps it: given outright, and what the report says it is. */
	record Side(StateChoice choice, ReplayReport.Source source) {
	}

	/**
	 * Queues the replay {@code prepared} for {@code user}, its relative times resolved now; {@code pageForm} is what
	 * the page shows again with the result (JSON), null for the API. {@link StoreException.NotFound} for an unknown
	 * workspace.
	 */
	public Mono<ReplayRun> start(String user, Replays.Prepared prepared, @Nullable String pageForm) {
		UUID id = UUID.randomUUID();
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO replay_run (id, workspace_id, requested_by, window_filter, window_at, baseline,"
					+ " candidate, page_form) SELECT :id, w.id, :by, :window, clock_timestamp(), :baseline, :candidate,"
					+ " :page FROM workspace w WHERE w.name = :ws")
			.bind("id", id)
			.bind("ws", prepared.workspace())
			.bind("by", user)
			.bind("window", Json.of(this.json.writeValueAsString(prepared.request().flows().toParameters())))
			.bind("baseline", Json.of(this.json.writeValueAsString(
					new Side(prepared.baselineChoice(), prepared.sources().baseline()))))
			.bind("candidate", Json.of(this.json.writeValueAsString(
					new Side(prepared.candidateChoice(), prepared.sources().candidate()))));
		spec = (pageForm != null) ? spec.bind("page", Json.of(pageForm)) : spec.bindNull("page", Json.class);
		return spec.fetch()
			.rowsUpdated()
			.flatMap((count) -> (count == 0) ? Mono.error(new StoreException.NotFound(
					"There is no workspace named \"" + prepared.workspace() + "\"."))
					: byId(id));
	}

	/** Run {@code id} of {@code workspace} asked for by {@code user}; empty for another user's or an unknown one. */
	public Mono<ReplayRun> find(String workspace, String user, UUID id) {
		return this.db.sql("SELECT " + ReplayRun.COLUMNS + ReplayRun.FROM
				+ " WHERE r.id = :id AND w.name = :ws AND r.requested_by = :by")
			.bind("id", id)
			.bind("ws", workspace)
			.bind("by", user)
			.map(ReplayRun::of)
			.one();
	}

	/**
	 * Cancels {@code user}'s run {@code id}: a PENDING one ends CANCELLED at once, a RUNNING one is asked to stop
	 * (its worker notices within a progress write and ends it CANCELLED); an ended one stays as it is. The run after
	 * it, empty as {@link #find}.
	 */
	public Mono<ReplayRun> cancel(String workspace, String user, UUID id) {
		return find(workspace, user, id).flatMap((run) -> this.db
			.sql("UPDATE replay_run SET cancel_requested = true, status = CASE status WHEN 'PENDING' THEN"
					+ " 'CANCELLED' ELSE status END, finished_at = CASE status WHEN 'PENDING' THEN clock_timestamp()"
					+ " ELSE finished_at END WHERE id = :id AND status IN ('PENDING', 'RUNNING')")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.then(byId(id)));
	}

	/** The report of a SUCCEEDED run, read back from its JSON; empty for any other. */
	public @Nullable ReplayReport report(ReplayRun run) {
		return (run.report() != null) ? this.json.readValue(run.report(), ReplayReport.class) : null;
	}

	Mono<ReplayRun> byId(UUID id) {
		return this.db.sql("SELECT " + ReplayRun.COLUMNS + ReplayRun.FROM + " WHERE r.id = :id")
			.bind("id", id)
			.map(ReplayRun::of)
			.one();
	}

	/** The window a run keeps. */
	FlowFilter window(ReplayRun run) {
		return FlowFilter.fromParameters(this.json.readValue(run.window(), PARAMETERS));
	}

	/** A state a run keeps. */
	Side side(String side) {
		return this.json.readValue(side, Side.class);
	}

	/**
	 * Claims the oldest run that is due (PENDING, or RUNNING with a lapsed lease: its instance stopped): it becomes
	 * RUNNING, this owner's until the lease ends, its attempts counted, its progress back at the first step. Empty
	 * when there is none.
	 */
	Mono<ReplayRun> claim(String owner, Duration lease) {
		return this.db
			.sql("UPDATE replay_run SET status = 'RUNNING', claimed_by = :owner, claimed_until = clock_timestamp()"
					+ " + make_interval(secs => :secs), attempts = attempts + 1, started_at = coalesce(started_at,"
					+ " clock_timestamp()), step = 'STATES', stored_flows = -1, tuples = 0, decided = 0"
					+ " WHERE id = (SELECT q.id FROM replay_run q WHERE q.status = 'PENDING' OR (q.status = 'RUNNING'"
					+ " AND q.claimed_until < clock_timestamp()) ORDER BY q.requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
					+ " RETURNING id")
			.bind("owner", owner)
			.bind("secs", (double) lease.toMillis() / 1000)
			.map((r) -> r.get(0, UUID.class))
			.one()
			.flatMap(this::byId);
	}

	/** Extends this owner's leases of the given running runs; the number renewed. */
	Mono<Long> renew(String owner, List<UUID> ids, Duration lease) {
		if (ids.isEmpty()) {
			return Mono.just(0L);
		}
		return this.db
			.sql("UPDATE replay_run SET claimed_until = clock_timestamp() + make_interval(secs => :secs)"
					+ " WHERE claimed_by = :owner AND status = 'RUNNING' AND id = ANY(:ids)")
			.bind("owner", owner)
			.bind("secs", (double) lease.toMillis() / 1000)
			.bind("ids", ids.toArray(UUID[]::new))
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Writes how far the run is; whether its user asked to cancel it, or empty when the lease is no longer this
	 * owner's (another instance runs it now).
	 */
	Mono<Boolean> progress(UUID id, String owner, ReplayProgress progress) {
		return this.db
			.sql("UPDATE replay_run SET step = :step, stored_flows = :flows, tuples = :tuples, decided = :decided"
					+ " WHERE id = :id AND claimed_by = :owner AND status = 'RUNNING' RETURNING cancel_requested")
			.bind("id", id)
			.bind("owner", owner)
			.bind("step", progress.step().name())
			.bind("flows", progress.storedFlows())
			.bind("tuples", progress.tuples())
			.bind("decided", Math.min(progress.decided(), progress.tuples()))
			.map((r) -> Boolean.TRUE.equals(r.get(0, Boolean.class)))
			.one();
	}

	/**
	 * Ends the run: SUCCEEDED with its report (JSON text), FAILED with an error in words and its problem type, or
	 * CANCELLED; false, changing nothing, when the lease is no longer this owner's.
	 */
	Mono<Boolean> finish(UUID id, String owner, String status, ReplayProgress progress, @Nullable String report,
			@Nullable String error, @Nullable String errorType) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE replay_run SET status = :status, report = CAST(:report AS json), error = :error, error_type = :type,"
					+ " step = :step, stored_flows = :flows, tuples = :tuples, decided = :decided,"
					+ " finished_at = clock_timestamp(), claimed_by = NULL, claimed_until = NULL"
					+ " WHERE id = :id AND claimed_by = :owner AND status = 'RUNNING'")
			.bind("id", id)
			.bind("owner", owner)
			.bind("status", status)
			.bind("step", progress.step().name())
			.bind("flows", progress.storedFlows())
			.bind("tuples", progress.tuples())
			.bind("decided", Math.min(progress.decided(), progress.tuples()));
		// bound as text and cast: a jsonb parameter cast to json would come back reformatted
		spec = (report != null) ? spec.bind("report", report) : spec.bindNull("report", String.class);
		spec = (error != null) ? spec.bind("error", error) : spec.bindNull("error", String.class);
		spec = (errorType != null) ? spec.bind("type", errorType) : spec.bindNull("type", String.class);
		return spec.fetch().rowsUpdated().map((count) -> count > 0);
	}

	/** Puts this owner's run back to PENDING (the engine pool was full; or at shutdown, all of them): due at once. */
	Mono<Long> release(String owner, @Nullable UUID id) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE replay_run SET status = 'PENDING', claimed_by = NULL, claimed_until = NULL, attempts ="
					+ " greatest(attempts - 1, 0) WHERE claimed_by = :owner AND status = 'RUNNING'"
					+ ((id != null) ? " AND id = :id" : ""))
			.bind("owner", owner);
		return ((id != null) ? spec.bind("id", id) : spec).fetch().rowsUpdated();
	}

	/** Deletes the runs that ended more than {@code retention} ago; how many. */
	Mono<Long> purge(Duration retention) {
		return this.db
			.sql("DELETE FROM replay_run WHERE finished_at < clock_timestamp() - make_interval(secs => :secs)")
			.bind("secs", (double) retention.toMillis() / 1000)
			.fetch()
			.rowsUpdated();
	}

}
