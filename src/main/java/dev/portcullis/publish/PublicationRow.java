package dev.portcullis.publish;

import java.time.Instant;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.database.Columns.instant;
import static dev.portcullis.database.Columns.json;

/**
 * One row of the outbox ({@code publication}). JSON columns are kept as text: {@code stateVersions} a list of
 * {@code {kind, namespace, name, version}}, {@code plan} a list of plan items, {@code results} a list of object
 * results, {@code resourceVersions} an object. {@code pullRequest} is the address of the pull (merge) request a Git
 * target in pull-request mode opened, {@code commitStatus} the {@code portcullis/impact} status it set, in words.
 */
record PublicationRow(long id, long workspaceId, String workspace, @Nullable Long targetId, String targetName,
		String targetType, Instant stateAt, String stateVersions, boolean dryRun, boolean forceConflicts,
		String status, int attempts, Instant nextAttemptAt, @Nullable String claimedBy, @Nullable Instant claimedUntil,
		@Nullable Instant applyStartedAt, @Nullable String plan, @Nullable String results, @Nullable String commit,
		@Nullable String resourceVersions, @Nullable String error, String requestedBy, Instant requestedAt,
		@Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable String pullRequest,
		@Nullable String commitStatus, @Nullable Long claimToken, String notes, @Nullable Long supersededBy) {

	static final String COLUMNS = "p.id, p.workspace_id, w.name AS workspace, p.target_id, p.target_name,"
			+ " p.target_type, p.state_at, p.state_versions, p.dry_run, p.force_conflicts, p.status, p.attempts,"
			+ " p.next_attempt_at, p.claimed_by, p.claimed_until, p.apply_started_at, p.plan, p.results, p.commit_id,"
			+ " p.resource_versions, p.error, p.requested_by, p.requested_at, p.started_at, p.finished_at, p.pull_request,"
			+ " p.commit_status, p.claim_token, p.notes, p.superseded_by";

	/** Whether the publication has ended (SUCCEEDED, PARTIAL or FAILED). */
	boolean finished() {
		return this.status.equals("SUCCEEDED") || this.status.equals("PARTIAL") || this.status.equals("FAILED");
	}

	static PublicationRow of(Readable r) {
		return new PublicationRow(r.get("id", Long.class), r.get("workspace_id", Long.class),
				r.get("workspace", String.class), r.get("target_id", Long.class), r.get("target_name", String.class),
				r.get("target_type", String.class), instant(r, "state_at"), json(r, "state_versions"),
				r.get("dry_run", Boolean.class), r.get("force_conflicts", Boolean.class), r.get("status", String.class),
				r.get("attempts", Integer.class), instant(r, "next_attempt_at"), r.get("claimed_by", String.class),
				instant(r, "claimed_until"), instant(r, "apply_started_at"), json(r, "plan"), json(r, "results"),
				r.get("commit_id", String.class), json(r, "resource_versions"), r.get("error", String.class),
				r.get("requested_by", String.class), instant(r, "requested_at"), instant(r, "started_at"),
				instant(r, "finished_at"), r.get("pull_request", String.class), r.get("commit_status", String.class),
				r.get("claim_token", Long.class), json(r, "notes"), r.get("superseded_by", Long.class));
	}

}
