package dev.portcullis.engine.api;

import java.util.List;
import java.util.Map;

/**
 * One policy object: its identity, where it came from, and its rules. A CiliumNetworkPolicy or
 * CiliumClusterwideNetworkPolicy contributes the rule of {@code spec} (first) and the rules of {@code specs};
 * a NetworkPolicy contributes the rules Cilium translates it into.
 *
 * @param document 0-based index of the input document the object came from
 * @param labels {@code metadata.labels}
 */
public record Policy(PolicyRef ref, int document, List<Rule> rules, Map<String, String> labels) {

	public Policy {
		rules = List.copyOf(rules);
		labels = Map.copyOf(labels);
	}

}
