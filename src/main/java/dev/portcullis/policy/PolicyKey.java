package dev.portcullis.policy;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.web.Quoted;

/**
 * A policy's identity in a workspace: kind, namespace and name. The namespace of a cluster-wide kind
 * ({@code CiliumClusterwideNetworkPolicy}) is {@code ""}; in URLs it is written {@code _}
 * ({@link #namespaceSegment()}). {@link #toString()} gives {@code CiliumNetworkPolicy/default/web} or
 * {@code CiliumClusterwideNetworkPolicy/all-ingress}.
 */
public record PolicyKey(PolicyKind kind, String namespace, String name) implements Comparable<PolicyKey> {

	/** How the namespace of a cluster-wide kind is written in a URL path. */
	public static final String NO_NAMESPACE_SEGMENT = "_";

	public PolicyKey {
		if (kind.namespaced() && namespace.isEmpty()) {
			throw new IllegalArgumentException(kind.kindName() + " is namespaced: the namespace must not be empty");
		}
		if (!kind.namespaced() && !namespace.isEmpty()) {
			throw new IllegalArgumentException(kind.kindName() + " is cluster-wide: the namespace must be empty");
		}
	}

	/** The key of an engine {@link PolicyRef}. */
	public static PolicyKey of(PolicyRef ref) {
		return new PolicyKey(ref.kind(), (ref.namespace() != null) ? ref.namespace() : "", ref.name());
	}

	/**
	 * The key named by URL path segments: {@code kind} is a Kubernetes kind name ({@code CiliumNetworkPolicy},
	 * also accepted: its plural or short name, case-insensitive: {@code ciliumnetworkpolicies}, {@code cnp},
	 * {@code ccnp}, {@code netpol}, {@code networkpolicies}); {@code namespace} is {@code _} for cluster-wide kinds.
	 * @throws IllegalArgumentException with a message for the user when the kind is unknown or the namespace does
	 * not fit the kind
	 */
	public static PolicyKey parse(String kind, String namespace, String name) {
		PolicyKind policyKind = kind(kind);
		String ns = NO_NAMESPACE_SEGMENT.equals(namespace) ? "" : namespace;
		if (!policyKind.namespaced() && !ns.isEmpty()) {
			throw new IllegalArgumentException(policyKind.kindName() + " is cluster-wide: write its namespace as \""
					+ NO_NAMESPACE_SEGMENT + "\", not " + Quoted.of(namespace));
		}
		if (policyKind.namespaced() && ns.isEmpty()) {
			throw new IllegalArgumentException(policyKind.kindName() + " is namespaced: name its namespace");
		}
		return new PolicyKey(policyKind, ns, name);
	}

	/** The kind named {@code text} (kind name, plural or short name, case-insensitive). */
	public static PolicyKind kind(String text) {
		String lower = text.toLowerCase(java.util.Locale.ROOT);
		return switch (lower) {
			case "ciliumnetworkpolicy", "ciliumnetworkpolicies", "cnp" -> PolicyKind.CILIUM_NETWORK_POLICY;
			case "ciliumclusterwidenetworkpolicy", "ciliumclusterwidenetworkpolicies", "ccnp" ->
				PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY;
			case "networkpolicy", "networkpolicies", "netpol" -> PolicyKind.NETWORK_POLICY;
			default -> throw new IllegalArgumentException("Unknown kind " + Quoted.of(text)
					+ ": use CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy");
		};
	}

	/** The namespace as a URL path segment: {@code _} for cluster-wide kinds. */
	public String namespaceSegment() {
		return this.namespace.isEmpty() ? NO_NAMESPACE_SEGMENT : this.namespace;
	}

	/** The path below a workspace: {@code CiliumNetworkPolicy/default/web}, {@code CiliumClusterwideNetworkPolicy/_/x}. */
	public String path() {
		return this.kind.kindName() + "/" + namespaceSegment() + "/" + this.name;
	}

	@Override
	public String toString() {
		return this.kind.kindName() + "/" + (this.namespace.isEmpty() ? "" : this.namespace + "/") + this.name;
	}

	/** Export order: kind name, namespace, name. */
	@Override
	public int compareTo(PolicyKey other) {
		int byKind = this.kind.kindName().compareTo(other.kind.kindName());
		if (byKind != 0) {
			return byKind;
		}
		int byNamespace = this.namespace.compareTo(other.namespace);
		return (byNamespace != 0) ? byNamespace : this.name.compareTo(other.name);
	}

}
