package dev.portcullis.review;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A workspace's protection rules, named as on Git hosts. When {@code isProtected}, its policies change only by merging
 * an approved change request; the other rules say what "approved" means. Authors never approve their own change,
 * whatever the rules; an admin may merge without the rules holding (a bypass, with a reason, audited).
 *
 * @param isProtected whether direct saves, deletes, restores and imports are refused ({@code protected} in JSON)
 * @param requiredApprovals approvals by reviewers other than the author a merge needs, 1 to 6
 * @param dismissStaleApprovals whether a new revision makes the earlier approvals stale (they no longer count)
 * @param requireLastRevisionApproval whether the latest revision itself needs an approval by someone other than its
 *        author
 * @param requireExpectations whether the workspace's connectivity expectations must pass against the change
 */
public record ProtectionRules(@JsonProperty("protected") boolean isProtected, int requiredApprovals,
		boolean dismissStaleApprovals, boolean requireLastRevisionApproval, boolean requireExpectations) {

	/** What a workspace without rules has: not protected; the defaults an admin starts from. */
	public static final ProtectionRules NONE = new ProtectionRules(false, 1, true, true, false);

	/** Approvals an unprotected workspace's change needs to show as APPROVED (it may merge without). */
	int approvalsForStatus() {
		return this.isProtected ? this.requiredApprovals : 1;
	}

}
