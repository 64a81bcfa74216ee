package dev.portcullis.policy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;

/**
 * The canonical form of a policy object: one stable YAML text per meaning, so that equal policies have equal text
 * (and hash), exports are byte-for-byte stable and diffs show only real changes.
 * <ul>
 * <li>Cluster-set fields are stripped: {@code status}; {@code metadata.uid}, {@code resourceVersion},
 * {@code generation}, {@code creationTimestamp}, {@code deletionTimestamp}, {@code deletionGracePeriodSeconds},
 * {@code managedFields}, {@code selfLink}; the annotation {@code kubectl.kubernetes.io/last-applied-configuration}
 * (and {@code annotations} when nothing else is left).</li>
 * <li>{@code metadata.namespace} is explicit for namespaced kinds (the key's namespace, {@code default} when it was
 * omitted) and absent for cluster-wide kinds.</li>
 * <li>Fields whose value is null are dropped (the API server prunes them).</li>
 * <li>Keys are sorted (by code point) at every level, except that the object starts with {@code apiVersion},
 * {@code kind}, {@code metadata} and metadata with {@code name}, {@code namespace}; list order is kept.</li>
 * <li>Block style, two-space indentation, list items at their key's indentation (as {@code kubectl} writes).
 * Strings are plain when YAML 1.1 (kubectl) and 1.2 both read them back as the same string, else double-quoted
 * with JSON escapes; integers are decimal; booleans {@code true}/{@code false}; empty maps {@code {}} and lists
 * {@code []}.</li>
 * </ul>
 */
final class Canonical {

	private static final Set<String> CLUSTER_SET_METADATA = Set.of("uid", "resourceVersion", "generation",
			"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink");

	static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

	private static final List<String> TOP_FIRST = List.of("apiVersion", "kind", "metadata");

	private static final List<String> METADATA_FIRST = List.of("name", "namespace");

	private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./=@*+-]*(:[A-Za-z0-9_./=@*+-]+)*");

	private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

	private Canonical() {
	}

	/** The canonical text of a policy object whose identity is {@code key}; ends with a line break. */
	static String write(MapNode object, PolicyKey key) {
		StringBuilder out = new StringBuilder();
		writeMap(normalize(object, key), 0, out);
		return out.toString();
	}

	/** SHA-256 of the text, lower-case hex. */
	static String hash(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	/** The object as ordered maps, lists and scalars, cluster-set fields stripped. */
	private static Map<String, Object> normalize(MapNode object, PolicyKey key) {
		Map<String, Object> top = ordered(object, TOP_FIRST);
		top.remove("status");
		Object metadata = top.get("metadata");
		Map<String, Object> meta = (metadata instanceof Map<?, ?>) ? cast(metadata) : new LinkedHashMap<>();
		CLUSTER_SET_METADATA.forEach(meta::remove);
		if (meta.get("annotations") instanceof Map<?, ?> annotations) {
			Map<String, Object> kept = new LinkedHashMap<>(cast(annotations));
			kept.remove(LAST_APPLIED);
			if (kept.isEmpty()) {
				meta.remove("annotations");
			}
			else {
				meta.put("annotations", kept);
			}
		}
		meta.put("name", new Scalar(string(key.name())));
		if (key.namespace().isEmpty()) {
			meta.remove("namespace");
		}
		else {
			meta.put("namespace", new Scalar(string(key.namespace())));
		}
		Map<String, Object> orderedMeta = new LinkedHashMap<>();
		for (String first : METADATA_FIRST) {
			if (meta.containsKey(first)) {
				orderedMeta.put(first, meta.get(first));
			}
		}
		new TreeMap<>(meta).forEach(orderedMeta::putIfAbsent);
		top.put("metadata", orderedMeta);
		return top;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> cast(Object map) {
		return (Map<String, Object>) map;
	}

	private static Map<String, Object> ordered(MapNode map, List<String> first) {
		Map<String, Object> sorted = new TreeMap<>();
		map.entries().forEach((k, v) -> {
			if (!(v instanceof ScalarNode s && s.isNull())) {
				sorted.put(k, value(v));
			}
		});
		Map<String, Object> result = new LinkedHashMap<>();
		for (String key : first) {
			if (sorted.containsKey(key)) {
				result.put(key, sorted.get(key));
			}
		}
		sorted.forEach(result::putIfAbsent);
		return result;
	}

	private static Object value(Node node) {
		if (node instanceof MapNode map) {
			return ordered(map, List.of());
		}
		if (node instanceof ListNode list) {
			List<Object> items = new ArrayList<>(list.items().size());
			list.items().forEach((item) -> items.add(value(item)));
			return items;
		}
		return scalar((ScalarNode) node);
	}

	/** A scalar as the text to write. */
	private static Scalar scalar(ScalarNode node) {
		return switch (node.type()) {
			case NULL -> new Scalar("null");
			case BOOL -> new Scalar(node.value().toLowerCase(Locale.ROOT));
			case INT -> new Scalar(integer(node.value()));
			case FLOAT -> new Scalar(node.value());
			case STRING -> new Scalar(string(node.value()));
		};
	}

	private record Scalar(String text) {
	}

	private static String integer(String text) {
		String t = text.startsWith("+") ? text.substring(1) : text;
		if (t.startsWith("0x")) {
			return new BigInteger(t.substring(2), 16).toString();
		}
		if (t.startsWith("0o")) {
			return new BigInteger(t.substring(2), 8).toString();
		}
		return new BigInteger(t).toString();
	}

	/** Plain when unambiguous in YAML 1.1 and 1.2, else double-quoted. */
	static String string(String value) {
		if (PLAIN.matcher(value).matches() && !RESERVED.contains(value.toLowerCase(Locale.ROOT))) {
			return value;
		}
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\t' -> out.append("\\t");
				case '\r' -> out.append("\\r");
				default -> {
					if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"').toString();
	}

	private static void writeMap(Map<String, Object> map, int indent, StringBuilder out) {
		map.forEach((key, value) -> {
			out.append(" ".repeat(indent)).append(string(key)).append(':');
			writeValue(value, indent, indent + 2, out);
		});
	}

	/** Writes a value after "key:" or "-": inline for scalars and empty collections, else on the next lines. */
	private static void writeValue(Object value, int listIndent, int mapIndent, StringBuilder out) {
		if (value instanceof Scalar scalar) {
			out.append(' ').append(scalar.text()).append('\n');
		}
		else if (value instanceof Map<?, ?> map) {
			if (map.isEmpty()) {
				out.append(" {}\n");
			}
			else {
				out.append('\n');
				writeMap(cast(map), mapIndent, out);
			}
		}
		else {
			List<?> list = (List<?>) value;
			if (list.isEmpty()) {
				out.append(" []\n");
			}
			else {
				out.append('\n');
				writeList(list, listIndent, out);
			}
		}
	}

	private static void writeList(List<?> list, int indent, StringBuilder out) {
		for (Object item : list) {
			if ((item instanceof Map<?, ?> map && !map.isEmpty()) || (item instanceof List<?> nested && !nested.isEmpty())) {
				// write the block two deeper, then turn its first line's indentation into "- "
				StringBuilder block = new StringBuilder();
				if (item instanceof Map<?, ?> map) {
					writeMap(cast(map), indent + 2, block);
				}
				else {
					writeList((List<?>) item, indent + 2, block);
				}
				out.append(" ".repeat(indent)).append("- ").append(block, indent + 2, block.length());
			}
			else {
				out.append(" ".repeat(indent)).append('-');
				writeValue(item, indent + 2, indent + 2, out);
			}
		}
	}

}
