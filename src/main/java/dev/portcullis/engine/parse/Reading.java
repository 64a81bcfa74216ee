package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import org.jspecify.annotations.Nullable;

/**
 * One object being read: typed access to its fields as Kubernetes' structural schema validation sees them, and
 * the violations found so far.
 * <p>
 * As the API server does, a field whose value is {@code null} counts as absent (nulls of non-nullable fields are
 * pruned before validation), and fields the schema does not know are pruned with a warning.
 */
final class Reading {

	/**
	 * The middle of the reason given for fields of deny rules that are unknown there and whose pruning widens the
	 * deny. They draw a loud WARNING, not an ERROR: kubectl (strict field validation) rejects the object, but API
	 * clients with the server default prune the field and the pruned deny is enforced, which is what the model
	 * holds (conformance case DN-06).
	 */
	static final String WIDENED = " kubectl's strict validation rejects the object; other API clients get it"
			+ " pruned, and then ";

	final int document;

	final CiliumVersion target;

	private final List<Violation> violations;

	private int errors;

	private final Map<String, java.util.Optional<String>> checks;

	/**
	 * @param checks results of value checks (regex compilation, DNS patterns) shared by the documents of one parse:
	 *        policy sets repeat the same values, and compiling them once keeps parsing linear in distinct values
	 */
	Reading(int document, CiliumVersion target, List<Violation> violations,
			Map<String, java.util.Optional<String>> checks) {
		this.document = document;
		this.target = target;
		this.violations = violations;
		this.checks = checks;
	}

	/** The problem {@code check} finds in {@code value} (empty when fine), computed once per kind and value. */
	java.util.Optional<String> check(String kind, String value,
			java.util.function.Function<String, java.util.Optional<String>> check) {
		return this.checks.computeIfAbsent(kind + '\u0000' + value, (key) -> check.apply(value));
	}

	int errorCount() {
		return this.errors;
	}

	void error(String path, Position at, String message) {
		this.errors++;
		this.violations.add(Violation.error(this.document, path, at, message));
	}

	void warning(String path, Position at, String message) {
		this.violations.add(Violation.warning(this.document, path, at, message));
	}

	static String child(String path, String key) {
		return path.isEmpty() ? key : path + "." + key;
	}

	static String item(String path, int index) {
		return path + "[" + index + "]";
	}

	/** The value of a field, or null when absent or null. */
	static @Nullable Node field(MapNode map, String key) {
		Node node = map.get(key);
		return (node instanceof ScalarNode scalar && scalar.isNull()) ? null : node;
	}

	/** Whether the field is present with a non-null value (what the CRD's "required" and oneOf look at). */
	static boolean present(MapNode map, String key) {
		return field(map, key) != null;
	}

	/**
	 * Reports fields outside {@code known} as pruned (WARNING). A field listed in {@code special} is reported with
	 * the reason given there instead, as an ERROR when {@code specialIsError}, else as a WARNING.
	 */
	void knownFields(MapNode map, String path, Set<String> known, Map<String, String> special,
			boolean specialIsError) {
		for (String key : map.entries().keySet()) {
			if (known.contains(key)) {
				continue;
			}
			String at = child(path, key);
			String reason = special.get(key);
			if (reason != null) {
				if (specialIsError) {
					error(at, map.keyPosition(key), "Unknown field \"" + key + "\": " + reason);
				}
				else {
					warning(at, map.keyPosition(key), "Unknown field \"" + key + "\": " + reason);
				}
				continue;
			}
			String hint = closest(key, known);
			warning(at, map.keyPosition(key), "Unknown field \"" + key + "\""
					+ ((hint != null) ? " (did you mean \"" + hint + "\"?)" : "")
					+ ": the API server prunes it (the object then behaves as if it were not written) and kubectl's"
					+ " strict field validation rejects the object. Known fields here: " + String.join(", ", sorted(known))
					+ ".");
		}
	}

