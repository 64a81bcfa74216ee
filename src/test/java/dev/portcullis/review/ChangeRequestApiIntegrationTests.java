package dev.portcullis.review;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change requests through the API with several users: an author proposes, reviewers approve or request changes, the
 * rules of a protected workspace decide whether a merge may go ahead, and a merge writes every policy in one go.
 */
class ChangeRequestApiIntegrationTests extends IntegrationTest {

	static final MediaType YAML = MediaType.valueOf("application/yaml");

	static final String SECOND_REVIEWER = "review-second";

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	@LocalServerPort
	int port;

	WebTestClient author;

	WebTestClient reviewer;

	WebTestClient secondReviewer;

	WebTestClient admin;

	String ws;

	OpenApiSchemas schemas;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void workspace() {
		this.author = as(Role.AUTHOR);
		this.reviewer = as(Role.REVIEWER);
		this.admin = as(Role.ADMIN);
		createUser(SECOND_REVIEWER, Role.REVIEWER);
		this.secondReviewer = as(SECOND_REVIEWER, PASSWORD);
		this.ws = "review-" + UUID.randomUUID().toString().substring(0, 8);
		this.author.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		this.author.post().uri("/api/v1/workspaces/{ws}/import", this.ws).contentType(YAML)
			.bodyValue(cnp("backend", "backend", 80) + "---\n" + cnp("old", "old", 90)).exchange().expectStatus().isOk();
		String yaml = this.author.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.schemas = new OpenApiSchemas((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
	}

	static String cnp(String name, String role, int port) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: %s
				  namespace: default
				spec:
				  endpointSelector:
				    matchLabels:
				      role: %s
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        role: frontend
				    toPorts:
				    - ports:
				      - port: "%d"
				        protocol: TCP
				""".formatted(name, role, port);
	}

	void conforms(JsonNode body, String schema) {
		Object value = this.json.treeToValue(body, Object.class);
		assertThat(this.schemas.errors(value, this.schemas.ref(schema))).as(body.toString()).isEmpty();
	}

	JsonNode exchange(WebTestClient.ResponseSpec response, HttpStatus status) {
		byte[] body = response.expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
		return this.json.readTree(body);
	}

	void protect(Map<String, Object> rules) {
		JsonNode set = exchange(this.admin.put().uri("/api/v1/workspaces/{ws}/protection", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(rules).exchange(), HttpStatus.OK);
		conforms(set, "Protection");
	}

	static Map<String, Object> rules(int approvals, boolean dismissStale, boolean lastRevision, boolean expectations) {
		return Map.of("protected", true, "requiredApprovals", approvals, "dismissStaleApprovals", dismissStale,
				"requireLastRevisionApproval", lastRevision, "requireExpectations", expectations);
	}

	JsonNode propose(WebTestClient as, String changes, List<Map<String, String>> deletes, HttpStatus status) {
		return exchange(as.post().uri("/api/v1/workspaces/{ws}/change-requests", this.ws)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Open backend to 8080", "description", "why", "changes", changes, "deletes",
					deletes))
			.exchange(), status);
	}

	JsonNode review(WebTestClient as, long id, String decision, HttpStatus status) {
		return exchange(as.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/reviews", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", decision, "body", "looked at it"))
			.exchange(), status);
	}

	JsonNode merge(WebTestClient as, long id, HttpStatus status) {
		return exchange(as.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, id).exchange(),
				status);
	}

	JsonNode get(long id) {
		JsonNode found = exchange(this.author.get().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.exchange(), HttpStatus.OK);
		conforms(found, "ChangeRequest");
		return found;
	}

	static List<Map<String, String>> delete(String name) {
		return List.of(Map.of("kind", "CiliumNetworkPolicy", "namespace", "default", "name", name));
	}

	@Test
	void protectedWorkspaceShouldChangeOnlyByAChangeRequestAnotherUserApprovedForItsLastRevision() {
		protect(rules(1, true, true, false));
		JsonNode refused = exchange(this.author.put()
			.uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/backend", this.ws).header("If-Match", "\"1\"")
			.contentType(YAML).bodyValue(cnp("backend", "backend", 8080)).exchange(), HttpStatus.FORBIDDEN);
		assertThat(refused.get("type").asString()).isEqualTo("/problems/workspace-protected");
		assertThat(refused.get("propose").asString()).isEqualTo("/workspaces/" + this.ws + "/change-requests/new");
		exchange(this.admin.post().uri("/api/v1/workspaces/{ws}/import", this.ws).contentType(YAML)
			.bodyValue(cnp("other", "other", 1)).exchange(), HttpStatus.FORBIDDEN);

		JsonNode opened = propose(this.author, cnp("backend", "backend", 8080) + "---\n" + cnp("new", "new", 443),
				delete("old"), HttpStatus.CREATED);
		conforms(opened, "ChangeRequest");
		long id = opened.get("id").asLong();
		assertThat(opened.get("status").asString()).isEqualTo("OPEN");
		assertThat(opened.get("revision").asInt()).isEqualTo(1);
		assertThat(opened.get("policies").findValuesAsString("action")).containsExactly("CHANGE", "CREATE", "DELETE");
		assertThat(opened.get("policies").get(0).get("baseVersion").asInt()).isEqualTo(1);
		assertThat(opened.get("impact").get("available").asBoolean()).as(opened.get("impact").toString()).isTrue();
		assertThat(opened.get("impact").get("report").get("flows").asLong()).isZero();

		// the author may not review at all; a reviewer may not approve what they proposed
		exchange(this.author.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/reviews", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", "APPROVE")).exchange(),
				HttpStatus.FORBIDDEN);
		long own = propose(this.reviewer, cnp("new", "new", 444), List.of(), HttpStatus.CREATED).get("id").asLong();
		JsonNode self = review(this.reviewer, own, "APPROVE", HttpStatus.FORBIDDEN);
		assertThat(self.get("type").asString()).isEqualTo("/problems/self-approval");

		JsonNode notYet = merge(this.author, id, HttpStatus.CONFLICT);
		assertThat(notYet.get("type").asString()).isEqualTo("/problems/rules-not-met");
		assertThat(notYet.get("detail").asString()).contains("requiredApprovals");

		assertThat(review(this.reviewer, id, "APPROVE", HttpStatus.OK).get("status").asString()).isEqualTo("APPROVED");
		assertThat(get(id).get("mergeable").asBoolean()).isTrue();

		// a revision dismisses the approval
		JsonNode revised = exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.header("If-Match", "\"1\"").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Open backend to 8081", "changes", cnp("backend", "backend", 8081) + "---\n"
					+ cnp("new", "new", 443), "deletes", delete("old")))
			.exchange(), HttpStatus.OK);
		assertThat(revised.get("revision").asInt()).isEqualTo(2);
		assertThat(revised.get("status").asString()).isEqualTo("OPEN");
		assertThat(revised.get("reviews").get(0).get("stale").asBoolean()).isTrue();
		assertThat(revised.get("revisions")).hasSize(2);
		JsonNode stale = merge(this.author, id, HttpStatus.CONFLICT);
		assertThat(stale.get("detail").asString()).contains("requiredApprovals").contains("requireLastRevisionApproval");
		exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.header("If-Match", "\"1\"").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "late", "changes", cnp("backend", "backend", 1))).exchange(),
				HttpStatus.PRECONDITION_FAILED);

		review(this.secondReviewer, id, "APPROVE", HttpStatus.OK);
		JsonNode merged = merge(this.author, id, HttpStatus.OK);
		conforms(merged, "MergeResult");
		assertThat(merged.get("versions").findValuesAsString("name")).containsExactly("backend", "new", "old");
		JsonNode after = get(id);
		assertThat(after.get("status").asString()).isEqualTo("MERGED");
		assertThat(after.get("closedBy").asString()).isEqualTo(username(Role.AUTHOR));
		assertThat(after.get("mergedVersions")).isEqualTo(merged.get("versions"));
		assertThat(opened.get("mergedVersions")).isEmpty();
		List<Long> linked = this.db.sql("SELECT v.change_request_id FROM policy_version v JOIN policy p ON p.id = v.policy_id"
				+ " JOIN workspace w ON w.id = p.workspace_id WHERE w.name = :ws AND v.change_request_id IS NOT NULL")
			.bind("ws", this.ws).map((row) -> row.get(0, Long.class)).all().collectList().block();
		assertThat(linked).hasSize(3).containsOnly(id);
		String backend = this.author.get()
			.uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/backend", this.ws).accept(YAML).exchange()
			.expectStatus().isOk().expectHeader().valueEquals("ETag", "\"2\"").expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(backend).contains("8081");

		JsonNode closed = review(this.secondReviewer, id, "APPROVE", HttpStatus.CONFLICT);
		assertThat(closed.get("type").asString()).isEqualTo("/problems/change-closed");
		merge(this.author, id, HttpStatus.CONFLICT);
		JsonNode mergedList = exchange(this.author.get().uri("/api/v1/workspaces/{ws}/change-requests?status=MERGED",
				this.ws).exchange(), HttpStatus.OK);
		conforms(mergedList, "ChangeRequestList");
		assertThat(mergedList.get("items").findValuesAsString("title")).containsExactly("Open backend to 8081");
		List<String> audited = this.db.sql("SELECT action FROM audit_event WHERE workspace = :ws AND target = :target "
				+ "AND outcome = 'SUCCESS' ORDER BY id").bind("ws", this.ws).bind("target", "change-request/" + id)
			.map((row) -> row.get(0, String.class)).all().collectList().block();
		assertThat(audited).containsExactly("change.proposed", "change.reviewed", "change.approved", "change.revised",
				"change.reviewed", "change.approved", "change.merged");
	}

	@Test
	void impactShouldBeRecomputedWhenTheChangeIsRevisedOrTheWorkspaceMovesUnderIt() throws Exception {
		// the corpus's TCP flows (productpage to reviews on 9080), as if seen an hour ago: inside the last 24 hours
		String recent = java.time.Instant.now().minus(java.time.Duration.ofHours(1)).toString();
		String flows;
		try (java.io.InputStream in = getClass().getResourceAsStream("/flows/basic-sample-400-tcp-flows.json")) {
			flows = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
				.replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"" + recent + "\"");
		}
		this.author.post().uri("/api/v1/workspaces/{ws}/flows", this.ws)
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(flows).exchange()
			.expectStatus().isOk();
		String lockReviews = lock("lock-reviews", "reviews");
		long id = propose(this.author, lockReviews, List.of(), HttpStatus.CREATED).get("id").asLong();
		JsonNode first = get(id).get("impact");
		long dropped = first.at("/report/changed/newlyDropped").asLong();
		assertThat(dropped).as(first.toString()).isPositive();
		assertThat(first.at("/report/sources/baseline/description").asString()).isEqualTo("latest versions");
		assertThat(first.at("/report/sources/candidate/description").asString())
			.isEqualTo("change request " + id + ", revision 1: Open backend to 8080");

		// revised to lock pods no flow reaches: nothing changes any more
		exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "Lock nobody", "changes",
					lock("lock-reviews", "nobody")))
			.exchange(), HttpStatus.OK);
		JsonNode revised = get(id).get("impact");
		assertThat(revised.at("/report/changed/newlyDropped").asLong()).as(revised.toString()).isZero();
		assertThat(revised.at("/report/sources/candidate/description").asString()).contains("revision 2");

		// revised back, then the workspace moves under it: a direct save locks reviews already, so the change
		// drops nothing new
		exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "Lock reviews", "changes", lockReviews))
			.exchange(), HttpStatus.OK);
		assertThat(get(id).at("/impact/report/changed/newlyDropped").asLong()).isEqualTo(dropped);
		this.author.post().uri("/api/v1/workspaces/{ws}/import", this.ws).contentType(YAML)
			.bodyValue(lock("already-locked", "reviews")).exchange().expectStatus().isOk();
		JsonNode moved = get(id).get("impact");
		assertThat(moved.at("/report/changed/newlyDropped").asLong()).as(moved.toString()).isZero();
		assertThat(moved.at("/report/flows").asLong()).isEqualTo(first.at("/report/flows").asLong());
	}

	/** A policy that denies every ingress of {@code app} in bookinfo. */
	static String lock(String name, String app) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: %s
				  namespace: bookinfo
				spec:
				  endpointSelector:
				    matchLabels:
				      app: %s
				  ingressDeny:
				  - fromEntities:
				    - all
				""".formatted(name, app);
	}

	@Test
	void adminWhoRevisedSomeoneElsesChangeShouldNotApproveTheirOwnRevision() {
		protect(rules(1, true, true, false));
		long id = propose(this.author, cnp("backend", "backend", 8080), List.of(), HttpStatus.CREATED).get("id").asLong();
		exchange(this.admin.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Open backend to 8443", "changes", cnp("backend", "backend", 8443))).exchange(),
				HttpStatus.OK);
		JsonNode self = review(this.admin, id, "APPROVE", HttpStatus.FORBIDDEN);
		assertThat(self.get("type").asString()).isEqualTo("/problems/self-approval");
		assertThat(self.get("detail").asString()).contains("revision 2");
		assertThat(merge(this.admin, id, HttpStatus.CONFLICT).get("detail").asString()).contains("requiredApprovals");
		review(this.reviewer, id, "APPROVE", HttpStatus.OK);
		merge(this.admin, id, HttpStatus.OK);
	}

	@Test
	void mergeShouldBeRefusedWhenAPolicyMovedOrWasDeletedSinceTheBaseAndNameThem() {
		long id = propose(this.author, cnp("backend", "backend", 8080), delete("old"), HttpStatus.CREATED).get("id")
			.asLong();
		this.author.put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/backend", this.ws)
			.header("If-Match", "\"1\"").contentType(YAML).bodyValue(cnp("backend", "backend", 9090)).exchange()
			.expectStatus().isOk();
		this.author.delete().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/old", this.ws)
			.header("If-Match", "\"1\"").exchange().expectStatus().isOk();
		JsonNode standing = get(id);
		assertThat(standing.get("mergeable").asBoolean()).isFalse();
		assertThat(standing.get("moved").findValuesAsString("name")).containsExactly("backend", "old");
		JsonNode moved = merge(this.author, id, HttpStatus.CONFLICT);
		assertThat(moved.get("type").asString()).isEqualTo("/problems/base-moved");
		assertThat(moved.get("detail").asString()).contains("CiliumNetworkPolicy/default/backend")
			.contains("CiliumNetworkPolicy/default/old");
		assertThat(moved.get("moved").get(0).get("currentVersion").asInt()).isEqualTo(2);
		assertThat(moved.get("moved").get(1).get("currentDeleted").asBoolean()).isTrue();
		assertThat(get(id).get("status").asString()).isEqualTo("OPEN");
		// nothing half-applied: backend is still the direct save
		this.author.get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/backend", this.ws).exchange()
			.expectStatus().isOk().expectHeader().valueEquals("ETag", "\"2\"");
		// revising re-bases on what is there now; deleting a deleted policy is refused
		JsonNode refused = exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "again", "changes", cnp("backend", "backend", 8080), "deletes", delete("old")))
			.exchange(), HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(refused.get("detail").asString()).contains("deleted already");
		this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "again", "changes", cnp("backend", "backend", 8080))).exchange()
			.expectStatus().isOk();
		merge(this.author, id, HttpStatus.OK);
	}

	@Test
	void failingExpectationShouldBlockTheMergeWhenTheRuleSaysSoAndAnAdminMayBypassWithAReason() {
		this.author.put().uri("/api/v1/workspaces/{ws}/expectations", this.ws).contentType(YAML).bodyValue("""
				expectations:
				- name: frontend reaches backend
				  from: {pod: {namespace: default, labels: {role: frontend}}}
				  to: {pod: {namespace: default, labels: {role: backend}}}
				  port: 80
				  expect: allowed
				""").exchange().expectStatus().isCreated();
		protect(rules(1, true, false, true));
		long id = propose(this.author, cnp("backend", "backend", 8080), List.of(), HttpStatus.CREATED).get("id").asLong();
		review(this.reviewer, id, "APPROVE", HttpStatus.OK);
		JsonNode standing = get(id);
		assertThat(standing.get("expectations").get("failed").asInt()).isEqualTo(1);
		JsonNode refused = merge(this.reviewer, id, HttpStatus.CONFLICT);
		assertThat(refused.get("type").asString()).isEqualTo("/problems/rules-not-met");
		assertThat(refused.get("detail").asString()).contains("requireExpectations").doesNotContain("requiredApprovals");
		// a bypass is the admins', with a reason
		exchange(this.reviewer.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("bypass", true, "reason", "incident"))
			.exchange(), HttpStatus.FORBIDDEN);
		exchange(this.admin.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("bypass", true)).exchange(),
				HttpStatus.UNPROCESSABLE_CONTENT);
		exchange(this.admin.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("bypass", true, "reason", "incident 42"))
			.exchange(), HttpStatus.OK);
		JsonNode merged = get(id);
		assertThat(merged.get("bypassReason").asString()).isEqualTo("incident 42");
		String bypass = this.db.sql("SELECT details->>'reason' FROM audit_event WHERE action = 'change.bypassed' "
				+ "AND workspace = :ws").bind("ws", this.ws).map((row) -> row.get(0, String.class)).one().block();
		assertThat(bypass).isEqualTo("incident 42");
	}

	@Test
	void invalidRevisionShouldBeRefusedWithLineAndColumnAndThePreviousRevisionKept() {
		long id = propose(this.author, cnp("backend", "backend", 8080), List.of(), HttpStatus.CREATED).get("id").asLong();
		JsonNode refused = exchange(this.author.put().uri("/api/v1/workspaces/{ws}/change-requests/{id}", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "broken", "changes", cnp("backend", "backend", 8080).replace("TCP", "TPC")))
			.exchange(), HttpStatus.UNPROCESSABLE_CONTENT);
		conforms(refused, "Problem");
		assertThat(refused.get("type").asString()).isEqualTo("/problems/invalid-change");
		assertThat(refused.get("violations").get(0).get("line").asInt()).isEqualTo(17);
		assertThat(refused.get("violations").get(0).get("column").asInt()).isPositive();
		JsonNode kept = get(id);
		assertThat(kept.get("revision").asInt()).isEqualTo(1);
		assertThat(kept.get("title").asString()).isEqualTo("Open backend to 8080");
		JsonNode syntax = propose(this.author, "kind: [", List.of(), HttpStatus.UNPROCESSABLE_CONTENT);
		assertThat(syntax.get("violations").get(0).get("line").asInt()).isPositive();
		propose(this.author, "", List.of(), HttpStatus.UNPROCESSABLE_CONTENT);
		propose(this.author, cnp("backend", "backend", 1), delete("backend"), HttpStatus.UNPROCESSABLE_CONTENT);
		propose(this.author, "", delete("nothing-here"), HttpStatus.UNPROCESSABLE_CONTENT);
	}

	@Test
	void twoReviewersMergingAtOnceShouldMergeExactlyOnce() {
		protect(rules(1, true, true, false));
		for (int round = 0; round < 3; round++) {
			long id = propose(this.author, cnp("backend", "backend", 1000 + round), List.of(), HttpStatus.CREATED)
				.get("id").asLong();
			review(this.reviewer, id, "APPROVE", HttpStatus.OK);
			List<Integer> statuses = Flux.just(client(username(Role.REVIEWER)), client(SECOND_REVIEWER))
				.flatMap((client) -> client.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, id)
					.exchangeToMono((response) -> Mono.just(response.statusCode().value())))
				.collectList()
				.block();
			assertThat(statuses).containsExactlyInAnyOrder(200, 409);
			Long versions = this.db.sql("SELECT count(*) FROM policy_version WHERE change_request_id = :id").bind("id", id)
				.map((row) -> row.get(0, Long.class)).one().block();
			assertThat(versions).isEqualTo(1);
		}
	}

	WebClient client(String username) {
		return WebClient.builder().baseUrl("http://localhost:" + this.port)
			.defaultHeaders((headers) -> headers.setBasicAuth(username, PASSWORD))
			.build();
	}

	@Test
	void commentsShouldThreadOnTheChangeOrALineAndResolve() {
		long id = propose(this.author, cnp("backend", "backend", 8080), List.of(), HttpStatus.CREATED).get("id").asLong();
		JsonNode first = exchange(this.reviewer.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/comments",
				this.ws, id).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("body", "why 8080?", "policy", "CiliumNetworkPolicy/default/backend", "line", 16))
			.exchange(), HttpStatus.CREATED);
		conforms(first, "ChangeComment");
		long thread = first.get("id").asLong();
		exchange(this.author.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/comments", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("body", "the new port", "parentId", thread))
			.exchange(), HttpStatus.CREATED);
		JsonNode resolved = exchange(this.author.post()
			.uri("/api/v1/workspaces/{ws}/change-requests/{id}/comments/{c}/resolve", this.ws, id, thread).exchange(),
				HttpStatus.OK);
		assertThat(resolved.get("resolved").asBoolean()).isTrue();
		JsonNode all = exchange(this.author.get().uri("/api/v1/workspaces/{ws}/change-requests/{id}/comments", this.ws,
				id).exchange(), HttpStatus.OK);
		conforms(all, "ChangeCommentList");
		List<Long> parents = new ArrayList<>();
		all.get("items").forEach((c) -> parents.add(c.get("parentId").isNull() ? 0L : c.get("parentId").asLong()));
		assertThat(parents).containsExactly(0L, thread);
		exchange(this.author.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/withdraw", this.ws, id).exchange(),
				HttpStatus.OK);
		assertThat(get(id).get("status").asString()).isEqualTo("WITHDRAWN");
		exchange(this.author.post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/comments", this.ws, id)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("body", "late")).exchange(), HttpStatus.CONFLICT);
	}

}
