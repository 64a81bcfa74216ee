package dev.portcullis.identity;

import dev.portcullis.OpenApiSchemas;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
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
 * Keeps {@code openapi/identity.yaml} true: real answers of the tokens, users and audit endpoints, and of
 * refused requests (401, 403, 429 aside), match the documented schemas.
 */
class IdentityApiDocumentIntegrationTests extends IntegrationTest {

	@Autowired
	JsonMapper json;

	Map<String, Object> document;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void loadDocument() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.document = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
	}

	@Test
	void tokenAnswersShouldMatchTheirSchemas() {
		String username = "doc-" + UUID.randomUUID().toString().substring(0, 8);
		createUser(username, Role.AUTHOR);
		WebTestClient client = as(username, PASSWORD);
		assertMatches(client.post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "documented", "expiresAt", "2099-01-01T00:00:00Z")).exchange()
			.expectStatus().isCreated().expectBody().returnResult().getResponseBody(), "CreatedToken");
		assertMatches(client.get().uri("/api/v1/tokens").exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody(), "TokenList");
		assertMatches(client.post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "")).exchange().expectStatus().isBadRequest().expectBody().returnResult()
			.getResponseBody(), "Problem");
		assertMatches(anonymous().get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized().expectBody()
			.returnResult().getResponseBody(), "Problem");
		assertMatches(client.get().uri("/api/v1/users").exchange().expectStatus().isForbidden().expectBody()
			.returnResult().getResponseBody(), "Problem");
	}

	@Test
	void userAndAuditAnswersShouldMatchTheirSchemas() {
		WebTestClient admin = as(Role.ADMIN);
		String username = "doc-" + UUID.randomUUID().toString().substring(0, 8);
		assertMatches(admin.post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "role", "VIEWER", "password", "documented password")).exchange()
			.expectStatus().isCreated().expectBody().returnResult().getResponseBody(), "User");
		assertMatches(admin.get().uri("/api/v1/users?limit=2").exchange().expectStatus().isOk().expectBody()
			.returnResult().getResponseBody(), "UserPage");
		assertMatches(admin.patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("role", "AUTHOR")).exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody(), "User");
		assertMatches(admin.post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "bad name", "password", "x")).exchange().expectStatus().isBadRequest()
			.expectBody().returnResult().getResponseBody(), "Problem");
		assertMatches(admin.get().uri("/api/v1/audit?limit=20").exchange().expectStatus().isOk().expectBody()
			.returnResult().getResponseBody(), "AuditPage");
		assertMatches(admin.get().uri("/api/v1/audit?outcome=nope").exchange().expectStatus().isBadRequest()
			.expectBody().returnResult().getResponseBody(), "Problem");
	}

	@Test
	@SuppressWarnings("unchecked")
	void requestExamplesShouldMatchTheirSchemas() {
		Map<String, Object> paths = (Map<String, Object>) this.document.get("paths");
		int checked = 0;
		for (String path : List.of("/api/v1/tokens", "/api/v1/users", "/api/v1/users/{username}")) {
			for (Object operation : ((Map<String, Object>) paths.get(path)).values()) {
				Map<String, Object> body = (Map<String, Object>) ((Map<String, Object>) operation).get("requestBody");
				if (body == null) {
					continue;
				}
				Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) body.get("content"))
					.get("application/json");
				for (Object example : ((Map<String, Object>) content.get("examples")).values()) {
					Object value = ((Map<String, Object>) example).get("value");
					assertThat(errors(value, (Map<String, Object>) content.get("schema"))).as(path).isEmpty();
					checked++;
				}
			}
		}
		assertThat(checked).isEqualTo(4);
	}

	private void assertMatches(byte[] body, String schema) {
		Object value = this.json.readValue(body, Object.class);
		assertThat(errors(value, ref(schema))).as(new String(body)).isEmpty();
	}

	private Map<String, Object> ref(String schema) {
		return new OpenApiSchemas(this.document).ref(schema);
	}

	private List<String> errors(Object value, Map<String, Object> schema) {
		return new OpenApiSchemas(this.document).errors(value, schema);
	}

}
