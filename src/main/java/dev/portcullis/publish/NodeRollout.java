package dev.portcullis.publish;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.flow.sources.NodeAgentEvents.NodeEvents;
import dev.portcullis.flow.sources.NodeAgentEvents.PolicyEvent;
import dev.portcullis.flow.sources.NodeAgentEvents.Reading;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes have taken up an applied publication, by their agents' policy events (docs/adr/046, issue 15's "policy
 * updated on N of M nodes").
 * <p>
 * The rule ({@link #of}): a node has the publication when, for every object the apply created or updated, it reported
 * a {@code POLICY_UPDATED} event (for every object deleted, a {@code POLICY_DELETED}) stamped at or after the moment
 * the apply started, whose labels name that policy: {@code io.cilium.k8s.policy.name} equals the name,
 * {@code io.cilium.k8s.policy.namespace} equals the namespace (and is absent for a cluster-wide kind), and
 * {@code io.cilium.k8s.policy.derived-from}, where present (older agents omit it), equals the kind. The label's source
 * prefix ({@code k8s:}) is ignored; the uid and the agent's revision are not compared. An event without a time never
 * counts. A node whose events could not be read is missing with that error: never "updated" on a guess.
 *
 * @param state what could be said
 * @param updated how many nodes have every change (COUNTED)
 * @param total how many nodes the Relay lists other than gone ones (COUNTED)
 * @param nodes each node, in the Relay's order, with whether it has the changes and, when not, why (COUNTED)
 * @param reason why nothing can be counted (UNKNOWN), or {@code ""}
 */
record NodeRollout(State state, int updated, int total, List<Node> nodes, String reason) {

	static final String NAME = "io.cilium.k8s.policy.name";

	static final String NAMESPACE = "io.cilium.k8s.policy.namespace";

	static final String DERIVED_FROM = "io.cilium.k8s.policy.derived-from";

	NodeRollout {
		nodes = List.copyOf(nodes);
	}

	/** What a reading allows to say. */
	enum State {

		/** The nodes were listed: {@code updated} of {@code total} have every change. */
		COUNTED,
		/** No count can be given; {@code reason} says why (no Relay, the Relay down or not serving GetNodes). */
		UNKNOWN,
		/** The apply created, updated and deleted nothing: there is nothing for the nodes to take up. */
		NOTHING_CHANGED

	}

	/**
	 * One node.
	 *
	 * @param name its name as the Relay lists it
	 * @param updated whether it reported every change
	 * @param reason why not: its error, or the first change it has not reported ({@code ""} when updated)
	 */
	record Node(String name, boolean updated, String reason) {
	}

	/** Whether further checks cannot change the answer (every node has it, or nothing changed). */
	boolean complete() {
		return this.state == State.NOTHING_CHANGED || (this.state == State.COUNTED && this.updated == this.total);
	}

	/** The line a page shows: {@code Policy updated on 3 of 4 nodes}. */
	public String summary() {
		return switch (this.state) {
			case COUNTED -> "Policy updated on " + this.updated + " of " + this.total + " "
					+ ((this.total == 1) ? "node" : "nodes");
			case UNKNOWN -> "Nodes that have the policy: unknown (" + this.reason + ")";
			case NOTHING_CHANGED -> "No policy changed: nothing for the nodes to take up";
		};
	}

	/** The nodes that do not have every change yet. */
	public List<Node> missing() {
		return this.nodes.stream().filter((n) -> !n.updated()).toList();
	}

	/** The rule of this type's Javadoc, for the objects of {@code results} applied from {@code since}. */
	static NodeRollout of(List<ObjectResult> results, Instant since, Reading reading) {
		List<ObjectResult> changed = results.stream()
			.filter((r) -> switch (r.outcome()) {
				case CREATED, UPDATED, DELETED -> true;
				default -> false;
			})
			.toList();
		if (changed.isEmpty()) {
			return new NodeRollout(State.NOTHING_CHANGED, 0, 0, List.of(), "");
		}
		if (reading.unknown() != null) {
			return new NodeRollout(State.UNKNOWN, 0, 0, List.of(), reading.unknown());
		}
		List<Node> nodes = new ArrayList<>();
		int updated = 0;
		for (NodeEvents node : reading.nodes()) {
			if (node.error() != null) {
				nodes.add(new Node(node.name(), false, node.error()));
				continue;
			}
			String lacking = null;
			int lackingCount = 0;
			for (ObjectResult object : changed) {
				boolean deleted = object.outcome() == ObjectResult.Outcome.DELETED;
				if (node.events().stream().noneMatch((e) -> names(e, object, deleted, since))) {
					if (lacking == null) {
						lacking = (deleted ? "no policy deletion yet for " : "no policy update yet for ") + object.ref();
					}
					lackingCount++;
				}
			}
			if (lacking == null) {
				nodes.add(new Node(node.name(), true, ""));
				updated++;
			}
			else {
				nodes.add(new Node(node.name(), false,
						(lackingCount > 1) ? lacking + " and " + (lackingCount - 1) + " more" : lacking));
			}
		}
		return new NodeRollout(State.COUNTED, updated, nodes.size(), nodes, "");
	}

	/** Whether the event reports this object's change (the rule of this type's Javadoc). */
	static boolean names(PolicyEvent event, ObjectResult object, boolean deleted, Instant since) {
		if (event.deleted() != deleted || event.time() == null || event.time().isBefore(since)) {
			return false;
		}
		Map<String, String> labels = new HashMap<>();
		for (String label : event.labels()) {
			int colon = label.indexOf(':');
			int equals = label.indexOf('=');
			if (equals < 0) {
				continue;
			}
			int keyStart = (colon >= 0 && colon < equals) ? colon + 1 : 0;
			labels.putIfAbsent(label.substring(keyStart, equals), label.substring(equals + 1));
		}
		String namespace = labels.get(NAMESPACE);
		String derivedFrom = labels.get(DERIVED_FROM);
		return object.name().equals(labels.get(NAME))
				&& (object.namespace().isEmpty() ? namespace == null : object.namespace().equals(namespace))
				&& (derivedFrom == null || derivedFrom.equals(object.kind()));
	}

	/**
	 * What is known of a publication's node roll-out now.
	 *
	 * @param rollout the last reading; null before the first check
	 * @param checking whether it will be read again
	 * @param checkedAt when it was last read
	 */
	record Progress(@Nullable NodeRollout rollout, boolean checking, @Nullable Instant checkedAt) {

		/** The line a page shows, also before the first reading. */
		public String summary() {
			return (this.rollout != null) ? this.rollout.summary() : "Checking which nodes have the policy\u2026";
		}

		/** The API's {@code nodeRollout} member. */
		Map<String, Object> json() {
			Map<String, Object> out = new java.util.LinkedHashMap<>();
			out.put("state", (this.rollout != null) ? this.rollout.state().name() : "PENDING");
			out.put("summary", summary());
			if (this.rollout != null && this.rollout.state() == State.COUNTED) {
				out.put("updated", this.rollout.updated());
				out.put("total", this.rollout.total());
			}
			List<Map<String, Object>> nodes = new ArrayList<>();
			if (this.rollout != null) {
				for (Node node : this.rollout.nodes()) {
					Map<String, Object> each = new java.util.LinkedHashMap<>();
					each.put("name", node.name());
					each.put("updated", node.updated());
					each.put("reason", node.reason());
					nodes.add(each);
				}
			}
			out.put("nodes", nodes);
			out.put("reason", (this.rollout != null && !this.rollout.reason().isEmpty()) ? this.rollout.reason() : null);
			out.put("checking", this.checking);
			out.put("checkedAt", (this.checkedAt != null) ? this.checkedAt.toString() : null);
			return out;
		}

	}

}
