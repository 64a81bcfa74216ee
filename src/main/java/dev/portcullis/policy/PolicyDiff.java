package dev.portcullis.policy;

import java.util.List;

/**
 * The difference between two versions of a policy: the line diff of their canonical YAML and a structural summary
 * of rules, peers, ports and L7 rules added, removed or changed.
 *
 * @param key the policy
 * @param from the older side (any version may be either side; "from" is what the diff starts from)
 * @param to the newer side
 * @param unified the line diff in unified format ({@code --- a/<key> v1}, {@code +++ b/<key> v2}, {@code @@} hunks,
 *        3 lines of context); empty when the canonical texts are equal
 * @param lines every line of both texts aligned, for side-by-side or inline rendering
 * @param changes the structural summary, in document order
 */
public record PolicyDiff(PolicyKey key, PolicySummary from, PolicySummary to, String unified, List<Line> lines,
		List<Change> changes) {

	public PolicyDiff {
		lines = List.copyOf(lines);
		changes = List.copyOf(changes);
	}

	public boolean identical() {
		return this.unified.isEmpty();
	}

	/**
	 * The aligned line diff of two texts that need not be one policy (a change request's revisions, bundles of several
	 * documents), as {@link #lines()} has it: every line of both, in order, each marked.
	 */
	public static List<Line> linesBetween(String fromText, String toText) {
		return LineDiff.between(fromText, toText, "from", "to").lines();
	}

	/**
	 * One line of the aligned diff.
	 *
	 * @param type {@link LineType#CONTEXT} (in both), {@link LineType#ADDED} (only in "to"),
	 *        {@link LineType#REMOVED} (only in "from")
	 * @param fromLine 1-based line number in "from", 0 for an added line
	 * @param toLine 1-based line number in "to", 0 for a removed line
	 * @param text the line without its line break
	 */
	public record Line(LineType type, int fromLine, int toLine, String text) {
	}

	public enum LineType {

		CONTEXT, ADDED, REMOVED

	}

	/**
	 * One structural change.
	 *
	 * @param element what changed: a rule (an item of {@code ingress}, {@code egress}, {@code ingressDeny},
	 *        {@code egressDeny}), a peer (an item of {@code fromEndpoints}, {@code toCIDR}, ... or a NetworkPolicy's
	 *        {@code from}/{@code to}), a port ({@code toPorts[].ports[]}, a NetworkPolicy's {@code ports[]}), an L7
	 *        rule ({@code rules.http[]}, {@code rules.dns[]}, {@code rules.kafka[]}, {@code rules.l7[]}), the
	 *        subject selector, or the metadata (labels, annotations)
	 * @param kind added, removed or changed
	 * @param path where, in the side that has it ("to" for added and changed, "from" for removed), for example
	 *        {@code spec.ingress[0].toPorts[0].ports[1]}
	 * @param summary one line for humans, for example {@code port 443/TCP added}
	 */
	public record Change(Element element, Kind kind, String path, String summary) {
	}

	public enum Element {

		RULE, PEER, PORT, L7_RULE, SELECTOR, METADATA, POLICY

	}

	public enum Kind {

		ADDED, REMOVED, CHANGED

	}

}
