package dev.portcullis.flow.query;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flow log's {@code decided_by} decides each flow under the cluster inventory in force at the flow's time, as
 * what-if and replay do: a toServices rule of a service with a selector (PC-INV-01) is uncertain without the
 * inventory and decided with it, and a page whose flows straddle an import decides each side under its own state.
 */
class FlowInventoryDecisionsIntegrationTests extends IntegrationTest {

	static final String POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: to-svc, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: web}}
			  egress:
			  - toServices:
			    - k8sService: {serviceName: cart, namespace: shop}
			    toPorts:
			    - ports: [{port: "8080", protocol: TCP}]
			""";

	static final String INVENTORY = """
			apiVersion: v1
			kind: Service
			metadata: {name: cart, namespace: shop}
			spec:
			  selector: {app: cart}
			  clusterIP: 10.96.0.10
			  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
			""";

	/** web → cart:8080 pod to pod, not through the service: only the inventory says the cart pods are its backends. */
	static final String FLOW = "{\"flow\":{\"time\":\"TIME\",\"verdict\":\"FORWARDED\","
			+ "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"DEST\"},\"l4\":{\"TCP\":{\"destination_port\":8080}},"
			+ "\"source\":{\"namespace\":\"shop\",\"pod_name\":\"web-1\",\"labels\":[\"k8s:app=web\","
			+ "\"k8s:io.kubernetes.pod.namespace=shop\"]},\"destination\":{\"namespace\":\"shop\",\"pod_name\":\"cart-1\","
			+ "\"labels\":[\"k8s:app=cart\",\"k8s:io.kubernetes.pod.namespace=shop\"]}}}";

	@Autowired
	JsonMapper json;

	@Test
	void decidedByShouldUseTheInventoryInForceAtTheFlowsTime() throws InterruptedException {
		String ws = "flowinv-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/policies/CiliumNetworkPolicy/shop/to-svc")
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(POLICY)
			.exchange().expectStatus().is2xxSuccessful();
		Thread.sleep(20);
		upload(ws, flow(Instant.now(), "10.0.0.2"));
		JsonNode before = decidedBy(ws, "10.0.0.2");
		assertThat(before.get("uncertain")).as("no inventory yet: %s", before).isNotNull();
		Thread.sleep(20);

		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/inventory?message=nightly")
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(INVENTORY)
			.exchange().expectStatus().is2xxSuccessful();
		Thread.sleep(20);
		upload(ws, flow(Instant.now(), "10.0.0.3"));

		JsonNode after = decidedBy(ws, "10.0.0.3");
		assertThat(after.get("uncertain")).as("the inventory says cart's backends: %s", after).isNull();
		assertThat(after.get("verdict").asString()).isEqualTo("FORWARDED");
		assertThat(after.get("rules").get(0).get("policy").asString()).isEqualTo("CiliumNetworkPolicy/shop/to-svc");
		JsonNode stillBefore = decidedBy(ws, "10.0.0.2");
		assertThat(stillBefore.get("uncertain")).as("a flow before the import: %s", stillBefore).isNotNull();
	}

	static String flow(Instant time, String destination) {
		return FLOW.replace("TIME", time.toString()).replace("DEST", destination) + "\n";
	}

	void upload(String ws, String ndjson) {
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/" + ws + "/flows")
			.contentType(MediaType.parseMediaType("application/x-ndjson")).bodyValue(ndjson).exchange()
			.expectStatus().isOk();
	}

	/** The decided_by of the flow to {@code destination}, read from the whole page (all the workspace's flows). */
	JsonNode decidedBy(String ws, String destination) {
		byte[] answer = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/flows")
			.accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody().returnResult()
			.getResponseBody();
		for (JsonNode flow : this.json.readTree(answer).get("flows")) {
			if (destination.equals(flow.get("flow").get("IP").get("destination").asString())) {
				return flow.get("portcullis").get("decided_by");
			}
		}
		throw new AssertionError("no flow to " + destination + " in " + new String(answer));
	}

}
