package dev.portcullis.engine.doc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A parsed YAML or JSON document as a positioned tree: the engine's only view of policy and flow text.
 * <p>
 * The YAML reader outside the engine ({@code dev.portcullis.yaml}) builds it, so that the engine stays free of
 * I/O and parsing libraries. Scalars keep their text and the type YAML 1.2's core schema resolved
 * ({@code 80} is {@link ScalarType#INT}, {@code "80"} is {@link ScalarType#STRING}), because Kubernetes'
 * schema validation tells them apart.
 */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

	Position position();

	/** The scalar types of YAML 1.2's core schema (JSON's types). */
	enum ScalarType {

		STRING, INT, FLOAT, BOOL, NULL

	}

	/**
	 * A mapping with string keys in document order.
	 *
	 * @param entries values by key, in document order
	 * @param keyPositions where each key starts (for "unknown field" messages)
	 */
	record MapNode(Map<String, Node> entries, Map<String, Position> keyPositions, Position position) implements Node {

		public MapNode {
			entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
			keyPositions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keyPositions));
		}

		public @Nullable Node get(String key) {
			return this.entries.get(key);
		}

		/** Where the key starts, else where the map starts. */
		public Position keyPosition(String key) {
			return this.keyPositions.getOrDefault(key, this.position);
		}

	}

	record ListNode(List<Node> items, Position position) implements Node {

		public ListNode {
			items = List.copyOf(items);
		}

	}

	/** A scalar; {@code value} is its text ("" for null), {@code type} its resolved type. */
	record ScalarNode(String value, ScalarType type, Position position) implements Node {

		public boolean isNull() {
			return this.type == ScalarType.NULL;
		}

	}

}
