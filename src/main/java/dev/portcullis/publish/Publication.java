package dev.portcullis.publish;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The publication an adapter applies, as its commit message and labels name it.
 *
 * @param id the publication's id (Git writes it as the {@code Portcullis-Publication} trailer, which is how a
 *        repeated apply finds its own commit)
 * @param workspace the workspace's name
 * @param by who asked for it (a user name)
 * @param state what is published in words ("workspace prod as of 2026-12-05T03:00:00Z, 12 policies")
 * @param stateAt the moment of the published state
 * @param forceConflicts whether the user chose to take over fields other managers own (Kubernetes)
 * @param changeRequests the change requests whose merges made this state since the last publication to the target,
 *        with their approvers; empty when nothing was merged through review since (direct saves of an unprotected
 *        workspace)
 * @param impact what the published state does to recent traffic against the state published before, for a Git
 *        target that sets the {@code portcullis/impact} commit status; null when none is set
 * @param fence checked before every effect on the target (docs/adr/049); {@link Fence#NONE} outside the outbox
 * @param superseded earlier publications to the same target whose pull requests may still be open: a Git target in
 *        pull-request mode closes them once this one's is open (docs/adr/045); empty otherwise
 */
public record Publication(long id, String workspace, String by, String state, Instant stateAt, boolean forceConflicts,
		List<ChangeRequest> changeRequests, @Nullable Impact impact, Fence fence, List<Earlier> superseded) {

	public Publication {
		changeRequests = List.copyOf(changeRequests);
		superseded = List.copyOf(superseded);
	}

	/** A publication without a fence and without earlier pull requests. */
	public Publication(long id, String workspace, String by, String state, Instant stateAt, boolean forceConflicts,
			List<ChangeRequest> changeRequests, @Nullable Impact impact) {
		this(id, workspace, by, state, stateAt, forceConflicts, changeRequests, impact, Fence.NONE, List.of());
	}

	/** A publication without an impact (no commit status is set). */
	public Publication(long id, String workspace, String by, String state, Instant stateAt, boolean forceConflicts,
			List<ChangeRequest> changeRequests) {
		this(id, workspace, by, state, stateAt, forceConflicts, changeRequests, null);
	}

	/** This publication with {@code fence} checked before every effect. */
	public Publication withFence(Fence fence) {
		return new Publication(this.id, this.workspace, this.by, this.state, this.stateAt, this.forceConflicts,
				this.changeRequests, this.impact, fence, this.superseded);
	}

	/**
	 * An earlier publication to the same target that opened a pull request not known to be closed or merged.
	 *
	 * @param id its id (its proposal branch is {@code portcullis/publication-<id>})
	 * @param pullRequest the request's address as recorded
	 * @param commit the commit Portcullis pushed to its branch (the branch is deleted only while it still points
	 *        there), null when not recorded
	 */
	public record Earlier(long id, String pullRequest, @Nullable String commit) {
	}

	/**
	 * The replay summary a forge's commit status carries ({@code portcullis/impact}).
	 *
	 * @param outcome SUCCESS (no flow of the window changes for the worse, or no flows to tell), FAILURE (flows would
	 *        be newly dropped or get another L7 answer), ERROR (the replay could not run)
	 * @param description one line for people, at most {@link #MAX_DESCRIPTION} characters (cut with an ellipsis)
	 * @param targetUrl the publication's page as an absolute URL, null when no public URL is configured
	 */
	public record Impact(Outcome outcome, String description, @Nullable String targetUrl) {

		/** The longest description a forge takes (GitHub's limit; GitLab takes more). */
		public static final int MAX_DESCRIPTION = 140;

		public Impact {
			description = (description.length() > MAX_DESCRIPTION)
					? description.substring(0, MAX_DESCRIPTION - 1) + "\u2026" : description;
		}

		/** How the status reads. */
		public enum Outcome {

			SUCCESS, FAILURE, ERROR

		}

	}

	/**
	 * A change request named in a publication.
	 *
	 * @param number its number in the workspace
	 * @param title its title
	 * @param approvers the user names that approved it
	 */
	public record ChangeRequest(long number, String title, List<String> approvers) {

		public ChangeRequest {
			approvers = List.copyOf(approvers);
		}

	}

}
