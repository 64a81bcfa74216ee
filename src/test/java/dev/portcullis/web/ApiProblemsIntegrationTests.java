package dev.portcullis.web;

import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Problems say what is wrong without repeating large input or naming the server's classes. */
class ApiProblemsIntegrationTests extends IntegrationTest {

	private static final String HUGE = "x".repeat(5 * 1024 * 1024);

	@Autowired
	JsonMapper json;

	private JsonNode problem(WebTestClient.ResponseSpec response, int status) {
		byte[] body = response.expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().returnResult().getResponseBody();
		assertThat(body.length).as("problem size").isLessThan(8 * 1024);
		return this.json.readTree(body);
	}

	@Test
	void problemsShouldQuoteOnlyAShortPrefixOfLargeInput() {
		for (Map<String, Object> options : List.<Map<String, Object>>of(Map.of("ciliumVersion", HUGE),
				Map.of("policyEnforcementMode", HUGE), Map.of("clusterName", List.of(HUGE)), Map.of(HUGE, true))) {
			JsonNode problem = problem(as(Role.VIEWER).post().uri("/api/v1/evaluate")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("policies", "", "flows", List.of(), "options", options)).exchange(), 400);
			assertThat(problem.toString()).doesNotContain("x".repeat(100));
		}
		JsonNode field = problem(as(Role.VIEWER).post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("policies", "", "flows", List.of(), HUGE, 1)).exchange(), 400);
		assertThat(field.toString()).doesNotContain("x".repeat(100));
		String name = "x".repeat(200 * 1024);
		JsonNode workspace = problem(as(Role.AUTHOR).post().uri("/api/v1/workspaces")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", name)).exchange(), 400);
		assertThat(workspace.get("detail").asString()).contains("xxxx…");
		String cursor = "c".repeat(1500);
		JsonNode audit = problem(as(Role.ADMIN).get().uri("/api/v1/audit?outcome={o}&since={s}", cursor, cursor)
			.exchange(), 400);
		assertThat(audit.get("detail").asString()).doesNotContain(cursor).contains("cccc…");
	}

}
