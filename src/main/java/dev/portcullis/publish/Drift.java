package dev.portcullis.publish;

import org.jspecify.annotations.Nullable;

/**
 * One difference between what was last published to a target and what the target holds now.
 *
 * @param kind the Kubernetes kind
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param field the field's path ({@code spec.ingress[0].fromEndpoints}); {@code ""} for the whole object (missing
 *        or extra)
 * @param published the published value as YAML text; null when the object was not published (an extra object
 *        Portcullis manages) or the field was absent
 * @param live the live value as YAML text; null when the object or field is gone
 * @param manager who owns the live value (a Kubernetes field manager, or for Git the last commit's author), null
 *        when unknown
 */
public record Drift(String kind, String namespace, String name, String field, @Nullable String published,
		@Nullable String live, @Nullable String manager) {

	/** {@code kind/namespace/name}, or {@code kind/name} when cluster-wide. */
	public String ref() {
		return PlanItem.ref(this.kind, this.namespace, this.name);
	}

}
