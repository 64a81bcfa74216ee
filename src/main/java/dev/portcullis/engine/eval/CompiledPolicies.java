package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.eval.CompiledEntry.FlowPeer;
import dev.portcullis.engine.eval.CompiledEntry.LabelPeer;
import dev.portcullis.engine.eval.CompiledEntry.SelectorPeer;
import dev.portcullis.engine.eval.CompiledEntry.PortL7;
import dev.portcullis.engine.eval.CompiledEntry.ServicePeer;
import dev.portcullis.engine.eval.CompiledEntry.UnresolvablePeer;
import dev.portcullis.engine.eval.Decision.DropReason;
import dev.portcullis.engine.eval.Decision.L7Denial;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.SideDecision;
import dev.portcullis.engine.eval.Decision.Verdict;
import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.eval.PeerView.Candidate;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.engine.match.KafkaMatcher;
import dev.portcullis.engine.match.SelectorMatcher;
import org.jspecify.annotations.Nullable;

/**
 * A set of policies compiled once for fast decisions, as Cilium's selector cache and policy maps do. Immutable
 * and safe to share between threads (per-identity views are memoized in concurrent maps).
 * <p>
 * A flow is decided as Cilium enforces it (Documentation/security/policy, pkg/policy): the egress side of the
 * source endpoint and the ingress side of the destination endpoint are evaluated; a side is enforced when a rule
 * selecting the endpoint has entries for that direction (or enforcement mode is {@code always}); both enforced
 * sides must allow. Per side: a matching deny rule drops (181), ingress from the local host is allowed
 * (allow-localhost), a matching allow rule allows, and an unmatched flow on a default-deny side drops (133).
 * Matching allow rules that all carry L7 rules send the request to the proxy, which allows it if any of their
 * rules matches (on a side that is not default-deny, L7 rules and {@code serverNames} only add visibility:
 * Cilium ≥1.18, pkg/policy/l4.go {@code ensureWildcard}). A matching allow without L7 rules for the same peer
 * does not stop the redirect (a redirect entry has the higher precedence in the policy map) but may lift the L7
 * rules in the proxy: for HTTP, gRPC and TLS always (Envoy also evaluates the wildcard-port rules of L3-only
 * allows), for Kafka when it is L3-only, all ports or the same single port, for DNS only when it is written for the
 * same port and protocol (the DNS proxy sees only its port's rules, so an L3-only allow does not lift DNS rules).
 * An allowed flow whose map entry requires {@code authentication} is dropped with AUTH_REQUIRED (189) unless
 * mutual authentication is available ({@link EngineOptions#mutualAuthentication()}) and the mode is
 * {@code required}. Replies ({@code is_reply}) are not evaluated.
 * <p>
 * Decisions taken where Cilium's behaviour needed a reading of its source (see the conformance cases):
 * ingress deny rules for the host beat allow-localhost (deny entries win in the policy map); audit mode turns
 * L3/L4 drops into AUDIT but the proxy still enforces L7; a flow without an L7 request on an L7-filtered port is
 * allowed at L3/L4 and reported as redirected to the proxy; a missing or unmatched TLS SNI on a
 * {@code serverNames} port is a TLS-level denial ({@code tcp_reset}); {@code toServices} matches the flow's
 * {@code destination_service}; {@code toFQDNs} matches world destinations through {@code destination_names};
 * {@code cidrGroupRef}, {@code cidrGroupSelector} and {@code toGroups} select nothing (they need cluster state);
 * {@code fromRequires}/{@code toRequires} (only in policies parsed for Cilium before 1.19) are ANDed into every
 * endpoint selector peer of the endpoints their rule selects, as those releases did.
 * <p>
 * Agent settings (pkg/policy/repository.go {@code computePolicyEnforcementAndRules}): with the host firewall off
 * (the default) the host endpoint is never enforced and host policies are ignored; with enforcement mode
 * {@code always} every local endpoint (the host too, when the host firewall is on) is default-deny in both
 * directions; an endpoint whose identity is still {@code reserved:init} is default-deny in both directions
 * whatever the rules say (only the flow's labels tell the engine so); a policy the agent rejects under the settings
 * ({@code fromNodes}/{@code toNodes} without enable-node-selector-labels) is not enforced at all
 * ({@link #agentRejections()}). The explanation names the setting that decided a side. Cilium tests "host" and
 * "reserved:init" with {@code LabelArray.Has("host")} / {@code Has("init")}, which match a label of that key from
 * any source, so a pod labelled {@code host=...} or {@code init=...} is treated the same way; the engine follows.
 * <p>
 * Cluster state ({@link Inventory}, {@link #compile(List, EngineOptions, Inventory)}): {@code toServices} of a
 * service with a selector selects that selector's pods in the service's namespace (also when the flow does not go
 * through the service), one without a selector is matched through {@code destination_service}
 * (pkg/policy/k8s/service.go {@code processRule}); {@code cidrGroupRef}/{@code cidrGroupSelector} select the
 * CIDRs of the groups (pkg/policy/api/cidr.go); pods without namespace labels get their namespace's
 * ({@code k8s:io.cilium.k8s.namespace.labels.*}); host and remote-node endpoints without labels get those of the
 * node with their IP (remote nodes only with enable-node-selector-labels); a destination pod without named ports
 * gets its container ports. Where a verdict depends on state that neither the flow nor the inventory gives, the
 * decision says so ({@link Decision#uncertain()}) and the verdict is the one that state would give if it selected
 * nothing.
 */
public final class CompiledPolicies {

	private static final SideResult NOT_EVALUATED = new SideResult(SideDecision.NOT_EVALUATED, null);

	private static final String NAMESPACE_LABELS_KEY_PREFIX = "io.cilium.k8s.namespace.labels.";

	private static final SideResult NOT_ENFORCED = new SideResult(SideDecision.NOT_ENFORCED, null);

	private static final SideResult ALLOWED = new SideResult(SideDecision.ALLOWED, null);

