package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps {@code openapi/flows.yaml} true: real answers of the flow upload match the documented schemas. */
class FlowsOpenApiIntegrationTests extends IntegrationTest {

	@Autowired
	JsonMapper json;

	@Test
	@SuppressWarnings("unchecked")
	void uploadResponsesShouldMatchTheirSchemas() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
		String ws = "flowoas-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		String uri = "/api/v1/workspaces/" + ws + "/flows";
		MediaType ndjson = MediaType.parseMediaType("application/x-ndjson");
		byte[] body = (FlowUploadIntegrationTests.flow(java.time.Instant.now().minusSeconds(60), "")
				.replace("cluster=default", "cluster=prod") + "\nnot json\n").getBytes(StandardCharsets.UTF_8);
		check(schemas, as(Role.AUTHOR).post().uri(uri).contentType(ndjson).bodyValue(body).exchange()
			.expectStatus().isOk(), "FlowIngestReport");
		check(schemas, as(Role.AUTHOR).post().uri(uri).contentType(ndjson).bodyValue("".getBytes()).exchange()
			.expectStatus().isOk(), "FlowIngestReport");
		check(schemas, as(Role.VIEWER).post().uri(uri).contentType(ndjson).bodyValue(body).exchange()
			.expectStatus().isForbidden(), "Problem");
		check(schemas, as(Role.AUTHOR).post().uri("/api/v1/workspaces/no-such-flows/flows").contentType(ndjson)
			.bodyValue(body).exchange().expectStatus().isNotFound(), "Problem");
		check(schemas, as(Role.AUTHOR).post().uri(uri).contentType(ndjson).header("Content-Encoding", "br")
			.bodyValue(body).exchange().expectStatus().isEqualTo(415), "Problem");
	}

	private void check(OpenApiSchemas schemas, WebTestClient.ResponseSpec response, String schema) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		Object value = this.json.readValue(body, Object.class);
		assertThat(schemas.errors(value, schemas.ref(schema))).as(new String(body)).isEmpty();
	}

}
