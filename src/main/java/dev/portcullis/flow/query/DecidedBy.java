package dev.portcullis.flow.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.PolicyKey;
import org.jspecify.annotations.Nullable;

/**
 * What decided a stored flow under the policies in force at its time ({@code "portcullis": {"decided_by": ...}}):
 * the engine's verdict and the rules that allowed or denied it, each with the policy's version then.
 *
 * @param verdict the engine's verdict (FORWARDED, DROPPED, AUDIT)
 * @param rules the rules that decided each side (the allowing or denying rule; for a default-deny drop, the rules
 *        that made the side default-deny); empty when no policy took part (not enforced, a reply)
 * @param summary one line saying why
 * @param reasons what each side decided and why, then further notes (replies, audit mode, the proxy)
 * @param uncertain why the verdict may differ from Cilium's for want of cluster state, or null
 * @param policiesAt the moment whose policies decided
 * @param error why no decision could be made (the flow cannot be read as an engine flow), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecidedBy(@Nullable String verdict, List<Rule> rules, @Nullable String summary,
		List<String> reasons, @Nullable String uncertain, Instant policiesAt, @Nullable String error) {

	/**
	 * A rule that took part.
	 *
	 * @param policy {@code CiliumNetworkPolicy/default/allow-web}
	 * @param version the policy's version in force then (0 when unknown)
	 * @param direction EGRESS (at the source) or INGRESS (at the destination)
	 * @param rule where in the policy, {@code specs[0].ingress[1]}
	 * @param deny whether it is a deny rule
	 * @param defaultDeny whether it only made the side default-deny (no rule matched)
	 */
	public record Rule(String policy, int version, String direction, String rule, boolean deny, boolean defaultDeny) {
	}

	static DecidedBy of(Decision decision, Instant at, Map<PolicyKey, Integer> versions) {
		List<Rule> rules = new ArrayList<>();
		Decision.Explanation explanation = decision.explanation();
		if (explanation != null) {
			for (Decision.SideExplanation side : List.of(explanation.egress(), explanation.ingress())) {
				if (side.decidedBy() != null) {
					rules.add(rule(side.decidedBy(), versions, false));
				}
				else if (side.defaultDeny() && decision.deniedAt() == side.direction()) {
					for (Decision.RuleRef ref : side.defaultDenyBy()) {
						rules.add(rule(ref, versions, true));
					}
				}
			}
		}
		List<String> reasons = new ArrayList<>();
		if (explanation != null) {
			reasons.add(explanation.egress().reason());
			reasons.add(explanation.ingress().reason());
			reasons.addAll(explanation.notes());
		}
		return new DecidedBy(decision.verdict().name(), rules, (explanation != null) ? explanation.summary() : null,
				reasons, decision.uncertain(), at, null);
	}

	private static Rule rule(Decision.RuleRef ref, Map<PolicyKey, Integer> versions, boolean defaultDeny) {
		return new Rule(ref.policy().toString(), versions.getOrDefault(PolicyKey.of(ref.policy()), 0), ref.direction().name(),
				ref.path(), ref.deny(), defaultDeny);
	}

	static DecidedBy failed(Instant at, String why) {
		return new DecidedBy(null, List.of(), null, List.of(), null, at, why);
	}

	/** The deciding policies as one short text, {@code CiliumNetworkPolicy/default/web v3}, "" when none. */
	public String policiesText() {
		StringBuilder text = new StringBuilder();
		for (Rule rule : this.rules) {
			String one = rule.policy() + " v" + rule.version();
			if (text.indexOf(one) < 0) {
				text.append(text.isEmpty() ? "" : ", ").append(one);
			}
		}
		return text.toString();
	}

}
