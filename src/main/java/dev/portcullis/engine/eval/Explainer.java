package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyKind;
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
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.IpAddress;
import org.jspecify.annotations.Nullable;

/** Turns the traces of an evaluation into an {@link Explanation}; only {@code explain} pays for the strings. */
final class Explainer {

	private Explainer() {
	}

	static Explanation explain(Flow flow, Decision decision, Trace egress, Trace ingress, EngineOptions options) {
		String clusterName = options.clusterName();
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
				notes.add(side + ": audit mode (policy-audit-mode=true): the flow would have been dropped ("
						+ sideDecision.dropReason() + ") and is forwarded");
			}
			authNote(trace, side, notes);
			settingNotes(flow, trace, side, options, notes);
			if (trace.notLifting != null) {
				boolean dns = flow.l7() instanceof Flow.Dns;
				notes.add(side + ": " + ref(trace.notLifting) + " allows the peer without L7 rules, but "
						+ (dns ? "the DNS proxy only receives the rules of its own port (pkg/proxy/dns.go), so the"
								+ " DNS rules of the port still decide the query"
								: "Cilium's Kafka parser only looks up the exact port and the all-ports rules"
										+ " (proxylib policymap.go), so the Kafka rules of the port still decide"
										+ " the request"));
			}
			if (trace.reason == CompiledPolicies.Reason.L7_ALLOWED || trace.reason == CompiledPolicies.Reason.L7_DENIED) {
				secretNotes(trace, side, notes);
			}
			if (trace.reason == CompiledPolicies.Reason.HOST_FIREWALL_OFF && trace.view != null
					&& !trace.view.selectedBy().isEmpty()) {
				String policies = String.join(", ", new TreeSet<>(trace.view.selectedBy().stream()
					.map((r) -> r.policy.toString()).toList()));
				notes.add(trace.subject.isHost() ? side + ": host policies select this node (" + policies
						+ ") but the host firewall is off (enable-host-firewall=false), so Cilium ignores them"
						: side + ": " + policies + " select this endpoint, but its label keyed host makes Cilium take it"
								+ " for the host, and with enable-host-firewall=false they are not enforced");
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

	/**
	 * Says when an agent setting decided a default-deny drop: {@code enable-non-default-deny-policies=false} made the
	 * side default-deny although every rule behind it writes {@code enableDefaultDeny: false};
	 * {@code allow-localhost=policy} made ingress from the local host need a rule; {@code policy-cidr-match-mode}
	 * without {@code nodes} kept a CIDR rule that covers the node's IP and port from selecting it. Also says when a
	 * NetworkPolicy ipBlock-only peer would have selected the pod on agents without the GHSA-fm8w-2m5w-9j7r fix (the
	 * engine follows the fixed code; the version it holds has no patch level), and when an egress named port allowed
	 * nothing because pods disagree on its number (Cilium before 1.20, {@link EgressNamedPorts}).
	 */
	private static void settingNotes(Flow flow, Trace trace, String side, EngineOptions options, List<String> notes) {
		SubjectView view = trace.view;
		if (trace.reason != CompiledPolicies.Reason.NO_MATCH_DEFAULT_DENY || view == null) {
			return;
		}
		List<CompiledRule> forcing = view.defaultDenyBy();
		if (view.forcedBy() == null && !forcing.isEmpty()
				&& forcing.stream().allMatch((r) -> r.nonDefaultDenyIgnored(trace.direction))) {
			notes.add(side + ": " + String.join(", ", new TreeSet<>(forcing.stream().map((r) -> r.policy.toString())
				.toList())) + " set enableDefaultDeny." + side + ": false, but enable-non-default-deny-policies=false"
					+ " makes Cilium ignore it (Rule.Sanitize), so " + side + " is default-deny");
		}
		if (trace.direction == Direction.INGRESS && options.allowLocalhost() == EngineOptions.AllowLocalhost.POLICY
				&& trace.peer.isHost() && !trace.subject.isHost()) {
			notes.add(side + ": allow-localhost=policy: traffic from the local host needs a rule like any peer; with"
					+ " allow-localhost=always (the default) it would be allowed");
		}
		ipBlockNote(flow, trace, view, side, options, notes);
		if (trace.egressNamedPorts != null) {
			namedPortNote(flow, trace, trace.egressNamedPorts, view, options, notes);
		}
		if (!options.cidrMatchesNodes()
				&& (trace.peer.isHost() || trace.peer.kind == SecurityIdentity.Kind.REMOTE_NODE)) {
			cidrNodeNote(flow, trace, view, side, notes);
		}
	}

	/**
	 * pkg/k8s/network_policy.go parseNetworkPolicyPeer before cilium/cilium#46305 gave an ipBlock-only ingress peer a
	 * podSelector holding only the cluster label, so it also selected every pod of the policy's namespace in the
	 * local cluster.
	 */
	private static void ipBlockNote(Flow flow, Trace trace, SubjectView view, String side, EngineOptions options,
			List<String> notes) {
		String namespace = trace.peer.namespace;
		if (trace.direction != Direction.INGRESS || !options.policyDefaultLocalCluster()
				|| trace.peer.kind != SecurityIdentity.Kind.POD || namespace == null
				|| !options.clusterName().equals(trace.peer.labels.value(SecurityIdentity.CLUSTER_LABEL))) {
			return;
		}
		for (CompiledEntry entry : view.allow()) {
			PolicyRef policy = entry.policy();
			if (policy.kind() == PolicyKind.NETWORK_POLICY && namespace.equals(policy.namespace())
					&& entry.labelPeers.isEmpty() && !entry.flowPeers.isEmpty()
					&& entry.flowPeers.stream().allMatch((p) -> p instanceof CompiledEntry.CidrPeer)
					&& entry.matchL4(flow) != CompiledEntry.NO_MATCH) {
				notes.add(side + ": " + policy + " " + entry.path + " is an ipBlock-only peer: Cilium releases without"
						+ " the fix for GHSA-fm8w-2m5w-9j7r (cilium/cilium#46305; 1.19 backport #46456) also let it select"
						+ " every pod of namespace " + namespace + " of the local cluster, so an unpatched agent forwards"
						+ " this flow; the engine follows the fixed code");
				return;
			}
		}
	}

	/**
	 * An egress allow whose peer matches and whose named port pods give different numbers: Cilium before 1.20 gets
	 * {@code ErrDuplicateNamedPorts} resolving it across all pods and installs nothing for it.
	 */
	private static void namedPortNote(Flow flow, Trace trace, EgressNamedPorts named, SubjectView view,
			EngineOptions options, List<String> notes) {
		IpAddress ip = CompiledPolicies.parseIp(flow.destinationIp());
		for (CompiledEntry entry : view.allow()) {
			CompiledEntry.PortEntry port = entry.namedPort(flow.protocol());
			if (port == null || port.name() == null || !entry.peerMatches(trace.peer, flow, ip, options)) {
				continue;
			}
			String disagreement = named.disagreement(port.name(), flow.protocol(), flow.destination().namedPorts());
			if (disagreement != null) {
				notes.add("egress: " + entry.policy() + " " + entry.path + " port " + port.path() + " names \""
						+ port.name() + "\", which pods define with different " + flow.protocol() + " numbers: "
						+ disagreement + "; Cilium " + options.ciliumVersion() + " resolves an egress named port across"
						+ " all pods and installs nothing for a name with more than one number (ErrDuplicateNamedPorts,"
						+ " cilium/cilium#30003), so the rule allows nothing on it; Cilium 1.20 resolves it per"
						+ " destination (#44429)");
				return;
			}
		}
	}

	/** A CIDR allow that covers a node's address and the flow's port, which only policy-cidr-match-mode=nodes uses. */
	private static void cidrNodeNote(Flow flow, Trace trace, SubjectView view, String side, List<String> notes) {
		IpAddress ip = CompiledPolicies.parseIp((trace.direction == Direction.EGRESS) ? flow.destinationIp()
				: flow.sourceIp());
		for (CompiledEntry entry : view.allow()) {
			for (CompiledEntry.FlowPeer peer : entry.flowPeers) {
				if (peer instanceof CompiledEntry.CidrPeer cidr && cidr.matches(flow, ip)
						&& entry.matchL4(flow) != CompiledEntry.NO_MATCH) {
					notes.add(side + ": " + entry.policy() + " " + entry.path + " peer " + cidr.path()
							+ " covers the node's address " + ip + ", but CIDR rules select nodes only with"
							+ " policy-cidr-match-mode=nodes (not set)");
					return;
				}
			}
		}
	}

	/** What mutual authentication did on this side, and whether the mutualAuthentication setting decided it. */
	private static void authNote(Trace trace, String side, List<String> notes) {
		if (trace.auth == CompiledEntry.AUTH_SPIRE && trace.mutualAuthentication && !trace.authBetweenPods) {
			notes.add(side + ": the rule requires mutual authentication, but Cilium authenticates only pairs of pods:"
					+ " the agent skips reserved identities (host, nodes, world; pkg/auth/manager.go) and a CIDR"
					+ " identity has no SPIFFE identity, so every packet is dropped with AUTH_REQUIRED (189)");
		}
		else if (trace.auth == CompiledEntry.AUTH_SPIRE) {
			notes.add(trace.mutualAuthentication
					? side + ": the rule requires mutual authentication (authentication.mode required, Hubble auth_type"
							+ " SPIRE); with mutual authentication available (setting mutualAuthentication on), the"
							+ " first packets of a new identity pair are dropped with AUTH_REQUIRED (189) until the"
							+ " agents complete the handshake, then the flow is forwarded"
					: side + ": the setting mutualAuthentication is off (no SPIRE-based mutual authentication, Cilium's"
							+ " default install), so a rule with authentication.mode required can never be"
							+ " satisfied: every packet is dropped with AUTH_REQUIRED (189)");
		}
		else if (trace.auth == CompiledEntry.AUTH_ALWAYS_FAIL) {
			notes.add(side + ": authentication.mode test-always-fail (Hubble auth_type TEST_ALWAYS_FAIL) never"
					+ " authenticates: every packet is dropped with AUTH_REQUIRED (189), whatever mutualAuthentication"
					+ " says");
		}
	}

	/** Uncertainty from HTTP header matches against secrets, which the engine cannot read. */
	private static void secretNotes(Trace trace, String side, List<String> notes) {
		for (Match match : trace.allowMatches) {
			CompiledEntry.PortL7 l7 = match.entry().l7Of(match.l4());
			if (l7 == null) {
				continue;
			}
			for (HttpMatcher http : l7.http()) {
				for (String secret : http.secretHeaders()) {
					String note = "uncertain: " + side + ": " + ref(match) + " matches " + secret
							+ ", a Secret the engine cannot read; it assumes the secret exists with a value: an item"
							+ " with a mismatch action then lets the rule match whatever the header holds, one without"
							+ " does not match; if the secret is missing or has no value, the proxy fails that rule for"
							+ " every request (cilium/proxy HeaderMatch::allowed)";
					if (!notes.contains(note)) {
						notes.add(note);
					}
				}
			}
		}
	}

	/**
	 * Adds a note for every policy the agent rejects under the settings whose rules would select the flow's source
	 * (egress) or destination (ingress): the verdict was decided without it because of an agent setting.
	 */
	static Decision withRejections(Decision decision, List<PolicyCompiler.Rejected> rejected, Trace egress,
			Trace ingress) {
		if (rejected.isEmpty() || decision.explanation() == null) {
			return decision;
		}
		List<String> notes = new ArrayList<>(decision.explanation().notes());
		Set<String> added = new HashSet<>();
		for (Trace trace : List.of(egress, ingress)) {
			for (PolicyCompiler.Rejected rule : rejected) {
				if (trace.subject != null && rule.rule().selects(trace.subject)
						&& added.add(trace.direction + " " + rule.rule().policy)) {
					notes.add(trace.direction.name().toLowerCase() + ": " + rule.rule().policy + " selects "
							+ ((trace == egress) ? "the source" : "the destination") + ", but " + rule.reason());
				}
			}
		}
		Explanation explanation = decision.explanation();
		return decision.withExplanation(new Explanation(explanation.summary(), explanation.egress(),
				explanation.ingress(), List.copyOf(notes)));
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
		SubjectView view = (trace.reason == CompiledPolicies.Reason.HOST_FIREWALL_OFF) ? null : trace.view;
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
		String reason = reason(trace, decided, defaultDenyBy, (view != null) ? view.forcedBy() : null);
		return new SideExplanation(trace.direction, describe(endpoint, trace.subject), selectedBy, defaultDeny,
				defaultDenyBy, decided, allow, deny, reason);
	}

	private static String reason(Trace trace, @Nullable RuleRef decided, List<RuleRef> defaultDenyBy,
			@Nullable String forcedBy) {
		String dd = (forcedBy != null) ? forcedBy
				: defaultDenyBy.stream().map((r) -> r.policy() + " " + r.path()).distinct().reduce((a, b) -> a + ", " + b)
					.orElse("");
		String rule = (decided != null) ? decided.toString() : "";
		return switch (trace.reason) {
			case REPLY -> "not evaluated (reply)";
			case HOST_FIREWALL_OFF -> trace.subject.isHost()
					? "not enforced (the host firewall is off: enable-host-firewall=false, so host policies are ignored"
							+ " and the host endpoint is never enforced)"
					: "not enforced (the endpoint carries a label keyed host, and Cilium's host-firewall check"
							+ " (computePolicyEnforcementAndRules: lbls.Has(\"host\")) matches that key in any source: with"
							+ " enable-host-firewall=false its policies are not enforced)";
			case MODE_NEVER -> "not enforced (policy enforcement mode never: enable-policy=never)";
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
			case AUTH_REQUIRED -> "allowed at L3/L4, but " + rule + " requires authentication.mode "
					+ ((trace.auth == CompiledEntry.AUTH_ALWAYS_FAIL) ? "test-always-fail, which never authenticates"
							: !trace.mutualAuthentication ? "required and mutual authentication is not available"
									+ " (setting mutualAuthentication off)"
									: "required, which Cilium cannot complete unless both ends are pods")
					+ " (drop reason AUTH_REQUIRED 189)";
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

	static String describe(Endpoint endpoint, SecurityIdentity identity) {
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
