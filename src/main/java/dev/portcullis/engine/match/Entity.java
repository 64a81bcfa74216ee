package dev.portcullis.engine.match;

import java.util.Optional;

/**
 * Cilium's entities (pkg/policy/api/entity.go) and the identities each selects. The CRD enum admits
 * {@code all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none, kube-apiserver};
 * {@code world-ipv4} and {@code world-ipv6} exist in the agent but the CRD rejects them.
 */
public enum Entity {

	ALL, WORLD, WORLD_IPV4, WORLD_IPV6, CLUSTER, HOST, INIT, INGRESS, UNMANAGED, REMOTE_NODE, HEALTH, NONE,
	KUBE_APISERVER;

	/** The entity for its policy spelling ({@code remote-node}), case-sensitive. */
	public static Optional<Entity> parse(String name) {
		throw new UnsupportedOperationException("TODO");
	}

	/** The policy spelling, for example {@code kube-apiserver}. */
	public String spelling() {
		throw new UnsupportedOperationException("TODO");
	}

	/** Whether the CRD's enum admits it. */
	public boolean inCrdEnum() {
		throw new UnsupportedOperationException("TODO");
	}

	/**
	 * Whether an identity with these labels is selected. {@code cluster} covers the reserved cluster identities
	 * and every pod whose {@code io.cilium.k8s.policy.cluster} label equals {@code clusterName}.
	 */
	public boolean selects(Labels identity, String clusterName) {
		throw new UnsupportedOperationException("TODO");
	}

}
