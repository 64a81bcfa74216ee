package dev.portcullis.simulation.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.inventory.Inventory;
import org.jspecify.annotations.Nullable;

/**
 * What the simulation pages offer in their pickers (HTML datalists): the namespaces, labels and workloads that the
 * workspace's policies (and its inventory, when one was imported) name, so that a user picks {@code app=web} rather
 * than guessing how a policy spelled it.
 *
 * @param namespaces namespaces of policies, of {@code io.kubernetes.pod.namespace} selectors and of the inventory,
 *        sorted
 * @param labels {@code key=value} pairs of selectors (matchLabels and In expressions) and of inventory workloads,
 *        without their {@code k8s:}/{@code any:} source, sorted
 * @param workloads workloads as {@code namespace: key=value, ...} (from selectors with a namespace, and the
 *        inventory's workloads), sorted; what the matrix rows and columns are picked from
 * @param entities the entity names traffic can come from or go to
 */
record Pickers(List<String> namespaces, List<String> labels, List<Workload> workloads, List<String> entities) {

	static final Pickers NONE = new Pickers(List.of(), List.of(), List.of(), entityNames());

	private static final String NAMESPACE_LABEL = "io.kubernetes.pod.namespace";

	/**
	 * A workload as the pages name it: pods of a namespace with some labels.
	 *
	 * @param namespace the namespace, "" when a cluster-wide selector names none
	 * @param labels {@code key=value, ...}, "" for every pod of the namespace
	 */
	record Workload(String namespace, String labels) implements Comparable<Workload> {

		/** {@code default: app=web} or {@code default: (any pod)}. */
		public String display() {
			return (this.namespace.isEmpty() ? "(any namespace)" : this.namespace) + ": "
					+ (this.labels.isEmpty() ? "(any pod)" : this.labels);
		}

		@Override
		public int compareTo(Workload other) {
			return display().compareTo(other.display());
		}

	}

	/** The pickers of these policies and this inventory (null: none). */
	static Pickers of(List<Policy> policies, @Nullable Inventory inventory) {
		SortedSet<String> namespaces = new TreeSet<>();
		SortedSet<String> labels = new TreeSet<>();
		SortedSet<Workload> workloads = new TreeSet<>();
		for (Policy policy : policies) {
			String namespace = (policy.ref().namespace() != null) ? policy.ref().namespace() : "";
			if (!namespace.isEmpty()) {
				namespaces.add(namespace);
			}
			for (Rule rule : policy.rules()) {
				selector(rule.endpointSelector(), namespace, namespaces, labels, workloads);
				for (List<PeerRule> peers : peerLists(rule)) {
					for (PeerRule peer : peers) {
						if (peer.endpoints() == null) {
							continue;
						}
						for (LabelSelector selector : peer.endpoints()) {
							selector(selector, namespace, namespaces, labels, workloads);
						}
					}
				}
			}
		}
		if (inventory != null) {
			inventory.namespaces().forEach((ns) -> namespaces.add(ns.name()));
			for (Inventory.Workload workload : inventory.workloads()) {
				namespaces.add(workload.namespace());
				workload.podLabels().forEach((key, value) -> labels.add(key + "=" + value));
				workloads.add(new Workload(workload.namespace(), join(workload.podLabels())));
			}
		}
		return new Pickers(List.copyOf(namespaces), List.copyOf(labels), List.copyOf(workloads), entityNames());
	}

	private static List<List<PeerRule>> peerLists(Rule rule) {
		List<List<PeerRule>> lists = new ArrayList<>(4);
		for (List<PeerRule> list : java.util.Arrays.asList(rule.ingress(), rule.ingressDeny(), rule.egress(),
				rule.egressDeny())) {
			if (list != null) {
				lists.add(list);
			}
		}
		return lists;
	}

	/**
	 * Adds what a selector names. A peer selector in a namespaced policy means that namespace unless it names
	 * another with {@code io.kubernetes.pod.namespace}.
	 */
	private static void selector(@Nullable LabelSelector selector, String policyNamespace, SortedSet<String> namespaces,
			SortedSet<String> labels, SortedSet<Workload> workloads) {
		if (selector == null) {
			return;
		}
		String namespace = policyNamespace;
		Map<String, String> own = new LinkedHashMap<>();
		for (Map.Entry<String, String> entry : selector.matchLabels().entrySet()) {
			String key = withoutSource(entry.getKey());
			if (key == null) {
				continue;
			}
			if (NAMESPACE_LABEL.equals(key)) {
				namespace = entry.getValue();
				namespaces.add(entry.getValue());
				continue;
			}
			own.put(key, entry.getValue());
			labels.add(key + "=" + entry.getValue());
		}
		for (LabelSelector.Requirement requirement : selector.matchExpressions()) {
			String key = withoutSource(requirement.key());
			if (key == null || requirement.operator() != LabelSelector.Operator.IN) {
				continue;
			}
			for (String value : requirement.values()) {
				if (NAMESPACE_LABEL.equals(key)) {
					namespaces.add(value);
				}
				else {
					labels.add(key + "=" + value);
				}
			}
		}
		if (!own.isEmpty() || !namespace.isEmpty()) {
			workloads.add(new Workload(namespace, join(new java.util.TreeMap<>(own))));
		}
	}

	/** The key without its {@code k8s:}/{@code any:} source; null for reserved and other sources' labels. */
	private static @Nullable String withoutSource(String key) {
		int colon = key.indexOf(':');
		if (colon < 0) {
			return key;
		}
		String source = key.substring(0, colon);
		return ("k8s".equals(source) || "any".equals(source)) ? key.substring(colon + 1) : null;
	}

	private static String join(Map<String, String> labels) {
		StringBuilder text = new StringBuilder();
		labels.forEach((key, value) -> text.append((text.length() > 0) ? ", " : "").append(key).append('=').append(value));
		return text.toString();
	}

	private static List<String> entityNames() {
		return dev.portcullis.simulation.Traffic.ENTITIES;
	}

}
