package dev.portcullis.simulation;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Which state of a workspace a simulation runs against: the latest live versions ({@link #LATEST}), the state at a
 * past moment, and either with an unsaved draft on top (policy text whose policies replace the same-named ones and
 * add the others).
 *
 * @param at the moment (RFC 3339 in the API); null: now, the latest versions
 * @param draft YAML or JSON policy documents; null or blank: none
 */
public record StateChoice(@Nullable Instant at, @Nullable String draft) {

	/** The workspace's latest live versions, no draft. */
	public static final StateChoice LATEST = new StateChoice(null, null);

	public StateChoice {
		draft = (draft == null || draft.isBlank()) ? null : draft;
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
