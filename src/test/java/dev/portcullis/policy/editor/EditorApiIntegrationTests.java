package dev.portcullis.policy.editor;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.web.ApiLimits;
import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/v1/validate}, {@code /describe}, {@code /graph} and the workspace graph, as a pipeline calls them. */
class EditorApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");

	@Autowired
	JsonMapper json;

	JsonNode ok(String uri, MediaType type, Object body) {
		byte[] bytes = as(Role.VIEWER).post().uri(uri).contentType(type).accept(MediaType.APPLICATION_JSON)
			.bodyValue(body).exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(bytes);
	}

	JsonNode problem(WebTestClient.RequestHeadersSpec<?> request, int status) {
		byte[] bytes = request.exchange().expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().returnResult().getResponseBody();
		JsonNode problem = this.json.readTree(bytes);
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.toString()).doesNotContain("Exception", "\tat ");
		return problem;
	}

	// ---------------------------------------------------------------- validate

	@Test
	void validateWhenPoliciesAreValidShouldSayValidWithNoViolations() {
		JsonNode answer = ok("/api/v1/validate", MediaType.APPLICATION_JSON,
				Map.of("policies", BriefExamples.HTTP, "ciliumVersion", "1.19"));
		assertThat(answer.get("valid").asBoolean()).isTrue();
		assertThat(answer.get("violations")).isEmpty();
		assertThat(answer.get("warnings")).isEmpty();
		assertThat(answer.get("policies").asInt()).isEqualTo(1);
		assertThat(answer.get("ciliumVersion").asString()).isEqualTo("1.19");
	}

	@Test
	void validateWhenInvalidShouldAnswer200WithErrorsAndLintWarningsInLineOrder() {
		String text = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: broken, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				  ingress:
				  - fromEndpoints: []
				    toPorts:
				    - ports: [{port: "99999", protocol: TCP}]
				---
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: crawler, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: crawler}}
				  egress:
				  - toEndpoints: []
				  - toFQDNs: [{matchName: example.com}]
				    toPorts:
				    - ports: [{port: "443", protocol: TCP}]
				""";
		JsonNode answer = ok("/api/v1/validate", YAML, text);
		assertThat(answer.get("valid").asBoolean()).isFalse();
		JsonNode error = answer.get("violations").get(0);
		assertThat(error.get("document").asInt()).isZero();
		assertThat(error.get("path").asString()).isEqualTo("spec.ingress[0].toPorts[0].ports[0].port");
		assertThat(error.get("line").asInt()).isEqualTo(9);
		assertThat(error.get("severity").asString()).isEqualTo("error");
		JsonNode warnings = answer.get("warnings");
		assertThat(warnings).hasSize(2);
		assertThat(warnings.get(0).get("line").asInt()).isEqualTo(17);
		assertThat(warnings.get(0).get("column").asInt()).isEqualTo(5);
		assertThat(warnings.get(0).get("message").asString()).contains("toEndpoints is an empty list");
		assertThat(warnings.get(1).get("line").asInt()).isEqualTo(18);
		assertThat(warnings.get(1).get("message").asString()).contains("No DNS rule");
		assertThat(warnings.get(1).get("severity").asString()).isEqualTo("warning");
	}

	@Test
	void validateWhenRawYamlWithCiliumVersionParameterShouldFollowThatVersion() {
		JsonNode answer = ok("/api/v1/validate?ciliumVersion=1.20", YAML, BriefExamples.KAFKA);
		assertThat(answer.get("valid").asBoolean()).isFalse();
		assertThat(answer.get("ciliumVersion").asString()).isEqualTo("1.20");
		assertThat(answer.get("violations").get(0).get("message").asString()).containsIgnoringCase("kafka");
		assertThat(ok("/api/v1/validate", MediaType.TEXT_PLAIN, BriefExamples.KAFKA).get("valid").asBoolean()).isTrue();
	}

	@Test
	void validateWhenEnvelopeIsMalformedShouldAnswerProblemJson() {
		WebTestClient viewer = as(Role.VIEWER);
		JsonNode malformed = problem(viewer.post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"policies\": "), 400);
		assertThat(malformed.get("type").asString()).endsWith("/problems/malformed-json");
		JsonNode unknown = problem(viewer.post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("policy", "x", "ciliumVersion", "one")), 400);
		assertThat(unknown.get("type").asString()).endsWith("/problems/invalid-request");
		assertThat(unknown.get("detail").asString()).contains("unknown field \"policy\"", "\"policies\" must be a string",
				"ciliumVersion");
		JsonNode version = problem(viewer.post().uri("/api/v1/validate?ciliumVersion=latest").contentType(YAML)
			.bodyValue(BriefExamples.HTTP), 400);
		assertThat(version.get("detail").asString()).contains("ciliumVersion", "latest");
		JsonNode empty = problem(viewer.post().uri("/api/v1/validate").contentType(YAML).bodyValue(""), 400);
		assertThat(empty.get("detail").asString()).contains("The body is empty");
		problem(viewer.post().uri("/api/v1/validate").contentType(MediaType.APPLICATION_XML).bodyValue("<a/>"), 415);
	}

	@Test
	void validateWhenBadInputShouldAnswerWithAMessageNeverAnError() {
		byte[] junk = new byte[64 * 1024];
		new Random(10).nextBytes(junk);
		JsonNode binary = ok("/api/v1/validate", MediaType.APPLICATION_OCTET_STREAM.equals(YAML) ? YAML : YAML, junk);
		assertThat(binary.get("valid").asBoolean()).isFalse();
		assertThat(binary.get("violations").get(0).get("message").asString()).isNotBlank();

		String large = "# " + "x".repeat(5 * 1024 * 1024) + "\n";
		JsonNode tooLarge = ok("/api/v1/validate", YAML, large.getBytes(StandardCharsets.UTF_8));
		assertThat(tooLarge.get("valid").asBoolean()).isFalse();
		assertThat(tooLarge.get("violations").get(0).get("message").asString()).contains("at most");

		StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
		for (char c = 'b'; c <= 'j'; c++) {
			char previous = (char) (c - 1);
			bomb.append(c).append(": &").append(c).append(" [");
			for (int i = 0; i < 9; i++) {
				bomb.append(i > 0 ? "," : "").append('*').append(previous);
			}
			bomb.append("]\n");
		}
		JsonNode yamlBomb = ok("/api/v1/validate", YAML, bomb.toString());
		assertThat(yamlBomb.get("valid").asBoolean()).isFalse();
		assertThat(yamlBomb.get("violations").toString()).containsIgnoringCase("bomb");

		String many = "a: 1\n---\n".repeat(10_001);
		JsonNode documents = ok("/api/v1/validate", YAML, many);
		assertThat(documents.get("valid").asBoolean()).isFalse();
		assertThat(documents.get("violations").toString()).contains("more than 10000 documents");

		problem(as(Role.VIEWER).post().uri("/api/v1/validate").contentType(YAML)
			.bodyValue(new byte[ApiLimits.MAX_BODY_BYTES + 64 * 1024]), 413);
	}

	@Test
	void validateWhenTenThousandPoliciesShouldAnswer() {
		StringBuilder many = new StringBuilder();
		for (int i = 0; i < 10_000; i++) {
			many.append("{apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, metadata: {name: p").append(i)
				.append(", namespace: ns}, spec: {endpointSelector: {matchLabels: {app: svc}}, ingress: ")
				.append("[{fromEndpoints: [{matchLabels: {env: prod}}], toPorts: [{ports: [{port: \"80\", protocol: TCP}],")
				.append(" rules: {http: [{method: GET, path: /public}]}}]}]}}\n").append((i < 9_999) ? "---\n" : "");
		}
		JsonNode answer = ok("/api/v1/validate", YAML, many.toString());
		assertThat(answer.get("policies").asInt()).isEqualTo(10_000);
		assertThat(answer.get("valid").asBoolean()).isTrue();
		assertThat(answer.get("warnings").toString()).contains("too many rules to compare every pair");
	}

	// ---------------------------------------------------------------- describe

	@Test
	void describeShouldSummariseEachPolicyInPlainLanguage() {
		JsonNode answer = ok("/api/v1/describe", YAML, BriefExamples.HTTP + "---\n" + BriefExamples.KAFKA);
		JsonNode first = answer.get("policies").get(0);
		assertThat(first.get("kind").asString()).isEqualTo("CiliumNetworkPolicy");
		assertThat(first.get("namespace").asString()).isEqualTo("default");
		assertThat(first.get("name").asString()).isEqualTo("service-get-public");
		assertThat(first.get("summary").get(0).asString())
			.isEqualTo("Pods app=service in default accept TCP 80 from env=prod pods, only GET /public.");
		assertThat(answer.get("policies").get(1).get("summary").get(0).asString()).contains("only produce to topic empire-announce");
	}

	@Test
	void describeWhenInvalidShouldAnswerInvalidPoliciesWithViolations() {
		JsonNode problem = problem(as(Role.VIEWER).post().uri("/api/v1/describe").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("policies", "kind: CiliumNetworkPolicy\n")), 400);
		assertThat(problem.get("type").asString()).endsWith("/problems/invalid-policies");
		assertThat(problem.get("violations").get(0).get("message").asString()).contains("apiVersion is required");
	}

	// ---------------------------------------------------------------- graph

	@Test
	void graphShouldAnswerAnAccessibleSvgOrTheSameGraphAsJson() {
		String svg = as(Role.VIEWER).post().uri("/api/v1/graph").contentType(YAML).bodyValue(BriefExamples.HTTP)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(SVG)
			.expectHeader().valueMatches("Content-Security-Policy", ".*default-src 'self'.*")
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"")
			.contains("<title id=\"policy-graph-title\">Policy graph</title>",
					"Pods app=service in default accept TCP 80 from env=prod pods, only GET /public.", "TCP 80: GET /public")
			.doesNotContain("<script", "style=");
		JsonNode graph = ok("/api/v1/graph", YAML, BriefExamples.HTTP);
		assertThat(graph.get("nodes")).hasSize(2);
		assertThat(graph.get("edges").get(0).get("label").asString()).isEqualTo("TCP 80: GET /public");
		assertThat(graph.get("edges").get(0).get("direction").asString()).isEqualTo("INGRESS");
	}

	@Test
	void graphWhenInvalidShouldAnswerProblemJsonEvenIfSvgWasAsked() {
		JsonNode problem = problem(as(Role.VIEWER).post().uri("/api/v1/graph").contentType(YAML).accept(SVG)
			.bodyValue("spec: [unclosed"), 400);
		assertThat(problem.get("type").asString()).endsWith("/problems/invalid-policies");
	}

	// ---------------------------------------------------------------- check

	@Test
	void checkShouldAnswerValidateDescribeAndGraphInOneRequest() {
		String text = BriefExamples.HTTP + "---\n" + BriefExamples.KAFKA;
		JsonNode answer = ok("/api/v1/check", YAML, text);
		JsonNode validated = ok("/api/v1/validate", YAML, text);
		JsonNode described = ok("/api/v1/describe", YAML, text);
		String svg = as(Role.VIEWER).post().uri("/api/v1/graph").contentType(YAML).accept(SVG).bodyValue(text).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(answer.get("valid").asBoolean()).isTrue();
		for (String field : new String[] { "violations", "warnings", "policies", "ciliumVersion" }) {
			assertThat(answer.get(field)).as(field).isEqualTo(validated.get(field));
		}
		assertThat(answer.get("summaries")).isEqualTo(described.get("policies"));
		assertThat(answer.get("graph").asString()).isEqualTo(svg);
	}

	@Test
	void checkWhenInvalidShouldAnswer200WithTheErrorsAndNoSummaryOrGraph() {
		JsonNode answer = ok("/api/v1/check", MediaType.APPLICATION_JSON,
				Map.of("policies", "kind: CiliumNetworkPolicy\n", "ciliumVersion", "1.19"));
		assertThat(answer.get("valid").asBoolean()).isFalse();
		assertThat(answer.get("violations").get(0).get("message").asString()).contains("apiVersion is required");
		assertThat(answer.get("summaries").isNull()).isTrue();
		assertThat(answer.get("graph").isNull()).isTrue();
		JsonNode malformed = problem(as(Role.VIEWER).post().uri("/api/v1/check").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[1"), 400);
		assertThat(malformed.get("type").asString()).endsWith("/problems/malformed-json");
	}

	@Test
	void workspaceGraphShouldShowTheWorkspaceNowAndAtAMoment() {
		String ws = "graph-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws, "description", "graph")).exchange().expectStatus().isCreated();
		String before = java.time.Instant.now().minusSeconds(60).toString();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/policies/CiliumNetworkPolicy/default/service-get-public")
			.contentType(YAML).bodyValue(BriefExamples.HTTP).exchange().expectStatus().is2xxSuccessful();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/policies/CiliumNetworkPolicy/default/empire-announce-produce")
			.contentType(YAML).bodyValue(BriefExamples.KAFKA).exchange().expectStatus().is2xxSuccessful();

		JsonNode now = this.json.readTree(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/graph")
			.accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
			.expectBody().returnResult().getResponseBody());
		assertThat(now.get("nodes")).hasSize(4);
		assertThat(now.get("edges")).hasSize(2);
		String svg = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/graph").exchange()
			.expectStatus().isOk().expectHeader().contentTypeCompatibleWith(SVG)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(svg).contains("Workspace " + ws + ": 2 policies; 2 subjects, 2 peers, 2 allow edges and 0 deny edges.");

		JsonNode earlier = this.json.readTree(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/graph?at=" + before)
			.accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
			.expectBody().returnResult().getResponseBody());
		assertThat(earlier.get("nodes")).isEmpty();

		JsonNode missing = problem(as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-" + ws + "/graph"), 404);
		assertThat(missing.get("type").asString()).endsWith("/problems/not-found");
		JsonNode badMoment = problem(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/graph?at=yesterday"), 400);
		assertThat(badMoment.get("detail").asString()).contains("at must be an ISO-8601 instant");
	}

	@Test
	void editorApisShouldNeedASignedInUser() {
		anonymous().post().uri("/api/v1/validate").contentType(YAML).bodyValue(BriefExamples.HTTP).exchange()
			.expectStatus().isUnauthorized();
		anonymous().get().uri("/api/v1/workspaces/any/graph").exchange().expectStatus().isUnauthorized();
	}

}
