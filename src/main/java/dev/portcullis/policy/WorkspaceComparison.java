package dev.portcullis.policy;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How a workspace changed between two moments: the policies that exist at only one of them, or at both with
 * different content. Deleted policies count as absent.
 *
 * @param from the earlier moment
 * @param to the later moment
 * @param changes sorted by kind, namespace, name
 */
public record WorkspaceComparison(Instant from, Instant to, List<Entry> changes) {

	public WorkspaceComparison {
		changes = List.copyOf(changes);
	}

	/**
	 * One policy that differs.
	 *
	 * @param key the policy
	 * @param change ADDED (absent at "from"), REMOVED (absent at "to") or CHANGED (different content)
	 * @param fromVersion its version at "from", null when absent
	 * @param toVersion its version at "to", null when absent
	 */
	public record Entry(PolicyKey key, Change change, @Nullable Integer fromVersion, @Nullable Integer toVersion) {
	}

	public enum Change {

		ADDED, REMOVED, CHANGED

	}

}
