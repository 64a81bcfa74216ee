package dev.portcullis.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.simulation.ExpectationRuns;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Merging a change request, and where it stands against the rules. A merge is one transaction: the change request's
 * row is locked ({@code FOR UPDATE}) and must still be open at the revision the rules were checked for, the rules
 * must hold ({@link Approvals}), and {@link ChangeSets#merge} writes every policy as a new version linked to the
 * change request, refusing when a base moved; then the status becomes MERGED. Two merges at once: the second waits
 * for the lock and finds the change request merged (409 {@code change-closed}); nothing is ever half-applied.
 * <p>
 * Who may merge: the change request's author or a reviewer (403 {@code not-allowed-to-merge} for other authors).
 * Refusals: 409 {@code rules-not-met} naming the rules that do not hold (an admin may bypass them with a reason,
 * audited as {@code change.bypassed}), 409 {@code base-moved} naming the policies that moved.
 */
@Component
public class Merges {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final ChangeRequestRows rows;

	private final ChangeRequests changeRequests;

	private final ChangeSets changeSets;

	private final Protections protections;

	private final ExpectationRuns expectationRuns;

	private final Permissions permissions;

	Merges(DatabaseClient db, ReactiveTransactionManager transactions, ChangeRequestRows rows,
			ChangeRequests changeRequests, ChangeSets changeSets, Protections protections,
			ExpectationRuns expectationRuns, Permissions permissions) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.rows = rows;
		this.changeRequests = changeRequests;
		this.changeSets = changeSets;
		this.protections = protections;
		this.expectationRuns = expectationRuns;
		this.permissions = permissions;
	}

	/**
	 * A change request with everything that belongs to it and where it stands.
	 *
	 * @param approvals the reviews against the rules
	 * @param moved the touched policies whose head is no longer the latest revision's base (empty for closed ones)
	 * @param expectations the expectations against the change, when run
	 */
	public record Standing(ChangeRequest change, ProtectionRules rules, List<Revision> revisions, List<Review> reviews,
			List<Comment> comments, Approvals approvals, List<ChangeSets.Moved> moved,
			Approvals.@Nullable ExpectationsOutcome expectations) {

		public Revision latest() {
			return this.revisions.get(this.revisions.size() - 1);
		}

		/** Whether a merge would go ahead now (without a bypass). */
		public boolean mergeable() {
			return !this.change.status().closed() && this.approvals.unmet().isEmpty() && this.moved.isEmpty();
		}

	}

	/**
	 * The change request with its revisions, reviews and comments, the rules and how they stand; the expectations are
	 * run against the change when {@code runExpectations} or the rules require them (open change requests only).
	 */
	public Mono<Standing> standing(String workspace, long id, boolean runExpectations) {
		return this.rows.find(workspace, id, false).flatMap((change) -> Mono.zip(this.protections.of(workspace),
				this.rows.revisions(id), this.rows.reviews(id), this.rows.comments(id))
			.flatMap((found) -> {
				ProtectionRules rules = found.getT1();
				Revision latest = found.getT2().get(found.getT2().size() - 1);
				boolean open = !change.status().closed();
				Mono<Optional<Approvals.ExpectationsOutcome>> expectations = (open
						&& (runExpectations || (rules.isProtected() && rules.requireExpectations())))
								? expectations(workspace, latest).map(Optional::of) : Mono.just(Optional.empty());
				Mono<List<ChangeSets.Moved>> moved = open ? this.changeSets.moved(workspace, latest.policies())
						: Mono.just(List.of());
				return Mono.zip(expectations, moved).map((more) -> new Standing(change, rules, found.getT2(),
						found.getT3(), found.getT4(), Approvals.of(rules, change, found.getT3(), more.getT1().orElse(null)),
						more.getT2(), more.getT1().orElse(null)));
			}));
	}

	/** The workspace's expectations run against the state the revision would leave. */
	Mono<Approvals.ExpectationsOutcome> expectations(String workspace, Revision revision) {
		return this.expectationRuns.run(workspace, state(revision))
			.map((report) -> new Approvals.ExpectationsOutcome(report.passed() + report.failed(), report.failed(), null))
			.onErrorResume(ApiProblem.class, (ex) -> Mono.just(new Approvals.ExpectationsOutcome(0, 0,
					String.valueOf(ex.getMessage()))));
	}

	/** The state a revision would leave the workspace in: its policies on top of the latest, its deletes gone. */
	public static StateChoice state(Revision revision) {
		return StateChoice.change(revision.changes(), revision.deletes());
	}

	/**
	 * Merges the change request. {@code bypassReason}, when not null, asks to merge although rules do not hold (ADMIN
	 * only, a reason required).
	 * @return the versions written
	 */
	public Mono<List<PolicyVersion>> merge(String workspace, long id, @Nullable String bypassReason, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "change.merge");
		}
		if (bypassReason != null && !by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "change.bypass");
		}
		if (bypassReason != null && bypassReason.isBlank()) {
			return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-bypass", "Invalid bypass",
					"A bypass needs a reason."));
		}
		return this.changeRequests.refusedAudited(standing(workspace, id, false).flatMap((before) -> this.tx
			.transactional(this.rows.find(workspace, id, true).flatMap((change) -> {
				ChangeRequests.refuseClosed(change, "merged");
				if (!change.author().equalsIgnoreCase(by.username()) && !by.has(Role.REVIEWER)) {
					return Mono.error(ApiProblem.of(HttpStatus.FORBIDDEN, "not-allowed-to-merge",
							"Not allowed to merge", "Only the change request's author or a reviewer may merge it."));
				}
				if (change.revision() != before.change().revision()) {
					return Mono.error(ApiProblem.of(HttpStatus.CONFLICT, "revised-meanwhile", "Revised meanwhile",
							"The change request was revised while the merge was checked; look at revision "
									+ change.revision() + " and merge again."));
				}
				return this.rows.reviews(id).flatMap((reviews) -> {
					Approvals approvals = Approvals.of(before.rules(), change, reviews, before.expectations());
					List<Approvals.Check> unmet = approvals.unmet();
					if (!unmet.isEmpty() && bypassReason == null) {
						return Mono.error(ApiProblem.of(HttpStatus.CONFLICT, "rules-not-met", "Rules not met",
								"The change request cannot be merged yet: " + String.join("; ", unmet.stream()
									.map((c) -> c.rule() + ": " + c.detail()).toList()) + ".")
							.property("unmet", unmet));
					}
					Revision latest = before.latest();
					String message = "Merge change request #" + id + ": " + change.title();
					return this.changeSets.merge(workspace, latest.changes(), latest.policies(), id, message, by)
						.flatMap((written) -> closeMerged(workspace, id, bypassReason, unmet, written, by)
							.thenReturn(written));
				});
			}))), by, "change.merge", workspace, id);
	}

	private Mono<Void> closeMerged(String workspace, long id, @Nullable String bypassReason,
			List<Approvals.Check> unmet, List<PolicyVersion> written, Actor by) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("UPDATE change_request SET status = 'MERGED', "
				+ "closed_at = clock_timestamp(), closed_by = :by, bypass_reason = :reason, updated_at = "
				+ "clock_timestamp() WHERE id = :id AND status NOT IN ('MERGED', 'WITHDRAWN')")
			.bind("by", by.username())
			.bind("id", id);
		String reason = (bypassReason != null && !unmet.isEmpty()) ? bypassReason.strip() : null;
		update = (reason != null) ? update.bind("reason", reason) : update.bindNull("reason", String.class);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("versions", written.stream().map((v) -> v.key() + "@" + v.version()).toList());
		Mono<Void> bypassed = Mono.empty();
		if (reason != null) {
			Map<String, Object> bypass = new LinkedHashMap<>();
			bypass.put("reason", reason);
			bypass.put("unmet", unmet.stream().map(Approvals.Check::rule).toList());
			bypassed = this.changeRequests.record(by, "change.bypassed", workspace, id, bypass);
		}
		return update.fetch().rowsUpdated()
			.flatMap((n) -> (n == 1) ? Mono.<Void>empty() : Mono.error(new IllegalStateException(
					"change request " + id + " closed under a lock")))
			.then(bypassed)
			.then(this.changeRequests.record(by, "change.merged", workspace, id, details))
			.then(this.rows.find(workspace, id, false))
			.flatMap((merged) -> this.changeRequests.announce(dev.portcullis.review.webhook.Webhooks.MERGED, merged, by));
	}

}
