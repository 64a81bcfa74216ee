package dev.portcullis.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.FlowTuples;
import dev.portcullis.identity.Role;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/workspaces/{ws}/replay} over the real Hubble exports of the corpus (src/test/resources/flows),
 * uploaded with the flow store's ingest: the counts of a draft that drops one workload's traffic against a plain
 * count of the same lines, the exact shape, determinism, uncertain flows, coverage with lost events and refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayApiIntegrationTests extends IntegrationTest {

	static final List<String> FILES = ReplayFixtures.FILES;

	static final String DENY_DETAILS = ReplayFixtures.DENY_DETAILS;

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	@Autowired
	Simulations simulations;

	@Autowired
	FlowTuples tuples;

	@Autowired
	EnginePool engine;

	String ws;

	final List<JsonNode> corpus = new ArrayList<>();

	@BeforeAll
	void uploadTheCorpus() throws IOException {
		this.ws = "replay-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		StringBuilder all = new StringBuilder();
		for (String file : FILES) {
			try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				all.append(text).append(text.endsWith("\n") ? "" : "\n");
			}
		}
		for (String line : all.toString().split("\n")) {
			if (!line.isBlank()) {
				JsonNode node = this.json.readTree(line);
				if (node.has("flow")) {
					this.corpus.add(node.get("flow"));
				}
			}
		}
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(all.toString()).exchange()
			.expectStatus().isOk();
	}

	@SuppressWarnings("unchecked")
	void conforms(JsonNode body, String schema) {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
		Object value = this.json.treeToValue(body, Object.class);
		assertThat(schemas.errors(value, schemas.ref(schema))).as(body.toString()).isEmpty();
	}

	byte[] replayBytes(Object body, int status) {
		return as(Role.VIEWER).post().uri("/api/v1/workspaces/" + this.ws + "/replay")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
			.expectBody().returnResult().getResponseBody();
	}

	JsonNode replay(Object body, int status) {
		return this.json.readTree(replayBytes(body, status));
	}

	long count(Predicate<JsonNode> flow) {
		return this.corpus.stream().filter(flow).count();
	}

	static boolean toDetails(JsonNode flow) {
		JsonNode destination = flow.path("destination");
		boolean details = false;
		for (JsonNode label : destination.path("labels")) {
			details |= label.asString().equals("k8s:app=details");
		}
		return details && "bookinfo".equals(destination.path("namespace").asString(null))
				&& !flow.path("is_reply").asBoolean(false);
	}

	@Test
	void replayWhenDraftDeniesOneWorkloadShouldCountItsFlowsAsNewlyDropped() {
		JsonNode report = replay(Map.of("candidate", Map.of("draft", DENY_DETAILS)), 200);
		long expected = count(ReplayApiIntegrationTests::toDetails);
		assertThat(expected).isGreaterThan(50);
		assertThat(report.get("flows").asLong()).isEqualTo(this.corpus.size());
		assertThat(report.get("changed").get("newlyDropped").asLong()).as(report.toString()).isEqualTo(expected);
		assertThat(report.get("changed").get("newlyAllowed").asLong()).isZero();
		assertThat(report.get("changed").get("l7Changed").asLong()).isZero();
		long grouped = 0;
		for (JsonNode group : report.get("groups")) {
			assertThat(group.get("change").asString()).isEqualTo("newlyDropped");
			assertThat(group.get("destination").asString()).isEqualTo("bookinfo/details-v1");
			assertThat(group.get("baseline").get("verdict").asString()).isEqualTo("FORWARDED");
			assertThat(group.get("candidate").get("verdict").asString()).isEqualTo("DROPPED");
			assertThat(group.get("candidate").get("dropReason").asString()).isEqualTo("POLICY_DENY");
			assertThat(group.get("candidate").get("rules").get(0).get("policy").asString())
				.isEqualTo("CiliumNetworkPolicy/bookinfo/lock-details");
			assertThat(group.get("candidate").get("rules").get(0).get("rule").asString()).startsWith("spec.ingressDeny[0]");
			assertThat(group.get("sample").get("flow").get("destination").get("namespace").asString()).isEqualTo("bookinfo");
			grouped += group.get("flows").asLong();
		}
		assertThat(grouped).isEqualTo(expected);
		assertThat(report.get("distinct").asLong()).isBetween(1L, (long) this.corpus.size());
		assertThat(report.get("candidate").get("draft").get(0).asString())
			.isEqualTo("CiliumNetworkPolicy/bookinfo/lock-details");
		assertThat(report.get("timeline")).hasSize(FlowTuples.BUCKETS);
		long timeline = 0;
		for (JsonNode slice : report.get("timeline")) {
			timeline += slice.get("newlyDropped").asLong();
		}
		assertThat(timeline).isEqualTo(expected);
	}

	@Test
	void replayShouldHaveTheIssuesShapeAndStableMembers() {
		JsonNode report = replay(Map.of("flows", Map.of("namespace", "bookinfo"), "baseline", Map.of(),
				"candidate", Map.of("draft", DENY_DETAILS)), 200);
		List<String> names = new ArrayList<>();
		report.propertyNames().forEach(names::add);
		assertThat(names).containsExactly("flows", "distinct", "uncertain", "coverage", "changed", "groups",
				"uncertainReasons", "timeline", "baseline", "candidate", "sources");
		List<String> changed = new ArrayList<>();
		report.get("changed").propertyNames().forEach(changed::add);
		assertThat(changed).containsExactly("newlyDropped", "newlyAllowed", "l7Changed");
		List<String> group = new ArrayList<>();
		report.get("groups").get(0).propertyNames().forEach(group::add);
		assertThat(group).containsSubsequence("change", "source", "destination", "port", "protocol", "flows",
				"distinct", "firstSeen", "lastSeen", "sample", "baseline", "candidate");
		conforms(report, "ReplayReport");
		List<String> coverage = new ArrayList<>();
		report.get("coverage").propertyNames().forEach(coverage::add);
		assertThat(coverage).containsExactly("storedFlows", "lostEvents", "decidable", "first", "last");
		long inBookinfo = count((f) -> "bookinfo".equals(f.path("source").path("namespace").asString(null))
				|| "bookinfo".equals(f.path("destination").path("namespace").asString(null)));
		assertThat(report.get("flows").asLong()).isEqualTo(inBookinfo);
	}

	@Test
	void replayOfAnOpenChangeRequestShouldDecideTheStateItWouldLeaveAndRefuseClosedOnes() {
		JsonNode proposed = this.json.readTree(as(Role.AUTHOR).post()
			.uri("/api/v1/workspaces/" + this.ws + "/change-requests").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Lock details", "description", "why", "changes", DENY_DETAILS, "deletes",
					List.of()))
			.exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody());
		long id = proposed.get("id").asLong();
		Map<String, Object> latest = Map.of("latest", true);
		JsonNode change = replay(Map.of("baseline", latest, "candidate", Map.of("changeRequest", id)), 200);
		JsonNode draft = replay(Map.of("baseline", latest, "candidate", Map.of("draft", DENY_DETAILS)), 200);
		assertThat(change.get("changed")).isEqualTo(draft.get("changed"));
		assertThat(change.get("groups")).isEqualTo(draft.get("groups"));
		assertThat(change.at("/changed/newlyDropped").asLong()).isPositive();
		assertThat(change.at("/sources/candidate/kind").asString()).isEqualTo("changeRequest");
		assertThat(change.at("/sources/candidate/description").asString())
			.isEqualTo("change request " + id + ", revision 1: Lock details");
		assertThat(change.at("/sources/baseline/description").asString()).isEqualTo("latest versions");
		conforms(change, "ReplayReport");

		assertThat(replay(Map.of("candidate", Map.of("changeRequest", 999_999_999)), 404).get("detail").asString())
			.contains("no change request 999999999");
		assertThat(replay(Map.of("candidate", Map.of("changeRequest", "seven")), 400).toString())
			.contains("candidate.changeRequest");
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + this.ws + "/change-requests/" + id + "/withdraw").exchange()
			.expectStatus().isOk();
		JsonNode closed = replay(Map.of("candidate", Map.of("changeRequest", id)), 422);
		assertThat(closed.get("type").asString()).endsWith("/problems/change-request-closed");
	}

	@Test
	void replayingTheSameWindowTwiceShouldGiveByteIdenticalJson() {
		Map<String, Object> body = Map.of("flows", Map.of("until", "2030-01-01T00:00:00Z"), "candidate",
				Map.of("draft", DENY_DETAILS));
		byte[] first = replayBytes(body, 200);
		byte[] second = replayBytes(body, 200);
		assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(new String(first, StandardCharsets.UTF_8));
	}

	@Test
	void replayWhenL7RuleMeetsFlowsWithoutL7VisibilityShouldCountThemUncertain() {
		String draft = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: details-http
				  namespace: bookinfo
				spec:
				  endpointSelector:
				    matchLabels:
				      app: details
				  ingress:
				  - toPorts:
				    - ports:
				      - port: "9080"
				        protocol: TCP
				      rules:
				        http:
				        - method: GET
				""";
		JsonNode report = replay(Map.of("candidate", Map.of("draft", draft)), 200);
		assertThat(report.get("uncertain").asLong()).as(report.toString()).isPositive();
		List<String> reasons = new ArrayList<>();
		report.get("uncertainReasons").forEach((r) -> reasons.add(r.get("reason").asString()));
		assertThat(reasons).contains(Impact.NO_L7_VISIBILITY);
		conforms(report, "ReplayReport");
		double decidable = report.get("coverage").get("decidable").asDouble();
		assertThat(decidable).isLessThan(1.0).isGreaterThan(0.0);
		long flows = report.get("flows").asLong();
		assertThat(decidable).isEqualTo(Math.floor((flows - report.get("uncertain").asLong()) * 10000.0 / flows) / 10000.0);
		for (JsonNode group : report.get("groups")) {
			assertThat(group.get("destination").asString()).isEqualTo("bookinfo/details-v1");
		}
	}

	@Test
	void replayWhenAPolicyMatchesHttpHeadersShouldCountGroupsOfSeveralHttpFlowsUncertain() {
		String draft = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: details-http-header
				  namespace: bookinfo
				spec:
				  endpointSelector:
				    matchLabels:
				      app: details
				  ingress:
				  - toPorts:
				    - ports:
				      - port: "9080"
				        protocol: TCP
				      rules:
				        http:
				        - method: GET
				          headers: ["X-Canary: 1"]
				""";
		JsonNode report = replay(Map.of("candidate", Map.of("draft", draft)), 200);
		List<String> reasons = new ArrayList<>();
		report.get("uncertainReasons").forEach((r) -> reasons.add(r.get("reason").asString()));
		assertThat(reasons).as(report.toString()).contains(Impact.HEADERS_NOT_GROUPED);
	}

	@Test
	void replayShouldCountLostEventsOfTheWindow() {
		String lostWs = "replay-lost-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", lostWs)).exchange().expectStatus().isCreated();
		String lines = this.corpus.subList(0, 20).stream().map((f) -> "{\"flow\":" + f + "}").reduce("",
				(a, b) -> a + b + "\n");
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + lostWs + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(lines).exchange()
			.expectStatus().isOk();
		String time = this.corpus.get(0).get("time").asString();
		this.db.sql("INSERT INTO flow_lost_event (workspace_id, node_name, minute, source, count)"
				+ " SELECT id, 'n1', date_trunc('minute', CAST(:t AS timestamptz)), 'PERF_EVENT_RING_BUFFER', 42"
				+ " FROM workspace WHERE name = :ws")
			.bind("t", java.time.OffsetDateTime.parse(time)).bind("ws", lostWs).then().block();
		JsonNode report = this.json.readTree(as(Role.VIEWER).post().uri("/api/v1/workspaces/" + lostWs + "/replay")
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange().expectStatus().isOk()
			.expectBody().returnResult().getResponseBody());
		assertThat(report.get("coverage").get("lostEvents").asLong()).as(report.toString()).isEqualTo(42);
		assertThat(report.get("coverage").get("storedFlows").asLong()).isEqualTo(20);
		assertThat(report.get("groups")).isEmpty();
	}

	@Test
	void replayOfAnEmptyWindowShouldSaySo() {
		JsonNode report = replay(Map.of("flows", Map.of("until", "2000-01-01T00:00:00Z")), 200);
		assertThat(report.get("flows").asLong()).isZero();
		assertThat(report.get("note").asString()).contains("No stored flow");
		assertThat(report.get("coverage").get("decidable").asDouble()).isEqualTo(1.0);
		assertThat(report.get("timeline")).isEmpty();
	}

	@Test
	void replayWhenDraftHasErrorsShouldRefuseWithLineAndColumn() {
		String broken = DENY_DETAILS.replace("- all", "- everything");
		JsonNode problem = replay(Map.of("candidate", Map.of("draft", broken)), 400);
		assertThat(problem.get("type").asString()).endsWith("/problems/invalid-policies");
		List<String> where = new ArrayList<>();
		problem.get("violations").forEach((v) -> where.add(v.get("line").asInt() + ":" + v.get("column").asInt()));
		assertThat(where).as(problem.toString()).anySatisfy((w) -> assertThat(w).startsWith("12:"));
	}

	@Test
	void replayWhenRequestIsBadShouldNameEachMember() {
		JsonNode problem = replay(Map.of("flows", Map.of("verdict", "MAYBE", "limit", "5"), "candidate",
				Map.of("at", "yesterday"), "extra", 1), 400);
		List<String> paths = new ArrayList<>();
		problem.get("violations").forEach((v) -> paths.add(v.get("path").asString()));
		assertThat(paths).contains("extra", "flows.limit", "candidate.at");
	}

	@Test
	void replayOfAnUnknownWorkspaceShouldAnswer404() {
		as(Role.VIEWER).post().uri("/api/v1/workspaces/no-such-ws/replay").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of()).exchange().expectStatus().isNotFound();
	}

	@Test
	void replayOfMoreFlowsThanTheLimitShouldAskForANarrowerWindow() {
		Replays limited = new Replays(this.simulations, this.tuples, this.engine, new ReplaySettings(100), List.of());
		StepVerifier.create(limited.replay(this.ws, new ReplayRequest(FlowFilter.ALL, StateChoice.LATEST,
				StateChoice.draft(DENY_DETAILS))))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ApiProblem.class);
				ApiProblem problem = (ApiProblem) ex;
				assertThat(problem.slug()).isEqualTo("too-many-flows");
				assertThat(problem.getMessage()).contains("limit of 100").contains(String.format("%,d", ReplayApiIntegrationTests.this.corpus.size()));
				assertThat(problem.status().value()).isEqualTo(422);
			})
			.verify();
	}


	@Test
	void ruleHitsShouldCountEachRulesFlowsAndMarkTheRuleThatMatchedNothing() {
		String hitsWs = "hits-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", hitsWs)).exchange().expectStatus().isCreated();
		String lines = this.corpus.stream().map((f) -> "{\"flow\":" + f + "}").reduce(new StringBuilder(),
				(a, b) -> a.append(b).append('\n'), StringBuilder::append).toString();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + hitsWs + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(lines).exchange()
			.expectStatus().isOk();
		String policy = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: details-in
				  namespace: bookinfo
				spec:
				  endpointSelector:
				    matchLabels:
				      app: details
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        app: productpage
				        io.cilium.k8s.policy.cluster: kind-kind
				  - fromEndpoints:
				    - matchLabels:
				        app: nothing-like-this
				""";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + hitsWs + "/import")
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(policy).exchange().expectStatus().isOk();
		JsonNode hits = this.json.readTree(as(Role.VIEWER).get()
			.uri("/api/v1/workspaces/" + hitsWs + "/policies/CiliumNetworkPolicy/bookinfo/details-in/hits?until={u}",
					"2030-01-01T00:00:00Z")
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
		long fromProductpage = count((f) -> toDetails(f) && labels(f.path("source")).contains("k8s:app=productpage"));
		assertThat(fromProductpage).isPositive();
		JsonNode first = hits.get("rules").get(0);
		assertThat(first.get("path").asString()).isEqualTo("spec.ingress[0]");
		assertThat(first.get("line").asInt()).isEqualTo(11);
		assertThat(first.get("flows").asLong()).as(hits.toString()).isEqualTo(fromProductpage);
		assertThat(first.get("forwarded").asLong()).isEqualTo(fromProductpage);
		assertThat(first.get("unused").asBoolean()).isFalse();
		JsonNode second = hits.get("rules").get(1);
		assertThat(second.get("path").asString()).isEqualTo("spec.ingress[1]");
		assertThat(second.get("line").asInt()).isEqualTo(15);
		assertThat(second.get("flows").asLong()).isZero();
		assertThat(second.get("unused").asBoolean()).isTrue();
		conforms(hits, "RuleHits");
		as(Role.VIEWER).get().uri("/api/v1/workspaces/" + hitsWs + "/policies/CiliumNetworkPolicy/bookinfo/nope/hits")
			.exchange().expectStatus().isNotFound();
		as(Role.VIEWER).get()
			.uri("/api/v1/workspaces/" + hitsWs + "/policies/CiliumNetworkPolicy/bookinfo/details-in/hits?since=soon")
			.exchange().expectStatus().isBadRequest();
	}

	static List<String> labels(JsonNode endpoint) {
		List<String> labels = new ArrayList<>();
		endpoint.path("labels").forEach((l) -> labels.add(l.asString()));
		return labels;
	}

}