	private static final SideResult ALLOWED_PROXIED = new SideResult(SideDecision.ALLOWED_PROXIED, null);

	private static final SideResult DENIED_BY_RULE = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.POLICY_DENY, false), null);

	private static final SideResult DENIED_BY_DEFAULT = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.POLICY_DENIED, false), null);

	private static final SideResult AUDIT_DENY_RULE = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.POLICY_DENY, false), null);

	private static final SideResult AUDIT_DEFAULT = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.POLICY_DENIED, false), null);

	private static final SideResult DENIED_AUTH = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.AUTH_REQUIRED, false), null);

	private static final SideResult AUDIT_AUTH = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.AUTH_REQUIRED, false), null);

	private static final String INIT_LABEL = "reserved:init";

	/** Kafka API keys the proxy answers with TOPIC_AUTHORIZATION_FAILED when it denies them. */
	private static final int[] KAFKA_KEYS_WITH_ERROR_RESPONSE = { 0, 1, 2, 3, 8, 9, 10 };

	private final EngineOptions options;

	private final List<CompiledRule> rules;

	private final SecurityIdentity.Table identities;

	/** Whether some allow rule sets {@code authentication}; when none does, decisions skip the auth bookkeeping. */
	private final boolean authentication;

	private final List<PolicyCompiler.Rejected> rejected;

	private final @Nullable InventoryIndex inventory;

	/** Whether any rule depends on cluster state, so that a decision may be uncertain. */
	private final boolean stateDependent;

	private CompiledPolicies(EngineOptions options, PolicyCompiler.Compilation compilation,
			@Nullable InventoryIndex inventory) {
		this.options = options;
		this.rules = compilation.rules();
		this.rejected = compilation.rejected();
		this.inventory = inventory;
		this.identities = new SecurityIdentity.Table(options.clusterName(), inventory);
		this.stateDependent = this.rules.stream().anyMatch(CompiledPolicies::dependsOnState);
		boolean authentication = false;
		for (CompiledRule rule : this.rules) {
			for (CompiledEntry entry : rule.ingress) {
				authentication |= entry.auth != CompiledEntry.AUTH_UNSET;
			}
			for (CompiledEntry entry : rule.egress) {
				authentication |= entry.auth != CompiledEntry.AUTH_UNSET;
			}
		}
		this.authentication = authentication;
	}

	/**
	 * Compiles valid policies (as {@code PolicyParser} returns them) under the given agent settings, without cluster
	 * state: decisions that need some say so ({@link Decision#uncertain()}). A policy the agent would refuse under
	 * these settings ({@code fromNodes}/{@code toNodes} without enable-node-selector-labels) is left out, as Cilium
	 * leaves it out, and listed by {@link #agentRejections()}.
	 */
	public static CompiledPolicies compile(List<Policy> policies, EngineOptions options) {
		return compile(policies, options, null);
	}

	/**
	 * Compiles valid policies under the given agent settings against a cluster's state.
	 * @param inventory the cluster's objects; null when unknown (then as {@link #compile(List, EngineOptions)})
	 */
	public static CompiledPolicies compile(List<Policy> policies, EngineOptions options,
			@Nullable Inventory inventory) {
		InventoryIndex index = (inventory != null) ? new InventoryIndex(inventory) : null;
		return new CompiledPolicies(options, PolicyCompiler.compileAll(policies, options, index), index);
	}

	/** The cluster state the policies were compiled against, or null. */
	public @Nullable Inventory inventory() {
		return (this.inventory != null) ? this.inventory.inventory : null;
	}

	public EngineOptions options() {
		return this.options;
	}

	/** The policies the agent rejects under these settings, each once, with the reason (in input order). */
	public List<AgentRejection> agentRejections() {
		Map<PolicyRef, AgentRejection> byPolicy = new LinkedHashMap<>();
		for (PolicyCompiler.Rejected rejected : this.rejected) {
			byPolicy.putIfAbsent(rejected.rule().policy, new AgentRejection(rejected.rule().policy, rejected.reason()));
		}
		return List.copyOf(byPolicy.values());
	}

	/** A valid policy that the agent does not import under the engine's settings, and why. */
	public record AgentRejection(PolicyRef policy, String reason) {
	}

	/** Decides a flow; the decision carries no explanation. */
	public Decision decide(Flow flow) {
		return evaluate(flow, null, null);
	}

	/** Decides a flow and explains the decision. */
	public Decision explain(Flow flow) {
		Trace egress = new Trace(Direction.EGRESS);
		Trace ingress = new Trace(Direction.INGRESS);
		Decision decision = evaluate(flow, egress, ingress);
		Decision explained = decision.withExplanation(Explainer.explain(flow, decision, egress, ingress,
				this.options.clusterName()));
		return Explainer.withRejections(explained, this.rejected, egress, ingress);
	}

	private Decision evaluate(Flow given, @Nullable Trace egressTrace, @Nullable Trace ingressTrace) {
		Flow flow = given;
		SecurityIdentity source;
		SecurityIdentity destination;
		if (this.inventory == null) {
			source = this.identities.of(flow.source(), flow.nodeLabels());
			destination = this.identities.of(flow.destination(), flow.nodeLabels());
		}
		else {
			// identities from the flow's own endpoint objects, so that re-decided flows hit the identity cache
			source = this.identities.of(flow.source(), nodeLabels(flow, flow.source(), flow.sourceIp()));
			destination = this.identities.of(flow.destination(), nodeLabels(flow, flow.destination(), flow.destinationIp()));
			flow = withNamedPorts(flow);
		}
		SideResult egress;
		SideResult ingress;
		if (flow.reply()) {
			egress = NOT_EVALUATED;
			ingress = NOT_EVALUATED;
			trace(egressTrace, source, destination, Reason.REPLY);
			trace(ingressTrace, destination, source, Reason.REPLY);
		}
		else {
			egress = side(flow, Direction.EGRESS, source, destination, flow.destinationIp(), egressTrace);
			ingress = side(flow, Direction.INGRESS, destination, source, flow.sourceIp(), ingressTrace);
		}
		Verdict verdict;
		L7Denial l7 = null;
		if (egress.decision().denies() || ingress.decision().denies()) {
			verdict = Verdict.DROPPED;
			l7 = egress.decision().denies() ? egress.l7() : ingress.l7();
		}
		else if (egress.decision().outcome() == Outcome.AUDIT || ingress.decision().outcome() == Outcome.AUDIT) {
			verdict = Verdict.AUDIT;
		}
		else {
			verdict = Verdict.FORWARDED;
		}
		return new Decision(verdict, egress.decision(), ingress.decision(), l7, null,
				(egress.uncertain() != null) ? egress.uncertain() : ingress.uncertain());
	}

	/** The destination pod's container ports from the inventory, when the flow does not carry them. */
	private Flow withNamedPorts(Flow flow) {
		Flow.Endpoint destination = flow.destination();
		if (!destination.namedPorts().isEmpty() || destination.namespace() == null) {
			return flow;
		}
		List<Flow.NamedPort> ports = this.inventory.namedPorts(destination.namespace(), destination.podName(),
				flow.destinationIp());
		if (ports == null || ports.isEmpty()) {
			return flow;
		}
		Flow.Endpoint withPorts = new Flow.Endpoint(destination.namespace(), destination.labels(),
				destination.podName(), destination.clusterName(), ports);
		return new Flow(flow.source(), withPorts, flow.sourceIp(), flow.destinationIp(), flow.protocol(),
				flow.destinationPort(), flow.icmpType(), flow.l7(), flow.destinationNames(), flow.tlsServerName(),
				flow.reply(), flow.nodeLabels(), flow.destinationService());
	}

	/**
	 * The node labels of a host or remote-node endpoint: for the host, the flow's {@code node_labels}, else those of
	 * the inventory's node with the endpoint's IP; for a remote node (with enable-node-selector-labels) whose labels
	 * name no {@code k8s:} label, those of the inventory's node with its IP.
	 */
	private List<String> nodeLabels(Flow flow, Flow.Endpoint endpoint, @Nullable String ip) {
		if (endpoint.namespace() != null) {
			return flow.nodeLabels();
		}
		if (endpoint.labels().contains("reserved:host")) {
			if (!flow.nodeLabels().isEmpty()) {
				return flow.nodeLabels();
			}
			List<String> labels = this.inventory.nodeLabels(ip);
			return (labels != null) ? labels : flow.nodeLabels();
		}
		if (endpoint.labels().contains("reserved:remote-node")) {
			if (!this.options.nodeSelectorLabels() || endpoint.labels().stream().anyMatch((l) -> l.startsWith("k8s:"))) {
				return List.of();
			}
			List<String> labels = this.inventory.nodeLabels(ip);
			return (labels != null) ? labels : List.of();
		}
		return flow.nodeLabels();
	}

	private static void trace(@Nullable Trace trace, SecurityIdentity subject, SecurityIdentity peer, Reason reason) {
		if (trace != null) {
			trace.subject = subject;
			trace.peer = peer;
			trace.reason = reason;
		}
	}

	private SideResult side(Flow flow, Direction direction, SecurityIdentity subject, SecurityIdentity peer,
			@Nullable String peerIpText, @Nullable Trace trace) {
		SideResult result = decide(flow, direction, subject, peer, peerIpText, trace);
		if (!this.stateDependent) {
			return result;
		}
		String uncertain = uncertainty(flow, direction, subject, peer, peerIpText, result);
		return (uncertain != null) ? new SideResult(result.decision(), result.l7(), uncertain) : result;
	}

	private SideResult decide(Flow flow, Direction direction, SecurityIdentity subject, SecurityIdentity peer,
			@Nullable String peerIpText, @Nullable Trace trace) {
		trace(trace, subject, peer, Reason.NOT_ENFORCED);
		if (subject.hostKeyed && !this.options.hostFirewall() && subject.isLocalEndpoint()) {
			if (trace != null) {
				trace.view = subjectView(subject, direction);
			}
			return traced(trace, Reason.HOST_FIREWALL_OFF, NOT_ENFORCED);
		}
		if (this.options.enforcementMode() == PolicyEnforcementMode.NEVER) {
			return traced(trace, Reason.MODE_NEVER, NOT_ENFORCED);
		}
		if (!subject.isLocalEndpoint()) {
			return traced(trace, Reason.NOT_LOCAL, NOT_ENFORCED);
		}
		SubjectView view = subjectView(subject, direction);
		if (trace != null) {
			trace.view = view;
		}
		if (!view.enforced()) {
			return traced(trace, Reason.NOT_ENFORCED, NOT_ENFORCED);
		}
		PeerView peers = peerView(subject, peer, direction, view);
		// The deny and allow loops below repeat their matching on purpose: a shared helper needs an object for the
		// lazily parsed peer IP, and that allocation cost a quarter of the L3/L4 decision rate (docs/benchmarks.md).
		IpAddress peerIp = null;
		boolean ipParsed = false;

		Match denied = null;
		for (Candidate candidate : peers.deny()) {
			int flowPeer = -1;
			if (candidate.labelPeer() == PeerView.FLOW_PEERS) {
				if (!ipParsed) {
					peerIp = parseIp(peerIpText);
					ipParsed = true;
				}
				flowPeer = matchFlowPeers(candidate.entry(), flow, peerIp, peer);
				if (flowPeer < 0) {
					continue;
				}
			}
			int l4 = candidate.entry().matchL4(flow);
			if (l4 == CompiledEntry.NO_MATCH) {
				continue;
			}
			Match match = new Match(candidate, flowPeer, l4);
			if (denied == null) {
				denied = match;
			}
			if (trace == null) {
				break;
			}
			trace.denyMatches.add(match);
		}
		if (denied != null) {
			if (trace != null) {
				trace.decided = denied;
			}
			return traced(trace, Reason.DENY_RULE, this.options.auditMode() ? AUDIT_DENY_RULE : DENIED_BY_RULE);
		}
		if (direction == Direction.INGRESS && this.options.allowLocalhost() == AllowLocalhost.ALWAYS && peer.isHost()
				&& !subject.isHost()) {
			return traced(trace, Reason.LOCALHOST, ALLOWED);
		}

		Match plain = null;
		List<Match> l7Matches = null;
		// Only a DNS or Kafka request can be decided differently by which plain match it meets (see lifts).
		L7Request request = flow.l7();
		boolean keepPlains = request instanceof Flow.Dns || request instanceof Kafka;
		List<Match> otherPlains = null;
		// Mutual authentication: the best map entry's explicit mode, else the strictest explicit mode of the others.
		int bestScore = -1;
		int bestAuth = CompiledEntry.AUTH_UNSET;
		int otherAuth = CompiledEntry.AUTH_UNSET;
		Match bestAuthMatch = null;
		Match otherAuthMatch = null;
		for (Candidate candidate : peers.allow()) {
			int flowPeer = -1;
			if (candidate.labelPeer() == PeerView.FLOW_PEERS) {
				if (!ipParsed) {
					peerIp = parseIp(peerIpText);
					ipParsed = true;
				}
				flowPeer = matchFlowPeers(candidate.entry(), flow, peerIp, peer);
				if (flowPeer < 0) {
					continue;
				}
			}
			int l4 = candidate.entry().matchL4(flow);
			if (l4 == CompiledEntry.NO_MATCH) {
				continue;
			}
			Match match = new Match(candidate, flowPeer, l4);
			if (trace != null) {
				trace.allowMatches.add(match);
			}
			PortL7 l7 = candidate.entry().l7Of(l4);
			if (this.authentication) {
				int score = mapEntryScore(candidate, l4, l7);
				int auth = candidate.entry().auth;
				if (score > bestScore) {
					bestScore = score;
					bestAuth = auth;
					bestAuthMatch = (auth != CompiledEntry.AUTH_UNSET) ? match : null;
				}
				else if (score == bestScore && auth > bestAuth) {
					bestAuth = auth;
					bestAuthMatch = match;
				}
				if (auth > otherAuth) {
					otherAuth = auth;
					otherAuthMatch = match;
				}
			}
			if (l7 == null || l7.plain()) {
				if (plain == null) {
					plain = match;
				}
				else if (keepPlains) {
					if (otherPlains == null) {
						otherPlains = new ArrayList<>(2);
					}
					otherPlains.add(match);
				}
			}
			else {
				if (l7Matches == null) {
					l7Matches = new ArrayList<>(2);
				}
				l7Matches.add(match);
			}
		}
		if (this.authentication && (plain != null || l7Matches != null)) {
			int auth = (bestAuth != CompiledEntry.AUTH_UNSET) ? bestAuth : otherAuth;
			if (auth != CompiledEntry.AUTH_UNSET && auth != CompiledEntry.AUTH_DISABLED) {
				Match from = (bestAuth != CompiledEntry.AUTH_UNSET) ? bestAuthMatch : otherAuthMatch;
				SideResult refused = authenticate(auth, from, subject, peer, trace);
				if (refused != null) {
					return refused;
				}
			}
		}
		if (plain != null && l7Matches != null && keepPlains && !lifts(plain, otherPlains, l7Matches, flow)) {
			if (trace != null) {
				trace.notLifting = plain;
			}
			plain = null;
		}
		if (plain != null) {
			if (trace != null) {
				trace.decided = plain;
			}
			PortL7 plainL7 = plain.entry().l7Of(plain.l4());
			boolean proxied = l7Matches != null || (plainL7 != null && plainL7.listener());
			return traced(trace, Reason.ALLOWED, proxied ? ALLOWED_PROXIED : ALLOWED);
		}
		if (l7Matches == null) {
			if (!view.defaultDeny()) {
				return traced(trace, Reason.NO_MATCH_NOT_DEFAULT_DENY, ALLOWED);
			}
			return traced(trace, Reason.NO_MATCH_DEFAULT_DENY, this.options.auditMode() ? AUDIT_DEFAULT
					: DENIED_BY_DEFAULT);
		}
		if (!view.defaultDeny()) {
			if (trace != null) {
				trace.decided = l7Matches.get(0);
			}
			return traced(trace, Reason.L7_VISIBILITY_ONLY, ALLOWED_PROXIED);
		}
		SideResult result = l7(flow, l7Matches, trace);
		return (flow.l7() instanceof Http) ? withSecretUncertainty(result, l7Matches) : result;
	}

	/**
	 * How Cilium's datapath ranks the policy map entry behind a match (bpf/lib/policy.h
	 * {@code __policy_can_access}): a proxy redirect has the higher precedence, then the longer port prefix
	 * (port, then protocol only, then L3-only), then an identity-specific key over the any-peer key.
	 */
	private static int mapEntryScore(Candidate candidate, int l4, @Nullable PortL7 l7) {
		boolean redirect = l7 != null && (!l7.plain() || l7.listener());
		int prefix;
		if (l4 == CompiledEntry.L3_ONLY) {
			prefix = 0;
		}
		else if (l4 >= CompiledEntry.ICMP_OFFSET) {
			prefix = 2;
		}
		else {
			CompiledEntry.PortEntry port = candidate.entry().ports.get(l4);
			prefix = (port.port() == 0 && port.name() == null) ? 1 : 2;
		}
		return (redirect ? 8 : 0) + prefix * 2 + ((candidate.labelPeer() != PeerView.ANY_PEER) ? 1 : 0);
	}

	/**
	 * The datapath's check of an allowed flow whose map entry carries an auth type (bpf/lib/policy.h
	 * {@code __policy_check} returns DROP_POLICY_AUTH_REQUIRED, then bpf/lib/auth.h {@code auth_lookup} looks for
	 * an authenticated identity pair in the auth map and drops with 189 "Authentication required" until the agent
	 * has written one). {@code test-always-fail} is never authenticated (pkg/auth/always_fail_authhandler.go);
	 * {@code required} is authenticated only when mutual authentication is available
	 * ({@link EngineOptions#mutualAuthentication()}: without the mutual auth handler pkg/auth/manager.go
	 * {@code authenticate} fails with "unknown requested auth type"), and only between two pods: the agent skips
	 * every pair with a reserved identity (host, remote node, world, ...: pkg/auth/manager.go
	 * {@code handleAuthRequest}), and a {@code cidr:} identity has no SPIFFE identity to authenticate (an
	 * inference). Audit mode forwards the flow as AUDIT (the audit check in
	 * {@code policy_can_ingress}/{@code policy_can_egress} runs before {@code auth_lookup}).
	 *
	 * @return the refusing result, or null when the flow is (eventually) authenticated
	 */
	private @Nullable SideResult authenticate(int auth, @Nullable Match from, SecurityIdentity subject,
			SecurityIdentity peer, @Nullable Trace trace) {
		boolean pods = subject.kind == SecurityIdentity.Kind.POD && peer.kind == SecurityIdentity.Kind.POD;
		if (trace != null) {
			trace.auth = auth;
			trace.authFrom = from;
			trace.mutualAuthentication = this.options.mutualAuthentication();
			trace.authBetweenPods = pods;
		}
		if (auth == CompiledEntry.AUTH_SPIRE && this.options.mutualAuthentication() && pods) {
			return null;
		}
		if (trace != null) {
			trace.decided = from;
		}
		return traced(trace, Reason.AUTH_REQUIRED, this.options.auditMode() ? AUDIT_AUTH : DENIED_AUTH);
	}

	/**
	 * Whether an allow without L7 rules for the same peer lets every request through the proxy of the L7 matches.
	 * Envoy (HTTP, TLS) evaluates the port's rules and the wildcard-port rules of L3-only allows together
	 * (cilium/proxy cilium/network_policy.cc {@code PortPolicy::forRange}; pkg/envoy/xds_server.go
	 * {@code getWildcardNetworkPolicyRules}), so any such allow lifts the L7 rules. Kafka's parser (proxylib
	 * proxylib/policymap.go {@code PortNetworkPolicies.Matches}) looks up the exact port, then port 0: an L3-only
	 * allow, an all-ports allow or one for that single port lifts, a port range does not. The DNS proxy receives only
	 * the rules of the redirect's own port filter (pkg/proxy/proxy.go {@code UpdateRules} with
	 * {@code GetPerSelectorPolicies}; pkg/fqdn/dnsproxy/proxy.go {@code setPortRulesForID}, where a selector
	 * without L7 rules matches every name): only an allow written for the same port and protocol lifts DNS rules;
	 * an L3-only allow does not (the redirect still wins in the datapath: a redirect entry has the higher
	 * precedence, pkg/policy/types/entry.go).
	 */
	private static boolean lifts(Match plain, @Nullable List<Match> otherPlains, List<Match> l7Matches, Flow flow) {
		if (lifts(plain, l7Matches, flow)) {
			return true;
		}
		if (otherPlains != null) {
			for (Match other : otherPlains) {
				if (lifts(other, l7Matches, flow)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean lifts(Match plain, List<Match> l7Matches, Flow flow) {
		for (Match l7Match : l7Matches) {
			PortL7 l7 = l7Match.l7();
			if (!l7.dns().isEmpty()) {
				if (plain.l4() >= 0 && plain.l4() < CompiledEntry.ICMP_OFFSET) {
					CompiledEntry.PortEntry own = plain.entry().ports.get(plain.l4());
					CompiledEntry.PortEntry dns = l7Match.entry().ports.get(l7Match.l4());
					if (own.port() == dns.port() && own.endPort() == dns.endPort()
							&& Objects.equals(own.name(), dns.name())) {
						return true;
					}
				}
			}
			else if (l7.kafka() != null || l7.l7proto() != null) {
				if (plain.l4() == CompiledEntry.L3_ONLY) {
					return true;
				}
				if (plain.l4() >= 0 && plain.l4() < CompiledEntry.ICMP_OFFSET) {
					// a single port (or a named one, or all ports): proxylib finds it by the flow's port or port 0
					if (plain.entry().ports.get(plain.l4()).endPort() == 0) {
						return true;
					}
				}
			}
			else {
				return true;
			}
		}
		return false;
	}

	private SideResult l7(Flow flow, List<Match> matches, @Nullable Trace trace) {
		String sni = flow.tlsServerName();
		Match firstSniAllowed = null;
		for (Match match : matches) {
			if (match.l7().serverNameAllowed(sni)) {
				firstSniAllowed = match;
				break;
			}
		}
		if (firstSniAllowed == null) {
			if (trace != null) {
				trace.decided = matches.get(0);
			}
			return traced(trace, Reason.TLS_DENIED, new SideResult(SideDecision.L7_DENIED, L7Denial.tls()));
		}
		L7Request request = flow.l7();
		if (request == null) {
			if (trace != null) {
				trace.decided = firstSniAllowed;
			}
			return traced(trace, Reason.L7_NO_REQUEST, ALLOWED_PROXIED);
		}
		HttpMatcher.Request httpRequest = (request instanceof Http http) ? httpRequest(http) : null;
		List<KafkaRule> kafkaRules = null;
		Match firstKafka = null;
		KafkaMatcher onlyKafka = null;
		for (Match match : matches) {
			PortL7 l7 = match.l7();
			if (!l7.serverNameAllowed(sni)) {
				continue;
			}
			if (!l7.hasL7Rules() || requestMatches(l7, request, httpRequest)) {
				if (trace != null) {
					trace.decided = match;
				}
				return traced(trace, Reason.L7_ALLOWED, ALLOWED_PROXIED);
			}
			if (request instanceof Kafka && l7.kafka() != null) {
				if (firstKafka == null) {
					firstKafka = match;
					onlyKafka = l7.kafka();
					kafkaRules = new ArrayList<>(l7.kafkaRules());
				}
				else {
					onlyKafka = null;
					kafkaRules.addAll(l7.kafkaRules());
				}
			}
		}
		if (firstKafka != null) {
			// Kafka topics of one request may be allowed by rules of different port rules: match the union.
			KafkaMatcher union = (onlyKafka != null) ? onlyKafka : KafkaMatcher.compile(kafkaRules);
			if (union.allows((Kafka) request)) {
				if (trace != null) {
					trace.decided = firstKafka;
				}
				return traced(trace, Reason.L7_ALLOWED, ALLOWED_PROXIED);
			}
		}
		if (trace != null) {
			trace.decided = firstSniAllowed;
		}
		return traced(trace, Reason.L7_DENIED, new SideResult(SideDecision.L7_DENIED, denial(request)));
	}

	/**
	 * An HTTP verdict that an HTTP rule matching a header against a Secret could change is uncertain: the engine
	 * cannot read Secrets (see {@link HttpMatcher}); the verdict stays the one it assumes.
	 */
	private static SideResult withSecretUncertainty(SideResult result, List<Match> matches) {
		if (result.uncertain() != null) {
			return result;
		}
		for (Match match : matches) {
			for (HttpMatcher http : match.l7().http()) {
				if (!http.secretHeaders().isEmpty()) {
					return new SideResult(result.decision(), result.l7(), "an HTTP rule of " + match.entry().rule.policy
							+ " matches " + http.secretHeaders().get(0) + ", a Secret the engine cannot read");
				}
			}
		}
		return result;
	}

	private L7Denial denial(L7Request request) {
		if (request instanceof Http http) {
			return isGrpc(http) ? L7Denial.grpc() : L7Denial.http();
		}
		if (request instanceof Kafka kafka) {
			int key = kafkaApiKey(kafka.apiKey());
			for (int withResponse : KAFKA_KEYS_WITH_ERROR_RESPONSE) {
				if (withResponse == key) {
					return L7Denial.kafka(true);
				}
			}
			return L7Denial.kafka(false);
		}
		return L7Denial.dns(this.options.dnsRejectResponse());
	}

	static int kafkaApiKey(String name) {
		if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 6) {
			return Integer.parseInt(name);
		}
		OptionalInt key = KafkaMatcher.apiKey(name);
		return key.isPresent() ? key.getAsInt() : -1;
	}

	private static boolean requestMatches(PortL7 l7, L7Request request, HttpMatcher.@Nullable Request http) {
		if (http != null) {
			for (HttpMatcher matcher : l7.http()) {
				if (matcher.matches(http)) {
					return true;
				}
			}
			return false;
		}
		if (request instanceof Flow.Dns dns) {
			for (DnsPattern pattern : l7.dns()) {
				if (pattern.matches(dns.query())) {
					return true;
				}
			}
			return false;
		}
		if (request instanceof Kafka kafka && l7.kafka() != null) {
			return l7.kafka().allows(kafka);
		}
		return false;
	}

	/** gRPC: an HTTP/2 request with {@code content-type: application/grpc...} (Documentation/security/grpc.rst). */
	static boolean isGrpc(Http http) {
		if (http.protocol() == null || !http.protocol().toUpperCase(Locale.ROOT).startsWith("HTTP/2")) {
			return false;
		}
		for (Header header : http.headers()) {
			if (header.key().equalsIgnoreCase("content-type")
					&& header.value().toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The request as Envoy sees it: {@code :path} is the URL's path with its query (a URL that is not absolute is
	 * taken as the path), {@code :authority} the {@code :authority} or {@code Host} header, else the URL's
	 * authority (with its port).
	 */
	static HttpMatcher.Request httpRequest(Http http) {
		String url = http.url();
		String authority = "";
		String path = url;
		int scheme = url.indexOf("://");
		if (scheme > 0 && url.indexOf('/') > scheme) {
			int start = scheme + 3;
			int slash = url.indexOf('/', start);
			int query = url.indexOf('?', start);
			int end = (slash < 0) ? ((query < 0) ? url.length() : query) : ((query < 0) ? slash : Math.min(slash, query));
			authority = url.substring(start, end);
			path = url.substring(end);
			if (path.isEmpty() || path.charAt(0) == '?') {
				path = "/" + path;
			}
		}
		for (Header header : http.headers()) {
			if (header.key().equalsIgnoreCase(":authority") || header.key().equalsIgnoreCase("host")) {
				authority = header.value();
				break;
			}
		}
		return new HttpMatcher.Request(http.method(), path, authority, http.headers());
	}

	private int matchFlowPeers(CompiledEntry entry, Flow flow, @Nullable IpAddress peerIp, SecurityIdentity peer) {
		List<FlowPeer> flowPeers = entry.flowPeers;
		for (int i = 0; i < flowPeers.size(); i++) {
			FlowPeer flowPeer = flowPeers.get(i);
			if (flowPeer.admits(peer, this.options.cidrMatchesNodes()) && flowPeer.matches(flow, peerIp)) {
				return i;
			}
		}
		return -1;
	}

	private static @Nullable IpAddress parseIp(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return null;
		}
		try {
			return IpAddress.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static SideResult traced(@Nullable Trace trace, Reason reason, SideResult result) {
		if (trace != null) {
			trace.reason = reason;
		}
		return result;
	}

	SubjectView subjectView(SecurityIdentity subject, Direction direction) {
		SubjectView view = subject.subjectViews[direction.ordinal()];
		if (view != null) {
			return view;
		}
		List<CompiledRule> selecting = new ArrayList<>();
		List<CompiledEntry> allow = new ArrayList<>();
		List<CompiledEntry> deny = new ArrayList<>();
		List<CompiledRule> defaultDenyBy = new ArrayList<>();
		List<SelectorMatcher> requires = new ArrayList<>();
		boolean entries = false;
		for (CompiledRule rule : this.rules) {
			if (!rule.selects(subject)) {
				continue;
			}
			selecting.add(rule);
			allow.addAll(rule.allow(direction));
			deny.addAll(rule.deny(direction));
			entries |= rule.hasEntries(direction);
			requires.addAll(rule.requires(direction));
			if (rule.defaultDeny(direction)) {
				defaultDenyBy.add(rule);
			}
		}
		// computePolicyEnforcementAndRules: enforcement mode always, or an identity still reserved:init, enforces
		// both directions in default deny whatever the rules say (the host is only evaluated with the host
		// firewall on, so always mode covers it too).
		String forcedBy = null;
		if (this.options.enforcementMode() == PolicyEnforcementMode.ALWAYS) {
			forcedBy = "policy enforcement mode always (enable-policy=always)";
		}
		else if (subject.labelList.contains(INIT_LABEL)) {
			forcedBy = "the endpoint's identity is still reserved:init (labels not yet resolved), which Cilium always"
					+ " enforces in default deny";
		}
		else if (subject.initKeyed) {
			forcedBy = "the endpoint carries a label keyed init, and Cilium's reserved:init check"
					+ " (computePolicyEnforcementAndRules: lbls.Has(\"init\")) matches that key in any source, so it is"
					+ " enforced in default deny as if its identity were reserved:init";
		}
		boolean defaultDeny = forcedBy != null || !defaultDenyBy.isEmpty();
		view = new SubjectView(List.copyOf(selecting), List.copyOf(allow), List.copyOf(deny), defaultDeny || entries,
				defaultDeny, List.copyOf(defaultDenyBy), List.copyOf(requires), forcedBy);
		subject.subjectViews[direction.ordinal()] = view;
		return view;
	}

	private PeerView peerView(SecurityIdentity subject, SecurityIdentity peer, Direction direction, SubjectView view) {
		ConcurrentHashMap<SecurityIdentity, PeerView> views = subject.peerViews[direction.ordinal()];
		PeerView peerView = views.get(peer);
		if (peerView == null) {
			boolean meetsRequirements = true;
			for (SelectorMatcher required : view.requires()) {
				meetsRequirements &= required.matches(peer.labels);
			}
			peerView = new PeerView(candidates(view.allow(), peer, meetsRequirements),
					candidates(view.deny(), peer, meetsRequirements));
			PeerView raced = views.putIfAbsent(peer, peerView);
			if (raced != null) {
				peerView = raced;
			}
		}
		return peerView;
	}

	private List<Candidate> candidates(List<CompiledEntry> entries, SecurityIdentity peer, boolean meetsRequirements) {
		List<Candidate> candidates = new ArrayList<>();
		for (CompiledEntry entry : entries) {
			if (entry.anyPeer) {
				candidates.add(new Candidate(entry, PeerView.ANY_PEER));
				continue;
			}
			int matched = -1;
			for (int i = 0; i < entry.labelPeers.size(); i++) {
				LabelPeer labelPeer = entry.labelPeers.get(i);
				boolean endpointSelector = labelPeer instanceof SelectorPeer selector && !selector.remoteNodesOnly();
				if ((meetsRequirements || !endpointSelector) && labelPeer.matches(peer, this.options.clusterName())) {
					matched = i;
					break;
				}
			}
			if (matched >= 0) {
				candidates.add(new Candidate(entry, matched));
				continue;
			}
			for (FlowPeer flowPeer : entry.flowPeers) {
				if (flowPeer.admits(peer, this.options.cidrMatchesNodes())) {
					candidates.add(new Candidate(entry, PeerView.FLOW_PEERS));
					break;
				}
			}
		}
		return List.copyOf(candidates);
	}

	private static boolean dependsOnState(CompiledRule rule) {
		if (rule.nodeSelector && !rule.subject.matchesAll()) {
			return true;
		}
		for (List<CompiledEntry> entries : List.of(rule.ingress, rule.ingressDeny, rule.egress, rule.egressDeny)) {
			for (CompiledEntry entry : entries) {
				if (entry.ports.stream().anyMatch((p) -> p.name() != null)
						|| entry.flowPeers.stream().anyMatch((p) -> p instanceof ServicePeer || p instanceof UnresolvablePeer)
						|| entry.labelPeers.stream().anyMatch((p) -> p instanceof SelectorPeer selector
								&& (selector.remoteNodesOnly() || mentionsNamespaceLabels(selector.matcher())))) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean mentionsNamespaceLabels(SelectorMatcher matcher) {
		return matcher.keys().stream().anyMatch((k) -> k.coversPrefix("k8s", NAMESPACE_LABELS_KEY_PREFIX));
	}

	/**
	 * Why a side's result may be wrong for want of cluster state, or null: a deny entry (unless a deny rule already
	 * decided) or, on a default-deny side that did not allow the flow, an allow entry, whose peer or port could match
	 * if state that neither the flow nor the inventory gives were known; or host policies whose node selectors need
	 * node labels that are unknown.
	 */
	private @Nullable String uncertainty(Flow flow, Direction direction, SecurityIdentity subject,
			SecurityIdentity peer, @Nullable String peerIpText, SideResult result) {
		if (this.options.enforcementMode() == PolicyEnforcementMode.NEVER || !subject.isLocalEndpoint()) {
			return null;
		}
		if (subject.isHost() && !subject.labels.hasSource("k8s")) {
			for (CompiledRule rule : this.rules) {
				if (rule.nodeSelector && !rule.subject.matchesAll() && !rule.selects(subject)) {
					return "host policies select nodes by their labels (" + rule.policy + " " + rule.path
							+ "), and neither the flow's node_labels nor the inventory give the node's labels";
				}
			}
		}
		SubjectView view = subjectView(subject, direction);
		if (!view.enforced()) {
			return null;
		}
		if (result.decision().dropReason() != DropReason.POLICY_DENY) {
			for (CompiledEntry entry : view.deny()) {
				String reason = uncertainty(entry, flow, peer, peerIpText);
				if (reason != null) {
					return reason;
				}
			}
		}
		if (result.decision().outcome() != Outcome.ALLOWED && view.defaultDeny()) {
			for (CompiledEntry entry : view.allow()) {
				String reason = uncertainty(entry, flow, peer, peerIpText);
				if (reason != null) {
					return reason;
				}
			}
		}
		return null;
	}

	private @Nullable String uncertainty(CompiledEntry entry, Flow flow, SecurityIdentity peer,
			@Nullable String peerIpText) {
		IpAddress peerIp = entry.flowPeers.isEmpty() ? null : parseIp(peerIpText);
		boolean peerMatched = entry.anyPeer;
		String peerUnknown = null;
		for (LabelPeer labelPeer : entry.labelPeers) {
			if (peerMatched) {
				break;
			}
			if (labelPeer.matches(peer, this.options.clusterName())) {
				peerMatched = true;
			}
			else if (labelPeer instanceof SelectorPeer selector) {
				if (selector.remoteNodesOnly() && peer.kind == SecurityIdentity.Kind.REMOTE_NODE
						&& !peer.labels.hasSource("k8s")) {
					peerUnknown = entry.path + " " + selector.path() + " selects nodes by their labels, and neither the"
							+ " flow nor the inventory give the remote node's labels";
				}
				else if (!selector.remoteNodesOnly() && peer.kind == SecurityIdentity.Kind.POD
						&& mentionsNamespaceLabels(selector.matcher()) && peer.labelList.stream()
							.noneMatch((l) -> l.startsWith(InventoryIndex.NAMESPACE_LABELS_PREFIX))) {
					peerUnknown = entry.path + " " + selector.path() + " selects namespaces by their labels, and neither"
							+ " the flow nor the inventory give the labels of namespace " + peer.namespace;
				}
			}
		}
		for (FlowPeer flowPeer : entry.flowPeers) {
			if (peerMatched) {
				break;
			}
			if (flowPeer instanceof UnresolvablePeer unresolvable) {
				if (peer.cidrSelectable(this.options.cidrMatchesNodes())) {
					peerUnknown = entry.path + " " + unresolvable.unresolved();
				}
			}
			else if (flowPeer.admits(peer, this.options.cidrMatchesNodes()) && flowPeer.matches(flow, peerIp)) {
				peerMatched = true;
			}
			else if (flowPeer instanceof ServicePeer service && flow.destinationService() == null
					&& flowPeer.admits(peer, this.options.cidrMatchesNodes())) {
				peerUnknown = entry.path + " " + service.unresolved();
			}
		}
		int l4 = entry.matchL4(flow);
		String portUnknown = (l4 == CompiledEntry.NO_MATCH) ? unknownNamedPort(entry, flow) : null;
		if (peerMatched) {
			return (portUnknown != null) ? entry.path + " " + portUnknown : null;
		}
		return (peerUnknown != null && (l4 != CompiledEntry.NO_MATCH || portUnknown != null)) ? peerUnknown : null;
	}

	private static @Nullable String unknownNamedPort(CompiledEntry entry, Flow flow) {
		if (flow.destination().namespace() == null || !flow.destination().namedPorts().isEmpty()) {
			return null;
		}
		for (CompiledEntry.PortEntry port : entry.ports) {
			if (port.name() != null) {
				return port.path() + " is the named port \"" + port.name() + "\", and neither the flow nor the inventory"
						+ " give the destination pod's container ports";
			}
		}
		return null;
	}

	/** One side's decision, for an L7 denial what the client sees, and why it may be wrong for want of state. */
	private record SideResult(SideDecision decision, @Nullable L7Denial l7, @Nullable String uncertain) {

		SideResult(SideDecision decision, @Nullable L7Denial l7) {
			this(decision, l7, null);
		}

	}

	/** Why a side decided as it did (recorded only by {@link #explain}). */
	enum Reason {

		REPLY, HOST_FIREWALL_OFF, MODE_NEVER, NOT_LOCAL, NOT_ENFORCED, DENY_RULE, LOCALHOST, ALLOWED,
		NO_MATCH_NOT_DEFAULT_DENY, NO_MATCH_DEFAULT_DENY, L7_VISIBILITY_ONLY, TLS_DENIED, L7_NO_REQUEST, L7_ALLOWED,
		L7_DENIED, AUTH_REQUIRED

	}

	/** An entry whose peer and port matched the flow. */
	record Match(Candidate candidate, int flowPeer, int l4) {

		CompiledEntry entry() {
			return this.candidate.entry();
		}

		PortL7 l7() {
			PortL7 l7 = entry().l7Of(this.l4);
			if (l7 == null) {
				throw new IllegalStateException("no port rule behind " + this.l4);
			}
			return l7;
		}

	}

	/** What one side's evaluation saw, for {@link #explain}. */
	static final class Trace {

		final Direction direction;

		SecurityIdentity subject;

		SecurityIdentity peer;

		@Nullable SubjectView view;

		Reason reason = Reason.NOT_ENFORCED;

		@Nullable Match decided;

		final List<Match> allowMatches = new ArrayList<>();

		final List<Match> denyMatches = new ArrayList<>();

		/** The auth type the allowing map entry carries ({@link CompiledEntry#AUTH_UNSET} when none). */
		int auth = CompiledEntry.AUTH_UNSET;

		/** The match whose {@code authentication.mode} decided {@link #auth}. */
		@Nullable Match authFrom;

		/** The {@link EngineOptions#mutualAuthentication()} setting, when {@link #auth} is set. */
		boolean mutualAuthentication;

		/** Whether both identities are pods (the only pairs Cilium's auth manager authenticates). */
		boolean authBetweenPods;

		/** An allow without L7 rules for the same peer that did not lift the L7 rules of the port (DNS, Kafka). */
		@Nullable Match notLifting;

		Trace(Direction direction) {
			this.direction = direction;
		}

	}

}
