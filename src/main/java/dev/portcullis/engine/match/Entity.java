package dev.portcullis.engine.match;

import java.util.Locale;
import java.util.Optional;

import dev.portcullis.engine.match.SelectorKey.Compiled;

/**
 * Cilium's entities (pkg/policy/api/entity.go) and the identities each selects. The CRD enum admits
 * {@code all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none, kube-apiserver};
 * {@code world-ipv4} and {@code world-ipv6} exist in the agent but the CRD rejects them.
 * <p>
 * Selection follows {@code EntitySelectorMapping} and {@code InitEntities}: each entity is its reserved label
 * ({@code host} = {@code reserved:host}, and so on); {@code world} is {@code reserved:world},
 * {@code reserved:world-ipv4} or {@code reserved:world-ipv6} (CIDR identities carry one of these too);
 * {@code cluster} is host, remote-node, init, ingress, health, unmanaged and kube-apiserver, plus every identity
 * whose {@code k8s:io.cilium.k8s.policy.cluster} equals the local cluster name; {@code all} is everything,
 * {@code none} nothing. The kube-apiserver identity also carries {@code reserved:remote-node} (or
 * {@code reserved:host}), so those entities select it as well.
 */
public enum Entity {

	ALL, WORLD, WORLD_IPV4, WORLD_IPV6, CLUSTER, HOST, INIT, INGRESS, UNMANAGED, REMOTE_NODE, HEALTH, NONE,
	KUBE_APISERVER;

	private static final Compiled RESERVED_WORLD = reserved("world");

	private static final Compiled RESERVED_WORLD_IPV4 = reserved("world-ipv4");

	private static final Compiled RESERVED_WORLD_IPV6 = reserved("world-ipv6");

	private static final Compiled RESERVED_HOST = reserved("host");

	private static final Compiled RESERVED_REMOTE_NODE = reserved("remote-node");

	private static final Compiled RESERVED_KUBE_APISERVER = reserved("kube-apiserver");

	private static final Compiled RESERVED_INIT = reserved("init");

	private static final Compiled RESERVED_INGRESS = reserved("ingress");

	private static final Compiled RESERVED_HEALTH = reserved("health");

	private static final Compiled RESERVED_UNMANAGED = reserved("unmanaged");

	private static final Compiled CLUSTER_LABEL = new Compiled("k8s", "io.cilium.k8s.policy.cluster");

	private final String spelling = name().toLowerCase(Locale.ROOT).replace('_', '-');

	private static Compiled reserved(String key) {
		return new Compiled(SelectorKey.Label.RESERVED, key);
	}

	/** The entity for its policy spelling ({@code remote-node}), case-sensitive. */
	public static Optional<Entity> parse(String name) {
		for (Entity entity : values()) {
			if (entity.spelling.equals(name)) {
				return Optional.of(entity);
			}
		}
		return Optional.empty();
	}

	/** The policy spelling, for example {@code kube-apiserver}. */
	public String spelling() {
		return this.spelling;
	}

	/** Whether the CRD's enum admits it. */
	public boolean inCrdEnum() {
		return this != WORLD_IPV4 && this != WORLD_IPV6;
	}

	/**
	 * Whether an identity with these labels is selected. {@code cluster} covers the reserved cluster identities
	 * and every pod whose {@code io.cilium.k8s.policy.cluster} label equals {@code clusterName}.
	 */
	public boolean selects(Labels identity, String clusterName) {
		return switch (this) {
			case ALL -> true;
			case NONE -> false;
			case WORLD -> identity.has(RESERVED_WORLD) || identity.has(RESERVED_WORLD_IPV4)
					|| identity.has(RESERVED_WORLD_IPV6);
			case WORLD_IPV4 -> identity.has(RESERVED_WORLD_IPV4);
			case WORLD_IPV6 -> identity.has(RESERVED_WORLD_IPV6);
			case HOST -> identity.has(RESERVED_HOST);
			case REMOTE_NODE -> identity.has(RESERVED_REMOTE_NODE);
			case KUBE_APISERVER -> identity.has(RESERVED_KUBE_APISERVER);
			case INIT -> identity.has(RESERVED_INIT);
			case INGRESS -> identity.has(RESERVED_INGRESS);
			case HEALTH -> identity.has(RESERVED_HEALTH);
			case UNMANAGED -> identity.has(RESERVED_UNMANAGED);
			case CLUSTER -> identity.has(RESERVED_HOST) || identity.has(RESERVED_REMOTE_NODE)
					|| identity.has(RESERVED_INIT) || identity.has(RESERVED_INGRESS) || identity.has(RESERVED_HEALTH)
					|| identity.has(RESERVED_UNMANAGED) || identity.has(RESERVED_KUBE_APISERVER)
					|| clusterName.equals(identity.value(CLUSTER_LABEL));
		};
	}

}
