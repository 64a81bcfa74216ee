package dev.portcullis.review;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A change request: a proposed change of several policies of one workspace, its latest revision and where it
 * stands.
 *
 * @param revision the latest revision's number (1 for a new change request)
 * @param closedAt when it was merged or withdrawn
 * @param closedBy who merged or withdrew it
 * @param bypassReason why an admin merged it without the rules holding; null otherwise
 */
public record ChangeRequest(long id, String workspace, String title, String description, String author,
		Status status, int revision, Instant createdAt, Instant updatedAt, @Nullable Instant closedAt,
		@Nullable String closedBy, @Nullable String bypassReason) {

	/** Where a change request stands. OPEN, APPROVED and CHANGES_REQUESTED are open; MERGED and WITHDRAWN closed. */
	public enum Status {

		OPEN, APPROVED, CHANGES_REQUESTED, MERGED, WITHDRAWN;

		public boolean closed() {
			return this == MERGED || this == WITHDRAWN;
		}

	}

}
