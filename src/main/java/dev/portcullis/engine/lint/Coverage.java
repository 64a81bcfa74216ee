package dev.portcullis.engine.lint;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PeerRule.CidrRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.match.Cidr;
import org.jspecify.annotations.Nullable;

/**
 * Whether one rule's subject, peers or ports include another's, decided on the parsed model alone (no cluster
 * state): an answer of true is certain, false may only mean "cannot tell". The lints built on it (a moot L7 rule,
 * a shadowed allow) therefore never warn wrongly, and may stay silent where a cluster's labels would show overlap.
 */
final class Coverage {

	/** Each rule's subject as requirements, computed once per lint. */
	private final Map<Rule, Requirements> subjects = new IdentityHashMap<>();

	/** Each peer selector as requirements in its policy's scope, computed once per lint. */
	private final Map<LabelSelector, Map<Policy, Requirements>> peers = new IdentityHashMap<>();

	/** Whether every endpoint {@code b}'s rule selects is selected by {@code a}'s rule. */
	boolean subjectCovers(Policy pa, Rule a, Policy pb, Rule b) {
		if ((a.nodeSelector() != null) != (b.nodeSelector() != null)) {
			return false;
		}
		return subject(pa, a).covers(subject(pb, b));
	}

	private Requirements subject(Policy policy, Rule rule) {
		return this.subjects.computeIfAbsent(rule, (r) -> {
			if (r.nodeSelector() != null) {
				return Requirements.of(r.nodeSelector(), null, false);
			}
			// a CNP's subject is its namespace's pods (utils.go ParseToCiliumRule adds the namespace label); a CCNP's any
			return Requirements.of((r.endpointSelector() != null) ? r.endpointSelector() : LabelSelector.EMPTY,
					policy.ref().namespace(), false);
		});
	}

	private Requirements peer(Policy policy, LabelSelector selector) {
		return this.peers.computeIfAbsent(selector, (s) -> new IdentityHashMap<>())
			.computeIfAbsent(policy, (p) -> Requirements.of(selector, namespace(p), anyNamespace(p)));
	}

	/** Whether every peer {@code b} selects is selected by {@code a} (both items of the same direction). */
	boolean peersCover(Policy pa, PeerRule a, Policy pb, PeerRule b) {
		if (isWildcard(a)) {
			return true;
		}
		if (a.requires() != null && !a.requires().isEmpty()) {
			return false;
		}
		if (a.entities() != null && a.entities().contains("all")) {
			return true;
		}
		if (isWildcard(b) || (b.groups() != null && !b.groups().isEmpty())) {
			return false;
		}
		boolean anything = false;
		if (b.endpoints() != null) {
			for (LabelSelector selector : b.endpoints()) {
				anything = true;
				if (!endpointCovered(pa, a, peer(pb, selector))) {
					return false;
				}
			}
		}
		if (b.entities() != null) {
			for (String entity : b.entities()) {
				anything = true;
				if (a.entities() == null || !a.entities().contains(entity)) {
					return false;
				}
			}
		}
		if (b.cidr() != null) {
			for (String text : b.cidr()) {
				anything = true;
				Cidr cidr = Cidr.tryParse(text);
				if (cidr == null || !cidrCovered(a, cidr, List.of())) {
					return false;
				}
			}
		}
		if (b.cidrSet() != null) {
			for (CidrRule set : b.cidrSet()) {
				anything = true;
				Cidr cidr = (set.cidr() != null) ? Cidr.tryParse(set.cidr()) : null;
				if (cidr == null || !cidrCovered(a, cidr, set.except())) {
					return false;
				}
			}
		}
		if (b.fqdns() != null) {
			for (PeerRule.FqdnSelector fqdn : b.fqdns()) {
				anything = true;
				boolean world = a.entities() != null && a.entities().contains("world");
				if (!world && (a.fqdns() == null || !a.fqdns().contains(fqdn))) {
					return false;
				}
			}
		}
		if (b.services() != null) {
			for (PeerRule.ServiceSelector service : b.services()) {
				anything = true;
				if (a.services() == null || !a.services().contains(service) || !sameNamespace(pa, pb)) {
					return false;
				}
			}
		}
		if (b.nodes() != null) {
			for (LabelSelector selector : b.nodes()) {
				anything = true;
				boolean covered = a.nodes() != null && a.nodes().stream().anyMatch((mine) -> Requirements
					.of(mine, null, false).covers(Requirements.of(selector, null, false)));
				if (!covered) {
					return false;
				}
			}
		}
		return anything;
	}

