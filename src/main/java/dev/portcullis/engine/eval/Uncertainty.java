package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.eval.CompiledEntry.FlowPeer;
import dev.portcullis.engine.eval.CompiledEntry.LabelPeer;
import dev.portcullis.engine.eval.CompiledEntry.SelectorPeer;
import dev.portcullis.engine.eval.CompiledEntry.ServicePeer;
import dev.portcullis.engine.eval.CompiledEntry.UnresolvablePeer;
import dev.portcullis.engine.eval.Decision.DropReason;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.engine.match.SelectorMatcher;
import org.jspecify.annotations.Nullable;

/**
 * Why a side's decision may be wrong for want of cluster state that neither the flow nor the inventory gives
 * ({@link Decision#uncertain()}): node labels for node selectors, namespace labels, a pod's container ports for named
 * ports, a service's backends, CIDR groups. Only rules that depend on such state make a decision uncertain.
 */
final class Uncertainty {

	private static final String NAMESPACE_LABELS_KEY_PREFIX = "io.cilium.k8s.namespace.labels.";

	private final EngineOptions options;

	private final List<CompiledRule> rules;

	private final Views views;

	/** Whether an inventory gives the cluster's pods (then egress named ports resolve across them, if at all). */
	private final boolean inventory;

	private Uncertainty(EngineOptions options, List<CompiledRule> rules, Views views, boolean inventory) {
		this.options = options;
		this.rules = rules;
		this.views = views;
		this.inventory = inventory;
	}

	/**
	 * The uncertainty of decisions under these rules, or null when no rule depends on cluster state.
	 * @param inventory whether the rules were compiled with an inventory
	 */
	static @Nullable Uncertainty of(EngineOptions options, List<CompiledRule> rules, Views views, boolean inventory) {
		return rules.stream().anyMatch(Uncertainty::dependsOnState) ? new Uncertainty(options, rules, views, inventory)
				: null;
	}

	private static boolean dependsOnState(CompiledRule rule) {
		if (rule.nodeSelector && !rule.subject.matchesAll()) {
			return true;
		}
		for (List<CompiledEntry> entries : List.of(rule.ingress, rule.ingressDeny, rule.egress, rule.egressDeny)) {
			for (CompiledEntry entry : entries) {
				if (entry.stateDependent) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether an entry's match can depend on state the flow may lack: a named port, a service or an unresolvable
	 * peer, a node selector, or a selector on namespace labels. Only such entries can make a verdict uncertain, so
	 * {@link #why} looks at no other (computed once per entry: the check runs on every decision).
	 */
	static boolean dependsOnState(CompiledEntry entry) {
		return entry.ports.stream().anyMatch((p) -> p.name() != null)
				|| entry.flowPeers.stream().anyMatch((p) -> p instanceof ServicePeer || p instanceof UnresolvablePeer)
				|| entry.labelPeers.stream().anyMatch((p) -> p instanceof SelectorPeer selector
						&& (selector.remoteNodesOnly() || mentionsNamespaceLabels(selector.matcher())));
	}

	private static boolean mentionsNamespaceLabels(SelectorMatcher matcher) {
		return matcher.keys().stream().anyMatch((k) -> k.coversPrefix("k8s", NAMESPACE_LABELS_KEY_PREFIX));
	}

	/**
	 * Why a side's result may be wrong for want of cluster state, or null: a deny entry (unless a deny rule already
	 * decided) or, on a default-deny side that did not allow the flow, an allow entry, whose peer or port could match
	 * if state that neither the flow nor the inventory gives were known; or host policies whose node selectors need
	 * node labels that are unknown; or, at egress under Cilium before 1.20 without an inventory, an entry whose peer
	 * matches and whose port is a named port (the agent resolves it over the named ports of every pod, which are
	 * unknown: {@link EgressNamedPorts}).
	 */
	@Nullable String why(Flow flow, Direction direction, SecurityIdentity subject,
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
		SubjectView view = this.views.subjectView(subject, direction);
		if (!view.enforced()) {
			return null;
		}
		boolean acrossPods = direction == Direction.EGRESS && this.options.egressNamedPortsAcrossPods();
		if (acrossPods && !this.inventory) {
			String reason = egressNamedPort(view, flow, peer, peerIpText);
			if (reason != null) {
				return reason;
			}
		}
		if (result.decision().dropReason() != DropReason.POLICY_DENY) {
			for (CompiledEntry entry : view.deny()) {
				if (!entry.stateDependent) {
					continue;
				}
				String reason = why(entry, flow, peer, peerIpText, acrossPods && this.inventory);
				if (reason != null) {
					return reason;
				}
			}
		}
		if (result.decision().outcome() != Outcome.ALLOWED && view.defaultDeny()) {
			for (CompiledEntry entry : view.allow()) {
				if (!entry.stateDependent) {
					continue;
				}
				String reason = why(entry, flow, peer, peerIpText, acrossPods && this.inventory);
				if (reason != null) {
					return reason;
				}
			}
		}
		return null;
	}

	private @Nullable String why(CompiledEntry entry, Flow flow, SecurityIdentity peer,
			@Nullable String peerIpText, boolean acrossPods) {
		IpAddress peerIp = entry.flowPeers.isEmpty() ? null : CompiledPolicies.parseIp(peerIpText);
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
		// across pods, the inventory (all pods) decides the name whatever the destination defines
		String portUnknown = (l4 == CompiledEntry.NO_MATCH && !acrossPods) ? unknownNamedPort(entry, flow) : null;
		if (peerMatched) {
			return (portUnknown != null) ? entry.path + " " + portUnknown : null;
		}
		return (peerUnknown != null && (l4 != CompiledEntry.NO_MATCH || portUnknown != null)) ? peerUnknown : null;
	}

	/** A deny or allow entry of an egress view whose peer matches and whose named port covers the protocol. */
	private @Nullable String egressNamedPort(SubjectView view, Flow flow, SecurityIdentity peer,
			@Nullable String peerIpText) {
		IpAddress peerIp = CompiledPolicies.parseIp(peerIpText);
		for (List<CompiledEntry> entries : List.of(view.deny(), view.allow())) {
			for (CompiledEntry entry : entries) {
				CompiledEntry.PortEntry port = entry.stateDependent ? entry.namedPort(flow.protocol()) : null;
				if (port != null && entry.peerMatches(peer, flow, peerIp, this.options)) {
					return entry.path + " " + port.path() + " is the egress named port \"" + port.name() + "\": Cilium "
							+ this.options.ciliumVersion() + " resolves egress named ports across all pods; import the"
							+ " inventory (the verdict shown resolves the name on the destination pod, as Cilium 1.20"
							+ " does)";
				}
			}
		}
		return null;
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

}
