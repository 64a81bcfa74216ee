package dev.portcullis.review;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Where a change request stands against its workspace's rules: which reviewers approve and which request changes
 * (each reviewer's latest review that is not stale and not a plain comment counts; the author's never does), the
 * status that follows, and each rule a merge must meet. Pure: the caller reads the reviews and runs the expectations.
 *
 * @param approvers reviewers whose latest counting review approves, sorted
 * @param requestingChanges reviewers whose latest counting review requests changes, sorted
 * @param checks one per rule of a protected workspace (none for an unprotected one), in a fixed order
 */
public record Approvals(List<String> approvers, List<String> requestingChanges, List<Check> checks) {

	public Approvals {
		approvers = List.copyOf(approvers);
		requestingChanges = List.copyOf(requestingChanges);
		checks = List.copyOf(checks);
	}

	/**
	 * One rule and whether it holds.
	 *
	 * @param rule the rule's name as the protection API spells it ({@code requiredApprovals}...), or
	 *        {@code noChangesRequested}
	 * @param met whether it holds
	 * @param detail what is there, for people ("1 of 2 approvals")
	 */
	public record Check(String rule, boolean met, String detail) {
	}

	/**
	 * What the expectations said against the change: {@code failed} of {@code total} failed, or {@code error} when
	 * they could not run (the change's policies no longer parse).
	 */
	public record ExpectationsOutcome(int total, int failed, @Nullable String error) {
	}

	/**
	 * Evaluates the rules.
	 * @param expectations null when the rule is off or they were not run
	 */
	public static Approvals of(ProtectionRules rules, ChangeRequest change, List<Review> reviews,
			@Nullable ExpectationsOutcome expectations) {
		Map<String, Review.Decision> latest = new LinkedHashMap<>();
		boolean lastRevisionApproved = false;
		for (Review review : reviews) {
			if (review.stale() || review.decision() == Review.Decision.COMMENT
					|| review.reviewer().equalsIgnoreCase(change.author())) {
				continue;
			}
			latest.put(review.reviewer(), review.decision());
		}
		TreeSet<String> approvers = new TreeSet<>();
		TreeSet<String> requesting = new TreeSet<>();
		latest.forEach((reviewer, decision) -> (decision == Review.Decision.APPROVE ? approvers : requesting).add(reviewer));
		for (Review review : reviews) {
			if (!review.stale() && review.decision() == Review.Decision.APPROVE && review.revision() == change.revision()
					&& approvers.contains(review.reviewer())) {
				lastRevisionApproved = true;
			}
		}
		List<Check> checks = new ArrayList<>();
		if (rules.isProtected()) {
			checks.add(new Check("requiredApprovals", approvers.size() >= rules.requiredApprovals(),
					approvers.size() + " of " + rules.requiredApprovals() + " required "
							+ ((rules.requiredApprovals() == 1) ? "approval" : "approvals")
							+ (rules.dismissStaleApprovals() ? " (approvals of earlier revisions do not count)" : "")));
			checks.add(new Check("noChangesRequested", requesting.isEmpty(), requesting.isEmpty()
					? "No reviewer requests changes" : "Changes requested by " + String.join(", ", requesting)));
			if (rules.requireLastRevisionApproval()) {
				checks.add(new Check("requireLastRevisionApproval", lastRevisionApproved, lastRevisionApproved
						? "Revision " + change.revision() + " is approved by someone other than its author"
						: "Revision " + change.revision() + " needs an approval by someone other than its author"));
			}
			if (rules.requireExpectations()) {
				boolean passed = expectations != null && expectations.error() == null && expectations.failed() == 0;
				String detail = (expectations == null) ? "The expectations were not run"
						: (expectations.error() != null) ? "The expectations could not run: " + expectations.error()
								: (expectations.failed() == 0) ? "All " + expectations.total() + " expectations pass"
										: expectations.failed() + " of " + expectations.total() + " expectations fail";
				checks.add(new Check("requireExpectations", passed, detail));
			}
		}
		return new Approvals(List.copyOf(approvers), List.copyOf(requesting), checks);
	}

	/** The rules that do not hold. */
	public List<Check> unmet() {
		return this.checks.stream().filter((c) -> !c.met()).toList();
	}

	/** The status an open change request has: changes requested, approved (enough approvals) or open. */
	public ChangeRequest.Status status(ProtectionRules rules) {
		if (!this.requestingChanges.isEmpty()) {
			return ChangeRequest.Status.CHANGES_REQUESTED;
		}
		return (this.approvers.size() >= rules.approvalsForStatus()) ? ChangeRequest.Status.APPROVED
				: ChangeRequest.Status.OPEN;
	}

}
