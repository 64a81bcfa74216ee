package dev.portcullis.publish.kubernetes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Objects as flat field paths, compared field by field, and which field manager owns a path.
 * <p>
 * A path names a leaf: maps are walked ({@code spec.endpointSelector.matchLabels.app}), list items are indexed
 * ({@code spec.ingress[0].fromEndpoints}), an empty map or list is a leaf of its own. Scalars compare by value with
 * numbers compared numerically ({@code 80} equals {@code 80L}), so a number read back as a long is no drift.
 * <p>
 * Ownership is read from {@code metadata.managedFields} ({@code fieldsV1}): {@code f:name} walks into a field,
 * {@code k:...}, {@code v:...} and {@code i:...} name list items (owning an item counts as owning the list), and
 * {@code .} marks the field itself. The owner of a path is the manager that owns the path or its nearest ancestor
 * (Cilium's CRD lists are atomic, so {@code spec.ingress} owns {@code spec.ingress[0].fromEndpoints}); when no
 * ancestor is owned, a manager owning something beneath the path is named.
 */
final class FieldPaths {

	private FieldPaths() {
	}

	/** The leaves of {@code value} under {@code prefix}, in document order. */
	static Map<String, @Nullable Object> flatten(@Nullable Object value, String prefix) {
		Map<String, @Nullable Object> out = new LinkedHashMap<>();
		flatten(value, prefix, out);
		return out;
	}

	private static void flatten(@Nullable Object value, String path, Map<String, @Nullable Object> out) {
		if (value instanceof Map<?, ?> map && !map.isEmpty()) {
			map.forEach((k, v) -> flatten(v, path.isEmpty() ? String.valueOf(k) : path + "." + k, out));
		}
		else if (value instanceof List<?> list && !list.isEmpty()) {
			for (int i = 0; i < list.size(); i++) {
				flatten(list.get(i), path + "[" + i + "]", out);
			}
		}
		else {
			out.put(path, value);
		}
	}

	/** Whether two leaves hold the same value (numbers numerically). */
	static boolean same(@Nullable Object a, @Nullable Object b) {
		if (a instanceof Number x && b instanceof Number y) {
			return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
		}
		return Objects.equals(a, b);
	}

	/**
	 * The paths where {@code live} differs from {@code published}, both flattened, in the order published then
	 * live-only; the value is {@code [published, live]} (either may be null when absent).
	 */
	static Map<String, List<@Nullable Object>> differences(Map<String, @Nullable Object> published,
			Map<String, @Nullable Object> live) {
		Map<String, List<@Nullable Object>> out = new LinkedHashMap<>();
		published.forEach((path, value) -> {
			if (!live.containsKey(path) || !same(value, live.get(path))) {
				out.put(path, pair(value, live.get(path)));
			}
		});
		live.forEach((path, value) -> {
			if (!published.containsKey(path)) {
				out.put(path, pair(null, value));
			}
		});
		return out;
	}

	private static List<@Nullable Object> pair(@Nullable Object a, @Nullable Object b) {
		List<@Nullable Object> pair = new ArrayList<>(2);
		pair.add(a);
		pair.add(b);
		return pair;
	}

	/**
	 * The owned paths per manager from a {@code managedFields} list (each entry a map with {@code manager} and
	 * {@code fieldsV1}); paths carry no list indices. Sorted by manager.
	 */
	static Map<String, List<String>> owners(@Nullable Object managedFields) {
		Map<String, List<String>> owners = new TreeMap<>();
		if (!(managedFields instanceof List<?> entries)) {
			return owners;
		}
		for (Object entry : entries) {
			if (entry instanceof Map<?, ?> map && map.get("manager") instanceof String manager) {
				List<String> paths = owners.computeIfAbsent(manager, (m) -> new ArrayList<>());
				owned(map.get("fieldsV1"), "", paths);
			}
		}
		return owners;
	}

	private static void owned(@Nullable Object fields, String path, List<String> out) {
		if (!(fields instanceof Map<?, ?> map) || map.isEmpty()) {
			if (!path.isEmpty()) {
				out.add(path);
			}
			return;
		}
		for (Map.Entry<?, ?> e : map.entrySet()) {
			String key = String.valueOf(e.getKey());
			if (key.equals(".")) {
				if (!path.isEmpty()) {
					out.add(path);
				}
			}
			else if (key.startsWith("f:")) {
				String name = key.substring(2);
				owned(e.getValue(), path.isEmpty() ? name : path + "." + name, out);
			}
			else if (!path.isEmpty()) {
				// k:{...}, v:..., i:N: an item of the list at path
				out.add(path);
			}
		}
	}

	/** The manager that owns {@code path} (indices ignored), or null when none is known. */
	static @Nullable String ownerOf(String path, Map<String, List<String>> owners) {
		String plain = path.replaceAll("\\[\\d+\\]", "");
		for (String candidate = plain; !candidate.isEmpty(); candidate = parent(candidate)) {
			for (Map.Entry<String, List<String>> e : owners.entrySet()) {
				if (e.getValue().contains(candidate)) {
					return e.getKey();
				}
			}
		}
		for (Map.Entry<String, List<String>> e : owners.entrySet()) {
			for (String owned : e.getValue()) {
				if (owned.startsWith(plain + ".")) {
					return e.getKey();
				}
			}
		}
		return null;
	}

	private static String parent(String path) {
		int dot = path.lastIndexOf('.');
		return (dot < 0) ? "" : path.substring(0, dot);
	}

}
