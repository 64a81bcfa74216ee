package dev.portcullis.engine.describe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.Rule;
import org.jspecify.annotations.Nullable;

/**
 * Who may talk to whom under a set of policies, as a graph: the selected endpoints (subjects) in the middle, the
 * peers they accept ingress from on the left and the peers they may send egress to on the right. An edge is one
 * allow or deny of some traffic, labelled with its ports and L7 rules ("TCP 80: GET /public"); identical edges of
 * several policies are drawn once and name every policy. A subject is marked default-deny per direction when a
 * rule selecting it with that subject text makes the direction default-deny (pkg/policy/api/rule_validation.go
 * {@code Rule.Sanitize}).
 * <p>
 * Nodes are identified by their words ({@link Words}): two rules whose subjects read the same share a node, so a
 * workspace graph shows each subject once; pod peers always name their namespace ("env=prod pods in default"), so
 * that peers of different namespaces stay apart. Nodes and edges come in the order their policies and rules give them.
 *
 * @param nodes subjects and peers
 * @param edges peer to subject (ingress) or subject to peer (egress)
 */
public record PolicyGraph(List<GraphNode> nodes, List<GraphEdge> edges) {

	public PolicyGraph {
		nodes = List.copyOf(nodes);
		edges = List.copyOf(edges);
	}

	/** Where a node is drawn. */
	public enum Role {

		/** Endpoints a policy selects (middle). */
		SUBJECT,
		/** A peer of ingress rules (left). */
		INGRESS_PEER,
		/** A peer of egress rules (right). */
		EGRESS_PEER

	}

	/**
	 * A node.
	 *
	 * @param id stable within one graph: {@code s1}, {@code i1}, {@code e1}, ...
	 * @param label what it is, in words ("Pods app=web in default", "env=prod pods", "the world")
	 * @param ingressDefaultDeny for a subject: a policy makes its ingress default-deny
	 * @param egressDefaultDeny for a subject: a policy makes its egress default-deny
	 * @param policies the policies that select it (subjects) or name it (peers), as {@code Kind/namespace/name}
	 */
	public record GraphNode(String id, Role role, String label, boolean ingressDefaultDeny, boolean egressDefaultDeny,
			List<String> policies) {

		public GraphNode {
			policies = List.copyOf(policies);
		}

	}

	/**
	 * An edge.
	 *
	 * @param from the peer (ingress) or the subject (egress)
	 * @param to the subject (ingress) or the peer (egress)
	 * @param deny whether it is a deny rule (drops, whatever allows it elsewhere)
	 * @param label ports and L7 rules: "TCP 80: GET /public", "all traffic", "ICMP EchoRequest"
	 * @param policies the policies with this edge
	 * @param paths where in those policies, as {@code Kind/namespace/name spec.ingress[0]}
	 */
	public record GraphEdge(String from, String to, Direction direction, boolean deny, String label,
			List<String> policies, List<String> paths) {

		public GraphEdge {
			policies = List.copyOf(policies);
			paths = List.copyOf(paths);
		}

	}

	/** The graph of {@code policies}. */
	public static PolicyGraph of(List<Policy> policies) {
		Builder builder = new Builder();
		for (Policy policy : policies) {
			for (Rule rule : policy.rules()) {
				builder.rule(policy, rule);
			}
		}
		return builder.build();
	}

	/** A short text alternative: how many subjects, peers and edges, and which directions are default-deny. */
	public String outline() {
		long subjects = this.nodes.stream().filter((node) -> node.role() == Role.SUBJECT).count();
		long denies = this.edges.stream().filter(GraphEdge::deny).count();
		return subjects + ((subjects == 1) ? " subject, " : " subjects, ") + (this.nodes.size() - subjects)
				+ ((this.nodes.size() - subjects == 1) ? " peer, " : " peers, ") + (this.edges.size() - denies)
				+ ((this.edges.size() - denies == 1) ? " allow edge and " : " allow edges and ") + denies
				+ ((denies == 1) ? " deny edge." : " deny edges.");
	}

	private static final class Builder {

		private final Map<String, MutableNode> subjects = new LinkedHashMap<>();

		private final Map<String, MutableNode> ingressPeers = new LinkedHashMap<>();

		private final Map<String, MutableNode> egressPeers = new LinkedHashMap<>();

		private final Map<String, MutableEdge> edges = new LinkedHashMap<>();

