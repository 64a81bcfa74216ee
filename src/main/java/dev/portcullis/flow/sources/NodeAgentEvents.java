package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.portcullis.flow.sources.SourceRow.Kind;
import dev.portcullis.secrets.SecretBox;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Reads the policy events of every node behind a workspace's Hubble Relay (docs/adr/046). Hubble Relay does not
 * serve {@code GetAgentEvents} (it answers UNIMPLEMENTED), so this asks the Relay {@code Observer/GetNodes} and then
 * each listed node's own Hubble server ({@code Node.address}, port 4244 when the Relay gives none) for
 * {@code GetAgentEvents} since a moment, without {@code follow}. Nodes are asked at once, each call bounded by the
 * timeout.
 * <p>
 * TLS: when the Relay source uses TLS, each node is reached with the same CA and client certificate, and checked
 * against the server name the Relay reports for it ({@code Node.tls.server_name}), or else the name Cilium gives every
 * Hubble server: {@code <node>.<cluster>.hubble-grpc.cilium.io} with dots in both names replaced by dashes, the cluster
 * {@code default} when the node's name carries none ({@code <cluster>/<node>} otherwise), as Cilium's
 * {@code pkg/hubble/peer/serviceoption TLSServerName} builds it. Without TLS on the source, nodes are reached without
 * TLS too.
 * <p>
 * Only reads; blocks the calling thread (at most about twice the timeout); never logs or returns a credential.
 */
@Component
public class NodeAgentEvents {

	/** The port a Hubble server listens on by default ({@code hubble-listen-address :4244}). */
	static final int HUBBLE_PORT = 4244;

	private final FlowSources sources;

	private final SecretBox secrets;

	NodeAgentEvents(FlowSources sources, SecretBox secrets) {
		this.sources = sources;
		this.secrets = secrets;
	}

	/**
	 * What was read: either why nothing could be known ({@link #unknown}), or one entry per node the Relay lists other
	 * than {@code NODE_GONE}, in the Relay's order.
	 *
	 * @param unknown why no node count can be given (no Relay source, the Relay cannot be reached, it does not serve
	 *        GetNodes, it lists no node); null when nodes were listed
	 * @param nodes the nodes; empty when unknown
	 */
	public record Reading(@Nullable String unknown, List<NodeEvents> nodes) {

		public Reading {
			nodes = List.copyOf(nodes);
		}

		static Reading unknown(String why) {
			return new Reading(why, List.of());
		}

	}

	/**
	 * One node's policy events.
	 *
	 * @param name the node's name as the Relay lists it ({@code kind-worker}, or {@code cluster/node} for another
	 *        cluster's node)
	 * @param error why its events could not be read (not reachable by the Relay, refused, TLS, a timeout), in words;
	 *        null when they were read
	 * @param events its POLICY_UPDATED and POLICY_DELETED events at or after the moment asked, in the order sent
	 */
	public record NodeEvents(String name, @Nullable String error, List<PolicyEvent> events) {

		public NodeEvents {
			events = List.copyOf(events);
		}

	}

	/**
	 * A policy event an agent reported.
	 *
	 * @param time when, on the node's clock (null when the event carries none)
	 * @param deleted POLICY_DELETED (true) or POLICY_UPDATED (false)
	 * @param labels the labels of the rules, {@code source:key=value}
	 */
	public record PolicyEvent(@Nullable Instant time, boolean deleted, List<String> labels) {

		public PolicyEvent {
			labels = List.copyOf(labels);
		}

	}

