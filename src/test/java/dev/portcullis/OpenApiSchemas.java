package dev.portcullis;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks JSON values (as Jackson reads them into maps and lists) against the schemas of the app's OpenAPI
 * document: {@code $ref}, {@code type} (one or a list), {@code enum}, {@code required}, {@code properties},
 * {@code additionalProperties} ({@code false}, {@code true} or a schema), {@code items}, {@code oneOf} /
 * {@code anyOf}, {@code format: date-time}, {@code pattern}, {@code minimum} / {@code maximum},
 * {@code minLength} / {@code maxLength}, {@code minItems} / {@code maxItems}. Small on purpose: enough to keep the
 * document true to the answers the endpoints give. A keyword it does not check (other than annotations such as
 * {@code description}) is reported as an error rather than passed over, so that no constraint of the document
 * goes unchecked without anyone knowing.
 */
public final class OpenApiSchemas {

	private static final Set<String> CHECKED = Set.of("$ref", "oneOf", "anyOf", "type", "enum", "required",
			"properties", "additionalProperties", "items", "format", "pattern", "minimum", "maximum", "minLength",
			"maxLength", "minItems", "maxItems");

	private static final Set<String> ANNOTATIONS = Set.of("description", "example", "examples", "default", "title",
			"readOnly", "writeOnly", "deprecated");

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
		for (String keyword : schema.keySet()) {
			if (!CHECKED.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
				errors.add(at + ": the schema keyword " + keyword + " is not checked by OpenApiSchemas; add it there");
			}
		}
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
		if (value instanceof String text) {
			checkString(text, schema, at, errors);
		}
		if (value instanceof Number number) {
			if (schema.get("minimum") instanceof Number minimum && number.doubleValue() < minimum.doubleValue()) {
				errors.add(at + ": " + number + " is below the minimum " + minimum);
			}
			if (schema.get("maximum") instanceof Number maximum && number.doubleValue() > maximum.doubleValue()) {
				errors.add(at + ": " + number + " is above the maximum " + maximum);
			}
		}
		if (value instanceof List<?> list) {
			if (schema.get("minItems") instanceof Number min && list.size() < min.intValue()) {
				errors.add(at + ": " + list.size() + " items, fewer than minItems " + min);
			}
			if (schema.get("maxItems") instanceof Number max && list.size() > max.intValue()) {
				errors.add(at + ": " + list.size() + " items, more than maxItems " + max);
			}
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
				else if (schema.get("additionalProperties") instanceof Map<?, ?> additional) {
					check(item, (Map<String, Object>) additional, at + "." + key, errors);
				}
			});
		}
		if (value instanceof List<?> list && schema.containsKey("items")) {
			for (int i = 0; i < list.size(); i++) {
				check(list.get(i), (Map<String, Object>) schema.get("items"), at + "[" + i + "]", errors);
			}
		}
	}

	private static void checkString(String text, Map<String, Object> schema, String at, List<String> errors) {
		Object format = schema.get("format");
		if ("date-time".equals(format)) {
			try {
				OffsetDateTime.parse(text);
			}
			catch (DateTimeParseException ex) {
				errors.add(at + ": \"" + text + "\" is not a date-time (RFC 3339)");
			}
		}
		else if (format != null) {
			errors.add(at + ": the format " + format + " is not checked by OpenApiSchemas; add it there");
		}
		if (schema.get("pattern") instanceof String pattern && !Pattern.compile(pattern).matcher(text).find()) {
			errors.add(at + ": \"" + text + "\" does not match the pattern " + pattern);
		}
		int length = text.codePointCount(0, text.length());
		if (schema.get("minLength") instanceof Number min && length < min.intValue()) {
			errors.add(at + ": \"" + text + "\" is shorter than minLength " + min);
		}
		if (schema.get("maxLength") instanceof Number max && length > max.intValue()) {
			errors.add(at + ": " + length + " characters, more than maxLength " + max);
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
