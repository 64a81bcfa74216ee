package dev.portcullis.engine.conformance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.IntegrationTest;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.AgentSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workspace evaluate agrees with the stateless one: for every conformance case with valid policies, the case's
 * policies stored in a workspace (with the case's agent settings as the workspace's settings, its inventory imported)
 * and decided by {@code POST /api/v1/workspaces/{ws}/evaluate} without {@code policies} give the same results,
 * explanations included, as {@code POST /api/v1/evaluate} with the workspace's export (the same policies in the
 * store's order, which explanations list rules in) and the case's options.
 */
class WorkspaceEvaluateConformanceIntegrationTests extends IntegrationTest {

	private static final AtomicInteger WORKSPACES = new AtomicInteger();

	@Autowired
	JsonMapper json;

	@ParameterizedTest
	@ValueSource(strings = { "/conformance/portcullis-cases.yaml", "/conformance/cilium-vectors.yaml" })
	void workspaceEvaluateShouldAgreeWithEvaluateForEveryCase(String resource) throws IOException {
		WebTestClient admin = as(Role.ADMIN);
		List<Map<String, Object>> cases = ConformanceCase.maps(CiliumVectorsTests.load(resource).get("cases"));
		int compared = 0;
		List<String> disagreements = new ArrayList<>();
		for (Map<String, Object> raw : cases) {
			ConformanceCase conformance = new ConformanceCase(raw);
			Object valid = ConformanceCase.map(raw.get("expect_policy")).get("policy_valid");
			List<ConformanceCase.FlowCase> flowCases = conformance.flows();
			if (Boolean.FALSE.equals(valid) || "depends_on_client".equals(valid) || flowCases.isEmpty()) {
				continue;
			}
			String workspace = "conf-" + WORKSPACES.incrementAndGet() + "-" + System.nanoTime() % 100000;
			admin.post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", workspace)).exchange().expectStatus().isCreated();
			Object version = raw.get("cilium_version");
			CiliumVersion target = (version != null) ? CiliumVersion.parse(String.valueOf(version)) : CiliumVersion.DEFAULT;
			EngineOptions options = conformance.options();
			Map<String, Object> settings = new AgentSettings(target, options).toJson();
			admin.put().uri("/api/v1/workspaces/{ws}/settings", workspace).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(settings).exchange().expectStatus().isOk();
			String policies = String.join("\n---\n", ConformanceCase.strings(raw.get("policies")));
			if (!policies.isBlank()) {
				admin.post().uri("/api/v1/workspaces/{ws}/import", workspace).contentType(MediaType.valueOf("application/yaml"))
					.bodyValue(policies).exchange().expectStatus().isOk();
			}
			Object inventory = raw.get("inventory");
			if (inventory != null) {
				admin.put().uri("/api/v1/workspaces/{ws}/inventory", workspace)
					.contentType(MediaType.valueOf("application/yaml")).bodyValue(String.valueOf(inventory))
					.exchange().expectStatus().is2xxSuccessful();
			}
			List<Map<String, Object>> flows = new ArrayList<>();
			for (ConformanceCase.FlowCase flowCase : flowCases) {
				flows.add(hubble(flowCase.flow()));
			}
			Map<String, Object> stateless = new LinkedHashMap<>();
			// the same policies as the workspace holds, in the order it holds them (explanations list rules in policy order)
			String stored = policies.isBlank() ? "" : admin.get().uri("/api/v1/workspaces/{ws}/export", workspace)
				.accept(MediaType.valueOf("application/yaml")).exchange().expectStatus().isOk().expectBody(String.class)
				.returnResult().getResponseBody();
			stateless.put("policies", stored);
			stateless.put("flows", flows);
			stateless.put("options", settings);
			if (inventory != null) {
				stateless.put("inventory", String.valueOf(inventory));
			}
			JsonNode expected = admin.post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(stateless).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult()
				.getResponseBody();
			JsonNode actual = as(Role.VIEWER).post().uri("/api/v1/workspaces/{ws}/evaluate", workspace)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("flows", flows)).exchange()
				.expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
			if (!expected.get("results").equals(actual.get("results"))) {
				disagreements.add(conformance.id() + ": " + firstDifference("results", expected.get("results"),
						actual.get("results")));
			}
			assertThat(actual.get("state").get("workspace").asString()).isEqualTo(workspace);
			compared++;
		}
		assertThat(disagreements).isEmpty();
		assertThat(compared).isGreaterThan(30);
	}

	/** Where two JSON trees first differ, and how. */
	static String firstDifference(String path, JsonNode expected, JsonNode actual) {
		if (expected.equals(actual)) {
			return "";
		}
		if (expected.isObject() && actual.isObject()) {
			java.util.Set<String> names = new java.util.TreeSet<>(expected.propertyNames());
			names.addAll(actual.propertyNames());
			for (String name : names) {
				JsonNode e = expected.get(name);
				JsonNode a = actual.get(name);
				if (e == null || a == null) {
					return path + "." + name + ": evaluate " + e + ", workspace " + a;
				}
				String d = firstDifference(path + "." + name, e, a);
				if (!d.isEmpty()) {
					return d;
				}
			}
		}
		if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
			for (int i = 0; i < expected.size(); i++) {
				String d = firstDifference(path + "[" + i + "]", expected.get(i), actual.get(i));
				if (!d.isEmpty()) {
					return d;
				}
			}
		}
		return path + ": evaluate " + expected + ", workspace " + actual;
	}

	/** A flow as {@code hubble observe -o json} prints it, with Portcullis' extensions. */
	static Map<String, Object> hubble(Flow flow) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("source", endpoint(flow.source()));
		json.put("destination", endpoint(flow.destination()));
		Map<String, Object> ip = new LinkedHashMap<>();
		if (flow.sourceIp() != null) {
			ip.put("source", flow.sourceIp());
		}
		if (flow.destinationIp() != null) {
			ip.put("destination", flow.destinationIp());
		}
		if (!ip.isEmpty()) {
			json.put("IP", ip);
		}
		String l4 = switch (flow.protocol()) {
			case ICMPV4 -> "ICMPv4";
			case ICMPV6 -> "ICMPv6";
			default -> flow.protocol().name();
		};
		boolean icmp = flow.protocol() == Protocol.ICMPV4 || flow.protocol() == Protocol.ICMPV6;
		json.put("l4", Map.of(l4, icmp ? Map.of("type", flow.icmpType()) : Map.of("destination_port", flow.destinationPort())));
		if (flow.l7() instanceof Flow.Http http) {
			Map<String, Object> h = new LinkedHashMap<>();
			h.put("method", http.method());
			h.put("url", http.url());
			h.put("headers", http.headers().stream().map((x) -> Map.of("key", x.key(), "value", x.value())).toList());
			if (http.protocol() != null) {
				h.put("protocol", http.protocol());
			}
			json.put("l7", Map.of("http", h));
		}
		else if (flow.l7() instanceof Flow.Kafka kafka) {
			Map<String, Object> k = new LinkedHashMap<>();
			k.put("api_key", kafka.apiKey());
			k.put("api_version", kafka.apiVersion());
			if (!kafka.topics().isEmpty()) {
				k.put("topic", kafka.topics().get(0));
				k.put("topics", kafka.topics());
			}
			if (kafka.clientId() != null) {
				k.put("client_id", kafka.clientId());
			}
			json.put("l7", Map.of("kafka", k));
		}
		else if (flow.l7() instanceof Flow.Dns dns) {
			json.put("l7", Map.of("dns", Map.of("query", dns.query(), "qtypes", dns.qtypes())));
		}
		if (!flow.destinationNames().isEmpty()) {
			json.put("destination_names", flow.destinationNames());
		}
		if (flow.tlsServerName() != null) {
			json.put("tls", Map.of("sni", flow.tlsServerName()));
		}
		if (flow.reply()) {
			json.put("is_reply", true);
		}
		if (!flow.nodeLabels().isEmpty()) {
			json.put("node_labels", flow.nodeLabels());
		}
		if (flow.destinationService() != null) {
			Map<String, Object> service = new LinkedHashMap<>();
			service.put("name", flow.destinationService().name());
			if (flow.destinationService().namespace() != null) {
				service.put("namespace", flow.destinationService().namespace());
			}
			service.put("labels", flow.destinationService().labels());
			json.put("destination_service", service);
		}
		return json;
	}

	private static Map<String, Object> endpoint(Flow.Endpoint endpoint) {
		Map<String, Object> json = new LinkedHashMap<>();
		if (endpoint.namespace() != null) {
			json.put("namespace", endpoint.namespace());
		}
		json.put("labels", endpoint.labels());
		if (endpoint.podName() != null) {
			json.put("pod_name", endpoint.podName());
		}
		if (endpoint.clusterName() != null) {
			json.put("cluster_name", endpoint.clusterName());
		}
		if (!endpoint.namedPorts().isEmpty()) {
			json.put("named_ports", endpoint.namedPorts().stream().map((p) -> Map.of("name", p.name(), "port", p.port(),
					"protocol", p.protocol().name().toUpperCase(Locale.ROOT))).toList());
		}
		return json;
	}

}