	void knownFields(MapNode map, String path, Set<String> known) {
		knownFields(map, path, known, Map.of(), false);
	}

	private static List<String> sorted(Set<String> set) {
		return set.stream().sorted().toList();
	}

	private static @Nullable String closest(String key, Set<String> known) {
		for (String candidate : known) {
			if (candidate.equalsIgnoreCase(key)) {
				return candidate;
			}
		}
		for (String candidate : known) {
			if (key.length() > 3 && (candidate.startsWith(key) || key.startsWith(candidate))) {
				return candidate;
			}
		}
		return null;
	}

	/** A mapping field; a non-mapping is an error. Null when absent, null or mistyped. */
	@Nullable MapNode object(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		return (node != null) ? object(node, child(parentPath, key)) : null;
	}

	@Nullable MapNode object(Node node, String path) {
		if (node instanceof MapNode map) {
			return map;
		}
		error(path, node.position(), "Must be an object (a mapping of fields), not " + describe(node) + ".");
		return null;
	}

	/** A list field; a non-list is an error. Null when absent, null or mistyped. */
	@Nullable List<Node> array(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		if (node == null) {
			return null;
		}
		if (node instanceof ListNode list) {
			return list.items();
		}
		error(child(parentPath, key), node.position(), "Must be a list, not " + describe(node) + ".");
		return null;
	}

	/** Reads one item of a list; null when the item is invalid (it is then left out). */
	@FunctionalInterface
	interface ItemReader<T> {

		@Nullable T read(Node node, String path);

	}

	/** Reads one item of a list of objects; null when the item is invalid (it is then left out). */
	@FunctionalInterface
	interface ObjectReader<T> {

		@Nullable T read(MapNode map, String path);

	}

	/**
	 * The items of a list field, each read by {@code read} with its path ({@code key[i]}), in order; items read as
	 * null are left out. Null when the field is absent, null or not a list (the last is an error).
	 */
	<T> @Nullable List<T> items(MapNode parent, String key, String parentPath, ItemReader<T> read) {
		List<Node> items = array(parent, key, parentPath);
		return (items != null) ? each(items, child(parentPath, key), read) : null;
	}

	/** Like {@link #items} for a list of objects: an item that is not an object is an error and left out. */
	<T> @Nullable List<T> objects(MapNode parent, String key, String parentPath, ObjectReader<T> read) {
		return items(parent, key, parentPath, (node, path) -> {
			MapNode map = object(node, path);
			return (map != null) ? read.read(map, path) : null;
		});
	}

