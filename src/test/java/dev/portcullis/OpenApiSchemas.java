package dev.portcullis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks JSON values (as Jackson reads them into maps and lists) against the schemas of the app's OpenAPI
 * document: {@code $ref}, {@code type} (one or a list), {@code enum}, {@code required}, {@code properties},
 * {@code additionalProperties: false}, {@code items}, {@code oneOf} / {@code anyOf}. Small on purpose: enough to keep
 * the document true to the answers the endpoints give.
 */
public final class OpenApiSchemas {

	private final Map<String, Object> document;

	public OpenApiSchemas(Map<String, Object> document) {
		this.document = document;
	}

	/** The schema {@code #/components/schemas/<name>}. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> ref(String name) {
		Map<String, Object> components = (Map<String, Object>) this.document.get("components");
		return (Map<String, Object>) ((Map<String, Object>) components.get("schemas")).get(name);
	}

	/** Every way {@code value} fails {@code schema}, each with its JSON path; empty when it conforms. */
	public List<String> errors(Object value, Map<String, Object> schema) {
		List<String> errors = new ArrayList<>();
		check(value, schema, "$", errors);
		return errors;
	}

	@SuppressWarnings("unchecked")
	private void check(Object value, Map<String, Object> schema, String at, List<String> errors) {
		if (schema.containsKey("$ref")) {
			check(value, ref(((String) schema.get("$ref")).substring("#/components/schemas/".length())), at, errors);
			return;
		}
		for (String combinator : List.of("oneOf", "anyOf")) {
			if (schema.containsKey(combinator)) {
				if (((List<Map<String, Object>>) schema.get(combinator)).stream()
					.noneMatch((option) -> errors(value, option).isEmpty())) {
					errors.add(at + ": matches no " + combinator + " option: " + value);
				}
				return;
			}
		}
		Object type = schema.get("type");
		if (type != null) {
			List<String> types = (type instanceof List<?> list) ? (List<String>) list : List.of((String) type);
			if (types.stream().noneMatch((t) -> hasType(value, t))) {
				errors.add(at + ": expected " + types + " but was " + value);
				return;
			}
		}
		if (schema.containsKey("enum") && !((List<Object>) schema.get("enum")).contains(value)) {
			errors.add(at + ": " + value + " is not one of " + schema.get("enum"));
		}
		if (value instanceof Map<?, ?> map) {
			for (String required : (List<String>) schema.getOrDefault("required", List.of())) {
				if (!map.containsKey(required)) {
					errors.add(at + ": missing required " + required);
				}
			}
			Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) schema
				.getOrDefault("properties", Map.of());
			map.forEach((key, item) -> {
				Map<String, Object> property = properties.get(key);
				if (property != null) {
					check(item, property, at + "." + key, errors);
				}
				else if (Boolean.FALSE.equals(schema.get("additionalProperties"))) {
					errors.add(at + ": undocumented property " + key);
				}
			});
		}
		if (value instanceof List<?> list && schema.containsKey("items")) {
			for (int i = 0; i < list.size(); i++) {
				check(list.get(i), (Map<String, Object>) schema.get("items"), at + "[" + i + "]", errors);
			}
		}
	}

	private static boolean hasType(Object value, String type) {
		return switch (type) {
			case "null" -> value == null;
			case "string" -> value instanceof String;
			case "integer" -> value instanceof Integer || value instanceof Long;
			case "number" -> value instanceof Number;
			case "boolean" -> value instanceof Boolean;
			case "array" -> value instanceof List;
			case "object" -> value instanceof Map;
			default -> false;
		};
	}

}
