package dev.portcullis.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Differences between two versions of an object, for plans (a unified text diff) and drift (per field). Adapters
 * share it so that plans and drift read the same whatever the target.
 */
public final class ObjectDiff {

	private ObjectDiff() {
	}

	/**
	 * The unified diff (three lines of context) from {@code from} to {@code to}, headed {@code --- a/name} and
	 * {@code +++ b/name}; empty when the texts have the same lines.
	 */
	public static String unified(String from, String to, String name) {
		List<String> a = from.lines().toList();
		List<String> b = to.lines().toList();
		Patch<String> patch = DiffUtils.diff(a, b);
		if (patch.getDeltas().isEmpty()) {
			return "";
		}
		return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("a/" + name, "b/" + name, a, patch, 3)) + "\n";
	}

	/** One field that differs: its path and both values as YAML (null where absent). */
	public record Field(String path, @Nullable String published, @Nullable String live) {
	}

	/**
	 * The fields in which {@code live} differs from {@code published}, as paths ({@code spec.ingress[0].toPorts}),
	 * depth first in key order. Maps are compared key by key; lists of different lengths, or of scalars, are one
	 * difference at the list's path; equal scalars are equal whatever their Java type ({@code 80} and {@code "80"}
	 * differ). Fields Kubernetes sets on its own ({@code metadata.resourceVersion}, {@code uid},
	 * {@code generation}, {@code creationTimestamp}, {@code managedFields}, {@code status}) are not compared.
	 */
	public static List<Field> fields(Map<?, ?> published, Map<?, ?> live) {
		List<Field> out = new ArrayList<>();
		compare("", published, live, out);
		return out;
	}

	private static void compare(String path, @Nullable Object a, @Nullable Object b, List<Field> out) {
		if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
			TreeSet<String> keys = new TreeSet<>();
			ma.keySet().forEach((k) -> keys.add(String.valueOf(k)));
			mb.keySet().forEach((k) -> keys.add(String.valueOf(k)));
			for (String key : keys) {
				String child = path.isEmpty() ? key : path + "." + key;
				if (ignored(child)) {
					continue;
				}
				compare(child, ma.get(key), mb.get(key), out);
			}
			return;
		}
		if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()
				&& la.stream().anyMatch((e) -> e instanceof Map || e instanceof List)) {
			for (int i = 0; i < la.size(); i++) {
				compare(path + "[" + i + "]", la.get(i), lb.get(i), out);
			}
			return;
		}
		if (!Objects.equals(a, b)) {
			out.add(new Field(path, yaml(a), yaml(b)));
		}
	}

	private static boolean ignored(String path) {
		return switch (path) {
			case "metadata.resourceVersion", "metadata.uid", "metadata.generation", "metadata.creationTimestamp",
					"metadata.managedFields", "status" -> true;
			default -> false;
		};
	}

	/** A value as YAML text (block style, no trailing newline); null stays null. */
	public static @Nullable String yaml(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		Dump dump = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build());
		return dump.dumpToString(value).stripTrailing();
	}

}
