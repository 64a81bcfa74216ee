package dev.portcullis.simulation.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.eval.Decision;
import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriUtils;

/**
 * One decision as the simulation pages show it: the verdict in words, each side (egress at the source, ingress at
 * the destination) with the rule that decided it linked to its policy, what the client receives, and the engine's
 * explanation.
 *
 * @param state the name of the state decided against ("Latest", "Draft", "2026-11-26 14:12:00 UTC")
 * @param allowed whether the traffic gets through (forwarded, or forwarded under audit)
 * @param verdict FORWARDED, DROPPED or AUDIT
 * @param headline one sentence: "Allowed", "Denied at ingress (no rule allows it)", ...
 * @param client what the client receives: "HTTP 403 Forbidden ...", "TCP packets dropped ...", "" when allowed
 * @param egress the source's egress side
 * @param ingress the destination's ingress side
 * @param summary the engine's one-line explanation
 * @param notes further facts
 * @param uncertain why the verdict may be wrong for want of cluster state, "" when it does not depend on any
 */
record VerdictView(String state, boolean allowed, String verdict, String headline, String client, SideView egress,
		SideView ingress, String summary, List<String> notes, String uncertain) {

	/**
	 * One side.
	 *
	 * @param direction egress or ingress
	 * @param where "at the source" or "at the destination"
	 * @param outcome the engine's outcome word (ALLOWED, DENIED, L7_DENIED, NOT_ENFORCED, ...)
	 * @param outcomeText the outcome for people ("allowed", "denied (133 POLICY_DENIED)", "not enforced")
	 * @param denies whether this side stops the traffic
	 * @param endpoint the endpoint as the engine names it
	 * @param reason the engine's reason
	 * @param defaultDeny whether the direction is default-deny
	 * @param decidedBy the deciding rule, or null
	 * @param matched every matching allow and deny rule
	 * @param defaultDenyBy the rules that made the side default-deny
	 * @param selectedBy the policies that select the endpoint
	 */
	record SideView(String direction, String where, String outcome, String outcomeText, boolean denies,
			String endpoint, String reason, boolean defaultDeny, @Nullable RuleView decidedBy, List<RuleView> matched,
			List<RuleView> defaultDenyBy, List<PolicyView> selectedBy) {
	}

	/**
	 * A rule, linked to its policy's page.
	 *
	 * @param policy {@code Kind/namespace/name}
	 * @param href the policy's page
	 * @param path where the rule is in the policy ({@code specs[0].ingress[1]})
	 * @param detail the peer and port that matched, "" when none
	 * @param deny whether it is a deny rule
	 * @param where "draft, line 12" for a rule of the draft, "line 12" for a stored one, "" when unknown
	 */
	record RuleView(String policy, String href, String path, String detail, boolean deny, String where) {
	}

	/** A policy, linked to its page. */
	record PolicyView(String policy, String href) {
	}

	/** The view of a decision that {@code CompiledPolicies.explain} made, against the named state. */
	static VerdictView of(String workspace, String state, Decision decision) {
		return of(workspace, state, decision, RuleLines.NONE);
	}

	/** The view of a decision, each rule linked to its line where {@code lines} knows it. */
	static VerdictView of(String workspace, String state, Decision decision, RuleLines lines) {
		Decision.Explanation explanation = decision.explanation();
		SideView egress = side(workspace, "egress", "at the source", decision.egress(),
				(explanation != null) ? explanation.egress() : null, lines);
		SideView ingress = side(workspace, "ingress", "at the destination", decision.ingress(),
				(explanation != null) ? explanation.ingress() : null, lines);
		return new VerdictView(state, decision.allowed(), decision.verdict().name(), headline(decision),
				client(decision), egress, ingress, (explanation != null) ? explanation.summary() : "",
				(explanation != null) ? explanation.notes() : List.of(),
				(decision.uncertain() != null) ? decision.uncertain() : "");
	}

	/** Egress then ingress, as the packet goes. */
	public List<SideView> sides() {
		return List.of(this.egress, this.ingress);
	}

	/** Whether another view of the same traffic came to a different verdict. */
	boolean differsFrom(@Nullable VerdictView other) {
		return other != null && (this.allowed != other.allowed || !this.verdict.equals(other.verdict)
				|| !this.client.equals(other.client));
	}

	private static String headline(Decision decision) {
		if (decision.verdict() == Decision.Verdict.AUDIT) {
			return "Allowed under audit mode (it would be denied)";
		}
		if (decision.allowed()) {
			return "Allowed";
		}
		if (decision.l7() != null) {
			return "Denied by the " + decision.l7().protocol().name() + " proxy";
		}
		String at = (decision.deniedAt() != null) ? " at " + decision.deniedAt().name().toLowerCase(Locale.ROOT) : "";
		Decision.DropReason reason = decision.dropReason();
		String why = (reason == null) ? "" : switch (reason) {
			case POLICY_DENIED -> " (no rule allows it)";
			case POLICY_DENY -> " (a deny rule matches)";
			case AUTH_REQUIRED -> " (authentication required)";
		};
		return "Denied" + at + why;
	}

	/** What the client sees: the L7 proxy's answer, or for an L3/L4 drop the dropped packets. */
	private static String client(Decision decision) {
		if (decision.l7() != null) {
			return decision.l7().description();
		}
		if (decision.allowed()) {
			return "";
		}
		Decision.DropReason reason = decision.dropReason();
		return "Packets dropped: the connection times out (no reset is sent)"
				+ ((reason != null) ? "; Hubble shows drop reason " + reason.code() + " " + reason.name() : "");
	}

	private static SideView side(String workspace, String direction, String where, Decision.SideDecision side,
			Decision.@Nullable SideExplanation explanation, RuleLines lines) {
		String outcome = side.outcome().name();
		String text = switch (side.outcome()) {
			case NOT_EVALUATED -> "not evaluated (a reply)";
			case NOT_ENFORCED -> "not enforced (no policy selects it in this direction)";
			case ALLOWED -> side.redirectedToProxy() ? "allowed, through the L7 proxy" : "allowed";
			case DENIED -> "denied" + ((side.dropReason() != null)
					? " (" + side.dropReason().code() + " " + side.dropReason().name() + ")" : "");
			case L7_DENIED -> "allowed at L3/L4, denied by the L7 proxy";
			case AUDIT -> "would be denied; audit mode lets it through";
		};
		if (explanation == null) {
			return new SideView(direction, where, outcome, text, side.denies(), "", "", false, null, List.of(),
					List.of(), List.of());
		}
		List<RuleView> matched = new java.util.ArrayList<>();
		explanation.matchedDenyRules().forEach((rule) -> matched.add(rule(workspace, rule, lines)));
		explanation.matchedAllowRules().forEach((rule) -> matched.add(rule(workspace, rule, lines)));
		return new SideView(direction, where, outcome, text, side.denies(), explanation.endpoint(), explanation.reason(),
				explanation.defaultDeny(),
				(explanation.decidedBy() != null) ? rule(workspace, explanation.decidedBy(), lines) : null, List.copyOf(matched),
				explanation.defaultDenyBy().stream().map((rule) -> rule(workspace, rule, lines)).toList(),
				explanation.selectedBy().stream().map((ref) -> new PolicyView(ref.toString(), href(workspace, ref)))
					.toList());
	}

	static RuleView rule(String workspace, Decision.RuleRef rule, RuleLines lines) {
		StringBuilder detail = new StringBuilder();
		if (rule.peer() != null) {
			detail.append("peer ").append(rule.peer());
		}
		if (rule.port() != null) {
			detail.append((detail.length() > 0) ? ", " : "").append("port ").append(rule.port());
		}
		if (lines.fromDraft(rule.policy())) {
			int line = lines.draftLine(rule.policy(), rule.path());
			return new RuleView(rule.policy().toString(), "#draft", rule.path(), detail.toString(), rule.deny(),
					(line > 0) ? "draft, line " + line : "draft");
		}
		String anchor = lines.anchor(rule.policy(), rule.path());
		int hash = anchor.indexOf("#L");
		return new RuleView(rule.policy().toString(), href(workspace, rule.policy()) + anchor, rule.path(),
				detail.toString(), rule.deny(), (hash >= 0) ? "line " + anchor.substring(hash + 2) : "");
	}

	/** The page of a policy in the workspace ({@code _} as the namespace of cluster-wide kinds). */
	static String href(String workspace, PolicyRef ref) {
		String namespace = (ref.namespace() != null && !ref.namespace().isEmpty()) ? ref.namespace() : "_";
		return "/workspaces/" + segment(workspace) + "/policies/" + segment(ref.kind().kindName()) + "/"
				+ segment(namespace) + "/" + segment(ref.name());
	}

	private static String segment(String text) {
		return UriUtils.encodePathSegment(text, StandardCharsets.UTF_8);
	}

}
