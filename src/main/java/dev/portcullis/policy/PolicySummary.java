package dev.portcullis.policy;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
 * @param warnings how many warnings the engine gave for this version's text (0 for a tombstone); null when unknown
 *        (versions written before the store counted them)
 */
public record PolicySummary(PolicyKey key, int version, boolean deleted, Instant createdAt, String author,
		String message, Map<String, String> labels, String contentHash, @Nullable Integer warnings) {

	public PolicySummary {
		labels = Map.copyOf(labels);
	}

	/** Whether the engine warned about this version's text (a badge in the list). */
	public boolean hasWarnings() {
		return this.warnings != null && this.warnings > 0;
	}

}
