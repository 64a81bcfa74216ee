package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.eval.CompiledEntry.FlowPeer;
import dev.portcullis.engine.eval.CompiledEntry.PortL7;
import dev.portcullis.engine.eval.Decision.L7Denial;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.Verdict;
import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.eval.PeerView.Candidate;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.match.IpAddress;
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
 * gets its container ports; under Cilium before 1.20 egress named ports resolve across all its pods
 * ({@link EgressNamedPorts}). Where a verdict depends on state that neither the flow nor the inventory gives, the
 * decision says so ({@link Decision#uncertain()}) and the verdict is the one that state would give if it selected
 * nothing.
 */
public final class CompiledPolicies {

	private final EngineOptions options;

	private final SecurityIdentity.Table identities;

	/** Whether some allow rule sets {@code authentication}; when none does, decisions skip the auth bookkeeping. */
	private final boolean authentication;

	private final List<PolicyCompiler.Rejected> rejected;

	private final @Nullable InventoryIndex inventory;

	private final Views views;

	private final List<CompiledRule> rules;

	/** Why a side's decision may be uncertain; null when no rule depends on cluster state, so none can be. */
	private final @Nullable Uncertainty uncertainty;

	/**
	 * Egress named ports resolved across the inventory's pods (Cilium before 1.20, with an inventory, when some egress
	 * rule names a port); null when egress named ports resolve on the destination.
	 */
	private final @Nullable EgressNamedPorts egressNamedPorts;

	private CompiledPolicies(EngineOptions options, PolicyCompiler.Compilation compilation,
			@Nullable InventoryIndex inventory) {
		this.options = options;
		this.rejected = compilation.rejected();
		this.inventory = inventory;
		this.identities = new SecurityIdentity.Table(options.clusterName(), inventory);
		this.views = new Views(options, compilation.rules());
		this.rules = compilation.rules();
		this.uncertainty = Uncertainty.of(options, compilation.rules(), this.views, inventory != null);
		boolean egressNames = compilation.rules().stream()
			.anyMatch((r) -> r.egress.stream().anyMatch((e) -> e.ports.stream().anyMatch((p) -> p.name() != null))
					|| r.egressDeny.stream().anyMatch((e) -> e.ports.stream().anyMatch((p) -> p.name() != null)));
		this.egressNamedPorts = (inventory != null && egressNames && options.egressNamedPortsAcrossPods())
				? new EgressNamedPorts(inventory.inventory) : null;
		this.authentication = Authentication.required(compilation.rules());
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

	/**
	 * Which rules select an endpoint as subject and which name it as a peer, per direction (see
	 * {@link EndpointSelection}). An endpoint is given as a flow gives it: a pod with its namespace and labels, or
	 * {@code reserved:} labels for the host, world and the other entities.
	 */
	public EndpointSelection selection(Flow.Endpoint endpoint) {
		SecurityIdentity identity = this.identities.of(endpoint, List.of());
		return new EndpointSelection(Explainer.describe(endpoint, identity),
				selectionSide(identity, Direction.INGRESS), selectionSide(identity, Direction.EGRESS));
	}

	private EndpointSelection.Side selectionSide(SecurityIdentity identity, Direction direction) {
		List<Decision.RuleRef> subjectOf = new ArrayList<>();
		List<Decision.RuleRef> defaultDenyBy = new ArrayList<>();
		boolean enforced = false;
		boolean defaultDeny = false;
		String forcedBy = null;
		if (identity.isLocalEndpoint()) {
			SubjectView view = this.views.subjectView(identity, direction);
			for (CompiledRule rule : view.selectedBy()) {
				// per direction: the rules that speak of it (entries, or default deny), not every rule selecting it
				if (rule.hasEntries(direction) || rule.defaultDeny(direction)) {
					subjectOf.add(new Decision.RuleRef(rule.policy, direction, false, rule.path, null, null));
				}
			}
			for (CompiledRule rule : view.defaultDenyBy()) {
				defaultDenyBy.add(new Decision.RuleRef(rule.policy, direction, false, rule.path, null, null));
			}
			boolean hostOff = identity.hostKeyed && !this.options.hostFirewall();
			boolean never = this.options.enforcementMode() == PolicyEnforcementMode.NEVER;
			enforced = view.enforced() && !hostOff && !never;
			defaultDeny = view.defaultDeny() && !hostOff && !never;
			forcedBy = view.forcedBy();
		}
		List<Decision.RuleRef> peerOf = new ArrayList<>();
		for (CompiledRule rule : this.rules) {
			for (List<CompiledEntry> entries : List.of(rule.allow(direction), rule.deny(direction))) {
				for (CompiledEntry entry : entries) {
					for (CompiledEntry.LabelPeer peer : entry.labelPeers) {
						if (peer.matches(identity, this.options.clusterName())) {
							peerOf.add(new Decision.RuleRef(rule.policy, direction, entry.deny, entry.path, peer.path(),
									null));
							break;
						}
					}
				}
			}
		}
		return new EndpointSelection.Side(direction, subjectOf, enforced, defaultDeny, defaultDenyBy, forcedBy, peerOf);
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
				this.options));
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
			source = this.identities.of(flow.source(),
					this.inventory.nodeLabels(flow, flow.source(), flow.sourceIp(), this.options.nodeSelectorLabels()));
			destination = this.identities.of(flow.destination(), this.inventory.nodeLabels(flow, flow.destination(),
					flow.destinationIp(), this.options.nodeSelectorLabels()));
			flow = this.inventory.withNamedPorts(flow);
		}
		SideResult egress;
		SideResult ingress;
		if (flow.reply()) {
			egress = SideResult.NOT_EVALUATED;
			ingress = SideResult.NOT_EVALUATED;
			trace(egressTrace, source, destination, Reason.REPLY);
			trace(ingressTrace, destination, source, Reason.REPLY);
		}
		else {
			Flow egressFlow = (this.egressNamedPorts != null) ? this.egressNamedPorts.resolve(flow) : flow;
			if (egressTrace != null) {
				egressTrace.egressNamedPorts = this.egressNamedPorts;
			}
			egress = side(egressFlow, Direction.EGRESS, source, destination, flow.destinationIp(), egressTrace);
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
		if (this.uncertainty == null) {
			return result;
		}
		String uncertain = this.uncertainty.why(flow, direction, subject, peer, peerIpText, result);
		return (uncertain != null) ? new SideResult(result.decision(), result.l7(), uncertain) : result;
	}

	private SideResult decide(Flow flow, Direction direction, SecurityIdentity subject, SecurityIdentity peer,
			@Nullable String peerIpText, @Nullable Trace trace) {
		trace(trace, subject, peer, Reason.NOT_ENFORCED);
		if (subject.hostKeyed && !this.options.hostFirewall() && subject.isLocalEndpoint()) {
			if (trace != null) {
				trace.view = this.views.subjectView(subject, direction);
			}
			return traced(trace, Reason.HOST_FIREWALL_OFF, SideResult.NOT_ENFORCED);
		}
		if (this.options.enforcementMode() == PolicyEnforcementMode.NEVER) {
			return traced(trace, Reason.MODE_NEVER, SideResult.NOT_ENFORCED);
		}
		if (!subject.isLocalEndpoint()) {
			return traced(trace, Reason.NOT_LOCAL, SideResult.NOT_ENFORCED);
		}
		SubjectView view = this.views.subjectView(subject, direction);
		if (trace != null) {
			trace.view = view;
		}
		if (!view.enforced()) {
			return traced(trace, Reason.NOT_ENFORCED, SideResult.NOT_ENFORCED);
		}
		PeerView peers = this.views.peerView(subject, peer, direction, view);
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
			return traced(trace, Reason.DENY_RULE,
					this.options.auditMode() ? SideResult.AUDIT_DENY_RULE : SideResult.DENIED_BY_RULE);
		}
		if (direction == Direction.INGRESS && this.options.allowLocalhost() == AllowLocalhost.ALWAYS && peer.isHost()
				&& !subject.isHost()) {
			return traced(trace, Reason.LOCALHOST, SideResult.ALLOWED);
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
				int score = Authentication.mapEntryScore(candidate, l4, l7);
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
				SideResult refused = Authentication.authenticate(auth, from, subject, peer, trace, this.options);
				if (refused != null) {
					return refused;
				}
			}
		}
		if (plain != null && l7Matches != null && keepPlains
				&& !L7Decisions.lifts(plain, otherPlains, l7Matches, flow)) {
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
			return traced(trace, Reason.ALLOWED, proxied ? SideResult.ALLOWED_PROXIED : SideResult.ALLOWED);
		}
		if (l7Matches == null) {
			if (!view.defaultDeny()) {
				return traced(trace, Reason.NO_MATCH_NOT_DEFAULT_DENY, SideResult.ALLOWED);
			}
			return traced(trace, Reason.NO_MATCH_DEFAULT_DENY, this.options.auditMode() ? SideResult.AUDIT_DEFAULT
					: SideResult.DENIED_BY_DEFAULT);
		}
		if (!view.defaultDeny()) {
			if (trace != null) {
				trace.decided = l7Matches.get(0);
			}
			return traced(trace, Reason.L7_VISIBILITY_ONLY, SideResult.ALLOWED_PROXIED);
		}
		SideResult result = L7Decisions.decide(flow, l7Matches, trace, this.options);
		return (flow.l7() instanceof Http) ? L7Decisions.withSecretUncertainty(result, l7Matches) : result;
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

	static @Nullable IpAddress parseIp(@Nullable String text) {
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

	static SideResult traced(@Nullable Trace trace, Reason reason, SideResult result) {
		if (trace != null) {
			trace.reason = reason;
		}
		return result;
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

		/** How the egress side resolved named ports across pods (Cilium before 1.20); null otherwise. */
		@Nullable EgressNamedPorts egressNamedPorts;

		Trace(Direction direction) {
			this.direction = direction;
		}

	}

}
