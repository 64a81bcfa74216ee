package dev.portcullis.policy;

import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.portcullis.policy.PolicyFixtures.cnp;
import static org.assertj.core.api.Assertions.assertThat;

/** The policy REST API as an automation client uses it: save, read, ETags, history, diff, delete and restore. */
class PolicyApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	JsonMapper json;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = PolicyFixtures.workspaceName("api");
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws, "description", "test")).exchange()
			.expectStatus().isCreated();
	}

	WebTestClient.ResponseSpec put(String path, String yaml, String ifMatch) {
		WebTestClient.RequestBodySpec spec = as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + this.ws + "/policies/" + path)
			.contentType(YAML);
		if (ifMatch != null) {
			spec = spec.header("If-Match", ifMatch);
		}
		return spec.bodyValue(yaml).exchange();
	}

	JsonNode body(WebTestClient.ResponseSpec response) {
		return this.json.readTree(response.expectBody().returnResult().getResponseBody());
	}

	@Test
	void saveWithoutPreconditionShouldCreateThenRequireIfMatch() {
		put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null)
			.expectStatus().isCreated()
			.expectHeader().valueEquals("ETag", "\"1\"");
		JsonNode required = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 81), null)
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		assertThat(required.get("type").asString()).isEqualTo("/problems/precondition-required");
		assertThat(required.get("current").get("version").asInt()).isEqualTo(1);
		JsonNode updated = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 81), "\"1\"")
			.expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"2\""));
		assertThat(updated.get("outcome").asString()).isEqualTo("UPDATED");
		JsonNode stale = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 82), "\"1\"")
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED));
		assertThat(stale.get("type").asString()).isEqualTo("/problems/version-conflict");
		assertThat(stale.get("current").get("version").asInt()).isEqualTo(2);
	}

	@Test
	void getShouldReturnJsonWithEtagOrTheYamlAsWritten() {
		String text = cnp("prod", "api", "api", 8080);
		put("cnp/prod/api", text, null).expectStatus().isCreated();
		JsonNode policy = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/prod/api")
			.exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"1\""));
		assertThat(policy.get("kind").asString()).isEqualTo("CiliumNetworkPolicy");
		assertThat(policy.get("labels").get("app").asString()).isEqualTo("api");
		assertThat(policy.get("yaml").asString()).isEqualTo(text);
		String yaml = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/prod/api")
			.accept(YAML).exchange().expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"1\"")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(yaml).isEqualTo(text);
	}

	@Test
	void listShouldPageByKeyset() {
		for (int i = 0; i < 5; i++) {
			put("CiliumNetworkPolicy/default/p" + i, cnp("default", "p" + i, "r" + i, 80 + i), null).expectStatus().isCreated();
		}
		JsonNode first = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?limit=2").exchange()
			.expectStatus().isOk());
		assertThat(first.get("items")).hasSize(2);
		String cursor = first.get("nextCursor").asString();
		JsonNode second = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?limit=2&cursor=" + cursor)
			.exchange().expectStatus().isOk());
		assertThat(second.get("items").get(0).get("name").asString()).isEqualTo("p2");
		JsonNode byLabel = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?label=app=r3")
			.exchange().expectStatus().isOk());
		assertThat(byLabel.get("items")).hasSize(1);
		JsonNode byKey = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?label=app")
			.exchange().expectStatus().isOk());
		assertThat(byKey.get("items")).hasSize(5);
		JsonNode byText = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?q=P4")
			.exchange().expectStatus().isOk());
		assertThat(byText.get("items")).hasSize(1);
	}

	@Test
	void deleteShouldWriteATombstoneAndRestoreShouldUndoIt() {
		put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null).expectStatus().isCreated();
		JsonNode deleted = body(as(Role.AUTHOR).delete().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web")
			.header("If-Match", "\"1\"").exchange().expectStatus().isOk());
		assertThat(deleted.get("outcome").asString()).isEqualTo("DELETED");
		JsonNode restored = body(as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web/restore")
			.header("If-Match", "\"2\"").exchange().expectStatus().isOk());
		assertThat(restored.get("outcome").asString()).isEqualTo("RESTORED");
		assertThat(restored.get("policy").get("version").asInt()).isEqualTo(3);
		JsonNode history = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web/versions")
			.exchange().expectStatus().isOk());
		assertThat(history.get("items").valueStream().map((v) -> v.get("deleted").asBoolean()).toList())
			.isEqualTo(List.of(false, true, false));
	}

}
