package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * A bundle read for import: every policy object of a multi-document stream ({@code kind: List} items expanded),
 * each validated on its own so that the report names what is wrong with which object, and duplicates (two objects
 * with one key) found. Pure: no database.
 *
 * @param entries one per object, in bundle order
 * @param problems violations not tied to one object (YAML syntax errors, an empty bundle)
 */
record Bundle(List<Entry> entries, List<Violation> problems) {

	/**
	 * One object of the bundle.
	 *
	 * @param parsed the valid policy, null when invalid
	 * @param duplicateOf the index of the earlier entry with the same key, null when none
	 */
	record Entry(int index, int document, @Nullable Integer item, String kind, String namespace, String name,
			PolicyText.@Nullable Parsed parsed, List<Violation> violations, @Nullable Integer duplicateOf) {

		boolean acceptable() {
			return this.parsed != null && this.duplicateOf == null;
		}

	}

	boolean acceptable() {
		return this.problems.stream().noneMatch(Violation::isError) && !this.entries.isEmpty()
				&& this.entries.stream().allMatch(Entry::acceptable);
	}

	static Bundle read(String text, YamlLimits limits, CiliumVersion version) {
		YamlDocuments read = YamlReader.read(text, limits);
		List<Violation> problems = new ArrayList<>();
		if (read.violations().stream().anyMatch(Bundle::stopsReading)) {
			// a syntax error or an exceeded limit: what follows was not read, so nothing can be imported
			problems.addAll(read.errors());
			return new Bundle(List.of(), problems);
		}
		List<String> texts = documentTexts(text, read.documents().size());
		List<Entry> entries = new ArrayList<>();
		Map<PolicyKey, Integer> seen = new HashMap<>();
		for (int d = 0; d < read.documents().size(); d++) {
			Node document = read.documents().get(d);
			if (document instanceof ScalarNode s && s.isNull()) {
				continue;
			}
			final int doc = d;
			List<Violation> readViolations = read.violations().stream().filter((v) -> v.document() == doc).toList();
			String kind = PolicyText.kindOf(document);
			ListNode items = PolicyText.items(document);
			if (kind != null && PolicyText.LIST_KINDS.contains(kind) && items != null) {
				for (int i = 0; i < items.items().size(); i++) {
					String prefix = "items[" + i + "]";
					List<Violation> own = readViolations.stream()
						.filter((v) -> v.path().equals(prefix) || v.path().startsWith(prefix + ".")
								|| v.path().startsWith(prefix + "["))
						.toList();
					entries.add(entry(entries.size(), d, i, items.items().get(i), null, own, prefix, seen, version));
				}
			}
			else {
				String yaml = (texts != null) ? texts.get(d) : null;
				entries.add(entry(entries.size(), d, null, document, yaml, readViolations, "", seen, version));
			}
		}
		if (entries.isEmpty()) {
			problems.add(Violation.error(0, "", Position.UNKNOWN, "The bundle holds no policy objects."));
		}
		return new Bundle(entries, problems);
	}

	/** A syntax error or exceeded limit; a duplicate key is an error of its object, and reading went on. */
	private static boolean stopsReading(Violation v) {
		return v.isError() && !v.message().startsWith("Duplicate key");
	}

	private static Entry entry(int index, int document, @Nullable Integer item, Node node, @Nullable String yaml,
			List<Violation> readViolations, String prefix, Map<PolicyKey, Integer> seen, CiliumVersion version) {
		String kind = orEmpty(PolicyText.kindOf(node));
		String namespace = orEmpty(PolicyText.scalar(node, "metadata", "namespace"));
		String name = orEmpty(PolicyText.scalar(node, "metadata", "name"));
		try {
			PolicyText.Parsed parsed = PolicyText.validate(node, "", readViolations, document, prefix, version);
			if (readViolations.stream().anyMatch(Violation::isError)) {
				return new Entry(index, document, item, kind, namespace, name, null, parsed.warnings(), null);
			}
			parsed = new PolicyText.Parsed(parsed.key(), (yaml != null) ? yaml : parsed.canonical(), parsed.canonical(),
					parsed.hash(), parsed.labels(), parsed.warnings());
			Integer first = seen.putIfAbsent(parsed.key(), index);
			List<Violation> violations = new ArrayList<>(parsed.warnings());
			if (first != null) {
				violations.add(Violation.error(document, prefix, node.position(), parsed.key()
						+ " appears more than once in the bundle (first as object #" + (first + 1) + ", counting from 1)."));
			}
			return new Entry(index, document, item, parsed.key().kind().kindName(), parsed.key().namespace(),
					parsed.key().name(), parsed, violations, first);
		}
		catch (StoreException.Invalid invalid) {
			return new Entry(index, document, item, kind, namespace, name, null, invalid.violations(), null);
		}
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

	/**
	 * The text of each document as written, split at {@code ---} lines; null when the split does not give
	 * {@code count} documents (then the canonical text stands in for what was written).
	 */
	static @Nullable List<String> documentTexts(String text, int count) {
		List<String> chunks = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean separatorSeen = false;
		for (String line : text.split("(?<=\n)", -1)) {
			if (line.startsWith("---") && (line.length() == 3 || Character.isWhitespace(line.charAt(3)))) {
				if (separatorSeen || hasContent(current)) {
					chunks.add(current.toString());
				}
				current.setLength(0);
				separatorSeen = true;
				String rest = line.substring(3).strip();
				if (!rest.isEmpty()) {
					current.append(rest).append('\n');
				}
			}
			else if (line.startsWith("...") && (line.length() == 3 || Character.isWhitespace(line.charAt(3)))) {
				continue;
			}
			else {
				current.append(line);
			}
		}
		if (separatorSeen || hasContent(current)) {
			chunks.add(current.toString());
		}
		return (chunks.size() == count) ? chunks : null;
	}

	private static boolean hasContent(CharSequence text) {
		return text.toString().lines().anyMatch((l) -> !l.isBlank() && !l.strip().startsWith("#")
				&& !l.startsWith("%"));
	}

}
