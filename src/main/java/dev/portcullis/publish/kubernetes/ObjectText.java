package dev.portcullis.publish.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Objects as the user reads them in plans and drift: without what the API server fills in (status,
 * {@code managedFields}, uid, resource version, generation, creation time), keys sorted, as block YAML; and unified
 * diffs between two such texts.
 */
final class ObjectText {

	/** Metadata the API server sets; never part of what is published or compared. */
	private static final Set<String> SERVER_METADATA = Set.of("managedFields", "resourceVersion", "uid",
			"creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds");

	private static final Dump DUMP = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build());

	private ObjectText() {
	}

	/** {@code object} without status and server-set metadata, keys sorted at every level. */
	@SuppressWarnings("unchecked")
	static Map<String, Object> stripped(Map<String, ?> object) {
		Map<String, Object> out = (Map<String, Object>) sorted(object);
		out.remove("status");
		if (out.get("metadata") instanceof Map<?, ?> metadata) {
			Map<String, Object> m = new TreeMap<>((Map<String, Object>) metadata);
			m.keySet().removeAll(SERVER_METADATA);
			out.put("metadata", m);
		}
		return out;
	}

	private static @Nullable Object sorted(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> out = new TreeMap<>();
			map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
			return out;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> out = new ArrayList<>(list.size());
			list.forEach((v) -> out.add(sorted(v)));
			return out;
		}
		return value;
	}

	/** A value as YAML text without the final newline ({@code null} for null). */
	static @Nullable String yaml(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		String text = DUMP.dumpToString(sorted(value));
		return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
	}

	/** The unified diff from {@code from} to {@code to} (3 lines of context), {@code ""} when they are equal. */
	static String diff(String from, String to, String name) {
		List<String> a = from.isEmpty() ? List.of() : from.lines().toList();
		List<String> b = to.isEmpty() ? List.of() : to.lines().toList();
		Patch<String> patch = DiffUtils.diff(a, b);
		if (patch.getDeltas().isEmpty()) {
			return "";
		}
		return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("live/" + name, "published/" + name, a, patch, 3))
				+ "\n";
	}

	/** A mutable deep copy of a parsed document. */
	@SuppressWarnings("unchecked")
	static Map<String, Object> copy(Map<String, ?> object) {
		Map<String, Object> out = new LinkedHashMap<>();
		object.forEach((k, v) -> out.put(k, (v instanceof Map<?, ?> m) ? copy((Map<String, ?>) m)
				: (v instanceof List<?> l) ? copyList(l) : v));
		return out;
	}

	@SuppressWarnings("unchecked")
	private static List<@Nullable Object> copyList(List<?> list) {
		List<@Nullable Object> out = new ArrayList<>(list.size());
		for (Object v : list) {
			out.add((v instanceof Map<?, ?> m) ? copy((Map<String, ?>) m) : (v instanceof List<?> l) ? copyList(l) : v);
		}
		return out;
	}

}
