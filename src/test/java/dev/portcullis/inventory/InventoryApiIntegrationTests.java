package dev.portcullis.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT/GET /api/v1/workspaces/{ws}/inventory} with real PostgreSQL: versions, moments, refusals, roles, audit. */
class InventoryApiIntegrationTests extends IntegrationTest {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	static final String KUBECTL = """
			apiVersion: v1
			kind: List
			items:
			- apiVersion: v1
			  kind: Service
			  metadata: {name: cart, namespace: shop, uid: 1f, resourceVersion: "42", labels: {tier: backend}}
			  spec:
			    selector: {app: cart}
			    clusterIP: 10.96.0.10
			    ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
			  status: {loadBalancer: {}}
			- {apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: web}}}
			- apiVersion: v1
			  kind: Pod
			  metadata: {name: cart-1, namespace: shop, labels: {app: cart}}
			  spec: {containers: [{name: c, image: cart:1, ports: [{name: http, containerPort: 8080}]}]}
			  status: {podIP: 10.0.1.5}
			- {apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, namespace: shop}, data: {a: b}}
			""";

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	String ws;

	String uri;

	@BeforeEach
	void createWorkspace() {
		this.ws = "inv-" + UUID.randomUUID().toString().substring(0, 8);
		this.uri = "/api/v1/workspaces/" + this.ws + "/inventory";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
	}

	JsonNode put(WebTestClient client, MediaType type, String body, int status) {
		byte[] answer = client.put().uri(this.uri + "?message=nightly").contentType(type).bodyValue(body).exchange()
			.expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
		return this.json.readTree(answer);
	}

	JsonNode get(String query, int status) {
		byte[] answer = as(Role.VIEWER).get().uri(this.uri + query).exchange().expectStatus().isEqualTo(status)
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(answer);
	}

