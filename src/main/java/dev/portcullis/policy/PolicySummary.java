package dev.portcullis.policy;

import java.time.Instant;
import java.util.Map;

/**
 * One version of a policy without its text: a row of the policy list (the head version, or the version current at
 * the moment asked for) and of a policy's history.
 *
 * @param key the policy
 * @param version the version number, 1 for the first
 * @param deleted whether this version is a tombstone (the policy was deleted by it)
 * @param createdAt when the version was written
 * @param author the username of who wrote it ({@code system} for the application)
 * @param message why, as the author said
 * @param labels {@code metadata.labels} of the policy at this version (empty for a tombstone)
 * @param contentHash SHA-256 (hex) of the canonical YAML; equal hashes mean equal policies
 */
public record PolicySummary(PolicyKey key, int version, boolean deleted, Instant createdAt, String author,
		String message, Map<String, String> labels, String contentHash) {

	public PolicySummary {
		labels = Map.copyOf(labels);
	}

}
