package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.eval.CompiledEntry.PortEntry;
import dev.portcullis.engine.eval.CompiledPolicies.Match;
import dev.portcullis.engine.eval.CompiledPolicies.Trace;
import dev.portcullis.engine.eval.Decision.Explanation;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.RuleRef;
import dev.portcullis.engine.eval.Decision.SideDecision;
import dev.portcullis.engine.eval.Decision.SideExplanation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import org.jspecify.annotations.Nullable;

/** Turns the traces of an evaluation into an {@link Explanation}; only {@code explain} pays for the strings. */
final class Explainer {

	private Explainer() {
	}

	static Explanation explain(Flow flow, Decision decision, Trace egress, Trace ingress, String clusterName) {
		SideExplanation egressSide = side(flow.source(), egress, decision.egress());
		SideExplanation ingressSide = side(flow.destination(), ingress, decision.ingress());
		List<String> notes = new ArrayList<>();
		if (flow.reply()) {
			notes.add("the flow is a reply (is_reply) of an established connection: replies are forwarded without "
					+ "policy evaluation");
		}
		for (Trace trace : List.of(egress, ingress)) {
			String side = trace.direction.name().toLowerCase();
			SideDecision sideDecision = (trace == egress) ? decision.egress() : decision.ingress();
			if (sideDecision.redirectedToProxy() && sideDecision.outcome() == Outcome.ALLOWED) {
				notes.add(side + ": redirected to the L7 proxy"
						+ ((trace.reason == CompiledPolicies.Reason.L7_NO_REQUEST)
								? "; the flow carries no L7 request, so L7 rules were not evaluated" : ""));
			}
			if (sideDecision.outcome() == Outcome.AUDIT) {
				notes.add(side + ": audit mode: the flow would have been dropped ("
						+ sideDecision.dropReason() + ") and is forwarded");
			}
		}
		for (Trace trace : List.of(egress, ingress)) {
			String cluster = trace.subject.labels.value(SecurityIdentity.CLUSTER_LABEL);
			if (trace.subject.kind == SecurityIdentity.Kind.POD && cluster != null && !cluster.equals(clusterName)) {
				notes.add((trace == egress ? "source" : "destination") + " pod is in cluster \"" + cluster
						+ "\", not the local cluster \"" + clusterName
						+ "\" (cluster-name): policies select peers of the local cluster by default");
			}
		}
		if (decision.l7() != null) {
			notes.add("the client sees: " + decision.l7().description());
		}
		if (decision.uncertain() != null) {
			notes.add("uncertain: " + decision.uncertain());
		}
		String summary = summary(decision, egressSide, ingressSide,
				shortName((decision.deniedAt() == Direction.EGRESS) ? flow.source() : flow.destination(),
						(decision.deniedAt() == Direction.EGRESS) ? egress.subject : ingress.subject));
		return new Explanation(summary, egressSide, ingressSide, notes);
	}

	private static String summary(Decision decision, SideExplanation egress, SideExplanation ingress,
			String deniedEndpoint) {
		return switch (decision.verdict()) {
			case FORWARDED -> "FORWARDED: egress " + egress.reason() + "; ingress " + ingress.reason();
			case AUDIT -> "AUDIT (forwarded in audit mode): egress " + egress.reason() + "; ingress "
					+ ingress.reason();
			case DROPPED -> {
				SideExplanation at = (decision.deniedAt() == Direction.EGRESS) ? egress : ingress;
				yield "DROPPED at " + at.direction().name().toLowerCase() + " of " + deniedEndpoint + ": "
						+ at.reason();
			}
		};
	}

	private static SideExplanation side(Endpoint endpoint, Trace trace, SideDecision decision) {
		SubjectView view = trace.view;
		List<PolicyRef> selectedBy = new ArrayList<>();
		List<RuleRef> defaultDenyBy = new ArrayList<>();
		boolean defaultDeny = false;
		if (view != null) {
			selectedBy.addAll(new TreeSet<>(view.selectedBy().stream().map((r) -> r.policy).toList()));
			defaultDeny = view.defaultDeny();
			for (CompiledRule rule : view.defaultDenyBy()) {
				defaultDenyBy.add(new RuleRef(rule.policy, trace.direction, false, rule.path, null, null));
			}
		}
		RuleRef decided = (trace.decided != null) ? ref(trace.decided) : null;
		List<RuleRef> allow = trace.allowMatches.stream().map(Explainer::ref).toList();
		List<RuleRef> deny = trace.denyMatches.stream().map(Explainer::ref).toList();
		String reason = reason(trace, decided, defaultDenyBy);
		return new SideExplanation(trace.direction, describe(endpoint, trace.subject), selectedBy, defaultDeny,
				defaultDenyBy, decided, allow, deny, reason);
	}

