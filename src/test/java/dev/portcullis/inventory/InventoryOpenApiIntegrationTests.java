package dev.portcullis.inventory;

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

/** Keeps {@code openapi/inventory.yaml} true: real answers of the inventory API match the documented schemas. */
class InventoryOpenApiIntegrationTests extends IntegrationTest {

	@Autowired
	JsonMapper json;

	@Test
	@SuppressWarnings("unchecked")
	void responsesShouldMatchTheirSchemas() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
		String ws = "invoas-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		String uri = "/api/v1/workspaces/" + ws + "/inventory";
		MediaType yamlType = MediaType.parseMediaType("application/yaml");
		check(schemas, as(Role.VIEWER).get().uri(uri).exchange().expectStatus().isNotFound(), "Problem");
		check(schemas, as(Role.AUTHOR).put().uri(uri).contentType(yamlType).bodyValue("kind: Service\n").exchange()
			.expectStatus().isEqualTo(422), "Problem");
		check(schemas, as(Role.VIEWER).put().uri(uri).contentType(yamlType).bodyValue(InventoryApiIntegrationTests.KUBECTL)
			.exchange().expectStatus().isForbidden(), "Problem");
		check(schemas, as(Role.AUTHOR).put().uri(uri).contentType(yamlType).bodyValue(InventoryApiIntegrationTests.KUBECTL)
			.exchange().expectStatus().isOk(), "InventoryVersion");
		check(schemas, as(Role.VIEWER).get().uri(uri).exchange().expectStatus().isOk(), "InventoryVersion");
	}

	private void check(OpenApiSchemas schemas, WebTestClient.ResponseSpec response, String schema) {
		byte[] body = response.expectBody().returnResult().getResponseBody();
		Object value = this.json.readValue(body, Object.class);
		assertThat(schemas.errors(value, schemas.ref(schema))).as(new String(body)).isEmpty();
	}

}
