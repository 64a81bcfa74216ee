package dev.portcullis.policy;

import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code openapi/settings.yaml} true: real answers of the settings endpoints, successes and problems, match
 * the schemas it documents, and its request example is a valid settings object.
 */
class SettingsOpenApiIntegrationTests extends IntegrationTest {

	@Autowired
	JsonMapper json;

	Map<String, Object> document;

	String path;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void setUp() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.document = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
		String ws = PolicyFixtures.workspaceName("oas-settings");
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		this.path = "/api/v1/workspaces/" + ws + "/settings";
	}

	void assertMatches(WebTestClient.ResponseSpec response, String schema) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		Object value = this.json.readValue(body, Object.class);
		OpenApiSchemas schemas = new OpenApiSchemas(this.document);
		assertThat(schemas.errors(value, schemas.ref(schema))).as(new String(body)).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void answersShouldMatchTheirSchemas() {
		assertMatches(as(Role.VIEWER).get().uri(this.path).exchange().expectStatus().isOk(), "WorkspaceSettings");
		Map<String, Object> put = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) this.document
			.get("paths")).get("/api/v1/workspaces/{workspace}/settings")).get("put");
		Object example = ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) put.get("requestBody"))
			.get("content")).get("application/json")).get("example");
		OpenApiSchemas schemas = new OpenApiSchemas(this.document);
		assertThat(schemas.errors(example, schemas.ref("AgentSettings"))).isEmpty();
		assertMatches(as(Role.ADMIN).put().uri(this.path).contentType(MediaType.APPLICATION_JSON).bodyValue(example)
			.exchange().expectStatus().isOk(), "WorkspaceSettings");
		assertMatches(as(Role.VIEWER).get().uri(this.path).exchange().expectStatus().isOk(), "WorkspaceSettings");

		List<WebTestClient.ResponseSpec> problems = List.of(
				as(Role.ADMIN).put().uri(this.path).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
					.exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED),
				as(Role.ADMIN).put().uri(this.path).contentType(MediaType.APPLICATION_JSON).header("If-Match", "\"0\"")
					.bodyValue(Map.of()).exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED),
				as(Role.ADMIN).put().uri(this.path).contentType(MediaType.APPLICATION_JSON).header("If-Match", "\"1\"")
					.bodyValue(Map.of("hostFirewall", "on")).exchange().expectStatus().isBadRequest(),
				as(Role.AUTHOR).put().uri(this.path).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of())
					.exchange().expectStatus().isForbidden(),
				as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-workspace-here/settings").exchange()
					.expectStatus().isNotFound());
		for (WebTestClient.ResponseSpec problem : problems) {
			assertMatches(problem.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON), "Problem");
		}
	}

}
