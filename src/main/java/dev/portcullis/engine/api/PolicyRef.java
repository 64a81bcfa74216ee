package dev.portcullis.engine.api;

import org.jspecify.annotations.Nullable;

/**
 * A policy object's identity: kind, namespace (null for cluster-wide kinds) and name.
 * {@link #toString()} gives {@code CiliumNetworkPolicy/default/allow-web}.
 */
public record PolicyRef(PolicyKind kind, @Nullable String namespace, String name) implements Comparable<PolicyRef> {

	@Override
	public String toString() {
		return this.kind.kindName() + "/" + ((this.namespace != null) ? this.namespace + "/" : "") + this.name;
	}

	@Override
	public int compareTo(PolicyRef other) {
		return toString().compareTo(other.toString());
	}

}
