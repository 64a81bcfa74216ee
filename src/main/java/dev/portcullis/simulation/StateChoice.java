package dev.portcullis.simulation;

import java.time.Instant;
import java.util.List;

import dev.portcullis.policy.PolicyKey;

import org.jspecify.annotations.Nullable;

/**
 * Which state of a workspace a simulation runs against: the latest live versions ({@link #LATEST}), the state at a
 * past moment, and either with an unsaved draft on top (policy text whose policies replace the same-named ones and
 * add the others) and policies taken away: together "as this change request would leave it" (docs/adr/031).
 *
 * @param at the moment (RFC 3339 in the API); null: now, the latest versions
 * @param draft YAML or JSON policy documents; null or blank: none
 * @param deletes policies left out of the state (a change request's deletes); a key the state does not hold is
 *        ignored
 */
public record StateChoice(@Nullable Instant at, @Nullable String draft, List<PolicyKey> deletes) {

	/** The workspace's latest live versions, no draft. */
	public static final StateChoice LATEST = new StateChoice(null, null);

	public StateChoice {
		draft = (draft == null || draft.isBlank()) ? null : draft;
		deletes = List.copyOf(deletes);
	}

	/** A state without deletes. */
	public StateChoice(@Nullable Instant at, @Nullable String draft) {
		this(at, draft, List.of());
	}

	/** The latest versions with a change's policies on top and its deletes taken away. */
	public static StateChoice change(@Nullable String draft, List<PolicyKey> deletes) {
		return new StateChoice(null, draft, deletes);
	}

	/** The state at a moment, no draft. */
	public static StateChoice at(@Nullable Instant at) {
		return new StateChoice(at, null);
	}

	/** The latest versions with a draft on top. */
	public static StateChoice draft(@Nullable String draft) {
		return new StateChoice(null, draft);
	}

}
