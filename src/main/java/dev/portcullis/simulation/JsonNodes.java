package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import tools.jackson.databind.JsonNode;

/**
 * A request's JSON tree as the positioned tree {@link Traffic#read} reads (positions unknown: a JSON request names
 * fields by path), so that traffic in JSON bodies and in YAML documents has one reader.
 */
final class JsonNodes {

	private JsonNodes() {
	}

	/** Maps, lists and scalars (a form's values) as a positioned tree; null is YAML null. */
	static Node ofValue(@org.jspecify.annotations.Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Node> entries = new LinkedHashMap<>();
			map.forEach((k, v) -> entries.put(String.valueOf(k), ofValue(v)));
			return new Node.MapNode(entries, Map.of(), Position.UNKNOWN);
		}
		if (value instanceof List<?> list) {
			List<Node> items = new ArrayList<>();
			list.forEach((item) -> items.add(ofValue(item)));
			return new Node.ListNode(items, Position.UNKNOWN);
		}
		if (value == null) {
			return new Node.ScalarNode("", Node.ScalarType.NULL, Position.UNKNOWN);
		}
		Node.ScalarType type = (value instanceof Boolean) ? Node.ScalarType.BOOL
				: (value instanceof Integer || value instanceof Long) ? Node.ScalarType.INT
				: (value instanceof Number) ? Node.ScalarType.FLOAT : Node.ScalarType.STRING;
		return new Node.ScalarNode(String.valueOf(value), type, Position.UNKNOWN);
	}

	static Node of(JsonNode json) {
		if (json.isObject()) {
			Map<String, Node> entries = new LinkedHashMap<>();
			for (String name : json.propertyNames()) {
				entries.put(name, of(json.get(name)));
			}
			return new Node.MapNode(entries, Map.of(), Position.UNKNOWN);
		}
		if (json.isArray()) {
			List<Node> items = new ArrayList<>();
			for (JsonNode item : json) {
				items.add(of(item));
			}
			return new Node.ListNode(items, Position.UNKNOWN);
		}
		if (json.isNull() || json.isMissingNode()) {
			return new Node.ScalarNode("", Node.ScalarType.NULL, Position.UNKNOWN);
		}
		Node.ScalarType type = json.isBoolean() ? Node.ScalarType.BOOL
				: json.isIntegralNumber() ? Node.ScalarType.INT
				: json.isNumber() ? Node.ScalarType.FLOAT : Node.ScalarType.STRING;
		return new Node.ScalarNode(json.isString() ? json.asString() : json.toString(), type, Position.UNKNOWN);
	}

}
