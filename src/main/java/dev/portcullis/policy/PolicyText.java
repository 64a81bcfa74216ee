package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.lint.PolicyLint;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * Policy text read and validated by the engine ({@link YamlReader}, {@link PolicyParser}) and turned into what the
 * store keeps: key, text as written, {@link Canonical canonical} text, hash and labels.
 */
final class PolicyText {

	/** The {@code kind}s of list objects whose {@code items} are expanded, as the engine does. */
	static final Set<String> LIST_KINDS = Set.of("List", "CiliumNetworkPolicyList",
			"CiliumClusterwideNetworkPolicyList", "NetworkPolicyList");

	private PolicyText() {
	}

	/**
	 * A valid policy object, ready to store.
	 *
	 * @param yaml the text as written
	 * @param warnings the engine's warnings
	 */
	record Parsed(PolicyKey key, String yaml, String canonical, String hash, Map<String, String> labels,
			List<Violation> warnings) {
	}

	/**
	 * Reads exactly one policy object.
	 * @param version the Cilium version validation follows (the workspace's)
	 * @throws StoreException.Invalid with every violation when the text is not one valid policy object
	 */
	static Parsed one(String text, YamlLimits limits, CiliumVersion version) {
		YamlDocuments read = YamlReader.read(text, limits);
		if (read.hasErrors()) {
			throw invalid(read.violations());
		}
		List<Node> objects = read.documents().stream().filter((d) -> !(d instanceof ScalarNode s && s.isNull())).toList();
		if (objects.size() != 1) {
			throw new StoreException.Invalid("The text holds " + objects.size()
					+ " objects; save one policy object at a time, or import a bundle.",
					List.of(Violation.error(0, "", dev.portcullis.engine.doc.Position.UNKNOWN, "Expected exactly one"
							+ " policy object, found " + objects.size() + ".")));
		}
		Node object = objects.get(0);
		String kind = kindOf(object);
		if (kind != null && LIST_KINDS.contains(kind)) {
			throw new StoreException.Invalid("A " + kind + " holds several objects; import it as a bundle.",
					List.of(Violation.error(read.documents().indexOf(object), "kind", object.position(), "kind \"" + kind
							+ "\" is a list: save one policy object at a time, or import the list as a bundle.")));
		}
		return validate(object, text, read.violations(), read.documents().indexOf(object), "", version);
	}

	/**
	 * Validates one object of a stream.
	 * @param readViolations what the YAML reader found in its document (warnings), kept in the result
	 * @param document the index of its document in the stream, for violations
	 * @param pathPrefix its path in the document ({@code items[3]} for a list item), for violations
	 * @param version the Cilium version validation follows (the workspace's)
	 * @throws StoreException.Invalid when the engine finds an error
	 */
	static Parsed validate(Node object, String yaml, List<Violation> readViolations, int document,
			String pathPrefix, CiliumVersion version) {
		ParseResult parsed = PolicyParser.parse(List.of(object), version);
		List<Violation> violations = new ArrayList<>(readViolations);
		parsed.violations().forEach((v) -> violations.add(relocate(v, document, pathPrefix)));
		if (parsed.hasErrors() || parsed.policies().size() != 1) {
			throw invalid(violations);
		}
		// the semantic lint's warnings about this object alone are stored with the version like the parser's
		PolicyLint.lint(List.of(object), parsed.policies())
			.forEach((v) -> violations.add(relocate(v, document, pathPrefix)));
		Policy policy = parsed.policies().get(0);
		PolicyKey key = PolicyKey.of(policy.ref());
		String canonical = Canonical.write((MapNode) object, key);
		return new Parsed(key, yaml, canonical, Canonical.hash(canonical), policy.labels(), violations);
	}

	static Violation relocate(Violation v, int document, String pathPrefix) {
		String path = pathPrefix.isEmpty() ? v.path() : v.path().isEmpty() ? pathPrefix : pathPrefix + "." + v.path();
		return new Violation(v.severity(), document, path, v.line(), v.column(), v.message());
	}

	private static StoreException.Invalid invalid(List<Violation> violations) {
		long errors = violations.stream().filter(Violation::isError).count();
		return new StoreException.Invalid(Words.count(errors, "problem", "problems")
				+ " in the policy; each names its path, line and column.",
				violations);
	}

	static @Nullable String kindOf(Node node) {
		return scalar(node, "kind");
	}

	static @Nullable String scalar(Node node, String... path) {
		Node at = node;
		for (String key : path) {
			if (!(at instanceof MapNode map) || map.get(key) == null) {
				return null;
			}
			at = map.get(key);
		}
		return (at instanceof ScalarNode s && !s.isNull()) ? s.value() : null;
	}

	static @Nullable ListNode items(Node node) {
		return (node instanceof MapNode map && map.get("items") instanceof ListNode list) ? list : null;
	}

}
