package dev.portcullis.publish;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A stored target without its secrets: which credentials are set is known ({@code credentialNames}), their values
 * only to {@link Targets#open}.
 *
 * @param drift the last drift check's differences as JSON text (null: never checked)
 * @param driftProposed the objects the last drift check found proposed in an open pull request and not merged yet, as
 *        JSON text (null: none, or never checked)
 */
record TargetRow(long id, long workspaceId, String workspace, String name, String type, Map<String, String> settings,
		Set<String> credentialNames, String createdBy, Instant createdAt, String updatedBy, Instant updatedAt,
		@Nullable String drift, @Nullable Instant driftCheckedAt, @Nullable String driftError,
		@Nullable String driftProposed) {

	TargetRow {
		settings = Map.copyOf(settings);
		credentialNames = Set.copyOf(credentialNames);
	}

	/** The authentication kind ({@code auth.type}), {@code none} when unset. */
	String authType() {
		return this.settings.getOrDefault("auth.type", "none");
	}

}
