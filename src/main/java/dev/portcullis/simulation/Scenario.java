package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.AgentSettings;

/**
 * A workspace state made ready for deciding: its policies (with a draft applied) compiled under its agent settings
 * and cluster state. Immutable and safe to share; deciding is CPU work, so call {@link #decide} on the engine pool
 * ({@link Simulations} does).
 *
 * @param state what the state is, for the response and for reproducing it
 * @param settings the agent settings decided with
 * @param policies the policies in force, in order
 * @param compiled the compiled policies
 * @param warnings problems of the draft's text that did not invalidate it
 */
public record Scenario(StateUsed state, AgentSettings settings, List<Policy> policies, CompiledPolicies compiled,
		List<Violation> warnings) {

	public Scenario {
		policies = List.copyOf(policies);
		warnings = List.copyOf(warnings);
	}

	/**
	 * The label keys and values the policies use in selectors (subject and peer {@code matchLabels} and
	 * {@code matchExpressions} values; Kubernetes source prefixes removed, the namespace label left out), sorted: what a
	 * page offers in its label pickers.
	 */
	public java.util.SortedMap<String, java.util.SortedSet<String>> labelsInUse() {
		java.util.SortedMap<String, java.util.SortedSet<String>> labels = new java.util.TreeMap<>();
		for (Policy policy : this.policies) {
			for (dev.portcullis.engine.api.Rule rule : policy.rules()) {
				addLabels(rule.endpointSelector(), labels);
				for (List<dev.portcullis.engine.api.PeerRule> peers : java.util.Arrays.asList(rule.ingress(),
						rule.ingressDeny(), rule.egress(), rule.egressDeny())) {
					if (peers == null) {
						continue;
					}
					for (dev.portcullis.engine.api.PeerRule peer : peers) {
						if (peer.endpoints() != null) {
							peer.endpoints().forEach((selector) -> addLabels(selector, labels));
						}
					}
				}
			}
		}
		return labels;
	}

	/** The namespaces the policies live in or name in selectors, sorted: what a page offers in its namespace picker. */
	public java.util.SortedSet<String> namespacesInUse() {
		java.util.SortedSet<String> namespaces = new java.util.TreeSet<>();
		for (Policy policy : this.policies) {
			if (policy.ref().namespace() != null && !policy.ref().namespace().isEmpty()) {
				namespaces.add(policy.ref().namespace());
			}
		}
		java.util.SortedMap<String, java.util.SortedSet<String>> all = new java.util.TreeMap<>();
		for (Policy policy : this.policies) {
			for (dev.portcullis.engine.api.Rule rule : policy.rules()) {
				for (List<dev.portcullis.engine.api.PeerRule> peers : java.util.Arrays.asList(rule.ingress(),
						rule.ingressDeny(), rule.egress(), rule.egressDeny())) {
					if (peers != null) {
						for (dev.portcullis.engine.api.PeerRule peer : peers) {
							if (peer.endpoints() != null) {
								peer.endpoints().forEach((selector) -> collect(selector, all, true));
							}
						}
					}
				}
			}
		}
		namespaces.addAll(all.getOrDefault(NAMESPACE_KEY, new java.util.TreeSet<>()));
		return namespaces;
	}

	private static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";

	private static void addLabels(dev.portcullis.engine.api.@org.jspecify.annotations.Nullable LabelSelector selector,
			java.util.SortedMap<String, java.util.SortedSet<String>> labels) {
		collect(selector, labels, false);
	}

	private static void collect(dev.portcullis.engine.api.@org.jspecify.annotations.Nullable LabelSelector selector,
			java.util.SortedMap<String, java.util.SortedSet<String>> labels, boolean namespaceToo) {
		if (selector == null) {
			return;
		}
		selector.matchLabels().forEach((key, value) -> put(key, List.of(value), labels, namespaceToo));
		for (dev.portcullis.engine.api.LabelSelector.Requirement requirement : selector.matchExpressions()) {
			put(requirement.key(), requirement.values(), labels, namespaceToo);
		}
	}

	private static void put(String key, List<String> values, java.util.SortedMap<String, java.util.SortedSet<String>> labels,
			boolean namespaceToo) {
		String bare = key.startsWith("k8s:") ? key.substring(4) : key.startsWith("any:") ? key.substring(4) : key;
		if (bare.contains(":") || (bare.equals(NAMESPACE_KEY) != namespaceToo) || bare.startsWith("io.cilium.")) {
			return;
		}
		labels.computeIfAbsent(bare, (k) -> new java.util.TreeSet<>()).addAll(values);
	}

	/** Decides one traffic description; {@code explain} adds the explanation. */
	public Decision decide(Traffic traffic, boolean explain) {
		return explain ? this.compiled.explain(traffic.toFlow()) : this.compiled.decide(traffic.toFlow());
	}

	/**
	 * Decides each distinct traffic description once (DESIGN.md, "Decide distinct things once") and answers one
	 * decision per input, in input order.
	 */
	public List<Decision> decideAll(List<Traffic> traffic, boolean explain) {
		Map<Traffic, Decision> decided = new HashMap<>();
		List<Decision> decisions = new ArrayList<>(traffic.size());
		for (Traffic t : traffic) {
			decisions.add(decided.computeIfAbsent(t, (key) -> decide(key, explain)));
		}
		return decisions;
	}

}