	private boolean endpointCovered(Policy pa, PeerRule a, Requirements wanted) {
		if (a.entities() != null && a.entities().contains("cluster")) {
			return true;
		}
		if (a.endpoints() == null) {
			return false;
		}
		for (LabelSelector mine : a.endpoints()) {
			if (peer(pa, mine).covers(wanted)) {
				return true;
			}
		}
		return false;
	}

	/** Whether {@code cidr} minus {@code except} lies inside some prefix of {@code a} (minus its excepts). */
	private static boolean cidrCovered(PeerRule a, Cidr cidr, List<String> except) {
		if (a.entities() != null && a.entities().contains("world")) {
			return true;
		}
		if (a.cidr() != null) {
			for (String text : a.cidr()) {
				Cidr mine = Cidr.tryParse(text);
				if (mine != null && mine.contains(cidr)) {
					return true;
				}
			}
		}
		if (a.cidrSet() != null) {
			for (CidrRule set : a.cidrSet()) {
				Cidr mine = (set.cidr() != null) ? Cidr.tryParse(set.cidr()) : null;
				if (mine == null || !mine.contains(cidr)) {
					continue;
				}
				boolean holes = false;
				for (String text : set.except()) {
					Cidr hole = Cidr.tryParse(text);
					if (hole == null || !hole.overlaps(cidr)) {
						continue;
					}
					// a hole of a inside b's own excepts takes nothing away from what b selects
					boolean inside = except.stream().map(Cidr::tryParse)
						.anyMatch((theirs) -> theirs != null && theirs.contains(hole));
					holes |= !inside;
				}
				if (!holes) {
					return true;
				}
			}
		}
		return false;
	}

	/** An item without peer fields but with ports: it selects every peer (pkg/policy/api/ingress.go). */
	static boolean isWildcard(PeerRule item) {
		boolean peerField = item.endpoints() != null || item.requires() != null || item.cidr() != null
				|| item.cidrSet() != null || item.entities() != null || item.nodes() != null || item.groups() != null
				|| item.services() != null || item.fqdns() != null;
		return !peerField && ((item.toPorts() != null && !item.toPorts().isEmpty())
				|| (item.icmps() != null && !item.icmps().isEmpty()));
	}

	private static @Nullable String namespace(Policy policy) {
		return policy.ref().namespace();
	}

	private static boolean anyNamespace(Policy policy) {
		return policy.ref().kind() == PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY;
	}

	private static boolean sameNamespace(Policy a, Policy b) {
		return java.util.Objects.equals(a.ref().namespace(), b.ref().namespace());
	}

	/** Whether {@code item} allows every port at L4 (no {@code toPorts} and no {@code icmps}: an L3-only rule). */
	static boolean allPorts(PeerRule item) {
		return (item.toPorts() == null || item.toPorts().isEmpty()) && (item.icmps() == null || item.icmps().isEmpty());
	}

	/** Whether port {@code wanted} is inside one of {@code rule}'s ports. */
	static boolean portCovered(PortRule rule, PortProtocol wanted) {
		for (PortProtocol mine : rule.ports()) {
			if (portCovers(mine, wanted)) {
				return true;
			}
		}
		return false;
	}

	static boolean portCovers(PortProtocol mine, PortProtocol wanted) {
		if (mine.protocol() != Protocol.ANY && mine.protocol() != wanted.protocol()) {
			return false;
		}
		if (mine.port().equals("0")) {
			return true;
		}
		boolean mineNumeric = mine.port().chars().allMatch(Character::isDigit) && !mine.port().isEmpty();
		boolean wantedNumeric = wanted.port().chars().allMatch(Character::isDigit) && !wanted.port().isEmpty();
		if (!mineNumeric || !wantedNumeric) {
			return mine.port().equals(wanted.port()) && mine.endPort() >= wanted.endPort();
		}
		if (wanted.port().equals("0")) {
			return false;
		}
		int from = Integer.parseInt(mine.port());
		int to = Math.max(from, mine.endPort());
		int wantedFrom = Integer.parseInt(wanted.port());
		int wantedTo = Math.max(wantedFrom, wanted.endPort());
		return from <= wantedFrom && wantedTo <= to;
	}

}