	/** Reads the policy events since {@code since} from every node of the workspace's Relay (blocking). */
	public Reading read(String workspace, Instant since, Duration timeout) {
		SourceRow relay = this.sources.of(workspace).filter((s) -> s.kind() == Kind.RELAY).next().block(timeout);
		if (relay == null || relay.address() == null) {
			return Reading.unknown("the workspace has no Hubble Relay flow source");
		}
		JsonNode nodes;
		ManagedChannel channel;
		try {
			channel = channel(relay, relay.address(), relay.serverName());
		}
		catch (IllegalArgumentException ex) {
			return Reading.unknown("the Relay's TLS settings cannot be used: " + ex.getMessage());
		}
		try {
			byte[] answer = ClientCalls.blockingUnaryCall(channel, ObserverService.GET_NODES,
					CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS),
					ObserverCodec.encode(JsonNodeFactory.instance.objectNode(), FlowSchema.GET_NODES_REQUEST));
			nodes = ObserverCodec.decode(answer, FlowSchema.GET_NODES_RESPONSE).get("nodes");
		}
		catch (StatusRuntimeException ex) {
			if (ex.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
				return Reading.unknown("the Relay at " + relay.address() + " does not serve GetNodes ("
						+ RelayFollower.describe(ex.getStatus()) + "); is it a Hubble Relay?");
			}
			if (ex.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
				return Reading.unknown("the Relay at " + relay.address() + " did not answer within " + timeout.toMillis()
						+ " ms");
			}
			return Reading.unknown("the Relay at " + relay.address() + " cannot be reached: " + RelayFollower.describe(ex.getStatus()));
		}
		catch (InvalidProtocolBufferException ex) {
			return Reading.unknown("the Relay sent a response that is not a GetNodesResponse (" + ex.getMessage() + ")");
		}
		finally {
			channel.shutdownNow();
		}
		if (nodes == null || nodes.isEmpty()) {
			return Reading.unknown("the Relay lists no nodes");
		}
		Map<String, CompletableFuture<NodeEvents>> asked = new LinkedHashMap<>();
		for (JsonNode node : nodes) {
			String name = text(node, "name");
			String state = text(node, "state");
			if (name.isEmpty() || state.equals("NODE_GONE")) {
				continue;
			}
			if (state.equals("NODE_UNAVAILABLE") || state.equals("NODE_ERROR")) {
				asked.put(name, CompletableFuture.completedFuture(new NodeEvents(name,
						"not reachable by the Relay (" + state + ")", List.of())));
				continue;
			}
			String address = text(node, "address");
			if (address.isEmpty()) {
				asked.put(name, CompletableFuture.completedFuture(
						new NodeEvents(name, "the Relay gives no address for it", List.of())));
				continue;
			}
			JsonNode tls = node.get("tls");
			String serverName = (tls != null && !text(tls, "server_name").isEmpty()) ? text(tls, "server_name")
					: tlsServerName(name);
			asked.put(name, events(relay, name, withPort(address), serverName, since, timeout));
		}
		if (asked.isEmpty()) {
			return Reading.unknown("the Relay lists no nodes");
		}
		List<NodeEvents> read = new ArrayList<>();
		for (Map.Entry<String, CompletableFuture<NodeEvents>> each : asked.entrySet()) {
			try {
				read.add(each.getValue().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
			}
			catch (TimeoutException ex) {
				read.add(new NodeEvents(each.getKey(), "no answer within " + timeout.toSeconds() + " s", List.of()));
			}
			catch (ExecutionException ex) {
				read.add(new NodeEvents(each.getKey(), "cannot be read: " + ex.getCause().getClass().getSimpleName(),
						List.of()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Reading.unknown("interrupted");
			}
		}
		return new Reading(null, read);
	}

	/**
	 * The TLS server name Cilium gives a node's Hubble server ({@code pkg/hubble/peer/serviceoption}
	 * {@code TLSServerName}): {@code kind-worker} → {@code kind-worker.default.hubble-grpc.cilium.io},
	 * {@code mesh-2/node.a} → {@code node-a.mesh-2.hubble-grpc.cilium.io}.
	 */
	static String tlsServerName(String relayName) {
		int slash = relayName.indexOf('/');
		String cluster = (slash < 0) ? "default" : relayName.substring(0, slash);
		String node = relayName.substring(slash + 1);
		return node.replace('.', '-') + "." + cluster.replace('.', '-') + ".hubble-grpc.cilium.io";
	}

	/** {@code host:port}, with Hubble's port when the address has none ({@code 10.0.0.1}, {@code 2001:db8::1}). */
	static String withPort(String address) {
		if (address.startsWith("[")) {
			return address.contains("]:") ? address : address + ":" + HUBBLE_PORT;
		}
		int colons = address.length() - address.replace(":", "").length();
		if (colons == 0) {
			return address + ":" + HUBBLE_PORT;
		}
		return (colons > 1) ? "[" + address + "]:" + HUBBLE_PORT : address;
	}

	private CompletableFuture<NodeEvents> events(SourceRow relay, String name, String address, String serverName,
			Instant since, Duration timeout) {
		CompletableFuture<NodeEvents> done = new CompletableFuture<>();
		ManagedChannel channel;
		try {
			channel = channel(relay, address, serverName);
		}
		catch (IllegalArgumentException ex) {
			done.complete(new NodeEvents(name, "cannot connect to " + address + ": " + ex.getMessage(), List.of()));
			return done;
		}
		List<PolicyEvent> events = new ArrayList<>();
		List<String> unreadable = new ArrayList<>();
		ClientCall<byte[], byte[]> call = channel.newCall(ObserverService.GET_AGENT_EVENTS,
				CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
		call.start(new ClientCall.Listener<>() {

			@Override
			public void onMessage(byte[] message) {
				try {
					PolicyEvent event = policyEvent(ObserverCodec.decode(message, FlowSchema.GET_AGENT_EVENTS_RESPONSE));
					if (event != null) {
						events.add(event);
					}
				}
				catch (InvalidProtocolBufferException | RuntimeException ex) {
					unreadable.add(ex.getMessage());
				}
				call.request(1);
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				channel.shutdownNow();
				if (!unreadable.isEmpty()) {
					done.complete(new NodeEvents(name, "its Hubble server at " + address
							+ " sent an event that is not a GetAgentEventsResponse", List.of()));
				}
				else if (status.isOk()) {
					done.complete(new NodeEvents(name, null, events));
				}
				else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
					done.complete(new NodeEvents(name, "its Hubble server at " + address + " did not answer within "
							+ timeout.toMillis() + " ms", List.of()));
				}
				else if (status.getCode() == Status.Code.UNIMPLEMENTED) {
					done.complete(new NodeEvents(name, "its Hubble server at " + address
							+ " does not serve agent events (" + RelayFollower.describe(status) + ")", List.of()));
				}
				else {
					done.complete(new NodeEvents(name, "its Hubble server at " + address + " cannot be reached: "
							+ RelayFollower.describe(status), List.of()));
				}
			}

		}, new Metadata());
		ObjectNode request = JsonNodeFactory.instance.objectNode();
		request.put("follow", false);
		request.put("since", ObserverCodec.timestamp(since));
		call.sendMessage(ObserverCodec.encode(request, FlowSchema.GET_AGENT_EVENTS_REQUEST));
		call.halfClose();
		call.request(1);
		return done;
	}

	private static @Nullable PolicyEvent policyEvent(JsonNode response) {
		JsonNode event = response.get("agent_event");
		if (event == null) {
			return null;
		}
		String type = text(event, "type");
		if (!type.equals("POLICY_UPDATED") && !type.equals("POLICY_DELETED")) {
			return null;
		}
		List<String> labels = new ArrayList<>();
		JsonNode update = event.get("policy_update");
		if (update != null && update.get("labels") != null) {
			update.get("labels").forEach((l) -> labels.add(l.asString()));
		}
		String time = text(response, "time");
		return new PolicyEvent(time.isEmpty() ? null : Instant.parse(time), type.equals("POLICY_DELETED"), labels);
	}

	private ManagedChannel channel(SourceRow relay, String address, @Nullable String serverName) {
		ChannelCredentials credentials;
		if (relay.tls()) {
			try {
				TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
				if (relay.caPem() != null) {
					tls.trustManager(pem(relay.caPem()));
				}
				if (relay.clientCertPem() != null && relay.clientKeySealed() != null) {
					String key = this.secrets.open(Long.toString(relay.id()), relay.clientKeySealed());
					tls.keyManager(pem(relay.clientCertPem()), pem(key));
				}
				credentials = tls.build();
			}
			catch (IOException | IllegalStateException ex) {
				throw new IllegalArgumentException(ex.getMessage(), null);
			}
		}
		else {
			credentials = InsecureChannelCredentials.create();
		}
		ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(address, credentials)
			.maxInboundMessageSize(16 * 1024 * 1024)
			.userAgent("portcullis");
		if (relay.tls() && serverName != null && !serverName.isEmpty()) {
			builder.overrideAuthority(serverName);
		}
		return builder.build();
	}

	private static ByteArrayInputStream pem(String pem) {
		return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? "" : value.asString();
	}

}
