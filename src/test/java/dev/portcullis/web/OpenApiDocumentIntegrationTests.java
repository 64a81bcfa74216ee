package dev.portcullis.web;

import dev.portcullis.OpenApiSchemas;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code /api/v1/openapi.yaml} true: it documents exactly the API endpoints the app has, its request
 * example works, and real responses (success and problems) match the documented schemas.
 */
class OpenApiDocumentIntegrationTests extends IntegrationTest {

	WebTestClient client;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Autowired
	JsonMapper json;

	Map<String, Object> document;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void loadDocument() {
		this.client = as(Role.VIEWER);
		String yaml = this.client.get().uri("/api/v1/openapi.yaml").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith("application/yaml")
			.expectBody(String.class).returnResult().getResponseBody();
		this.document = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
	}

	@Test
	@SuppressWarnings("unchecked")
	void documentShouldListExactlyTheApiEndpointsTheAppServes() {
		Set<String> documented = new TreeSet<>();
		((Map<String, Map<String, Object>>) this.document.get("paths")).forEach((path, operations) -> operations.keySet()
			.forEach((method) -> documented.add(method.toUpperCase() + " " + path)));
		Set<String> served = new TreeSet<>();
		this.mappings.getHandlerMethods().forEach((info, method) -> info.getPatternsCondition().getPatterns()
			.forEach((pattern) -> {
				if (pattern.getPatternString().startsWith("/api/v1/")) {
					info.getMethodsCondition().getMethods()
						.forEach((m) -> served.add(m.name() + " " + pattern.getPatternString()));
				}
			}));
		assertThat(served).isNotEmpty();
		assertThat(documented).isEqualTo(served);
	}

	@Test
	@SuppressWarnings("unchecked")
	void requestExampleShouldWorkAndTheResponseShouldMatchTheSchema() {
		Map<String, Object> post = path("paths", "/api/v1/evaluate", "post");
		Map<String, Object> jsonBody = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) post
			.get("requestBody")).get("content")).get("application/json");
		Object example = ((Map<String, Object>) ((Map<String, Object>) jsonBody.get("examples")).get("l3")).get("value");
		assertThat(errors(example, (Map<String, Object>) jsonBody.get("schema"))).isEmpty();

		byte[] body = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(example).exchange()
			.expectStatus().isOk()
			.expectBody().returnResult().getResponseBody();
		Object response = this.json.readValue(body, Object.class);
		assertThat(errors(response, ref("EvaluateResponse"))).isEmpty();
		List<Map<String, Object>> results = (List<Map<String, Object>>) ((Map<String, Object>) response).get("results");
		assertThat(results).extracting((r) -> r.get("verdict")).containsExactly("FORWARDED", "DROPPED");
	}

	@Test
	void problemsShouldMatchTheProblemSchema() {
		for (Object request : List.of(Map.of("policies", "kind: Nope", "flows", List.of()),
				Map.of("policies", "", "flows", List.of(Map.of("l4", Map.of("TCP", Map.of("destination_port", -1))))),
				Map.of("flows", List.of()))) {
			byte[] body = this.client.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(request).exchange()
				.expectStatus().isBadRequest()
				.expectBody().returnResult().getResponseBody();
			assertThat(errors(this.json.readValue(body, Object.class), ref("Problem"))).as(new String(body)).isEmpty();
		}
		byte[] notFound = this.client.get().uri("/api/v1/nothing-here").exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().returnResult().getResponseBody();
		assertThat(errors(this.json.readValue(notFound, Object.class), ref("Problem"))).isEmpty();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> path(String... keys) {
		Object node = this.document;
		for (String key : keys) {
			node = ((Map<String, Object>) node).get(key);
		}
		return (Map<String, Object>) node;
	}

	private Map<String, Object> ref(String schema) {
		return path("components", "schemas", schema);
	}

	private List<String> errors(Object value, Map<String, Object> schema) {
		return new OpenApiSchemas(this.document).errors(value, schema);
	}

}
