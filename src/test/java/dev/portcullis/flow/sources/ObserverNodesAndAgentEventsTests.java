package dev.portcullis.flow.sources;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static dev.portcullis.flow.sources.ObserverCodecTests.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Observer.GetNodes and Observer.GetAgentEvents (Cilium's {@code api/v1/observer/observer.proto} and
 * {@code api/v1/flow/flow.proto}): their messages at Cilium's field numbers, and both methods over a real grpc-java
 * server.
 */
class ObserverNodesAndAgentEventsTests {

	@Test
	void agentEventFieldNumbersShouldBeCiliumsWireContract() throws Exception {
		// GetAgentEventsResponse: agent_event = 1 { type = 1 (POLICY_UPDATED = 3), policy_update = 102 { labels = 1,
		// revision = 2, rule_count = 3 } }, node_name = 1000, time = 1001 (Timestamp)
		byte[] update = message((o) -> {
			o.writeString(1, "k8s:io.cilium.k8s.policy.name=web");
			o.writeString(1, "k8s:io.cilium.k8s.policy.namespace=shop");
			o.writeUInt64(2, 41);
			o.writeInt64(3, 2);
		});
		byte[] event = message((o) -> {
			o.writeEnum(1, 3);
			o.writeByteArray(102, update);
		});
		byte[] time = message((o) -> o.writeInt64(1, 1_700_000_000L));
		byte[] response = message((o) -> {
			o.writeByteArray(1, event);
			o.writeString(1000, "kind-worker");
			o.writeByteArray(1001, time);
		});

		assertThat(ObserverCodec.decode(response, FlowSchema.GET_AGENT_EVENTS_RESPONSE).toString())
			.isEqualTo("{\"agent_event\":{\"type\":\"POLICY_UPDATED\",\"policy_update\":{\"labels\":"
					+ "[\"k8s:io.cilium.k8s.policy.name=web\",\"k8s:io.cilium.k8s.policy.namespace=shop\"],"
					+ "\"revision\":\"41\",\"rule_count\":\"2\"}},\"node_name\":\"kind-worker\","
					+ "\"time\":\"2023-11-14T22:13:20Z\"}");
	}

	@Test
	void nodeFieldNumbersShouldBeCiliumsWireContract() throws Exception {
		// GetNodesResponse: nodes = 1 { name = 1, version = 2, address = 3, state = 4 (NODE_UNAVAILABLE = 2),
		// tls = 5 { enabled = 1, server_name = 2 } }
		byte[] tls = message((o) -> {
			o.writeBool(1, true);
			o.writeString(2, "kind-worker.default.hubble-grpc.cilium.io");
		});
		byte[] node = message((o) -> {
			o.writeString(1, "kind-worker");
			o.writeString(2, "1.18.0");
			o.writeString(3, "172.18.0.3:4244");
			o.writeEnum(4, 2);
			o.writeByteArray(5, tls);
			o.writeUInt64(7, 4095);
		});
		byte[] response = message((o) -> o.writeByteArray(1, node));

		assertThat(ObserverCodec.decode(response, FlowSchema.GET_NODES_RESPONSE).toString())
			.isEqualTo("{\"nodes\":[{\"name\":\"kind-worker\",\"version\":\"1.18.0\",\"address\":\"172.18.0.3:4244\","
					+ "\"state\":\"NODE_UNAVAILABLE\",\"tls\":{\"enabled\":true,"
					+ "\"server_name\":\"kind-worker.default.hubble-grpc.cilium.io\"}}]}");
	}

	@Test
	void getNodesAndGetAgentEventsShouldWorkOverGrpc() throws Exception {
		try (TestRelay relay = new TestRelay(List.of(), (call) -> new TestRelay.Step(0, TestRelay.End.FOLLOW))) {
			relay.nodes = "{\"nodes\":[{\"name\":\"node-a\",\"state\":\"NODE_CONNECTED\"},"
					+ "{\"name\":\"node-b\",\"state\":\"NODE_UNAVAILABLE\"}]}";
			relay.agentEvents = List.of(
					"{\"agent_event\":{\"type\":\"POLICY_UPDATED\",\"policy_update\":{\"labels\":"
							+ "[\"k8s:io.cilium.k8s.policy.name=old\"],\"revision\":\"3\",\"rule_count\":\"1\"}},"
							+ "\"node_name\":\"node-a\",\"time\":\"2026-12-05T09:00:00Z\"}",
					"{\"agent_event\":{\"type\":\"POLICY_UPDATED\",\"policy_update\":{\"labels\":"
							+ "[\"k8s:io.cilium.k8s.policy.name=web\"],\"revision\":\"4\",\"rule_count\":\"1\"}},"
							+ "\"node_name\":\"node-a\",\"time\":\"2026-12-05T09:05:00Z\"}");
			ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", relay.port(),
					InsecureChannelCredentials.create()).build();
			try {
				byte[] nodes = ClientCalls.blockingUnaryCall(channel, ObserverService.GET_NODES, CallOptions.DEFAULT
					.withDeadlineAfter(10, TimeUnit.SECONDS), ObserverCodec.encode(JsonNodeFactory.instance.objectNode(),
							FlowSchema.GET_NODES_REQUEST));
				assertThat(ObserverCodec.decode(nodes, FlowSchema.GET_NODES_RESPONSE).get("nodes"))
					.extracting((n) -> n.get("name").asString() + " " + n.get("state").asString())
					.containsExactly("node-a NODE_CONNECTED", "node-b NODE_UNAVAILABLE");

				ObjectNode request = JsonNodeFactory.instance.objectNode();
				request.put("since", ObserverCodec.timestamp(Instant.parse("2026-12-05T09:01:00Z")));
				Iterator<byte[]> events = ClientCalls.blockingServerStreamingCall(channel,
						ObserverService.GET_AGENT_EVENTS, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
						ObserverCodec.encode(request, FlowSchema.GET_AGENT_EVENTS_REQUEST));
				List<String> labels = new ArrayList<>();
				events.forEachRemaining((bytes) -> labels.add(decode(bytes).get("agent_event").get("policy_update")
					.get("labels").get(0).asString()));
				assertThat(labels).containsExactly("k8s:io.cilium.k8s.policy.name=web");

				// as Hubble Relay answers it
				relay.agentEvents = null;
				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> ClientCalls.blockingServerStreamingCall(channel, ObserverService.GET_AGENT_EVENTS,
							CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
							ObserverCodec.encode(request, FlowSchema.GET_AGENT_EVENTS_REQUEST)).hasNext())
					.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
			}
			finally {
				channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			}
		}
	}

	private static ObjectNode decode(byte[] bytes) {
		try {
			return ObserverCodec.decode(bytes, FlowSchema.GET_AGENT_EVENTS_RESPONSE);
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

}
