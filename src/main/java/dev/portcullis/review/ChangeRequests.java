package dev.portcullis.review;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.review.webhook.Webhooks;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.PublicUrl;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * The life of a change request short of its merge ({@link Merges}): propose, revise, withdraw, review, comment and
 * resolve. Each is one transaction that locks the change request's row, so that a review and a revision, or two
 * revisions, do not interleave; each is audited ({@code change.proposed}, {@code change.revised},
 * {@code change.withdrawn}, {@code change.reviewed} with the decision, {@code change.approved},
 * {@code change.commented}, {@code change.resolved}); a refusal is audited with outcome FAILURE or DENIED in a
 * transaction of its own, and writes nothing else.
 * <p>
 * Who may: authors propose, revise and withdraw their own change requests (admins any); reviewers review, never their
 * own change (403 {@code self-approval}); authors comment. A closed (merged or withdrawn) change request refuses every
 * change with 409 {@code change-closed}. Policy text is validated by {@link ChangeSets#read}: invalid text is 422
 * {@code invalid-change} with line and column, the previous revision kept.
 */
@Component
public class ChangeRequests {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final TransactionalOperator ownTransaction;

	private final Workspaces workspaces;

	private final ChangeSets changeSets;

	private final ChangeRequestRows rows;

	private final Protections protections;

	private final Permissions permissions;

	private final AuditLog audit;

	private final Webhooks webhooks;

	private final PublicUrl publicUrl;

	ChangeRequests(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces,
			ChangeSets changeSets, ChangeRequestRows rows, Protections protections, Permissions permissions,
			AuditLog audit, Webhooks webhooks, PublicUrl publicUrl) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.ownTransaction = TransactionalOperator.create(transactions,
				new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
		this.workspaces = workspaces;
		this.changeSets = changeSets;
		this.rows = rows;
		this.protections = protections;
		this.permissions = permissions;
		this.audit = audit;
		this.webhooks = webhooks;
		this.publicUrl = publicUrl;
	}

	/**
	 * What a proposal or a revision carries.
	 *
	 * @param changes a bundle of policies to create or change (may be blank when there are deletes)
	 * @param deletes policies to delete
	 */
	public record Proposal(String title, String description, String changes, List<PolicyKey> deletes) {

		public Proposal {
			deletes = List.copyOf(deletes);
		}

	}

	/**
	 * A merged change request as a publication names it (Git commit trailers).
	 *
	 * @param id its id
	 * @param title its title
	 * @param approvers the reviewers whose approval of it counted (not stale, not its author), sorted
	 */
	public record Merged(long id, String title, List<String> approvers) {

		public Merged {
			approvers = List.copyOf(approvers);
		}

	}

	/**
	 * The change requests of {@code workspace} merged after {@code after} (exclusive; from the beginning when null)
	 * and up to {@code upTo} (inclusive), in the order they were merged: what a publication of the state at
	 * {@code upTo} brings that the previous one (of the state at {@code after}) did not.
	 */
	public Flux<Merged> mergedBetween(String workspace, @Nullable Instant after, Instant upTo) {
		return this.db.sql("""
				SELECT c.id, c.title, ARRAY(SELECT DISTINCT r.reviewer FROM change_review r
				         WHERE r.change_request_id = c.id AND r.decision = 'APPROVE' AND NOT r.stale
				           AND lower(r.reviewer) <> lower(c.author) ORDER BY r.reviewer) AS approvers
				  FROM change_request c JOIN workspace w ON w.id = c.workspace_id
				 WHERE w.name = :workspace AND c.status = 'MERGED' AND c.closed_at > :after AND c.closed_at <= :upTo
				 ORDER BY c.closed_at, c.id""")
			.bind("workspace", workspace)
			.bind("after", ((after != null) ? after : Instant.EPOCH).atOffset(ZoneOffset.UTC))
			.bind("upTo", upTo.atOffset(ZoneOffset.UTC))
			.map((row) -> new Merged(row.get("id", Long.class), row.get("title", String.class),
					Arrays.asList(row.get("approvers", String[].class))))
			.all();
	}

	/** Opens a change request (AUTHOR): revision 1, its bases the heads now. */
	public Mono<ChangeRequest> propose(String workspace, Proposal proposal, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.propose");
		}
		return refusedAudited(checkTitle(proposal)
			.then(this.changeSets.read(workspace, proposal.changes(), proposal.deletes()))
			.flatMap((touched) -> this.tx.transactional(this.workspaces.id(workspace)
				.flatMap((ws) -> this.db.sql("INSERT INTO change_request (workspace_id, title, description, author, status, "
						+ "revision) VALUES (:ws, :title, :description, :author, 'OPEN', 1) RETURNING id")
					.bind("ws", ws)
					.bind("title", proposal.title().strip())
					.bind("description", proposal.description())
					.bind("author", by.username())
					.map((row) -> row.get("id", Long.class))
					.one())
				.flatMap((id) -> insertRevision(id, 1, proposal.changes(), touched, by)
					.then(record(by, "change.proposed", workspace, id, Map.of("revision", 1, "policies", touched.size())))
					.then(this.rows.find(workspace, id, false))
					.flatMap((change) -> announce(Webhooks.OPENED, change, by).thenReturn(change))))),
				by, "change.propose", workspace, null);
	}

	private static Mono<Void> checkTitle(Proposal proposal) {
		if (proposal.title() == null || proposal.title().isBlank()) {
			return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-change", "Invalid change",
					"Give the change request a title."));
		}
		if (proposal.title().length() > 200) {
			return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-change", "Invalid change",
					"A title has at most 200 characters."));
		}
		return Mono.empty();
	}

	/**
	 * A new revision (the change request's author, or an admin): the title, description and changes replace the
	 * previous ones, the bases are the heads now, and when the rules say so ({@code dismissStaleApprovals}) every
	 * approval so far becomes stale. {@code expectedRevision}, when not null, must be the latest revision (412
	 * {@code revision-conflict} otherwise).
	 */
	public Mono<ChangeRequest> revise(String workspace, long id, Proposal proposal, @Nullable Integer expectedRevision,
			Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.revise");
		}
		return refusedAudited(checkTitle(proposal)
			.then(this.changeSets.read(workspace, proposal.changes(), proposal.deletes()))
			.flatMap((touched) -> this.tx.transactional(this.rows.find(workspace, id, true).flatMap((change) -> {
				refuseClosed(change, "revised");
				refuseOthers(change, by, "revise");
				if (expectedRevision != null && expectedRevision != change.revision()) {
					return Mono.error(ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "revision-conflict",
							"Revision conflict", "The change request is at revision " + change.revision() + ", not "
									+ expectedRevision + ": someone revised it meanwhile. Reload it and try again.")
						.header("ETag", "\"" + change.revision() + "\""));
				}
				int revision = change.revision() + 1;
				return this.protections.of(workspace).flatMap((rules) -> insertRevision(id, revision, proposal.changes(),
						touched, by)
					.then(rules.dismissStaleApprovals() ? this.db.sql("UPDATE change_review SET stale = true WHERE "
							+ "change_request_id = :id AND decision = 'APPROVE' AND NOT stale").bind("id", id).fetch()
						.rowsUpdated() : Mono.just(0L))
					.flatMap((dismissed) -> this.db.sql("UPDATE change_request SET title = :title, description = "
							+ ":description, revision = :revision, updated_at = clock_timestamp() WHERE id = :id")
						.bind("title", proposal.title().strip())
						.bind("description", proposal.description())
						.bind("revision", revision)
						.bind("id", id)
						.then()
						.then(refreshStatus(workspace, id, rules))
						.then(record(by, "change.revised", workspace, id, Map.of("revision", revision,
								"policies", touched.size(), "dismissedApprovals", dismissed)))))
					.then(this.rows.find(workspace, id, false))
					.flatMap((revised) -> announce(Webhooks.REVISED, revised, by).thenReturn(revised));
			}))), by, "change.revise", workspace, id);
	}

	/** Withdraws an open change request (its author, or an admin); it stays browsable. */
	public Mono<ChangeRequest> withdraw(String workspace, long id, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.withdraw");
		}
		return refusedAudited(this.tx.transactional(this.rows.find(workspace, id, true).flatMap((change) -> {
			refuseClosed(change, "withdrawn");
			refuseOthers(change, by, "withdraw");
			return this.db.sql("UPDATE change_request SET status = 'WITHDRAWN', closed_at = clock_timestamp(), "
					+ "closed_by = :by, updated_at = clock_timestamp() WHERE id = :id")
				.bind("by", by.username())
				.bind("id", id)
				.then()
				.then(record(by, "change.withdrawn", workspace, id, Map.of("revision", change.revision())))
				.then(this.rows.find(workspace, id, false))
				.flatMap((withdrawn) -> announce(Webhooks.WITHDRAWN, withdrawn, by).thenReturn(withdrawn));
		})), by, "change.withdraw", workspace, id);
	}

	/**
	 * Records a review of the latest revision (REVIEWER). The change request's author may not review it, nor may
	 * whoever wrote its latest revision (an admin who revised it): 403 {@code self-approval}, whatever the rules; the
	 * status follows the reviews ({@link Approvals#status}).
	 */
	public Mono<ChangeRequest> review(String workspace, long id, Review.Decision decision, String body, Actor by) {
		if (!by.has(Role.REVIEWER)) {
			return this.permissions.refuse(by, Role.REVIEWER, "change.review");
		}
		return refusedAudited(this.tx.transactional(this.rows.find(workspace, id, true).flatMap((change) -> this.rows
			.revisions(id).flatMap((revisions) -> {
			refuseClosed(change, "reviewed");
			if (change.author().equalsIgnoreCase(by.username())) {
				return Mono.error(ApiProblem.of(HttpStatus.FORBIDDEN, "self-approval", "Self-approval",
						"You proposed this change, so you cannot review it: someone else must approve or request "
								+ "changes. Comment instead."));
			}
			Revision latest = revisions.get(revisions.size() - 1);
			if (latest.author().equalsIgnoreCase(by.username())) {
				return Mono.error(ApiProblem.of(HttpStatus.FORBIDDEN, "self-approval", "Self-approval",
						"You wrote revision " + latest.revision() + " of this change, so you cannot review it: "
								+ "someone else must approve or request changes. Comment instead."));
			}
			return this.db.sql("INSERT INTO change_review (change_request_id, revision, reviewer, decision, body) "
					+ "VALUES (:id, :revision, :reviewer, :decision, :body)")
				.bind("id", id)
				.bind("revision", change.revision())
				.bind("reviewer", by.username())
				.bind("decision", decision.name())
				.bind("body", body)
				.then()
				.then(this.protections.of(workspace).flatMap((rules) -> refreshStatus(workspace, id, rules)))
				.then(record(by, "change.reviewed", workspace, id, Map.of("decision", decision.name(),
						"revision", change.revision())))
				.then((decision == Review.Decision.APPROVE) ? record(by, "change.approved", workspace, id,
						Map.of("revision", change.revision())) : Mono.empty())
				.then(this.rows.find(workspace, id, false))
				.flatMap((reviewed) -> switch (decision) {
					case APPROVE -> announce(Webhooks.APPROVED, reviewed, by).thenReturn(reviewed);
					case REQUEST_CHANGES -> announce(Webhooks.CHANGES_REQUESTED, reviewed, by).thenReturn(reviewed);
					case COMMENT -> Mono.just(reviewed);
				});
		}))), by, "change.review", workspace, id);
	}

	/**
	 * Comments on the change, or on {@code line} of {@code policy} as the latest revision has it, or replies to the
	 * thread of {@code parentId} (AUTHOR). Closed change requests take no comments.
	 */
	public Mono<Comment> comment(String workspace, long id, String body, @Nullable String policy,
			@Nullable Integer line, @Nullable Long parentId, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.comment");
		}
		if (body == null || body.isBlank()) {
			return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-comment", "Invalid comment",
					"A comment needs a body."));
		}
		if (line != null && (policy == null || line < 1)) {
			return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-comment", "Invalid comment",
					"A line comment names the policy and a line from 1."));
		}
		return refusedAudited(this.tx.transactional(this.rows.find(workspace, id, true).flatMap((change) -> {
			refuseClosed(change, "commented on");
			Mono<Void> parentExists = (parentId == null) ? Mono.empty() : this.rows.comments(id).flatMap((all) -> all
				.stream().anyMatch((c) -> c.id() == parentId && c.parentId() == null) ? Mono.empty()
						: Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-comment",
								"Invalid comment", "Comment " + parentId + " does not start a thread of this change.")));
			DatabaseClient.GenericExecuteSpec insert = this.db.sql("INSERT INTO change_comment (change_request_id, "
					+ "revision, parent_id, policy, line, author, body) VALUES (:id, :revision, :parent, :policy, "
					+ ":line, :author, :body) RETURNING id")
				.bind("id", id)
				.bind("revision", change.revision())
				.bind("author", by.username())
				.bind("body", body.strip());
			insert = (parentId != null) ? insert.bind("parent", parentId) : insert.bindNull("parent", Long.class);
			insert = (policy != null) ? insert.bind("policy", policy) : insert.bindNull("policy", String.class);
			insert = (line != null) ? insert.bind("line", line) : insert.bindNull("line", Integer.class);
			DatabaseClient.GenericExecuteSpec write = insert;
			return parentExists.then(write.map((row) -> row.get("id", Long.class)).one())
				.flatMap((commentId) -> record(by, "change.commented", workspace, id, Map.of("comment", commentId))
					.then(this.rows.comments(id))
					.map((all) -> all.stream().filter((c) -> c.id() == commentId).findFirst().orElseThrow()));
		})), by, "change.comment", workspace, id);
	}

	/** Marks a thread resolved, or open again (AUTHOR). */
	public Mono<Comment> resolve(String workspace, long id, long commentId, boolean resolved, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.resolve");
		}
		return refusedAudited(this.tx.transactional(this.rows.find(workspace, id, true).flatMap((change) -> this.db
			.sql("UPDATE change_comment SET resolved = :resolved, resolved_by = :by WHERE id = :comment AND "
					+ "change_request_id = :id AND parent_id IS NULL")
			.bind("resolved", resolved)
			.bind("by", by.username())
			.bind("comment", commentId)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.flatMap((n) -> (n == 1) ? record(by, "change.resolved", workspace, id, Map.of("comment", commentId,
					"resolved", resolved)) : Mono.error(ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
							"Change request " + id + " has no thread " + commentId + ".")))
			.then(this.rows.comments(id))
			.map((all) -> all.stream().filter((c) -> c.id() == commentId).findFirst().orElseThrow()))),
				by, "change.resolve", workspace, id);
	}

	// ---------------------------------------------------------------- shared with Merges

	/** Stores the status the reviews give an open change request. */
	Mono<Void> refreshStatus(String workspace, long id, ProtectionRules rules) {
		return this.rows.find(workspace, id, false).zipWith(this.rows.reviews(id)).flatMap((found) -> {
			ChangeRequest.Status status = Approvals.of(rules, found.getT1(), found.getT2(), null).status(rules);
			return this.db.sql("UPDATE change_request SET status = :status, updated_at = clock_timestamp() "
					+ "WHERE id = :id AND status NOT IN ('MERGED', 'WITHDRAWN')")
				.bind("status", status.name())
				.bind("id", id)
				.then();
		});
	}

	static void refuseClosed(ChangeRequest change, String verb) {
		if (change.status().closed()) {
			throw ApiProblem.of(HttpStatus.CONFLICT, "change-closed", "Change request closed", "Change request "
					+ change.id() + " is " + change.status().name().toLowerCase(java.util.Locale.ROOT)
					+ ", so it cannot be " + verb + ".");
		}
	}

	private static void refuseOthers(ChangeRequest change, Actor by, String verb) {
		if (!change.author().equalsIgnoreCase(by.username()) && !by.has(Role.ADMIN)) {
			throw ApiProblem.of(HttpStatus.FORBIDDEN, "not-the-author", "Not the author", "Only the change request's"
					+ " author (" + change.author() + ") or an admin may " + verb + " it.");
		}
	}

	private Mono<Void> insertRevision(long id, int revision, String changes, List<ChangeSets.Touched> touched,
			Actor by) {
		return this.db.sql("INSERT INTO change_revision (change_request_id, revision, changes, author) VALUES (:id, "
				+ ":revision, :changes, :author)")
			.bind("id", id)
			.bind("revision", revision)
			.bind("changes", changes)
			.bind("author", by.username())
			.then()
			.thenMany(Flux.fromIterable(touched).concatMap((t) -> {
				DatabaseClient.GenericExecuteSpec insert = this.db.sql("INSERT INTO change_revision_policy "
						+ "(change_request_id, revision, kind, namespace, name, deleted, base_version) VALUES (:id, "
						+ ":revision, :kind, :namespace, :name, :deleted, :base)")
					.bind("id", id)
					.bind("revision", revision)
					.bind("kind", t.key().kind().kindName())
					.bind("namespace", t.key().namespace())
					.bind("name", t.key().name())
					.bind("deleted", t.deleted());
				return ((t.base() != null) ? insert.bind("base", t.base()) : insert.bindNull("base", Integer.class))
					.then();
			}))
			.then();
	}

	/**
	 * Queues {@code event} for the workspace's webhooks, in the caller's transaction (a change that rolls back sends
	 * nothing). Its {@code url} is the review page's, absolute when {@code portcullis.public-url} is set
	 * ({@link PublicUrl}) so that a chat can open it, relative otherwise.
	 */
	Mono<Void> announce(String event, ChangeRequest change, Actor by) {
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("id", change.id());
		payload.put("title", change.title());
		payload.put("actor", by.username());
		payload.put("revision", change.revision());
		payload.put("status", change.status().name());
		payload.put("url", this.publicUrl.link(ChangeRequestPages.href(change.workspace(), change.id())));
		return this.webhooks.enqueue(change.workspace(), event, payload);
	}

	/** Audits a step of change request {@code id}, in the caller's transaction. */
	Mono<Void> record(Actor by, String action, String workspace, long id, Map<String, Object> details) {
		return this.audit.record(new AuditLog.Event(by, action, AuditLog.Outcome.SUCCESS, "change-request/" + id,
				workspace, by.address(), details));
	}

	/**
	 * Audits a refusal ({@link ApiProblem} or {@link StoreException}) in a transaction of its own, the change's having
	 * rolled back, and passes it on: DENIED for 403s, FAILURE otherwise.
	 */
	<T> Mono<T> refusedAudited(Mono<T> change, Actor by, String action, String workspace, @Nullable Long id) {
		return change.onErrorResume((ex) -> ex instanceof ApiProblem || ex instanceof StoreException, (ex) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("reason", String.valueOf(ex.getMessage()));
			boolean denied = ex instanceof ApiProblem problem && problem.status() == HttpStatus.FORBIDDEN;
			if (ex instanceof ApiProblem problem) {
				details.put("problem", problem.slug());
			}
			return this.ownTransaction.transactional(this.audit.record(new AuditLog.Event(by, action,
					denied ? AuditLog.Outcome.DENIED : AuditLog.Outcome.FAILURE, (id != null) ? "change-request/" + id
							: null, workspace, by.address(), details)))
				.then(Mono.error(ex));
		});
	}

}