	private static String reason(Trace trace, @Nullable RuleRef decided, List<RuleRef> defaultDenyBy) {
		String dd = defaultDenyBy.isEmpty() ? "policy enforcement mode always"
				: defaultDenyBy.stream().map((r) -> r.policy() + " " + r.path()).distinct().reduce((a, b) -> a + ", " + b)
					.orElse("");
		String rule = (decided != null) ? decided.toString() : "";
		return switch (trace.reason) {
			case REPLY -> "not evaluated (reply)";
			case MODE_NEVER -> "not enforced (policy enforcement mode never)";
			case NOT_LOCAL -> "not enforced (" + trace.subject.kind.name().toLowerCase().replace('_', ' ')
					+ " is not a local endpoint with policy)";
			case NOT_ENFORCED -> "not enforced (no policy selecting the endpoint has " + side(trace) + " rules)";
			case DENY_RULE -> "denied by deny rule " + rule + " (drop reason POLICY_DENY 181)";
			case LOCALHOST -> "allowed: ingress from the local host is always allowed (allow-localhost=always)";
			case ALLOWED -> "allowed by " + rule;
			case NO_MATCH_NOT_DEFAULT_DENY -> "allowed: no rule matched, but " + side(trace)
					+ " is not default-deny (every selecting rule sets enableDefaultDeny." + side(trace) + ": false)";
			case NO_MATCH_DEFAULT_DENY -> "no rule matched and " + side(trace) + " is default-deny because of "
					+ dd + " (drop reason POLICY_DENIED 133)";
			case L7_VISIBILITY_ONLY -> "allowed by " + rule + ": its L7 rules and server names only add visibility because "
					+ side(trace) + " is not default-deny";
			case TLS_DENIED -> "the TLS server name is not allowed by " + rule + " (connection reset)";
			case L7_NO_REQUEST -> "allowed at L3/L4 by " + rule + " and redirected to the proxy";
			case L7_ALLOWED -> "allowed by the L7 rules of " + rule;
			case L7_DENIED -> "allowed at L3/L4, but no L7 rule of the matching rules (first: " + rule
					+ ") allows the request";
		};
	}

	private static String side(Trace trace) {
		return trace.direction.name().toLowerCase();
	}

	private static RuleRef ref(Match match) {
		CompiledEntry entry = match.entry();
		String peer;
		int labelPeer = match.candidate().labelPeer();
		if (labelPeer == PeerView.ANY_PEER) {
			peer = "any peer";
		}
		else if (labelPeer >= 0) {
			peer = entry.labelPeers.get(labelPeer).path();
		}
		else {
			peer = (match.flowPeer() >= 0) ? entry.flowPeers.get(match.flowPeer()).path() : null;
		}
		String port = null;
		int l4 = match.l4();
		if (l4 >= CompiledEntry.ICMP_OFFSET) {
			port = entry.icmps.get(l4 - CompiledEntry.ICMP_OFFSET).path();
		}
		else if (l4 >= 0) {
			PortEntry entryPort = entry.ports.get(l4);
			port = entryPort.path() + " (" + entryPort.display() + ")";
		}
		return new RuleRef(entry.policy(), entry.direction, entry.deny, entry.path, peer, port);
	}

	private static String describe(Endpoint endpoint, SecurityIdentity identity) {
		return shortName(endpoint, identity) + " " + identity.labelList;
	}

	/** {@code pod default/web-1}, or {@code pod default [app=web]} without a pod name, {@code world}, ... */
	static String shortName(Endpoint endpoint, SecurityIdentity identity) {
		return switch (identity.kind) {
			case POD -> "pod " + identity.namespace + ((endpoint.podName() != null) ? "/" + endpoint.podName()
					: " " + identity.labelList.stream()
						.filter((l) -> l.startsWith("k8s:") && !l.startsWith("k8s:io.kubernetes.")
								&& !l.startsWith("k8s:io.cilium."))
						.map((l) -> l.substring(4))
						.toList());
			case HOST -> "host";
			case WORLD -> "world";
			case REMOTE_NODE -> "remote node";
			default -> "endpoint " + identity.labelList;
		};
	}

}
