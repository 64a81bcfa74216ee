package dev.portcullis.publish;

import java.util.List;

/**
 * What publishing does to one object.
 *
 * @param kind the Kubernetes kind
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param action create, update, delete or leave unchanged
 * @param diff a unified diff of the object's YAML, what the target holds now ({@code ---}) against what it will
 *        hold ({@code +++}); empty for {@link Action#UNCHANGED}
 * @param conflicts fields another manager owns that applying would take over, in words ({@code spec.ingress owned by
 *        kubectl-client-side-apply}); empty for Git
 */
public record PlanItem(String kind, String namespace, String name, Action action, String diff, List<String> conflicts) {

	public PlanItem {
		conflicts = List.copyOf(conflicts);
	}

	/** {@code kind/namespace/name}, or {@code kind/name} when cluster-wide. */
	public String ref() {
		return ref(this.kind, this.namespace, this.name);
	}

	static String ref(String kind, String namespace, String name) {
		return kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
	}

	/** What happens to an object. */
	public enum Action {

		/** The target does not hold it; it will. */
		CREATE,
		/** The target holds another version; it will hold the desired one. */
		UPDATE,
		/** Portcullis published it earlier, the workspace no longer has it; it will be removed. */
		DELETE,
		/** The target already holds it as desired. */
		UNCHANGED

	}

}
