package dev.portcullis.simulation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulation API against a workspace, as a pipeline and the what-if page call it. */
class SimulationApiIntegrationTests extends IntegrationTest {

	private static final AtomicInteger WORKSPACES = new AtomicInteger();

	static final String POLICIES = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: backend-from-frontend, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {role: backend}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {role: frontend}}]
			    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: api-get-only, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {app: api}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: web}}]
			    toPorts:
			    - ports: [{port: "8080", protocol: TCP}]
			      rules:
			        http: [{method: GET, path: /public/.*}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: grpc-get, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {app: orders}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: web}}]
			    toPorts:
			    - ports: [{port: "50051", protocol: TCP}]
			      rules:
			        http: [{method: POST, path: /pkg.Orders/Get}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: kafka-produce-orders, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {app: kafka}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: web}}]
			    toPorts:
			    - ports: [{port: "9092", protocol: TCP}]
			      rules:
			        kafka: [{role: produce, topic: orders}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: web-dns, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {app: web}}
			  egress:
			  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}}]
			    toPorts:
			    - ports: [{port: "53", protocol: UDP}]
			      rules:
			        dns: [{matchPattern: "*.example.com"}]
			  - toEndpoints: [{}]
			""";

	/** Widens backend-from-frontend to any pod of default. */
	static final String DRAFT = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: backend-from-frontend, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {role: backend}}
			  ingress:
			  - fromEndpoints: [{}]
			    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
			""";

	@Autowired
	JsonMapper json;

	WebTestClient viewer;

	WebTestClient author;

	String workspace;

	OpenApiSchemas schemas;

	@BeforeEach
	@SuppressWarnings("unchecked")
	void workspaceWithPolicies() {
		this.viewer = as(Role.VIEWER);
		this.author = as(Role.AUTHOR);
		this.workspace = "sim-" + WORKSPACES.incrementAndGet() + "-" + (System.nanoTime() % 1_000_000);
		this.author.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.workspace)).exchange().expectStatus().isCreated();
		this.author.post().uri("/api/v1/workspaces/{ws}/import", this.workspace)
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(POLICIES).exchange().expectStatus().isOk();
		String yaml = this.viewer.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		this.schemas = new OpenApiSchemas((Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
	}

	static Map<String, Object> pod(String namespace, String key, String value) {
		return Map.of("pod", Map.of("namespace", namespace, "labels", Map.of(key, value)));
	}

	static Map<String, Object> traffic(Map<String, Object> from, Map<String, Object> to, int port) {
		return Map.of("from", from, "to", to, "port", port);
	}

	JsonNode post(String path, Object body, HttpStatus status) {
		return this.viewer.post().uri("/api/v1/workspaces/{ws}/" + path, this.workspace)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isEqualTo(status)
			.expectBody(JsonNode.class).returnResult().getResponseBody();
	}

	void conforms(JsonNode body, String schema) {
		Object value = this.json.treeToValue(body, Object.class);
		assertThat(this.schemas.errors(value, this.schemas.ref(schema))).as(body.toString()).isEmpty();
	}

	@Test
	void evaluateWithoutPoliciesShouldDecideAgainstTheLatestVersionsAndNameThem() {
		JsonNode response = post("evaluate", Map.of("traffic", List.of(
				traffic(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80),
				traffic(pod("default", "role", "other"), pod("default", "role", "backend"), 80))), HttpStatus.OK);
		conforms(response, "WorkspaceEvaluateResponse");
		assertThat(response.get("traffic").findValuesAsString("verdict")).containsExactly("FORWARDED", "DROPPED");
		assertThat(response.get("traffic").get(1).get("explanation").get("summary").asString()).contains("DROPPED");
		assertThat(response.get("state").get("versions").findValuesAsString("policy"))
			.contains("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(response.get("policies").asInt()).isEqualTo(5);
		assertThat(response.get("state").has("at")).isFalse();
	}

	@Test
	void theFourBriefExamplesShouldGetTheirVerdictAndWhatTheClientReceives() {
		Map<String, Object> web = pod("default", "app", "web");
		JsonNode response = post("evaluate", Map.of("traffic", List.of(
				Map.of("from", web, "to", pod("default", "app", "api"), "port", 8080,
						"http", Map.of("method", "GET", "path", "/public/index.html")),
				Map.of("from", web, "to", pod("default", "app", "api"), "port", 8080,
						"http", Map.of("method", "DELETE", "path", "/public/index.html")),
				Map.of("from", web, "to", pod("default", "app", "orders"), "port", 50051,
						"grpc", Map.of("service", "pkg.Orders", "method", "Get")),
				Map.of("from", web, "to", pod("default", "app", "orders"), "port", 50051,
						"grpc", Map.of("service", "pkg.Orders", "method", "Delete")),
				Map.of("from", web, "to", pod("default", "app", "kafka"), "port", 9092,
						"kafka", Map.of("apiKey", "produce", "topic", "orders")),
				Map.of("from", web, "to", pod("default", "app", "kafka"), "port", 9092,
						"kafka", Map.of("role", "produce", "topic", "payments")),
				Map.of("from", web, "to", pod("kube-system", "k8s-app", "kube-dns"), "dns",
						Map.of("query", "api.example.com")),
				Map.of("from", web, "to", pod("kube-system", "k8s-app", "kube-dns"), "dns",
						Map.of("query", "api.other.org")))), HttpStatus.OK);
		conforms(response, "WorkspaceEvaluateResponse");
		JsonNode results = response.get("traffic");
		assertThat(results.findValuesAsString("verdict")).containsExactly("FORWARDED", "DROPPED", "FORWARDED",
				"DROPPED", "FORWARDED", "DROPPED", "FORWARDED", "DROPPED");
		assertThat(results.get(1).get("l7").get("http_status").asInt()).isEqualTo(403);
		assertThat(results.get(3).get("l7").get("grpc_status").asInt()).isEqualTo(7);
		assertThat(results.get(5).get("l7").get("kafka_error_code").asInt()).isEqualTo(29);
		assertThat(results.get(7).get("l7").get("dns_rcode").asString()).isEqualTo("REFUSED");
		assertThat(results.get(7).get("egress").get("outcome").asString()).isEqualTo("L7_DENIED");
	}

	@Test
	void draftShouldReplaceTheSameNamedPolicyAndCompareShouldMarkWhatChanged() {
		Map<String, Object> other = traffic(pod("default", "role", "other"), pod("default", "role", "backend"), 80);
		Map<String, Object> frontend = traffic(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80);
		JsonNode response = post("evaluate", Map.of("traffic", List.of(other, frontend), "draft", DRAFT,
				"compare", Map.of()), HttpStatus.OK);
		conforms(response, "WorkspaceEvaluateResponse");
		JsonNode results = response.get("traffic");
		assertThat(results.get(0).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(results.get(0).get("compare").get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(results.get(0).get("changed").asBoolean()).isTrue();
		assertThat(results.get(1).get("changed").asBoolean()).isFalse();
		assertThat(response.get("state").get("draft").findValuesAsString("draft")).isEmpty();
		assertThat(response.get("state").get("draft").get(0).asString())
			.isEqualTo("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(response.get("state").get("versions").findValuesAsString("policy"))
			.doesNotContain("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(response.get("compare_state").get("versions").findValuesAsString("policy"))
			.contains("CiliumNetworkPolicy/default/backend-from-frontend");
	}

	@Test
	void hubbleFlowsShouldBeDecidedAgainstTheStateAtAMoment() throws InterruptedException {
		Instant before = Instant.now();
		Thread.sleep(20);
		this.author.post().uri("/api/v1/workspaces/{ws}/import", this.workspace)
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(DRAFT).exchange().expectStatus().isOk();
		Map<String, Object> flow = Map.of(
				"source", Map.of("namespace", "default", "labels", List.of("k8s:role=other")),
				"destination", Map.of("namespace", "default", "labels", List.of("k8s:role=backend")),
				"l4", Map.of("TCP", Map.of("destination_port", 80)));
		JsonNode then = post("evaluate", Map.of("flows", List.of(flow), "at", before.toString(), "compare", Map.of()),
				HttpStatus.OK);
		conforms(then, "WorkspaceEvaluateResponse");
		assertThat(then.get("results").get(0).get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(then.get("results").get(0).get("compare").get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(then.get("results").get(0).get("changed").asBoolean()).isTrue();
		assertThat(then.get("state").get("at").asString()).isEqualTo(before.toString());
		assertThat(then.has("traffic")).isFalse();
	}

	@Test
	void impossibleTrafficShouldBeRefusedNamingEachField() {
		JsonNode problem = post("evaluate", Map.of("traffic", List.of(
				traffic(Map.of("fqdn", "api.example.com"), pod("default", "app", "api"), 80),
				traffic(pod("default", "app", "web"), pod("default", "app", "api"), 70000),
				Map.of("from", pod("default", "app", "web"), "to", pod("default", "app", "api"), "port", 80,
						"protocol", "UDP", "http", Map.of("method", "GET")),
				traffic(Map.of("entity", "moon"), pod("default", "app", "api"), 80))), HttpStatus.BAD_REQUEST);
		conforms(problem, "Problem");
		assertThat(problem.get("type").asString()).endsWith("/problems/invalid-traffic");
		assertThat(problem.get("violations").findValuesAsString("path")).containsExactly("traffic[0].from.fqdn",
				"traffic[1].port", "traffic[2].http", "traffic[3].from.entity");
	}

	@Test
	void invalidDraftShouldBeRefusedWithLineAndColumnAndAnUnknownWorkspaceWith404() {
		JsonNode problem = post("evaluate", Map.of("traffic", List.of(), "draft",
				"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: x, namespace: default}\nspec:\n  endpointSelector: {matchLabels: {a: b}}\n  ingress:\n  - fromEndpoints: 3\n"),
				HttpStatus.BAD_REQUEST);
		assertThat(problem.get("type").asString()).endsWith("/problems/invalid-policies");
		assertThat(problem.get("violations").get(0).get("line").asInt()).isEqualTo(7);
		this.viewer.post().uri("/api/v1/workspaces/nowhere-at-all/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("traffic", List.of())).exchange().expectStatus().isNotFound();
	}

	@Test
	void selectsShouldListSubjectPoliciesAndRulesNamingTheEndpointAsAPeer() {
		JsonNode backend = this.viewer.get().uri("/api/v1/workspaces/{ws}/selects?namespace=default&labels=role=backend",
				this.workspace).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		conforms(backend, "SelectsResponse");
		assertThat(backend.get("ingress").get("selected_by").get(0).asString())
			.isEqualTo("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(backend.get("ingress").get("default_deny").asBoolean()).isTrue();
		assertThat(backend.get("egress").get("default_deny").asBoolean()).isFalse();
		JsonNode frontend = this.viewer.get().uri("/api/v1/workspaces/{ws}/selects?namespace=default&labels=role=frontend",
				this.workspace).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		assertThat(frontend.get("ingress").get("selected_by")).isEmpty();
		assertThat(frontend.get("ingress").get("peer_of").get(0).get("policy").asString())
			.isEqualTo("CiliumNetworkPolicy/default/backend-from-frontend");
		assertThat(frontend.get("ingress").get("peer_of").get(0).get("peer").asString()).isEqualTo("fromEndpoints[0]");
		// app=web is named by three ingress rules and selected by its own egress policy
		JsonNode web = this.viewer.get().uri("/api/v1/workspaces/{ws}/selects?namespace=default&labels=app=web",
				this.workspace).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		assertThat(web.get("ingress").get("peer_of")).hasSize(3);
		assertThat(web.get("egress").get("selected_by").get(0).asString()).isEqualTo("CiliumNetworkPolicy/default/web-dns");
		assertThat(web.get("egress").get("default_deny").asBoolean()).isTrue();
		this.viewer.get().uri("/api/v1/workspaces/{ws}/selects?labels=app=web", this.workspace).exchange()
			.expectStatus().isBadRequest();
	}

	static final String EXPECTATIONS = """
			expectations:
			- name: frontend reaches backend
			  from: {pod: {namespace: default, labels: {role: frontend}}}
			  to: {pod: {namespace: default, labels: {role: backend}}}
			  port: 80
			  expect: allowed
			- name: others do not reach backend
			  from: {namespace: default}
			  to: {pod: {namespace: default, labels: {role: backend}}}
			  port: 80
			  expect: denied
			- name: web may not delete
			  from: {pod: {namespace: default, labels: {app: web}}}
			  to: {pod: {namespace: default, labels: {app: api}}}
			  port: 8080
			  http: {method: DELETE, path: /public/x}
			  expect: allowed
			""";

	@Test
	void expectationsShouldBeVersionedWithETagsRefusedWithLineAndColumnAndRunAgainstAnyState() {
		String base = "/api/v1/workspaces/{ws}/expectations";
		this.viewer.get().uri(base, this.workspace).accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
			.expectHeader().valueEquals("ETag", "\"0\"").expectBody().jsonPath("$.expectations.length()").isEqualTo(0);
		JsonNode refused = this.author.put().uri(base, this.workspace).contentType(MediaType.valueOf("application/yaml"))
			.bodyValue(EXPECTATIONS.replace("port: 8080", "port: 99999").replace("expect: denied", "expect: maybe"))
			.exchange().expectStatus().isBadRequest().expectBody(JsonNode.class).returnResult().getResponseBody();
		conforms(refused, "Problem");
		assertThat(refused.get("type").asString()).endsWith("/problems/invalid-expectations");
		assertThat(refused.get("violations").findValuesAsString("path")).containsExactly("expectations[1].expect",
				"expectations[2].port");
		assertThat(refused.get("violations").get(0).get("line").asInt()).isEqualTo(11);
		assertThat(refused.get("violations").get(1).get("line").asInt()).isEqualTo(15);
		assertThat(refused.get("violations").get(1).get("column").asInt()).isEqualTo(9);
		this.viewer.put().uri(base, this.workspace).contentType(MediaType.valueOf("application/yaml"))
			.bodyValue(EXPECTATIONS).exchange().expectStatus().isForbidden();
		JsonNode saved = this.author.put().uri(base + "?message=first", this.workspace)
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(EXPECTATIONS).exchange()
			.expectStatus().isCreated().expectHeader().valueEquals("ETag", "\"1\"")
			.expectBody(JsonNode.class).returnResult().getResponseBody();
		conforms(saved, "ExpectationsSaved");
		assertThat(saved.get("expectations").asInt()).isEqualTo(3);
		this.author.put().uri(base, this.workspace).contentType(MediaType.valueOf("application/yaml"))
			.bodyValue(EXPECTATIONS).exchange().expectStatus().isEqualTo(HttpStatus.PRECONDITION_REQUIRED);
		this.author.put().uri(base, this.workspace).header("If-Match", "\"0\"")
			.contentType(MediaType.valueOf("application/yaml")).bodyValue(EXPECTATIONS).exchange()
			.expectStatus().isEqualTo(HttpStatus.PRECONDITION_FAILED);
		String yaml = this.viewer.get().uri(base, this.workspace).accept(MediaType.valueOf("application/yaml")).exchange()
			.expectStatus().isOk().expectHeader().valueEquals("ETag", "\"1\"").expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(yaml).isEqualTo(EXPECTATIONS);
		JsonNode document = this.viewer.get().uri(base, this.workspace).accept(MediaType.APPLICATION_JSON).exchange()
			.expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		conforms(document, "ExpectationsDocument");
		// the JSON form is a document PUT takes back
		this.author.put().uri(base, this.workspace).header("If-Match", "\"1\"").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(document).exchange().expectStatus().isOk().expectHeader().valueEquals("ETag", "\"2\"");

		JsonNode run = post("expectations/run", Map.of(), HttpStatus.OK);
		conforms(run, "ExpectationsRun");
		assertThat(run.get("passed").asInt()).isEqualTo(2);
		assertThat(run.get("failed").asInt()).isEqualTo(1);
		assertThat(run.get("expectations_version").asInt()).isEqualTo(2);
		JsonNode failed = run.get("results").get(2);
		assertThat(failed.get("name").asString()).isEqualTo("web may not delete");
		assertThat(failed.get("passed").asBoolean()).isFalse();
		assertThat(failed.get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(failed.get("explanation").get("summary").asString()).isNotBlank();
		JsonNode withDraft = post("expectations/run", Map.of("draft", DRAFT), HttpStatus.OK);
		assertThat(withDraft.get("results").get(1).get("passed").asBoolean()).isFalse();
		// an empty body runs against the latest versions
		this.viewer.post().uri("/api/v1/workspaces/{ws}/expectations/run", this.workspace).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.passed").isEqualTo(2);
		JsonNode audit = as(Role.ADMIN).get().uri("/api/v1/audit?action=expectations.save&workspace=" + this.workspace)
			.exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
		assertThat(audit.get("items").findValuesAsString("outcome")).contains("SUCCESS", "FAILURE");
	}

	@Test
	void matrixShouldDecideEveryCellAndMarkTheCellsADraftFlips() {
		JsonNode matrix = post("matrix", Map.of(
				"rows", List.of(pod("default", "role", "frontend"), pod("default", "role", "other"), Map.of("entity", "world")),
				"columns", List.of(pod("default", "role", "backend")),
				"ports", List.of(Map.of("port", 80), Map.of("port", 443, "protocol", "TCP")),
				"compare", Map.of("draft", DRAFT)), HttpStatus.OK);
		conforms(matrix, "MatrixResponse");
		assertThat(matrix.get("cells")).hasSize(6);
		assertThat(matrix.get("cells").findValuesAsString("verdict")).containsExactly("FORWARDED", "DROPPED", "DROPPED",
				"DROPPED", "DROPPED", "DROPPED");
		assertThat(matrix.get("changed").asInt()).isEqualTo(1);
		JsonNode flipped = matrix.get("cells").get(2);
		assertThat(flipped.get("row").asInt()).isEqualTo(1);
		assertThat(flipped.get("compare").asString()).isEqualTo("FORWARDED");
		assertThat(flipped.get("denied_at").asString()).isEqualTo("INGRESS");
		JsonNode problem = post("matrix", Map.of("rows", List.of(Map.of("fqdn", "a.example.com")),
				"columns", List.of(Map.of("entity", "everything")), "ports", List.of(Map.of("port", 80))),
				HttpStatus.BAD_REQUEST);
		assertThat(problem.get("violations").findValuesAsString("path")).containsExactly("rows[0].fqdn",
				"columns[0].entity");
	}

	@Test
	void suggestionForDeniedTrafficShouldAllowItAsADraft() {
		Map<String, Object> denied = Map.of("from", pod("default", "app", "web"), "to", pod("default", "app", "api"),
				"port", 8080, "http", Map.of("method", "POST", "path", "/orders/1"));
		JsonNode suggestion = post("suggest", Map.of("traffic", denied), HttpStatus.OK);
		conforms(suggestion, "SuggestResponse");
		assertThat(suggestion.get("before").get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(suggestion.get("after").get("verdict").asString()).isEqualTo("FORWARDED");
		String yaml = suggestion.get("yaml").asString();
		assertThat(yaml).contains("kind: CiliumNetworkPolicy", "app: api", "app: web", "'8080'", "POST", "/orders/1");
		JsonNode evaluated = post("evaluate", Map.of("traffic", List.of(denied,
				Map.of("from", pod("default", "app", "web"), "to", pod("default", "app", "api"), "port", 8080,
						"http", Map.of("method", "POST", "path", "/orders/2"))), "draft", yaml), HttpStatus.OK);
		assertThat(evaluated.get("traffic").findValuesAsString("verdict")).containsExactly("FORWARDED", "DROPPED");
		JsonNode nothing = post("suggest", Map.of("traffic",
				traffic(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80)), HttpStatus.OK);
		assertThat(nothing.get("yaml").asString()).isEmpty();
		assertThat(nothing.has("after")).isFalse();
	}

}
