package dev.portcullis.replay.run;

import java.time.Instant;
import java.util.UUID;

import dev.portcullis.replay.ReplayProgress;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.database.Columns.instant;
import static dev.portcullis.database.Columns.json;

/**
 * One replay run ({@code replay_run}) as its owner and the worker read it.
 *
 * @param id its unguessable id (in the page's poll URL and the API)
 * @param workspace the workspace's name
 * @param requestedBy who asked for it: the only user who sees it
 * @param requestedAt when
 * @param status {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
 * @param cancelRequested whether its user asked to cancel it while it ran
 * @param attempts how many times a worker claimed it (more than one: an instance stopped while running it)
 * @param step how far it is ({@link ReplayProgress.Step}), written while it runs
 * @param storedFlows the window's stored flows, -1 before they are counted
 * @param tuples the distinct tuples to decide, 0 before grouping ended
 * @param decided the tuples decided so far
 * @param startedAt when a worker first claimed it
 * @param finishedAt when it ended
 * @param report the finished report, the API's JSON text byte for byte (SUCCEEDED only)
 * @param error why it failed, in words a user may read (FAILED only)
 * @param errorType the problem type of the failure ({@code too-many-flows}, {@code internal}, ...)
 * @param pageForm what the page keeps to show its form again, as JSON; null for a run started by the API
 * @param window the window's flow filter as query parameters, JSON
 * @param windowAt the moment its relative times are resolved against
 * @param baseline the baseline as made when asked for, JSON ({@code choice}, {@code source})
 * @param candidate the candidate, JSON
 */
public record ReplayRun(UUID id, String workspace, String requestedBy, Instant requestedAt, String status,
		boolean cancelRequested, int attempts, ReplayProgress.Step step, long storedFlows, int tuples, int decided,
		@Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable String report, @Nullable String error,
		@Nullable String errorType, @Nullable String pageForm, String window, Instant windowAt, String baseline,
		String candidate) {

	static final String COLUMNS = "r.id, w.name AS workspace, r.requested_by, r.requested_at, r.status,"
			+ " r.cancel_requested, r.attempts, r.step, r.stored_flows, r.tuples, r.decided, r.started_at,"
			+ " r.finished_at, r.report, r.error, r.error_type, r.page_form, r.window_filter, r.window_at, r.baseline,"
			+ " r.candidate";

	static final String FROM = " FROM replay_run r JOIN workspace w ON w.id = r.workspace_id";

	/** Whether it has ended: SUCCEEDED, FAILED or CANCELLED. */
	public boolean ended() {
		return this.status.equals("SUCCEEDED") || this.status.equals("FAILED") || this.status.equals("CANCELLED");
	}

	@SuppressWarnings("NullAway")
	static ReplayRun of(Readable r) {
		return new ReplayRun(r.get("id", UUID.class), r.get("workspace", String.class),
				r.get("requested_by", String.class), instant(r, "requested_at"), r.get("status", String.class),
				r.get("cancel_requested", Boolean.class), r.get("attempts", Integer.class),
				ReplayProgress.Step.valueOf(r.get("step", String.class)), r.get("stored_flows", Long.class),
				r.get("tuples", Integer.class), r.get("decided", Integer.class), instant(r, "started_at"),
				instant(r, "finished_at"), json(r, "report"), r.get("error", String.class),
				r.get("error_type", String.class), json(r, "page_form"), json(r, "window_filter"),
				instant(r, "window_at"), json(r, "baseline"), json(r, "candidate"));
	}

}
