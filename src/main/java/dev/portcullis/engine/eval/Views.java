package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.eval.CompiledEntry.FlowPeer;
import dev.portcullis.engine.eval.CompiledEntry.LabelPeer;
import dev.portcullis.engine.eval.CompiledEntry.SelectorPeer;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.eval.PeerView.Candidate;
import dev.portcullis.engine.match.SelectorMatcher;

/**
 * The compiled rules as one identity sees them, memoized on the identity as Cilium's selector cache does: per
 * direction the rules selecting it ({@link SubjectView}, with the agent settings that force default deny), per peer
 * the entries whose peer could match ({@link PeerView}). Safe to share between threads.
 */
final class Views {

	private static final String INIT_LABEL = "reserved:init";

	private final EngineOptions options;

	private final List<CompiledRule> rules;

	Views(EngineOptions options, List<CompiledRule> rules) {
		this.options = options;
		this.rules = rules;
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

	PeerView peerView(SecurityIdentity subject, SecurityIdentity peer, Direction direction, SubjectView view) {
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

}
