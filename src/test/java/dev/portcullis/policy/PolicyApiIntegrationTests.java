package dev.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.IntegrationTest;
import dev.portcullis.web.ApiLimits;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.portcullis.policy.PolicyFixtures.cnp;
import static org.assertj.core.api.Assertions.assertThat;

/** The policy REST API as an automation client uses it: save, read, ETags, history, diff, delete and restore. */
class PolicyApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@Autowired
	JsonMapper json;

	@Autowired
	org.springframework.r2dbc.core.DatabaseClient db;

	@LocalServerPort
	int port;

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

	/** A plain reactive client, for truly concurrent requests, signed in as an author (HTTP Basic). */
	WebClient author() {
		as(Role.AUTHOR).get().uri("/api/v1/workspaces").exchange().expectStatus().isOk();
		return WebClient.builder().baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBasicAuth(username(Role.AUTHOR), PASSWORD))
			.build();
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

	/** RFC 9110: If-Match compares strongly, so a weak tag never matches, even the current version's. */
	@Test
	void changesWithAWeakIfMatchShouldFailWith412AndTheCurrentVersion() {
		String policy = "/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web";
		put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null).expectStatus().isCreated();
		JsonNode save = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 81), "W/\"1\"")
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED)
			.expectHeader().valueEquals("ETag", "\"1\""));
		assertThat(save.get("type").asString()).isEqualTo("/problems/version-conflict");
		assertThat(save.get("current").get("version").asInt()).isEqualTo(1);
		assertThat(save.get("detail").asString()).contains("weak");
		as(Role.AUTHOR).delete().uri(policy).header("If-Match", "W/\"1\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED).expectHeader().valueEquals("ETag", "\"1\"");
		as(Role.AUTHOR).post().uri(policy + "/restore?version=1").header("If-Match", "W/\"1\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED).expectHeader().valueEquals("ETag", "\"1\"");
		put("CiliumNetworkPolicy/default/absent", cnp("default", "absent", "web", 80), "W/\"1\"")
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED);
		JsonNode history = body(as(Role.VIEWER).get().uri(policy + "/versions").exchange().expectStatus().isOk());
		assertThat(history.get("items")).hasSize(1);
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
		as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/prod/api")
			.header("If-None-Match", "\"1\"").exchange().expectStatus().isNotModified();
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


	@Test
	void writersRacingOnOnePolicyShouldGiveExactlyOneWinnerAndLoseNothing() {
		put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null).expectStatus().isCreated();
		WebClient web = author();
		int writers = 8;
		AtomicInteger ok = new AtomicInteger();
		AtomicInteger conflicts = new AtomicInteger();
		List<Integer> statuses = Flux.range(0, writers)
			.flatMap((i) -> web.put().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web")
				.contentType(YAML).header("If-Match", "\"1\"")
				.bodyValue(cnp("default", "web", "web", 1000 + i))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), writers)
			.collectList()
			.block(Duration.ofSeconds(30));
		statuses.forEach((status) -> (status == 200 ? ok : conflicts).incrementAndGet());
		assertThat(ok.get()).isEqualTo(1);
		assertThat(conflicts.get()).isEqualTo(writers - 1);
		assertThat(statuses).containsOnly(200, 412);
		JsonNode history = body(as(Role.VIEWER).get()
			.uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web/versions").exchange()
			.expectStatus().isOk());
		assertThat(history.get("items")).hasSize(2);
	}

	@Test
	void creatorsRacingOnOneNewPolicyShouldGiveExactlyOneWinner() {
		WebClient web = author();
		int writers = 6;
		List<Integer> statuses = Flux.range(0, writers)
			.flatMap((i) -> web.put().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/new")
				.contentType(YAML).header("If-None-Match", "*")
				.bodyValue(cnp("default", "new", "new", 1000 + i))
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())), writers)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(statuses).as("every status: %s", statuses).filteredOn((s) -> s == 201).hasSize(1);
		assertThat(statuses).as("every status: %s", statuses).filteredOn((s) -> s == 412).hasSize(writers - 1);
	}

	@Test
	void importsRacingWithSavesShouldNeverFailHalfway() {
		WebClient web = author();
		for (int round = 0; round < 5; round++) {
			String name = "race-" + round;
			String bundle = cnp("default", name, name, 80) + "---\n" + cnp("default", name + "-b", name, 81);
			List<Integer> statuses = Flux.merge(
					web.post().uri("/api/v1/workspaces/" + this.ws + "/import").contentType(YAML).bodyValue(bundle)
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					web.put().uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/" + name)
						.contentType(YAML).bodyValue(cnp("default", name, name, 90))
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())))
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(statuses).allSatisfy((status) -> assertThat(status).isIn(200, 201, 409, 412, 428));
			JsonNode history = body(as(Role.VIEWER).get()
				.uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/" + name + "/versions")
				.exchange().expectStatus().isOk());
			// whoever won, every write that was accepted is a version, and the bundle is all there or not at all
			assertThat(history.get("items").size()).isBetween(1, 2);
			int bundleSecond = as(Role.VIEWER).get()
				.uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/" + name + "-b")
				.exchange().returnResult(String.class).getStatus().value();
			assertThat(bundleSecond == 200).isEqualTo(statuses.contains(200));
		}
	}

	@Test
	void badInputShouldGetClearProblems() {
		String policy = "/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web";
		JsonNode notYaml = body(put("CiliumNetworkPolicy/default/web", "apiVersion: [x\n  kind: {", null)
			.expectStatus().isBadRequest());
		assertThat(notYaml.get("type").asString()).isEqualTo("/problems/invalid-policy");
		assertThat(notYaml.get("violations").get(0).get("line").asInt()).isPositive();
		JsonNode unknownKind = body(put("CiliumNetworkPolicy/default/web",
				"apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\n", null).expectStatus().isBadRequest());
		assertThat(unknownKind.get("violations").get(0).get("message").asString()).contains("Pod");
		as(Role.AUTHOR).put().uri(policy).contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue(cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode otherKey = body(put("CiliumNetworkPolicy/default/web", cnp("default", "api", "api", 80), null)
			.expectStatus().isBadRequest());
		assertThat(otherKey.get("detail").asString()).contains("CiliumNetworkPolicy/default/api");
		JsonNode badKind = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/Pod/default/web")
			.exchange().expectStatus().isBadRequest());
		assertThat(badKind.get("type").asString()).isEqualTo("/problems/invalid-policy-address");
		body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies/ccnp/default/web").exchange()
			.expectStatus().isBadRequest());
		put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null).expectStatus().isCreated();
		JsonNode badEtag = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 81), "yesterday")
			.expectStatus().isBadRequest());
		assertThat(badEtag.get("type").asString()).isEqualTo("/problems/invalid-precondition");
		as(Role.AUTHOR).delete().uri(policy).exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED)
			.expectHeader().valueEquals("ETag", "\"1\"");
		as(Role.AUTHOR).delete().uri(policy).header("If-Match", "\"5\"").exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED);
		as(Role.AUTHOR).put().uri(policy).contentType(YAML).header("If-None-Match", "*")
			.bodyValue(cnp("default", "web", "web", 81)).exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED);
		as(Role.VIEWER).get().uri(policy + "/versions/9").exchange().expectStatus().isNotFound();
		as(Role.VIEWER).get().uri(policy + "/diff?from=1").exchange().expectStatus().isBadRequest();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?at=yesterday").exchange()
			.expectStatus().isBadRequest();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies?limit=100000").exchange()
			.expectStatus().isBadRequest();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/nothing-here/policies").exchange().expectStatus().isNotFound();
		// nothing of the above wrote anything
		JsonNode history = body(as(Role.VIEWER).get().uri(policy + "/versions").exchange().expectStatus().isOk());
		assertThat(history.get("items")).hasSize(1);
	}

	@Test
	void bodiesOverTheLimitShouldBeRefusedWith413() {
		// just over the limit: the server answers 413 and closes once the limit is passed, and a client still sending
		// a whole extra MiB could see the connection closed before it reads the answer
		String huge = "# " + "x".repeat(ApiLimits.MAX_BODY_BYTES + 64 * 1024) + "\n";
		JsonNode problem = body(as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/import").contentType(YAML)
			.bodyValue(huge).exchange().expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
		assertThat(problem.get("type").asString()).isEqualTo("/problems/body-too-large");
		String bigPolicy = cnp("default", "web", "web", 80) + "# " + "x".repeat(3 * 1024 * 1024) + "\n";
		JsonNode tooBig = body(put("CiliumNetworkPolicy/default/web", bigPolicy, null)
			.expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE));
		assertThat(tooBig.get("type").asString()).isEqualTo("/problems/policy-too-large");
		JsonNode policies = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies").exchange()
			.expectStatus().isOk());
		assertThat(policies.get("items")).isEmpty();
	}

	@Test
	void importRefusalShouldCarryTheReportAndEveryViolation() {
		String bundle = cnp("default", "ok", "ok", 80) + "---\n" + cnp("default", "bad", "bad", 80)
			.replace("protocol: TCP", "protocol: XYZ");
		JsonNode problem = body(as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/import?message=m")
			.contentType(YAML).bodyValue(bundle).exchange().expectStatus().isBadRequest());
		assertThat(problem.get("type").asString()).isEqualTo("/problems/import-refused");
		assertThat(problem.get("report").get("rows").get(1).get("outcome").asString()).isEqualTo("INVALID");
		assertThat(problem.get("violations").get(0).get("document").asInt()).isEqualTo(1);
		assertThat(problem.get("violations").get(0).get("path").asString())
			.isEqualTo("spec.ingress[0].toPorts[0].ports[0].protocol");
		JsonNode policies = body(as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/policies").exchange()
			.expectStatus().isOk());
		assertThat(policies.get("items")).isEmpty();
	}

	@Test
	void plainTextBodiesShouldBeReadAsYaml() {
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + this.ws + "/policies/cnp/default/web")
			.contentType(MediaType.TEXT_PLAIN).bodyValue(cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isCreated();
		JsonNode report = body(as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/import")
			.contentType(MediaType.TEXT_PLAIN).bodyValue(cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isOk());
		assertThat(report.get("rows").get(0).get("outcome").asString()).isEqualTo("UNCHANGED");
	}

	@Test
	void exportShouldBeYamlForKubectlAndStable() {
		put("cnp/default/web", cnp("default", "web", "web", 80), null).expectStatus().isCreated();
		put("ccnp/_/all", PolicyFixtures.ccnp("all"), null).expectStatus().isCreated();
		String first = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/export").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(YAML)
			.expectBody(String.class).returnResult().getResponseBody();
		String second = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/export").exchange()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(second).isEqualTo(first);
		assertThat(first).contains("kind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: all\nspec:");
		JsonNode cluster = body(as(Role.VIEWER).get()
			.uri("/api/v1/workspaces/" + this.ws + "/policies/CiliumClusterwideNetworkPolicy/_/all").exchange()
			.expectStatus().isOk());
		assertThat(cluster.get("namespace").asString()).isEmpty();
	}


	@Test
	void viewersWriteShouldBeRefusedWith403AuditedAndChangeNothing() {
		String policy = "/api/v1/workspaces/" + this.ws + "/policies/CiliumNetworkPolicy/default/web";
		as(Role.VIEWER).put().uri(policy).contentType(YAML).bodyValue(cnp("default", "web", "web", 80)).exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/import").contentType(YAML)
			.bodyValue(cnp("default", "web", "web", 80)).exchange().expectStatus().isForbidden();
		anonymous().get().uri(policy).exchange().expectStatus().isUnauthorized();
		as(Role.VIEWER).get().uri(policy).exchange().expectStatus().isNotFound();
		Long denied = this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.denied' AND target = :target "
				+ "AND actor = :actor").bind("target", "PUT " + policy).bind("actor", username(Role.VIEWER))
			.map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
		assertThat(denied).isEqualTo(1);
	}

	@Test
	void versionsShouldRecordTheAuthenticatedAuthor() {
		JsonNode saved = body(put("CiliumNetworkPolicy/default/web", cnp("default", "web", "web", 80), null)
			.expectStatus().isCreated());
		assertThat(saved.get("policy").get("author").asString()).isEqualTo(username(Role.AUTHOR));
		Long audited = this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'policy.save' AND workspace = :ws "
				+ "AND actor = :actor AND remote_address IS NOT NULL").bind("ws", this.ws).bind("actor", username(Role.AUTHOR))
			.map((row) -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
		assertThat(audited).isEqualTo(1);
	}

}
