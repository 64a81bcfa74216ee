package dev.portcullis.policy;

import java.util.List;

import dev.portcullis.engine.doc.Violation;

/**
 * What a save, delete or restore did.
 *
 * @param outcome what happened
 * @param version the policy's head version afterwards (for {@link Outcome#UNCHANGED}: the existing head, no new
 *        version was written)
 * @param warnings the engine's warnings about the saved text (pruned unknown fields, implicit namespace, ...);
 *        empty for delete and restore
 */
public record SaveResult(Outcome outcome, PolicyVersion version, List<Violation> warnings) {

	public SaveResult {
		warnings = List.copyOf(warnings);
	}

	public enum Outcome {

		/** The policy did not exist (or was deleted): version written. */
		CREATED,
		/** A new version with different content was written. */
		UPDATED,
		/** The canonical form equals the head's: nothing was written. */
		UNCHANGED,
		/** A tombstone version was written. */
		DELETED,
		/** An earlier version's content was written as a new version. */
		RESTORED

	}

}