	/** Each of {@code items} (the list at {@code path}) read by {@code read}; items read as null are left out. */
	static <T> List<T> each(List<Node> items, String path, ItemReader<T> read) {
		List<T> values = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			T value = read.read(items.get(i), item(path, i));
			if (value != null) {
				values.add(value);
			}
		}
		return values;
	}

	/** The list, or an empty list for null. */
	static <T> List<T> orEmpty(@Nullable List<T> list) {
		return (list != null) ? list : List.of();
	}

	/** A string field; an error for any other scalar type (the CRD and JSON decoding reject them). */
	@Nullable String string(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		return (node != null) ? string(node, child(parentPath, key)) : null;
	}

	@Nullable String string(Node node, String path) {
		if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) {
			return scalar.value();
		}
		if (node instanceof ScalarNode scalar && !scalar.isNull()) {
			error(path, node.position(), "Must be a string, not " + describe(node) + "; quote it: \"" + scalar.value()
					+ "\".");
			return null;
		}
		error(path, node.position(), "Must be a string, not " + describe(node) + ".");
		return null;
	}

	/** A list of strings; wrong items are reported and left out. */
	@Nullable List<String> strings(MapNode parent, String key, String parentPath) {
		return items(parent, key, parentPath, this::string);
	}

	/** A map of strings to strings ({@code matchLabels}, {@code metadata.labels}). */
	@Nullable Map<String, String> stringMap(MapNode parent, String key, String parentPath) {
		MapNode map = object(parent, key, parentPath);
		if (map == null) {
			return null;
		}
		Map<String, String> values = new LinkedHashMap<>();
		String path = child(parentPath, key);
		for (Map.Entry<String, Node> entry : map.entries().entrySet()) {
			Node value = entry.getValue();
			String valuePath = child(path, entry.getKey());
			if (value instanceof ScalarNode scalar && scalar.isNull()) {
				continue;
			}
			String text = string(value, valuePath);
			if (text != null) {
				values.put(entry.getKey(), text);
			}
		}
		return values;
	}

	@Nullable Boolean bool(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		if (node == null) {
			return null;
		}
		if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.BOOL) {
			return Boolean.valueOf(scalar.value().equalsIgnoreCase("true"));
		}
		error(child(parentPath, key), node.position(), "Must be a boolean (true or false), not " + describe(node) + ".");
		return null;
	}

	/** An integer field within bounds (CRD minimum/maximum). */
	@Nullable Long integer(MapNode parent, String key, String parentPath, long min, long max) {
		Node node = field(parent, key);
		if (node == null) {
			return null;
		}
		String path = child(parentPath, key);
		if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.INT) {
			Long value = parseInt(scalar.value());
			if (value == null || value < min || value > max) {
				error(path, node.position(), "Must be an integer from " + min + " to " + max + ", not " + scalar.value()
						+ ".");
				return null;
			}
			return value;
		}
		error(path, node.position(), "Must be an integer from " + min + " to " + max + ", not " + describe(node)
				+ ((node instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) ? " (remove the quotes)" : "")
				+ ".");
		return null;
	}

	static @Nullable Long parseInt(String text) {
		try {
			if (text.startsWith("0x")) {
				return Long.parseLong(text.substring(2), 16);
			}
			if (text.startsWith("0o")) {
				return Long.parseLong(text.substring(2), 8);
			}
			return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** A string from a fixed set (a CRD enum, case-sensitive). */
	@Nullable String enumeration(MapNode parent, String key, String parentPath, List<String> allowed) {
		String value = string(parent, key, parentPath);
		if (value == null) {
			return null;
		}
		if (!allowed.contains(value)) {
			Node node = parent.get(key);
			error(child(parentPath, key), (node != null) ? node.position() : parent.keyPosition(key),
					"Unsupported value " + quote(value) + " for " + key + ": supported values are "
							+ String.join(", ", allowed) + " (case-sensitive).");
			return null;
		}
		return value;
	}

	/** Warns that {@code feature} is newer than the target Cilium version, which prunes it. */
	void since(CiliumVersion introduced, String path, Position at, String feature) {
		if (this.target.isBefore(introduced)) {
			warning(path, at, feature + " is new in Cilium " + introduced + "; Cilium " + this.target
					+ " does not know it (the API server prunes it there).");
		}
	}

	/** The message of the IllegalArgumentException {@code parse} throws, or empty. */
	static java.util.Optional<String> problem(Runnable parse) {
		try {
			parse.run();
			return java.util.Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return java.util.Optional.of(String.valueOf(ex.getMessage()));
		}
	}

	static String describe(Node node) {
		if (node instanceof MapNode) {
			return "an object";
		}
		if (node instanceof ListNode) {
			return "a list";
		}
		ScalarNode scalar = (ScalarNode) node;
		return switch (scalar.type()) {
			case INT -> "the integer " + scalar.value();
			case FLOAT -> "the number " + scalar.value();
			case BOOL -> "the boolean " + scalar.value();
			case NULL -> "null";
			case STRING -> "the string " + quote(scalar.value());
		};
	}

	static String quote(String text) {
		String shown = (text.length() > 80) ? text.substring(0, 80) + "…" : text;
		return "\"" + shown + "\"";
	}

	static Position at(MapNode parent, String key) {
		Node node = parent.get(key);
		return (node != null) ? node.position() : parent.keyPosition(key);
	}

}
