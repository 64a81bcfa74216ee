package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * A workspace's connectivity expectations, the policy's test suite: one YAML (or JSON) document
 * <pre>
 * expectations:
 * - name: frontend reaches api
 *   from: {pod: {namespace: default, labels: {app: frontend}}}
 *   to: {pod: {namespace: default, labels: {app: api}}}
 *   port: 80
 *   http: {method: GET, path: /public}
 *   expect: allowed     # or denied
 * </pre>
 * Each expectation is a {@link Traffic} description with a unique {@code name} and an {@code expect}.
 * {@link #parse} reads the text all or nothing: every problem with its path, line and column.
 *
 * @param expectations in document order
 */
public record ExpectationDocument(List<Expectation> expectations) {

	/** The document of a workspace that has none yet. */
	public static final ExpectationDocument EMPTY = new ExpectationDocument(List.of());

	public ExpectationDocument {
		expectations = List.copyOf(expectations);
	}

	/**
	 * One named expectation.
	 * @param name unique within the document
	 * @param traffic what is tried
	 * @param allowed whether the traffic is expected to get through ({@code expect: allowed}) or not
	 * @param line where it starts in the document (1-based; 0 when unknown)
	 */
	public record Expectation(String name, Traffic traffic, boolean allowed, int line) {
	}

	/**
	 * What {@link #parse} made of a text.
	 * @param document the document; null when there were errors
	 * @param violations every problem, each with path, line and column
	 */
	public record Reading(@Nullable ExpectationDocument document, List<FieldViolation> violations) {

		public boolean isValid() {
			return this.document != null;
		}

	}

	/** Reads a document; YAML or JSON, within {@code limits}. */
	public static Reading parse(String text, YamlLimits limits) {
		List<FieldViolation> problems = new ArrayList<>();
		YamlDocuments read = YamlReader.read(text, limits);
		if (read.hasErrors()) {
			for (Violation error : read.errors()) {
				problems.add(new FieldViolation(error.path(), error.line(), error.column(), error.message()));
			}
			return new Reading(null, problems);
		}
		if (read.documents().size() != 1) {
			problems.add(new FieldViolation("", 1, 1, "the text must be one document {expectations: [...]}, not "
					+ read.documents().size()));
			return new Reading(null, problems);
		}
		Node root = read.documents().get(0);
		if (root instanceof Node.ScalarNode scalar && scalar.isNull()) {
			return new Reading(EMPTY, problems);
		}
		if (!(root instanceof Node.MapNode map)) {
			problems.add(at("", root.position(), "the document must be a map {expectations: [...]}"));
			return new Reading(null, problems);
		}
		for (String key : map.entries().keySet()) {
			if (!key.equals("expectations")) {
				problems.add(at(key, map.keyPosition(key), key + ": unknown field " + Quoted.of(key)
						+ "; allowed: expectations"));
			}
		}
		Node list = map.get("expectations");
		List<Expectation> expectations = new ArrayList<>();
		if (list instanceof Node.ListNode items) {
			Set<String> names = new HashSet<>();
			for (int i = 0; i < items.items().size(); i++) {
				Expectation expectation = expectation(items.items().get(i), "expectations[" + i + "]", names, problems);
				if (expectation != null) {
					expectations.add(expectation);
				}
			}
		}
		else if (list != null && !(list instanceof Node.ScalarNode scalar && scalar.isNull())) {
			problems.add(at("expectations", list.position(), "expectations: must be a list of expectations"));
		}
		return problems.isEmpty() ? new Reading(new ExpectationDocument(expectations), problems)
				: new Reading(null, problems);
	}

	private static @Nullable Expectation expectation(Node node, String path, Set<String> names,
			List<FieldViolation> problems) {
		Traffic.Reading traffic = Traffic.read(node, path, Set.of("name", "expect"));
		problems.addAll(traffic.violations());
		if (!(node instanceof Node.MapNode map)) {
			return null;
		}
		Node nameNode = map.get("name");
		String name = (nameNode instanceof Node.ScalarNode s && !s.isNull()) ? s.value().strip() : null;
		if (name == null || name.isEmpty()) {
			problems.add(at(path + ".name", (nameNode != null) ? nameNode.position() : map.position(),
					path + ".name: is required: what the expectation says, frontend reaches api"));
		}
		else if (!names.add(name)) {
			problems.add(at(path + ".name", nameNode.position(), path + ".name: " + Quoted.of(name)
					+ " is the name of an earlier expectation; names are unique"));
		}
		Node expectNode = map.get("expect");
		String expect = (expectNode instanceof Node.ScalarNode s && !s.isNull()) ? s.value().strip().toLowerCase(Locale.ROOT)
				: null;
		if (expect == null || (!expect.equals("allowed") && !expect.equals("denied"))) {
			problems.add(at(path + ".expect", (expectNode != null) ? expectNode.position() : map.position(), path
					+ ".expect: must be allowed or denied" + ((expect != null) ? ", not " + Quoted.of(expect) : "")));
			return null;
		}
		if (traffic.traffic() == null || name == null) {
			return null;
		}
		return new Expectation(name, traffic.traffic(), expect.equals("allowed"), map.position().line());
	}

	private static FieldViolation at(String path, Position position, String message) {
		return new FieldViolation(path, position.line(), position.column(), message);
	}

}
