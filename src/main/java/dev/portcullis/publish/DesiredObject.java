package dev.portcullis.publish;

import java.util.Map;

/**
 * One policy as it is to be published: the canonical YAML the store keeps for the version in force (keys sorted,
 * namespace explicit, cluster-set fields stripped) and the same document parsed.
 *
 * @param kind the Kubernetes kind ({@code CiliumNetworkPolicy}, {@code CiliumClusterwideNetworkPolicy},
 *        {@code NetworkPolicy})
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param yaml the canonical YAML text (one document, ending with a newline)
 * @param object the document parsed: maps, lists, strings, numbers, booleans (unmodifiable)
 */
public record DesiredObject(String kind, String namespace, String name, String yaml, Map<String, Object> object) {

	public DesiredObject {
		object = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(object));
	}

	/** {@code kind/namespace/name}, or {@code kind/name} when cluster-wide. */
	public String ref() {
		return PlanItem.ref(this.kind, this.namespace, this.name);
	}

}
