package dev.portcullis.simulation.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * Where a rule of an explanation is written, so that the page links it to its line: for a stored policy the line of
 * its text on the policy page ({@code #L12}, the version in force when the state is a past moment), for a policy of
 * the draft the line of the draft's text. Paths are structural ({@code specs[0].ingress[1]}), so they are found in
 * the text as the user wrote it.
 */
final class RuleLines {

	private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)((?:\\[\\d+])*)");

	private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

	/** Stored versions by {@code Kind/namespace/name}. */
	private final Map<String, PolicyVersion> stored = new HashMap<>();

	/** Draft policies' documents by {@code Kind/namespace/name}. */
	private final Map<String, Node> draft = new HashMap<>();

	private final Map<String, Node> parsed = new HashMap<>();

	private final boolean pastMoment;

	static final RuleLines NONE = new RuleLines(null, null, null, false);

	/**
	 * @param state the stored state decided against (its policies' texts), or null
	 * @param scenario the scenario, which names the draft's policies and their documents, or null
	 * @param draftText the draft's text, or null
	 * @param pastMoment whether the state is a past moment (links then name the version)
	 */
	RuleLines(@Nullable WorkspaceState state, @Nullable Scenario scenario, @Nullable String draftText,
			boolean pastMoment) {
		this.pastMoment = pastMoment;
		if (state != null) {
			for (PolicyVersion version : state.policies()) {
				this.stored.put(version.key().toString(), version);
			}
		}
		if (scenario != null && draftText != null && !scenario.state().draft().isEmpty()) {
			YamlDocuments documents = YamlReader.read(draftText, YamlLimits.DEFAULTS);
			List<String> names = scenario.state().draft();
			for (Policy policy : scenario.policies()) {
				String name = policy.ref().toString();
				if (names.contains(name) && policy.document() < documents.documents().size()) {
					this.draft.put(name, documents.documents().get(policy.document()));
				}
			}
		}
	}

	/** Whether the policy comes from the draft. */
	boolean fromDraft(PolicyRef policy) {
		return this.draft.containsKey(policy.toString());
	}

	/** The line of the rule in the draft's text, 0 when unknown. */
	int draftLine(PolicyRef policy, String path) {
		Node root = this.draft.get(policy.toString());
		return (root != null) ? line(root, path) : 0;
	}

	/** The fragment and query that point a policy page at the rule: {@code ?version=3#L12}, or "". */
	String anchor(PolicyRef policy, String path) {
		PolicyVersion version = this.stored.get(policy.toString());
		if (version == null) {
			return "";
		}
		Node root = this.parsed.computeIfAbsent(policy.toString(), (key) -> {
			YamlDocuments documents = YamlReader.read(version.yaml(), YamlLimits.DEFAULTS);
			return documents.documents().isEmpty() ? null : documents.documents().get(0);
		});
		int line = (root != null) ? line(root, path) : 0;
		return (this.pastMoment ? "?version=" + version.version() : "") + ((line > 0) ? "#L" + line : "");
	}

	/** The line where {@code path} ({@code specs[0].ingress[1]}) starts in the document, 0 when not found. */
	static int line(Node root, String path) {
		Node node = root;
		int keyLine = 0;
		for (String part : path.split("\\.")) {
			Matcher segment = SEGMENT.matcher(part);
			if (!segment.matches() || !(node instanceof Node.MapNode map)) {
				return 0;
			}
			node = map.get(segment.group(1));
			// a map value starts at its first key: the key's own line says where the field is written
			keyLine = (node != null && segment.group(2).isEmpty()) ? map.keyPosition(segment.group(1)).line() : 0;
			Matcher index = INDEX.matcher(segment.group(2));
			while (node != null && index.find()) {
				if (!(node instanceof Node.ListNode list)) {
					return 0;
				}
				int i = Integer.parseInt(index.group(1));
				node = (i < list.items().size()) ? list.items().get(i) : null;
			}
			if (node == null) {
				return 0;
			}
		}
		return (keyLine > 0) ? keyLine : node.position().line();
	}

}
