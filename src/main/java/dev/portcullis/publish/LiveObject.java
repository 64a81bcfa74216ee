package dev.portcullis.publish;

import org.jspecify.annotations.Nullable;

/**
 * An object as a target holds it now, as a policy a workspace could hold: server-set fields and the labels
 * Portcullis adds on publishing left out.
 *
 * @param kind the Kubernetes kind
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param yaml the object as one YAML document; null when a published object is gone from the target
 */
public record LiveObject(String kind, String namespace, String name, @Nullable String yaml) {

	/** {@code kind/namespace/name}, or {@code kind/name} when cluster-wide. */
	public String ref() {
		return PlanItem.ref(this.kind, this.namespace, this.name);
	}

}
