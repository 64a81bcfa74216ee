package dev.portcullis.engine.describe;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.Rule;
import org.jspecify.annotations.Nullable;

/**
 * A policy in plain language, for a reviewer who does not read YAML: one sentence per thing it allows or denies,
 * and one per direction saying whether that direction becomes default-deny. For example the HTTP policy of
 * Cilium's getting-started guide reads:
 * <pre>
 * Pods app=service in default accept TCP 80 from env=prod pods, only GET /public.
 * Their ingress is default-deny: what no policy allows is dropped.
 * This policy leaves their egress alone.
 * </pre>
 * Semantics follow the engine's model of Cilium: a direction is default-deny when the rule has an entry in its
 * allow or deny list and {@code enableDefaultDeny.<direction>} is not false (pkg/policy/api/rule_validation.go
 * {@code Rule.Sanitize}); an item without peer fields but with ports allows any peer, an empty peer list selects
 * nothing (pkg/policy/api/ingress.go, {@code FromEndpoints}); deny rules win over every allow
 * (Documentation/security/policy/deny.rst); L7 rules restrict what they list.
 *
 * @param ref the policy
 * @param summary its sentences, rule by rule ({@code spec} first, then {@code specs}), ingress before egress
 */
public record PolicyDescription(PolicyRef ref, List<String> summary) {

	public PolicyDescription {
		summary = List.copyOf(summary);
	}

	/** Every policy's description, in the order given. */
	public static List<PolicyDescription> of(List<Policy> policies) {
		return policies.stream().map(PolicyDescription::of).toList();
	}

	public static PolicyDescription of(Policy policy) {
		List<String> sentences = new ArrayList<>();
		for (Rule rule : policy.rules()) {
			String subject = Words.subject(policy, rule);
			if (rule.description() != null && !rule.description().isBlank()) {
				sentences.add("Described as: " + rule.description().strip() + (rule.description().strip().endsWith(".") ? "" : "."));
			}
			direction(policy, rule, subject, Direction.INGRESS, rule.ingress(), rule.ingressDeny(),
					rule.enableDefaultDenyIngress(), sentences);
			direction(policy, rule, subject, Direction.EGRESS, rule.egress(), rule.egressDeny(),
					rule.enableDefaultDenyEgress(), sentences);
		}
		return new PolicyDescription(policy.ref(), sentences);
	}

	private static void direction(Policy policy, Rule rule, String subject, Direction direction,
			@Nullable List<PeerRule> allow, @Nullable List<PeerRule> deny, @Nullable Boolean enable,
			List<String> sentences) {
		String name = (direction == Direction.INGRESS) ? "ingress" : "egress";
		boolean entries = (allow != null && !allow.isEmpty()) || (deny != null && !deny.isEmpty());
		if (!entries) {
			sentences.add("This policy leaves their " + name + " alone.");
			return;
		}
		boolean allowsSomething = false;
		if (allow != null) {
			for (PeerRule item : allow) {
				allowsSomething |= item(policy, subject, item, sentences);
			}
		}
		if (deny != null) {
			for (PeerRule item : deny) {
				item(policy, subject, item, sentences);
			}
		}
		if (Boolean.FALSE.equals(enable)) {
			sentences.add("This rule does not make their " + name + " default-deny (enableDefaultDeny." + name
					+ ": false): it only adds to what other policies allow.");
		}
		else if (!allowsSomething && (deny == null || deny.isEmpty())) {
			sentences.add(subject + ((direction == Direction.INGRESS) ? " accept no ingress" : " may send no egress")
					+ ": this policy makes their " + name + " default-deny and allows nothing.");
		}
		else {
			sentences.add("Their " + name + " is default-deny: what no policy allows is dropped.");
		}
	}

	/** Adds the sentences of one rule item; whether it allows (or denies) anything at all. */
	private static boolean item(Policy policy, String subject, PeerRule item, List<String> sentences) {
		if (Words.isEmptyItem(item)) {
			return false;
		}
		boolean ingress = item.direction() == Direction.INGRESS;
		String verb = item.deny() ? (ingress ? "never accept" : "never send") : (ingress ? "accept" : "may send");
		String preposition = ingress ? "from" : "to";
		String tail = item.deny() ? ", whatever any policy allows." : ".";
		List<String> peers = Words.peers(policy, item);
		if (peers.isEmpty()) {
			sentences.add(subject + " " + verb + " nothing through " + item.path() + ": its "
					+ (ingress ? "from" : "to") + " list is empty, so it selects no peer.");
			return false;
		}
		String who = Words.join(peers);
		if (item.icmps() != null && !item.icmps().isEmpty()) {
			sentences.add(subject + " " + verb + " " + Words.icmps(item.icmps()) + " " + preposition + " " + who + tail);
			return true;
		}
		if (!Words.hasPorts(item)) {
			sentences.add(subject + " " + verb + " all traffic " + preposition + " " + who + tail);
			return true;
		}
		boolean any = false;
		for (PortRule portRule : item.toPorts()) {
			if (portRule.ports().isEmpty()) {
				sentences.add(subject + " " + verb + " nothing through " + portRule.path()
						+ ": it lists no port, so it matches no traffic.");
				continue;
			}
			any = true;
			StringBuilder sentence = new StringBuilder(subject).append(' ').append(verb).append(' ')
				.append(Words.ports(portRule)).append(' ').append(preposition).append(' ').append(who);
			if (!portRule.serverNames().isEmpty()) {
				sentence.append(", TLS to ").append(Words.orJoin(portRule.serverNames())).append(" only");
			}
			String l7 = Words.l7(portRule.rules());
			if (l7 != null) {
				sentence.append(", only ").append(l7);
			}
			if (portRule.listener() != null) {
				sentence.append(", handed to Envoy listener ").append(portRule.listener().name());
			}
			sentence.append(tail);
			sentences.add(sentence.toString());
		}
		return any;
	}

}