		void rule(Policy policy, Rule rule) {
			String ref = policy.ref().toString();
			MutableNode subject = node(this.subjects, "s", Role.SUBJECT, Words.subject(policy, rule), ref);
			subject.ingressDefaultDeny |= defaultDeny(rule.ingress(), rule.ingressDeny(), rule.enableDefaultDenyIngress());
			subject.egressDefaultDeny |= defaultDeny(rule.egress(), rule.egressDeny(), rule.enableDefaultDenyEgress());
			items(policy, ref, subject, rule.ingress());
			items(policy, ref, subject, rule.ingressDeny());
			items(policy, ref, subject, rule.egress());
			items(policy, ref, subject, rule.egressDeny());
		}

		private static boolean defaultDeny(@Nullable List<PeerRule> allow, @Nullable List<PeerRule> deny,
				@Nullable Boolean enable) {
			boolean entries = (allow != null && !allow.isEmpty()) || (deny != null && !deny.isEmpty());
			return entries && !Boolean.FALSE.equals(enable);
		}

		private void items(Policy policy, String ref, MutableNode subject, @Nullable List<PeerRule> items) {
			if (items == null) {
				return;
			}
			for (PeerRule item : items) {
				if (Words.isEmptyItem(item)) {
					continue;
				}
				boolean ingress = item.direction() == Direction.INGRESS;
				List<String> labels = labels(item);
				for (String peerText : Words.peers(policy, item, true)) {
					MutableNode peer = ingress ? node(this.ingressPeers, "i", Role.INGRESS_PEER, peerText, ref)
							: node(this.egressPeers, "e", Role.EGRESS_PEER, peerText, ref);
					for (String label : labels) {
						String from = ingress ? peer.id : subject.id;
						String to = ingress ? subject.id : peer.id;
						String key = from + "\u0000" + to + "\u0000" + item.deny() + "\u0000" + label;
						MutableEdge edge = this.edges.computeIfAbsent(key,
								(k) -> new MutableEdge(from, to, item.direction(), item.deny(), label));
						edge.policies.add(ref);
						edge.paths.add(ref + " " + item.path());
					}
				}
			}
		}

		private static List<String> labels(PeerRule item) {
			if (item.icmps() != null && !item.icmps().isEmpty()) {
				return List.of(Words.icmps(item.icmps()));
			}
			if (!Words.hasPorts(item)) {
				return List.of("all traffic");
			}
			List<String> out = new ArrayList<>();
			for (PortRule portRule : item.toPorts()) {
				if (portRule.ports().isEmpty()) {
					continue;
				}
				String l7 = Words.l7(portRule.rules());
				out.add(Words.ports(portRule) + ((l7 != null) ? ": " + l7 : ""));
			}
			return out;
		}

		private static MutableNode node(Map<String, MutableNode> nodes, String prefix, Role role, String label,
				String ref) {
			MutableNode node = nodes.computeIfAbsent(label,
					(key) -> new MutableNode(prefix + (nodes.size() + 1), role, label));
			node.policies.add(ref);
			return node;
		}

		PolicyGraph build() {
			List<GraphNode> nodes = new ArrayList<>();
			for (Map<String, MutableNode> group : List.of(this.ingressPeers, this.subjects, this.egressPeers)) {
				for (MutableNode node : group.values()) {
					nodes.add(new GraphNode(node.id, node.role, node.label, node.ingressDefaultDeny,
							node.egressDefaultDeny, List.copyOf(node.policies)));
				}
			}
			List<GraphEdge> edges = new ArrayList<>();
			for (MutableEdge edge : this.edges.values()) {
				edges.add(new GraphEdge(edge.from, edge.to, edge.direction, edge.deny, edge.label,
						List.copyOf(edge.policies), List.copyOf(edge.paths)));
			}
			return new PolicyGraph(nodes, edges);
		}

	}

	private static final class MutableNode {

		final String id;

		final Role role;

		final String label;

		boolean ingressDefaultDeny;

		boolean egressDefaultDeny;

		final Set<String> policies = new LinkedHashSet<>();

		MutableNode(String id, Role role, String label) {
			this.id = id;
			this.role = role;
			this.label = label;
		}

	}

	private static final class MutableEdge {

		final String from;

		final String to;

		final Direction direction;

		final boolean deny;

		final String label;

		final Set<String> policies = new LinkedHashSet<>();

		final Set<String> paths = new LinkedHashSet<>();

		MutableEdge(String from, String to, Direction direction, boolean deny, String label) {
			this.from = from;
			this.to = to;
			this.direction = direction;
			this.deny = deny;
			this.label = label;
		}

	}

}
