package dev.portcullis.review;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A comment on a change request (no {@code policy}) or on a line of a policy in a revision. A reply names its
 * thread's first comment ({@code parentId}); a thread is resolved on its first comment.
 *
 * @param policy the policy ({@code kind/namespace/name}, as {@link dev.portcullis.policy.PolicyKey#toString}) or null
 * @param line the 1-based line of the policy's text in that revision, or null
 */
public record Comment(long id, int revision, @Nullable Long parentId, @Nullable String policy, @Nullable Integer line,
		String author, String body, boolean resolved, @Nullable String resolvedBy, Instant createdAt) {
}
