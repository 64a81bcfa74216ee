package dev.portcullis.publish;

import java.time.Instant;
import java.util.List;

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
 */
public record Publication(long id, String workspace, String by, String state, Instant stateAt, boolean forceConflicts,
		List<ChangeRequest> changeRequests) {

	public Publication {
		changeRequests = List.copyOf(changeRequests);
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