	@Test
	void importShouldKeepOnlyWhatTheEngineNeedsAndVersionEveryImport() {
		JsonNode first = put(as(Role.AUTHOR), YAML, KUBECTL, 200);
		assertThat(first.get("version").asInt()).isEqualTo(1);
		assertThat(first.get("author").asString()).isEqualTo(username(Role.AUTHOR));
		assertThat(first.get("message").asString()).isEqualTo("nightly");
		assertThat(first.get("counts").get("Service").asInt()).isEqualTo(1);
		assertThat(first.get("counts").get("Pod").asInt()).isEqualTo(1);
		assertThat(first.get("counts").get("Node").asInt()).isZero();
		assertThat(first.get("ignored").get("ConfigMap").asInt()).isEqualTo(1);
		JsonNode service = first.get("inventory").get("services").get(0);
		assertThat(service.get("selector").get("app").asString()).isEqualTo("cart");
		assertThat(service.toString()).doesNotContain("resourceVersion", "uid", "loadBalancer");
		assertThat(first.get("inventory").get("pods").get(0).get("ports").get(0).get("name").asString())
			.isEqualTo("http");
		String stored = this.db.sql("SELECT v.inventory::text AS t FROM inventory_version v JOIN workspace w ON "
				+ "w.id = v.workspace_id WHERE w.name = :ws").bind("ws", this.ws).map((row) -> row.get("t", String.class))
			.one().block(TIMEOUT);
		assertThat(stored).doesNotContain("image", "cart:1", "ConfigMap");

		Instant between = Instant.now();
		String json = """
				{"apiVersion": "v1", "kind": "List", "items": [
				  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
				  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "payments"}}]}
				""";
		JsonNode second = put(as(Role.ADMIN), MediaType.APPLICATION_JSON, json, 200);
		assertThat(second.get("version").asInt()).isEqualTo(2);
		assertThat(second.get("counts").get("Namespace").asInt()).isEqualTo(2);
		assertThat(second.get("counts").get("Service").asInt()).isZero();

		assertThat(get("", 200).get("version").asInt()).isEqualTo(2);
		assertThat(get("?at=" + between, 200).get("version").asInt()).isEqualTo(1);
		assertThat(get("?at=2000-01-01T00:00:00Z", 404).get("type").asString()).endsWith("/no-inventory");
		assertThat(get("?at=yesterday", 400).get("status").asInt()).isEqualTo(400);

		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'inventory.import' AND outcome = 'SUCCESS' "
				+ "AND workspace = :ws")).isEqualTo(2);
	}

	@Test
	void importShouldRefuseTheWholeTextWhenAnyObjectIsWrongAndSayWhere() {
		String broken = KUBECTL.replace("port: 80,", "port: eighty,");
		JsonNode problem = put(as(Role.AUTHOR), YAML, broken, 422);
		assertThat(problem.get("type").asString()).endsWith("/invalid-inventory");
		JsonNode violation = problem.get("violations").get(0);
		assertThat(violation.get("path").asString()).isEqualTo("items[0].spec.ports[0].port");
		assertThat(violation.get("line").asInt()).isEqualTo(10);
		assertThat(violation.get("column").asInt()).isPositive();
		assertThat(violation.get("message").asString()).contains("eighty");
		assertThat(get("", 404).get("type").asString()).endsWith("/no-inventory");
		assertThat(count("SELECT count(*) AS n FROM audit_event WHERE action = 'inventory.import' AND outcome = 'FAILURE' "
				+ "AND workspace = :ws")).isEqualTo(1);

		assertThat(put(as(Role.AUTHOR), YAML, "kind: [", 422).get("violations").get(0).get("line").asInt()).isPositive();
		assertThat(put(as(Role.AUTHOR), YAML, "  ", 400).get("type").asString()).endsWith("/empty-body");
		this.uri = "/api/v1/workspaces/no-such-" + this.ws + "/inventory";
		assertThat(put(as(Role.AUTHOR), YAML, KUBECTL, 404).get("type").asString()).endsWith("/not-found");
		assertThat(get("", 404).get("type").asString()).endsWith("/not-found");
	}

	@Test
	void importShouldNeedTheAuthorRoleAndAuditARefusal() {
		assertThat(put(as(Role.VIEWER), YAML, KUBECTL, 403).get("type").asString()).endsWith("/forbidden");
		assertThat(get("", 404).get("type").asString()).endsWith("/no-inventory");
		put(as(Role.AUTHOR), YAML, KUBECTL, 200);
		assertThat(get("", 200).get("version").asInt()).as("a viewer reads").isEqualTo(1);
	}

	@Test
	void concurrentImportsShouldEachGetTheirOwnVersion() {
		dev.portcullis.identity.Actor author = new dev.portcullis.identity.Actor("racer", dev.portcullis.identity.Actor.Kind.USER,
				Role.AUTHOR, null, null);
		java.util.List<reactor.core.publisher.Mono<InventoryVersion>> imports = new java.util.ArrayList<>();
		for (int i = 0; i < 6; i++) {
			// a full engine pool answers "busy" (429): a client repeats, as Retry-After says
			imports.add(this.imports.run(this.ws, KUBECTL, "race " + i, author)
				.retryWhen(reactor.util.retry.Retry.fixedDelay(50, Duration.ofMillis(100))
					.filter(dev.portcullis.compute.EngineBusy.class::isInstance))
				.subscribeOn(reactor.core.scheduler.Schedulers.parallel()));
		}
		java.util.List<Integer> versions = reactor.core.publisher.Flux.merge(imports).map(InventoryVersion::version)
			.collectList().block(TIMEOUT);
		assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
		assertThat(get("", 200).get("version").asInt()).isEqualTo(6);
	}

	@Autowired
	InventoryImports imports;

	private long count(String sql) {
		return this.db.sql(sql).bind("ws", this.ws).map((row) -> row.get("n", Long.class)).one().block(TIMEOUT);
	}

}
