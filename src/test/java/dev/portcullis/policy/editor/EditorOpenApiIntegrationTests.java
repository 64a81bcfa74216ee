package dev.portcullis.policy.editor;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code openapi/editor.yaml} true: its request example works, and real answers of validate, describe and
 * both graphs, successes and problems, match the schemas it documents.
 */
class EditorOpenApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	JsonMapper json;

	OpenApiSchemas schemas;

	Map<String, Object> document;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void loadDocument() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.document = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
		this.schemas = new OpenApiSchemas(this.document);
	}

	void assertMatches(WebTestClient.ResponseSpec response, String schema) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		Object value = this.json.readValue(body, Object.class);
		assertThat(this.schemas.errors(value, this.schemas.ref(schema))).as(new String(body)).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void validateExampleShouldWorkAndMatchTheSchema() {
		Map<String, Object> paths = (Map<String, Object>) this.document.get("paths");
		Map<String, Object> post = (Map<String, Object>) ((Map<String, Object>) paths.get("/api/v1/validate")).get("post");
		Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) post
			.get("requestBody")).get("content")).get("application/json");
		Object example = ((Map<String, Object>) ((Map<String, Object>) content.get("examples")).get("http")).get("value");
		assertThat(this.schemas.errors(example, this.schemas.ref("PolicyTextRequest"))).isEmpty();
		byte[] body = as(Role.VIEWER).post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(example).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
		Map<String, Object> answer = this.json.readValue(body, Map.class);
		assertThat(this.schemas.errors(answer, this.schemas.ref("ValidateResponse"))).isEmpty();
		assertThat(answer.get("valid")).isEqualTo(true);
	}

	@Test
	void answersShouldMatchTheirSchemas() {
		WebTestClient viewer = as(Role.VIEWER);
		String lint = BriefExamples.HTTP.replace("- fromEndpoints:", "- fromEndpoints: []\n  - fromEndpoints:");
		assertMatches(viewer.post().uri("/api/v1/validate").contentType(YAML).bodyValue(lint + "---\nkind: Nope\n")
			.exchange().expectStatus().isOk(), "ValidateResponse");
		assertMatches(viewer.post().uri("/api/v1/check").contentType(YAML).bodyValue(BriefExamples.DNS)
			.exchange().expectStatus().isOk(), "CheckResponse");
		assertMatches(viewer.post().uri("/api/v1/check").contentType(YAML).bodyValue(lint + "---\nkind: Nope\n")
			.exchange().expectStatus().isOk(), "CheckResponse");
		assertMatches(viewer.post().uri("/api/v1/describe").contentType(YAML)
			.bodyValue(BriefExamples.DNS + "---\n" + BriefExamples.KAFKA).exchange().expectStatus().isOk(), "DescribeResponse");
		assertMatches(viewer.post().uri("/api/v1/graph").contentType(YAML).accept(MediaType.APPLICATION_JSON)
			.bodyValue(BriefExamples.DNS).exchange().expectStatus().isOk(), "PolicyGraph");
		String ws = "oas-graph-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/policies/CiliumNetworkPolicy/default/greeter-say-hello")
			.contentType(YAML).bodyValue(BriefExamples.GRPC).exchange().expectStatus().is2xxSuccessful();
		assertMatches(viewer.get().uri("/api/v1/workspaces/" + ws + "/graph").accept(MediaType.APPLICATION_JSON)
			.exchange().expectStatus().isOk(), "PolicyGraph");
	}

	@Test
	void problemsShouldMatchTheProblemSchema() {
		WebTestClient viewer = as(Role.VIEWER);
		for (WebTestClient.RequestHeadersSpec<?> request : List.<WebTestClient.RequestHeadersSpec<?>>of(
				viewer.post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_JSON).bodyValue("[1"),
				viewer.post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("x", 1)),
				viewer.post().uri("/api/v1/describe").contentType(YAML).bodyValue("kind: Nope\n"),
				viewer.post().uri("/api/v1/graph").contentType(YAML).bodyValue("apiVersion: cilium.io/v2\n"),
				viewer.get().uri("/api/v1/workspaces/no-such-workspace/graph"))) {
			byte[] body = request.exchange().expectStatus().is4xxClientError()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().returnResult().getResponseBody();
			assertThat(this.schemas.errors(this.json.readValue(body, Object.class), this.schemas.ref("Problem")))
				.as(new String(body)).isEmpty();
		}
	}

}
