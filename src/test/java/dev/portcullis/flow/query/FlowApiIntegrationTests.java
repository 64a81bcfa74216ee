package dev.portcullis.flow.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import dev.portcullis.IntegrationTest;
import dev.portcullis.OpenApiSchemas;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeAll;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/workspaces/{ws}/flows} over the real Hubble exports of the corpus (src/test/resources/flows),
 * uploaded with the flow store's ingest: each flag against a plain reading of the same lines, paging without
 * duplicates or gaps, exports that re-import, the live tail, refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowApiIntegrationTests extends IntegrationTest {

	static final List<String> FILES = List.of("basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json");

	@Autowired
	JsonMapper json;

	String ws;

	/** Every corpus line's flow object. */
	final List<JsonNode> corpus = new ArrayList<>();

	@BeforeAll
	void uploadTheCorpus() throws IOException {
		this.ws = "flows-" + UUID.randomUUID().toString().substring(0, 8);
		createWorkspace(this.ws);
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
		JsonNode report = upload(this.ws, all.toString());
		assertThat(report.get("accepted").asLong()).as(report.toString()).isEqualTo(this.corpus.size());
	}

	void createWorkspace(String name) {
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name)).exchange().expectStatus().isCreated();
	}

	JsonNode upload(String workspace, String ndjson) {
		byte[] answer = as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + workspace + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ndjson).exchange()
			.expectStatus().isOk().expectBody().returnResult().getResponseBody();
		return this.json.readTree(answer);
	}

	JsonNode get(String query, int status) {
		// the query's values are %-encoded here; as URI variables they are encoded strictly (+, = and & included)
		StringBuilder template = new StringBuilder("/api/v1/workspaces/" + this.ws + "/flows");
		List<Object> values = new ArrayList<>();
		if (query.startsWith("?")) {
			for (String pair : query.substring(1).split("&")) {
				int equals = pair.indexOf('=');
				template.append(values.isEmpty() ? "?" : "&").append(pair, 0, equals).append("={v").append(values.size())
					.append('}');
				values.add(UriUtils.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
			}
		}
		byte[] answer = as(Role.VIEWER).get().uri(template.toString(), values.toArray())
			.accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isEqualTo(status).expectBody().returnResult()
			.getResponseBody();
		return this.json.readTree(answer);
	}

	/** Every flow of the filter, paging {@code limit} at a time; checks the order and that no flow comes twice. */
	List<JsonNode> all(String query, int limit) {
		List<JsonNode> flows = new ArrayList<>();
		Set<Long> ids = new HashSet<>();
		String cursor = null;
		Instant previous = Instant.MAX;
		for (int pages = 0; pages < 1000; pages++) {
			String page = query + (query.isEmpty() ? "?" : "&") + "limit=" + limit
					+ ((cursor != null) ? "&cursor=" + cursor : "");
			JsonNode answer = get(page, 200);
			for (JsonNode flow : answer.get("flows")) {
				assertThat(ids.add(flow.get("portcullis").get("id").asLong())).as("no flow twice").isTrue();
				Instant time = Instant.parse(flow.get("time").asString());
				assertThat(time).as("newest first").isBeforeOrEqualTo(previous);
				previous = time;
				flows.add(flow);
			}
			JsonNode next = answer.get("nextCursor");
			if (next == null || next.isNull()) {
				return flows;
			}
			cursor = next.asString();
		}
		throw new AssertionError("more than 1000 pages");
	}

	long count(Predicate<JsonNode> plain) {
		return this.corpus.stream().filter(plain).count();
	}

	static String text(JsonNode flow, String... path) {
		JsonNode node = flow;
		for (String name : path) {
			node = (node != null) ? node.get(name) : null;
		}
		return (node != null && !node.isNull()) ? node.asString() : "";
	}

	static boolean hasLabel(JsonNode flow, String side, String label) {
		JsonNode labels = flow.path(side).path("labels");
		for (JsonNode l : labels) {
			if (l.asString().equals(label)) {
				return true;
			}
		}
		return false;
	}

	static String namespace(JsonNode flow, String side) {
		String ns = text(flow, side, "namespace");
		if (!ns.isEmpty()) {
			return ns;
		}
		for (JsonNode l : flow.path(side).path("labels")) {
			if (l.asString().startsWith("k8s:io.kubernetes.pod.namespace=")) {
				return l.asString().substring("k8s:io.kubernetes.pod.namespace=".length());
			}
		}
		return "";
	}

	static int port(JsonNode flow, String which) {
		for (String l4 : List.of("TCP", "UDP", "SCTP")) {
			JsonNode p = flow.path("l4").path(l4).get(which);
			if (p != null) {
				return p.asInt();
			}
		}
		return -1;
	}

	@Test
	void everyFlowShouldBeListedOnceNewestFirstWhateverThePageSize() {
		assertThat(all("", 1000)).hasSize(this.corpus.size());
		assertThat(all("", 97)).hasSize(this.corpus.size());
	}

	@Test
	void filtersShouldMatchAPlainReadingOfTheSameFlows() {
		assertThat(all("?namespace=bookinfo", 200)).hasSize((int) count((f) -> namespace(f, "source").equals("bookinfo")
				|| namespace(f, "destination").equals("bookinfo")));
		assertThat(all("?from_namespace=bookinfo", 200)).hasSize((int) count((f) -> namespace(f, "source").equals("bookinfo")));
		assertThat(all("?protocol=udp", 200)).hasSize((int) count((f) -> f.path("l4").has("UDP")));
		assertThat(all("?protocol=icmp", 200)).hasSize((int) count((f) -> f.path("l4").has("ICMPv4")
				|| f.path("l4").has("ICMPv6")));
		assertThat(all("?port=53", 200)).hasSize((int) count((f) -> port(f, "source_port") == 53
				|| port(f, "destination_port") == 53));
		assertThat(all("?to_port=9080&verdict=FORWARDED", 200)).hasSize((int) count((f) -> port(f, "destination_port") == 9080
				&& text(f, "verdict").equals("FORWARDED")));
		assertThat(all("?label=reserved:host", 200)).hasSize((int) count((f) -> hasLabel(f, "source", "reserved:host")
				|| hasLabel(f, "destination", "reserved:host")));
		assertThat(all("?from_label=k8s:app=reviews", 200)).hasSize((int) count((f) -> hasLabel(f, "source", "k8s:app=reviews")));
		assertThat(all("?from_label=app%3Dreviews", 200)).hasSize((int) count((f) -> hasLabel(f, "source", "k8s:app=reviews")));
		assertThat(all("?traffic_direction=egress", 200)).hasSize((int) count((f) -> text(f, "traffic_direction").equals("EGRESS")));
		assertThat(all("?http_status=2%2B", 200)).hasSize((int) count((f) -> text(f, "l7", "http", "code").startsWith("2")));
		assertThat(all("?http_method=GET", 200)).hasSize((int) count((f) -> text(f, "l7", "http", "method").equals("GET")));
		assertThat(all("?q=" + enc("--not --namespace bookinfo"), 200)).hasSize((int) count((f) ->
				!namespace(f, "source").equals("bookinfo") && !namespace(f, "destination").equals("bookinfo")));
		assertThat(all("?hide=host&hide=kube-dns", 200)).hasSize((int) count((f) -> !hasLabel(f, "source", "reserved:host")
				&& !hasLabel(f, "destination", "reserved:host") && !hasLabel(f, "source", "k8s:k8s-app=kube-dns")
				&& !hasLabel(f, "destination", "k8s:k8s-app=kube-dns")));
		// a hidden label selector, exact in SQL (k8s: source) and left to the matcher (any source)
		assertThat(all("?hide_label=" + enc("k8s:app=prometheus"), 200)).hasSize((int) count((f) ->
				!hasLabel(f, "source", "k8s:app=prometheus") && !hasLabel(f, "destination", "k8s:app=prometheus")));
		assertThat(all("?hide_label=" + enc("app=prometheus") + "&hide_label=" + enc("reserved:host"), 200))
			.hasSize((int) count((f) -> !hasLabel(f, "source", "k8s:app=prometheus")
					&& !hasLabel(f, "destination", "k8s:app=prometheus") && !hasLabel(f, "source", "reserved:host")
					&& !hasLabel(f, "destination", "reserved:host")));
		assertThat(all("?from_ip=10.0.0.0%2F8", 200)).hasSize((int) count((f) -> text(f, "IP", "source").startsWith("10.")));
		assertThat(all("?type=l7", 200)).hasSize((int) count((f) -> f.path("event_type").path("type").asInt() == 129));
		assertThat(all("?since=2021-06-16T16:52:13Z&until=2021-06-16T16:52:14Z", 200)).hasSize((int) count((f) ->
				text(f, "time").compareTo("2021-06-16T16:52:13") >= 0 && text(f, "time").compareTo("2021-06-16T16:52:14.000000001") < 0));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"--namespace bookinfo --verdict FORWARDED",
			"--node-name *-hr0z --not --port 53",
			"--http-path ^/reviews",
			"--pod bookinfo/reviews --not --protocol udp",
			"--node-name *zr1l --type trace",
			"--label 'k8s:app in (reviews,ratings)' --port 9080",
	})
	void pagingWithSqlAndMatcherShouldAgreeWithTheMatcherAloneOverTheCorpus(String line) {
		FlowMatcher matcher = FlowFilter.parseLine(line).compile(Instant.now());
		long expected = this.corpus.stream().filter((f) -> matcher.matches(FlowFacts.of(f), null)).count();
		assertThat(expected).as("the filter selects something").isPositive();
		assertThat(all("?q=" + enc(line), 37)).hasSize((int) expected);
	}

	@Test
	void ndjsonExportShouldReimportAsTheSameFlows() {
		byte[] ndjson = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/flows?namespace=bookinfo")
			.accept(MediaType.parseMediaType("application/x-ndjson")).exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("application/x-ndjson"))
			.expectBody().returnResult().getResponseBody();
		String text = new String(ndjson, StandardCharsets.UTF_8);
		int lines = text.split("\n").length;
		assertThat(lines).isEqualTo(all("?namespace=bookinfo", 1000).size());
		String copy = "flowcopy-" + UUID.randomUUID().toString().substring(0, 8);
		createWorkspace(copy);
		JsonNode report = upload(copy, text);
		assertThat(report.get("accepted").asInt()).isEqualTo(lines);
		assertThat(report.get("rejected")).isEmpty();
	}

	@Test
	void csvExportShouldHaveAHeaderAndOneRowPerFlow() {
		String csv = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/flows?protocol=udp")
			.accept(MediaType.parseMediaType("text/csv")).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		String[] rows = csv.split("\r\n");
		assertThat(rows[0]).isEqualTo(String.join(",", FlowOutput.CSV_HEADER));
		assertThat(rows).hasSize(1 + (int) count((f) -> f.path("l4").has("UDP")));
		assertThat(rows[1]).contains(",UDP,");
	}

	@Test
	void flowsShouldSayWhichPolicyDecidedThem() {
		JsonNode flow = get("?limit=1", 200).get("flows").get(0);
		JsonNode decided = flow.get("portcullis").get("decided_by");
		assertThat(decided.get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(decided.get("rules")).isEmpty();
		assertThat(flow.get("flow").get("time")).isNotNull();
	}

	@Test
	void decidedByShouldNameThePolicyAndVersionInForceAtTheFlowsTime() {
		String workspace = "flowpol-" + UUID.randomUUID().toString().substring(0, 8);
		createWorkspace(workspace);
		String before = "{\"flow\":{\"time\":\"2021-06-16T16:52:13Z\",\"verdict\":\"FORWARDED\","
				+ "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},\"l4\":{\"TCP\":{\"destination_port\":8080}},"
				+ "\"source\":{\"namespace\":\"shop\",\"pod_name\":\"web-1\",\"labels\":[\"k8s:app=web\","
				+ "\"k8s:io.kubernetes.pod.namespace=shop\"]},\"destination\":{\"namespace\":\"shop\",\"pod_name\":\"cart-1\","
				+ "\"labels\":[\"k8s:app=cart\",\"k8s:io.kubernetes.pod.namespace=shop\"]}}}";
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + workspace + "/policies/CiliumNetworkPolicy/shop/cart")
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("""
					apiVersion: cilium.io/v2
					kind: CiliumNetworkPolicy
					metadata: {name: cart, namespace: shop}
					spec:
					  endpointSelector: {matchLabels: {app: cart}}
					  ingress:
					  - fromEndpoints: [{matchLabels: {app: web}}]
					    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
					""")
			.exchange().expectStatus().is2xxSuccessful();
		String after = before.replace("2021-06-16T16:52:13Z", Instant.now().toString()).replace("8080", "9090");
		upload(workspace, before + "\n" + after + "\n");
		byte[] answer = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + workspace + "/flows")
			.accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody();
		JsonNode flows = this.json.readTree(answer).get("flows");
		JsonNode now = flows.get(0).get("portcullis").get("decided_by");
		assertThat(now.get("verdict").asString()).as(now.toString()).isEqualTo("DROPPED");
		assertThat(now.get("rules").get(0).get("policy").asString()).isEqualTo("CiliumNetworkPolicy/shop/cart");
		assertThat(now.get("rules").get(0).get("version").asInt()).isEqualTo(1);
		assertThat(now.get("rules").get(0).get("defaultDeny").asBoolean()).isTrue();
		JsonNode then = flows.get(1).get("portcullis").get("decided_by");
		assertThat(then.get("verdict").asString()).as("before the policy existed").isEqualTo("FORWARDED");
		assertThat(then.get("rules")).isEmpty();
	}

	@Test
	void followShouldSendAFlowStoredAfterItStarted() {
		String workspace = "flowtail-" + UUID.randomUUID().toString().substring(0, 8);
		createWorkspace(workspace);
		WebTestClient client = as(Role.VIEWER).mutate().responseTimeout(Duration.ofSeconds(20)).build();
		Flux<ServerSentEvent<String>> events = client.get()
			.uri("/api/v1/workspaces/" + workspace + "/flows?follow=true&verdict=DROPPED")
			.accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { }).getResponseBody()
			.filter((event) -> "flow".equals(event.event()));
		String now = Instant.now().toString();
		String forwarded = "{\"flow\":{\"time\":\"" + now + "\",\"verdict\":\"FORWARDED\",\"IP\":{\"source\":\"10.0.0.1\","
				+ "\"destination\":\"10.0.0.2\"},\"l4\":{\"TCP\":{\"destination_port\":80}},\"source\":{\"labels\":[]},"
				+ "\"destination\":{\"labels\":[]}}}";
		String dropped = forwarded.replace("FORWARDED", "DROPPED").replace("10.0.0.2", "10.0.0.3");
		StepVerifier.create(events.take(1))
			.then(() -> {
				sleep(700);
				upload(workspace, forwarded + "\n" + dropped + "\n");
			})
			.assertNext((event) -> assertThat(event.data()).contains("\"DROPPED\"").contains("10.0.0.3"))
			.expectComplete()
			.verify(Duration.ofSeconds(15));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"?verdict=MAYBE                 | verdict",
			"?from_pods=x                   | from_pods",
			"?http_status=5                 | http_status",
			"?limit=0                       | limit",
			"?cursor=nope                   | cursor",
			"?q=--verdict%20DROPPED%20--bad | q",
			"?from_pod=a&from_namespace=b   | from_namespace",
	})
	void badParametersShouldBeProblemsNamingThem(String query, String parameter) {
		JsonNode problem = get(query, 400);
		assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-filter");
		assertThat(problem.get("violations").get(0).get("path").asString()).isEqualTo(parameter);
	}

	@Test
	void unknownWorkspaceShouldBeNotFound() {
		as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-ws-here/flows").exchange().expectStatus().isNotFound();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/no-such-ws-here/flows")
			.accept(MediaType.parseMediaType("application/x-ndjson")).exchange().expectStatus().isNotFound();
	}

	@Test
	void edgesShouldCountTheFlowsOfTheWindow() {
		byte[] answer = as(Role.VIEWER).get()
			.uri("/api/v1/workspaces/" + this.ws + "/flows/edges?since=2021-06-16T00:00:00Z&until=2021-06-17T00:00:00Z")
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
		JsonNode edges = this.json.readTree(answer).get("edges");
		assertThat(edges).isNotEmpty();
		long total = 0;
		for (JsonNode edge : edges) {
			total += edge.get("count").asLong();
		}
		assertThat(total).isPositive().isLessThanOrEqualTo(this.corpus.size());
	}

	@Test
	@SuppressWarnings("unchecked")
	void answersShouldMatchTheirOpenApiSchemas() {
		String yaml = as(Role.VIEWER).get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		OpenApiSchemas schemas = new OpenApiSchemas(
				(Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml));
		Object page = this.json.readValue(get("?limit=3", 200).toString(), Object.class);
		assertThat(schemas.errors(page, schemas.ref("FlowPage"))).isEmpty();
		Object problem = this.json.readValue(get("?verdict=NO", 400).toString(), Object.class);
		assertThat(schemas.errors(problem, schemas.ref("Problem"))).isEmpty();
		byte[] edges = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + this.ws + "/flows/edges?since=2021-01-01")
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
		assertThat(schemas.errors(this.json.readValue(edges, Object.class), schemas.ref("FlowEdges"))).isEmpty();
	}

	static String enc(String text) {
		return UriUtils.encodeQueryParam(text, StandardCharsets.UTF_8);
	}

}
