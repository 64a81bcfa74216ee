package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.flow.sources.NodeAgentEvents.NodeEvents;
import dev.portcullis.flow.sources.NodeAgentEvents.Reading;
import dev.portcullis.identity.Role;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading every node's policy events behind a workspace's Relay source, against real grpc-java servers: a Relay that
 * lists the nodes (GetNodes) and each node's own Hubble server (GetAgentEvents), as Cilium runs them; nodes that lag,
 * cannot be reached, are unavailable to the Relay or do not serve agent events; a Relay that is down or is not a
 * Relay; mutual TLS with the server name Cilium gives each node.
 */
class NodeAgentEventsIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant APPLIED = Instant.parse("2026-12-05T10:00:00Z");

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Autowired
	NodeAgentEvents events;

	@Test
	void eachListedNodeIsAskedForItsOwnEventsSinceTheApplyAndEveryFailureIsNamed() throws Exception {
		String ws = workspace();
		int closed = closedPort();
		try (TestHubble relay = TestHubble.start(); TestHubble a = TestHubble.start(); TestHubble b = TestHubble.start();
				TestHubble e = TestHubble.start()) {
			a.agentEvents(List.of(TestHubble.policyEvent("node-a", APPLIED.minusSeconds(60), false,
					"CiliumNetworkPolicy", "default", "old"), TestHubble.policyEvent("node-a", APPLIED.plusSeconds(1),
							false, "CiliumNetworkPolicy", "default", "web")));
			b.agentEvents(List.of());
			relay.nodes("{\"nodes\":[" + String.join(",", TestHubble.node("node-a", a.address(), "NODE_CONNECTED"),
					TestHubble.node("node-b", b.address(), "NODE_CONNECTED"),
					TestHubble.node("node-c", "127.0.0.1:" + closed, "NODE_CONNECTED"),
					TestHubble.node("node-d", "10.0.0.4:4244", "NODE_UNAVAILABLE"),
					TestHubble.node("node-e", e.address(), "NODE_GONE"),
					TestHubble.node("node-f", e.address(), "NODE_CONNECTED")) + "]}");
			// node-f's Hubble server is an old one, or a Relay: it does not serve agent events
			relay(ws, relay.address());

			Reading reading = this.events.read(ws, APPLIED, TIMEOUT);
			assertThat(reading.unknown()).isNull();
			assertThat(reading.nodes()).extracting(NodeEvents::name)
				.as("every node but the gone one, in the Relay's order")
				.containsExactly("node-a", "node-b", "node-c", "node-d", "node-f");
			NodeEvents nodeA = reading.nodes().get(0);
			assertThat(nodeA.error()).isNull();
			assertThat(nodeA.events()).singleElement().satisfies((event) -> {
				assertThat(event.time()).isEqualTo(APPLIED.plusSeconds(1));
				assertThat(event.deleted()).isFalse();
				assertThat(event.labels()).contains("k8s:io.cilium.k8s.policy.name=web",
						"k8s:io.cilium.k8s.policy.namespace=default");
			});
			assertThat(reading.nodes().get(1).error()).isNull();
			assertThat(reading.nodes().get(1).events()).as("node-b lags").isEmpty();
			assertThat(reading.nodes().get(2).error()).contains("127.0.0.1:" + closed).contains("UNAVAILABLE");
			assertThat(reading.nodes().get(3).error()).isEqualTo("not reachable by the Relay (NODE_UNAVAILABLE)");
			assertThat(reading.nodes().get(4).error()).contains("does not serve agent events")
				.contains("UNIMPLEMENTED");

			// node-b catches up
			b.agentEvents(List.of(TestHubble.policyEvent("node-b", APPLIED.plusSeconds(9), false,
					"CiliumNetworkPolicy", "default", "web")));
			assertThat(this.events.read(ws, APPLIED, TIMEOUT).nodes().get(1).events()).hasSize(1);
		}
	}

	@Test
	void aRelayThatIsDownOrIsNotARelayOrListsNoNodeGivesNoCount() throws Exception {
		String ws = workspace();
		assertThat(this.events.read(ws, APPLIED, TIMEOUT).unknown())
			.isEqualTo("the workspace has no Hubble Relay flow source");

		int closed = closedPort();
		relay(ws, "127.0.0.1:" + closed);
		assertThat(this.events.read(ws, APPLIED, TIMEOUT).unknown())
			.startsWith("the Relay at 127.0.0.1:" + closed + " cannot be reached: UNAVAILABLE");

		try (TestHubble node = TestHubble.start()) {
			// a node's own Hubble server answers GetNodes with UNIMPLEMENTED
			relay(ws, node.address());
			Reading reading = this.events.read(ws, APPLIED, TIMEOUT);
			assertThat(reading.unknown()).contains("does not serve GetNodes").contains("UNIMPLEMENTED");
			assertThat(reading.nodes()).isEmpty();

			node.nodes("{\"nodes\":[" + TestHubble.node("gone", "10.0.0.9:4244", "NODE_GONE") + "]}");
			assertThat(this.events.read(ws, APPLIED, TIMEOUT).unknown()).isEqualTo("the Relay lists no nodes");
		}
	}

	@Test
	void overMutualTlsEachNodeIsCheckedAgainstTheNameCiliumGivesIt() throws Exception {
		TestCertificates.Issued ca = TestCertificates.ca("hubble-ca.cilium.io");
		TestCertificates.Issued client = TestCertificates.client(ca, "portcullis.hubble-relay.cilium.io");
		// as Cilium's Helm chart issues them: one wildcard certificate for every node of the cluster
		TestCertificates.Issued nodes = TestCertificates.server(ca, "*.default.hubble-grpc.cilium.io");
		TestCertificates.Issued otherCluster = TestCertificates.server(ca, "*.mesh-2.hubble-grpc.cilium.io");
		TestCertificates.Issued relayCertificate = TestCertificates.server(ca, "relay.test");
		String ws = workspace();
		try (TestHubble relay = TestHubble.start(tls(relayCertificate, ca));
				TestHubble worker = TestHubble.start(tls(nodes, ca));
				TestHubble impostor = TestHubble.start(tls(otherCluster, ca))) {
			worker.agentEvents(List.of(TestHubble.policyEvent("kind-worker", APPLIED.plusSeconds(2), true,
					"CiliumClusterwideNetworkPolicy", null, "deny-all")));
			impostor.agentEvents(List.of());
			relay.nodes("{\"nodes\":[" + TestHubble.node("kind-worker", worker.address(), "NODE_CONNECTED") + ","
					+ TestHubble.node("kind.worker2", impostor.address(), "NODE_CONNECTED") + "]}");
			as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(JSON.writeValueAsString(Map.of("relay", Map.of("address", relay.address(), "tls", true,
						"serverName", "relay.test", "ca", ca.certificate(), "clientCertificate", client.certificate(),
						"clientKey", client.key()))))
				.exchange().expectStatus().isOk();

			Reading reading = this.events.read(ws, APPLIED, TIMEOUT);
			assertThat(reading.unknown()).isNull();
			assertThat(reading.nodes().get(0).error()).isNull();
			assertThat(reading.nodes().get(0).events()).singleElement()
				.satisfies((event) -> assertThat(event.deleted()).isTrue());
			// kind-worker2.default.hubble-grpc.cilium.io is not what the other cluster's certificate names
			assertThat(reading.nodes().get(1).error()).contains("cannot be reached").contains("UNAVAILABLE")
				.doesNotContain("PRIVATE KEY");
		}
	}

	@Test
	void aNodeOrARelayThatNeverAnswersIsMissingOrUnknownAfterTheTimeout() throws Exception {
		String ws = workspace();
		try (ServerSocket silent = new ServerSocket(0); TestHubble relay = TestHubble.start()) {
			// accepts the connection and never speaks
			relay.nodes("{\"nodes\":[" + TestHubble.node("node-s", "127.0.0.1:" + silent.getLocalPort(), "NODE_CONNECTED")
					+ "]}");
			relay(ws, relay.address());
			Reading reading = this.events.read(ws, APPLIED, Duration.ofSeconds(1));
			assertThat(reading.nodes()).singleElement().satisfies((node) -> assertThat(node.error())
				.isEqualTo("its Hubble server at 127.0.0.1:" + silent.getLocalPort() + " did not answer within 1000 ms"));

			relay(ws, "127.0.0.1:" + silent.getLocalPort());
			assertThat(this.events.read(ws, APPLIED, Duration.ofSeconds(1)).unknown())
				.isEqualTo("the Relay at 127.0.0.1:" + silent.getLocalPort() + " did not answer within 1000 ms");
		}
	}

	@Test
	void theServerNameAndTheAddressAreCiliums() {
		assertThat(NodeAgentEvents.tlsServerName("kind-worker")).isEqualTo("kind-worker.default.hubble-grpc.cilium.io");
		assertThat(NodeAgentEvents.tlsServerName("ip-10-0-1-2.ec2.internal"))
			.isEqualTo("ip-10-0-1-2-ec2-internal.default.hubble-grpc.cilium.io");
		assertThat(NodeAgentEvents.tlsServerName("mesh.2/node-a")).isEqualTo("node-a.mesh-2.hubble-grpc.cilium.io");
		assertThat(NodeAgentEvents.withPort("10.0.0.1")).isEqualTo("10.0.0.1:4244");
		assertThat(NodeAgentEvents.withPort("10.0.0.1:4245")).isEqualTo("10.0.0.1:4245");
		assertThat(NodeAgentEvents.withPort("2001:db8::68")).isEqualTo("[2001:db8::68]:4244");
		assertThat(NodeAgentEvents.withPort("[2001:db8::68]:4244")).isEqualTo("[2001:db8::68]:4244");
		assertThat(NodeAgentEvents.withPort("[2001:db8::68]")).isEqualTo("[2001:db8::68]:4244");
	}

	private String workspace() {
		String ws = "nodes-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		return ws;
	}

	private void relay(String ws, String address) {
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"relay\": {\"address\": \"" + address + "\"}}").exchange().expectStatus().isOk();
	}

	private static ServerCredentials tls(TestCertificates.Issued server, TestCertificates.Issued ca) throws Exception {
		return TlsServerCredentials.newBuilder()
			.keyManager(pem(server.certificate()), pem(server.key()))
			.trustManager(pem(ca.certificate()))
			.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
			.build();
	}

	private static ByteArrayInputStream pem(String text) {
		return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
