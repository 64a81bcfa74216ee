package dev.portcullis.engine.parse;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.match.SelectorKey;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates Kubernetes label selectors ({@code matchLabels}, {@code matchExpressions}) as the CRD schema
 * and the API server's selector validation see them; used for Cilium rules and NetworkPolicies alike. A selector
 * with any error reads as null. Stateless apart from the shared {@link Reading}.
 */
final class SelectorReader {

	private static final Set<String> SELECTOR_FIELDS = Set.of("matchLabels", "matchExpressions");

	private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

	private final Reading reading;

	SelectorReader(Reading reading) {
		this.reading = reading;
	}

	/** The selector in field {@code key}; null when absent, null or invalid. */
	@Nullable LabelSelector selector(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		return (node != null) ? selector(node, child(parentPath, key)) : null;
	}

	/** The selector {@code node}; null when invalid. */
	@Nullable LabelSelector selector(Node node, String path) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, SELECTOR_FIELDS);
		int errors = this.reading.errorCount();
		Map<String, String> labels = this.reading.stringMap(map, "matchLabels", path);
		if (labels != null) {
			MapNode labelNode = (MapNode) field(map, "matchLabels");
			for (Map.Entry<String, String> label : labels.entrySet()) {
				String labelPath = child(child(path, "matchLabels"), label.getKey());
				Position position = (labelNode != null) ? at(labelNode, label.getKey()) : map.position();
				if (label.getValue().length() > 63) {
					this.reading.error(labelPath, position, "The label value " + quote(label.getValue())
							+ " is longer than 63 characters.");
				}
				else if (!SelectorKey.isLabelValue(label.getValue())) {
					this.reading.error(labelPath, position, "The label value " + quote(label.getValue())
							+ " is not valid: use letters, digits, '-', '_' and '.', starting and ending with a letter"
							+ " or digit (or leave it empty).");
				}
				if (label.getKey().isEmpty()) {
					this.reading.error(labelPath, position, "A label key must not be empty.");
				}
			}
		}
		List<Requirement> requirements = this.reading.objects(map, "matchExpressions", path, this::requirement);
		if (this.reading.errorCount() != errors) {
			return null;
		}
		return new LabelSelector((labels != null) ? labels : Map.of(),
				(requirements != null) ? requirements : List.of());
	}

	/** The selectors of list field {@code key}, invalid ones left out; null when absent, null or not a list. */
	@Nullable List<LabelSelector> selectors(MapNode parent, String key, String parentPath) {
		return this.reading.items(parent, key, parentPath, this::selector);
	}

	private @Nullable Requirement requirement(MapNode map, String path) {
		this.reading.knownFields(map, path, Set.of("key", "operator", "values"));
		String key = this.reading.string(map, "key", path);
		if (!present(map, "key")) {
			this.reading.error(path, map.position(), "A match expression needs a key.");
		}
		if (!present(map, "operator")) {
			this.reading.error(path, map.position(),
					"A match expression needs an operator: In, NotIn, Exists or DoesNotExist.");
		}
		String operatorText = this.reading.enumeration(map, "operator", path, OPERATORS);
		List<String> values = this.reading.strings(map, "values", path);
		if (key == null || operatorText == null) {
			return null;
		}
		Operator operator = switch (operatorText) {
			case "In" -> Operator.IN;
			case "NotIn" -> Operator.NOT_IN;
			case "Exists" -> Operator.EXISTS;
			default -> Operator.DOES_NOT_EXIST;
		};
		List<String> list = (values != null) ? values : List.of();
		boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
		if (needsValues && list.isEmpty()) {
			this.reading.error(child(path, "values"), map.position(), "The operator " + operatorText
					+ " needs at least one value: values must be non-empty for In and NotIn.");
			return null;
		}
		if (!needsValues && !list.isEmpty()) {
			this.reading.error(child(path, "values"), at(map, "values"), "The operator " + operatorText
					+ " takes no values: values must be empty for Exists and DoesNotExist.");
			return null;
		}
		for (String value : list) {
			if (!SelectorKey.isLabelValue(value)) {
				this.reading.error(child(path, "values"), at(map, "values"), "The value " + quote(value)
						+ " is not a valid label value (at most 63 letters, digits, '-', '_' and '.', starting and ending"
						+ " with a letter or digit).");
				return null;
			}
		}
		return new Requirement(key, operator, list);
	}

}
