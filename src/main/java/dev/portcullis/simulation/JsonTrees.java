package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import tools.jackson.databind.JsonNode;

/** Converts a JSON tree that arrived inside an API body into the engine's document tree (no positions). */
final class JsonTrees {

	private JsonTrees() {
	}

	static Node toNode(JsonNode json) {
		if (json.isObject()) {
			Map<String, Node> entries = new LinkedHashMap<>();
			for (Map.Entry<String, JsonNode> entry : json.properties()) {
				entries.put(entry.getKey(), toNode(entry.getValue()));
			}
			return new Node.MapNode(entries, Map.of(), Position.UNKNOWN);
		}
		if (json.isArray()) {
			List<Node> items = new ArrayList<>(json.size());
			for (JsonNode item : json) {
				items.add(toNode(item));
			}
			return new Node.ListNode(items, Position.UNKNOWN);
		}
		if (json.isNull() || json.isMissingNode()) {
			return new Node.ScalarNode("", Node.ScalarType.NULL, Position.UNKNOWN);
		}
		if (json.isBoolean()) {
			return new Node.ScalarNode(json.asString(), Node.ScalarType.BOOL, Position.UNKNOWN);
		}
		if (json.isIntegralNumber()) {
			return new Node.ScalarNode(json.asString(), Node.ScalarType.INT, Position.UNKNOWN);
		}
		if (json.isNumber()) {
			return new Node.ScalarNode(json.asString(), Node.ScalarType.FLOAT, Position.UNKNOWN);
		}
		return new Node.ScalarNode(json.asString(), Node.ScalarType.STRING, Position.UNKNOWN);
	}

}
