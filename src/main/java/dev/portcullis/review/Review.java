package dev.portcullis.review;

import java.time.Instant;

/**
 * A review of one revision of a change request.
 *
 * @param stale whether a later revision dismissed it (rule {@code dismissStaleApprovals}): it no longer counts
 */
public record Review(long id, int revision, String reviewer, Decision decision, String body, boolean stale,
		Instant createdAt) {

	/** What a reviewer decided. */
	public enum Decision {

		APPROVE, REQUEST_CHANGES, COMMENT

	}

}
