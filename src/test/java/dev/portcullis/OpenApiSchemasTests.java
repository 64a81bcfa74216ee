package dev.portcullis;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema checker the OpenAPI document tests rely on finds what breaks each keyword, and refuses the rest. */
class OpenApiSchemasTests {

	private final OpenApiSchemas schemas = new OpenApiSchemas(Map.of("components", Map.of("schemas",
			Map.of("Name", Map.of("type", "string", "pattern", "^[a-z]+$")))));

	static List<Arguments> violations() {
		return List.of(
				Arguments.of(Map.of("type", "string", "format", "date-time"), "2026-11-26T14:12:03Z", "yesterday",
						"is not a date-time"),
				Arguments.of(Map.of("$ref", "#/components/schemas/Name"), "web", "Web", "does not match the pattern"),
				Arguments.of(Map.of("type", "integer", "minimum", 1, "maximum", 500), 500, 501, "above the maximum"),
				Arguments.of(Map.of("type", "integer", "minimum", 1), 1, 0, "below the minimum"),
				Arguments.of(Map.of("type", "string", "maxLength", 3), "abc", "abcd", "more than maxLength"),
				Arguments.of(Map.of("type", "array", "maxItems", 1), List.of(1), List.of(1, 2), "more than maxItems"),
				Arguments.of(Map.of("type", "object", "additionalProperties", Map.of("type", "integer")), Map.of("a", 1),
						Map.of("a", "1"), "$.a: expected [integer]"),
				Arguments.of(Map.of("type", "object", "additionalProperties", false, "properties", Map.of()), Map.of(),
						Map.of("a", 1), "undocumented property a"),
				Arguments.of(Map.of("type", "string", "format", "uuid"), null, "x", "format uuid is not checked"),
				Arguments.of(Map.of("allOf", List.of()), null, "x", "keyword allOf is not checked"));
	}

	@ParameterizedTest(name = "{0}: {2}")
	@MethodSource("violations")
	void errorsShouldReportAValueThatBreaksTheSchemaAndPassOneThatKeepsIt(Map<String, Object> schema, Object good,
			Object bad, String message) {
		if (good != null) {
			assertThat(this.schemas.errors(good, schema)).isEmpty();
		}
		assertThat(this.schemas.errors(bad, schema)).anySatisfy((error) -> assertThat(error).contains(message));
	}

}
