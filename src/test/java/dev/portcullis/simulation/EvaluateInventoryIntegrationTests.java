package dev.portcullis.simulation;

import java.util.List;
import java.util.Map;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/v1/evaluate} with an inline {@code inventory}: verdicts that need cluster state, and refusals. */
class EvaluateInventoryIntegrationTests extends IntegrationTest {

	static final String TO_SERVICE = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: to-cart, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: web}}
			  egress:
			  - toServices:
			    - k8sService: {serviceName: cart, namespace: shop}
			""";

	static final String INVENTORY = """
			apiVersion: v1
			kind: Service
			metadata: {name: cart, namespace: shop}
			spec:
			  selector: {app: cart}
			  ports: [{port: 80}]
			""";

	@Autowired
	JsonMapper json;

	static Map<String, Object> pod(String namespace, String label) {
		return Map.of("namespace", namespace, "labels", List.of("k8s:" + label, "k8s:io.kubernetes.pod.namespace=" + namespace));
	}

	static Map<String, Object> tcpFlow(Map<String, Object> source, Map<String, Object> destination, int port) {
		return Map.of("source", source, "destination", destination, "IP",
				Map.of("source", "10.0.0.1", "destination", "10.0.0.2", "ipVersion", "IPv4"), "l4",
				Map.of("TCP", Map.of("source_port", 40000, "destination_port", port)));
	}

	JsonNode post(Object request, int status) {
		byte[] body = as(Role.VIEWER).post().uri("/api/v1/evaluate").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request).exchange().expectStatus().isEqualTo(status).expectBody().returnResult()
			.getResponseBody();
		return this.json.readTree(body);
	}

	@Test
	void evaluateWithInventoryShouldResolveTheServiceSelectorAndWithoutItSayTheVerdictIsUncertain() {
		Map<String, Object> flow = tcpFlow(pod("shop", "app=web"), pod("shop", "app=cart"), 80);
		JsonNode with = post(Map.of("policies", TO_SERVICE, "flows", List.of(flow), "inventory", INVENTORY), 200);
		assertThat(with.get("results").get(0).get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(with.get("results").get(0).has("uncertain")).isFalse();

		JsonNode without = post(Map.of("policies", TO_SERVICE, "flows", List.of(flow)), 200);
		assertThat(without.get("results").get(0).get("verdict").asString()).isEqualTo("DROPPED");
		assertThat(without.get("results").get(0).get("uncertain").asString()).contains("toServices[0]");
		assertThat(without.get("results").get(0).get("explanation").get("notes").toString()).contains("uncertain:");
	}

	@Test
	void evaluateWithABrokenInventoryShouldNameTheLineAndColumn() {
		Map<String, Object> flow = tcpFlow(pod("shop", "app=web"), pod("shop", "app=cart"), 80);
		JsonNode problem = post(Map.of("policies", TO_SERVICE, "flows", List.of(flow), "inventory",
				INVENTORY.replace("port: 80", "port: 0")), 400);
		assertThat(problem.get("type").asString()).endsWith("/invalid-inventory");
		assertThat(problem.get("violations").get(0).get("path").asString()).isEqualTo("spec.ports[0].port");
		assertThat(problem.get("violations").get(0).get("line").asInt()).isEqualTo(6);
		assertThat(post(Map.of("policies", TO_SERVICE, "flows", List.of(flow), "inventory", 7), 400)
			.get("detail").asString()).contains("\"inventory\" must be a string");
	}

}
