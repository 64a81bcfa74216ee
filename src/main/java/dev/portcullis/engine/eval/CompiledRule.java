package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.match.SelectorMatcher;

/**
 * One compiled Rule: its subject selector (CiliumNetworkPolicy and NetworkPolicy selectors scoped to the policy
 * namespace; a {@code nodeSelector} selects only the host endpoint, an {@code endpointSelector} never does),
 * whether it makes each direction default-deny, and its entries per direction.
 */
final class CompiledRule {

	final PolicyRef policy;

	/** The policy's position in the input, for stable ordering. */
	final int order;

	final String path;

	final SelectorMatcher subject;

	final boolean nodeSelector;

	final boolean defaultDenyIngress;

	final boolean defaultDenyEgress;

	/**
	 * Whether the rule writes {@code enableDefaultDeny.ingress: false} for ingress entries and the agent ignores it
	 * ({@code enable-non-default-deny-policies=false}), so that setting made ingress default-deny.
	 */
	final boolean nonDefaultDenyIgnoredIngress;

	/** As {@link #nonDefaultDenyIgnoredIngress}, for egress. */
	final boolean nonDefaultDenyIgnoredEgress;

	final List<CompiledEntry> ingress = new ArrayList<>();

	final List<CompiledEntry> ingressDeny = new ArrayList<>();

	final List<CompiledEntry> egress = new ArrayList<>();

	final List<CompiledEntry> egressDeny = new ArrayList<>();

	/** {@code fromRequires} of every ingress item (Cilium before 1.19), scoped like peers. */
	final List<SelectorMatcher> requiresIngress = new ArrayList<>();

	/** {@code toRequires} of every egress item (Cilium before 1.19), scoped like peers. */
	final List<SelectorMatcher> requiresEgress = new ArrayList<>();

	CompiledRule(PolicyRef policy, int order, String path, SelectorMatcher subject, boolean nodeSelector,
			boolean defaultDenyIngress, boolean defaultDenyEgress, boolean nonDefaultDenyIgnoredIngress,
			boolean nonDefaultDenyIgnoredEgress) {
		this.policy = policy;
		this.order = order;
		this.path = path;
		this.subject = subject;
		this.nodeSelector = nodeSelector;
		this.defaultDenyIngress = defaultDenyIngress;
		this.defaultDenyEgress = defaultDenyEgress;
		this.nonDefaultDenyIgnoredIngress = nonDefaultDenyIgnoredIngress;
		this.nonDefaultDenyIgnoredEgress = nonDefaultDenyIgnoredEgress;
	}

	boolean selects(SecurityIdentity identity) {
		if (!identity.isLocalEndpoint() || identity.isHost() != this.nodeSelector) {
			return false;
		}
		return this.subject.matches(identity.labels);
	}

	List<CompiledEntry> allow(Direction direction) {
		return (direction == Direction.INGRESS) ? this.ingress : this.egress;
	}

	List<CompiledEntry> deny(Direction direction) {
		return (direction == Direction.INGRESS) ? this.ingressDeny : this.egressDeny;
	}

	List<SelectorMatcher> requires(Direction direction) {
		return (direction == Direction.INGRESS) ? this.requiresIngress : this.requiresEgress;
	}

	boolean hasEntries(Direction direction) {
		return !allow(direction).isEmpty() || !deny(direction).isEmpty();
	}

	boolean defaultDeny(Direction direction) {
		return (direction == Direction.INGRESS) ? this.defaultDenyIngress : this.defaultDenyEgress;
	}

	boolean nonDefaultDenyIgnored(Direction direction) {
		return (direction == Direction.INGRESS) ? this.nonDefaultDenyIgnoredIngress : this.nonDefaultDenyIgnoredEgress;
	}

}
