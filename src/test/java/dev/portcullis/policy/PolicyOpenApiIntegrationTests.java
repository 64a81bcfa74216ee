package dev.portcullis.policy;

import dev.portcullis.OpenApiSchemas;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
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

import static dev.portcullis.policy.PolicyFixtures.cnp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code openapi/policies.yaml} true: real responses of every store endpoint, successes and problems, match
 * the schemas it documents (the same small schema checker as {@code OpenApiDocumentIntegrationTests}; that test
 * checks that the documented and served endpoints are the same).
 */
class PolicyOpenApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	JsonMapper json;

	Map<String, Object> document;

	String ws;

	String base;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void setUp() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.document = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
		this.ws = PolicyFixtures.workspaceName("oas");
		this.base = "/api/v1/workspaces/" + this.ws;
		assertMatches(as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated(), "Workspace");
	}

	Object assertMatches(WebTestClient.ResponseSpec response, String schema) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		Object value = this.json.readValue(body, Object.class);
		assertThat(errors(value, ref(schema))).as(new String(body)).isEmpty();
		return value;
	}

	@Test
	void successfulResponsesShouldMatchTheirSchemas() {
		String policy = this.base + "/policies/CiliumNetworkPolicy/default/web";
		assertMatches(as(Role.AUTHOR).put().uri(policy).contentType(YAML).bodyValue(cnp("default", "web", "web", 80))
			.exchange().expectStatus().isCreated(), "SaveResult");
		Instant between = Instant.now();
		assertMatches(as(Role.AUTHOR).put().uri(policy).contentType(MediaType.APPLICATION_JSON).header("If-Match", "\"1\"")
			.bodyValue(Map.of("yaml", cnp("default", "web", "web", 443), "message", "TLS")).exchange()
			.expectStatus().isOk(), "SaveResult");
		assertMatches(as(Role.VIEWER).get().uri("/api/v1/workspaces").exchange().expectStatus().isOk(), "WorkspaceList");
		assertMatches(as(Role.VIEWER).get().uri(this.base).exchange().expectStatus().isOk(), "Workspace");
		assertMatches(as(Role.VIEWER).get().uri(this.base + "/policies?limit=1").exchange().expectStatus().isOk(),
				"PolicyPage");
		assertMatches(as(Role.VIEWER).get().uri(policy).exchange().expectStatus().isOk(), "Policy");
		assertMatches(as(Role.VIEWER).get().uri(policy + "/versions").exchange().expectStatus().isOk(), "PolicyPage");
		assertMatches(as(Role.VIEWER).get().uri(policy + "/versions/1").exchange().expectStatus().isOk(), "Policy");
		assertMatches(as(Role.VIEWER).get().uri(policy + "/diff?from=1&to=2").exchange().expectStatus().isOk(),
				"PolicyDiff");
		assertMatches(as(Role.VIEWER).get().uri(this.base + "/snapshot?at=" + between).exchange().expectStatus().isOk(),
				"Snapshot");
		assertMatches(as(Role.VIEWER).get().uri(this.base + "/compare?from=" + between).exchange().expectStatus().isOk(),
				"WorkspaceComparison");
		assertMatches(as(Role.AUTHOR).post().uri(this.base + "/import").contentType(YAML)
			.bodyValue(cnp("default", "api", "api", 8080) + "---\n" + PolicyFixtures.ccnp("all")).exchange()
			.expectStatus().isOk(), "ImportReport");
		assertMatches(as(Role.AUTHOR).delete().uri(policy).header("If-Match", "\"2\"").exchange().expectStatus().isOk(),
				"SaveResult");
		assertMatches(as(Role.AUTHOR).post().uri(policy + "/restore").header("If-Match", "\"3\"").exchange()
			.expectStatus().isOk(), "SaveResult");
	}

	@Test
	void problemsShouldMatchTheProblemSchema() {
		String policy = this.base + "/policies/CiliumNetworkPolicy/default/web";
		as(Role.AUTHOR).put().uri(policy).contentType(YAML).bodyValue(cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isCreated();
		List<WebTestClient.ResponseSpec> problems = List.of(
				as(Role.AUTHOR).put().uri(policy).contentType(YAML).bodyValue(cnp("default", "web", "web", 81)).exchange()
					.expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED),
				as(Role.AUTHOR).put().uri(policy).contentType(YAML).header("If-Match", "\"7\"")
					.bodyValue(cnp("default", "web", "web", 81)).exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED),
				as(Role.AUTHOR).put().uri(policy).contentType(YAML).header("If-Match", "\"1\"").bodyValue("kind: [").exchange()
					.expectStatus().isBadRequest(),
				as(Role.AUTHOR).post().uri(this.base + "/import").contentType(YAML)
					.bodyValue(cnp("default", "a", "a", 1) + "---\nkind: Pod\napiVersion: v1\nmetadata: {name: x}\n").exchange()
					.expectStatus().isBadRequest(),
				as(Role.VIEWER).get().uri(this.base + "/policies/Nope/default/web").exchange().expectStatus().isBadRequest(),
				as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-workspace-here").exchange().expectStatus().isNotFound(),
				as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isEqualTo(HttpStatus.CONFLICT));
		for (WebTestClient.ResponseSpec problem : problems) {
			assertMatches(problem.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON), "Problem");
		}
	}

	private Map<String, Object> ref(String schema) {
		return new OpenApiSchemas(this.document).ref(schema);
	}

	private List<String> errors(Object value, Map<String, Object> schema) {
		return new OpenApiSchemas(this.document).errors(value, schema);
	}

}
