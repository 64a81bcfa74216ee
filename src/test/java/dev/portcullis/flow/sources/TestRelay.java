package dev.portcullis.flow.sources;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.flow.sources.ObserverCodec.GetFlowsRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hubble Relay for tests: a real grpc-java server (Netty, a random port, plain or TLS) that serves
 * {@code observer.Observer/GetFlows} from a list of {@code hubble observe -o json} lines, encoded with the same
 * schema, honouring {@code since} (inclusive, as Hubble does). Each call follows a {@link Script}: how many flows it
 * sends and how it ends (drops the connection, sends garbage, or keeps the stream open as {@code follow} does).
 */
final class TestRelay implements AutoCloseable {

	/** How the n-th call (0-based) behaves. */
	interface Script {

		Step step(int call);

	}

	/** Send up to {@code flows} flows of those at or after {@code since}, then end the call {@code how}. */
	record Step(int flows, End how) {
	}

	enum End {
		/** Refuse the call at once with UNAVAILABLE, sending nothing. */
		REFUSE,
		/** Send the flows, then fail the call with UNAVAILABLE (a dropped connection). */
		DROP,
		/** Send the flows, then bytes that are not a GetFlowsResponse. */
		GARBAGE,
		/** Send the flows and keep the call open. */
		FOLLOW
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	final List<GetFlowsRequest> requests = new CopyOnWriteArrayList<>();

	/**
	 * What GetNodes answers: a {@code GetNodesResponse} as JSON; null answers UNIMPLEMENTED, as a node's own Hubble
	 * server does.
	 */
	volatile String nodes = "{}";

	/**
	 * What GetAgentEvents streams: {@code GetAgentEventsResponse} lines as JSON, those at or after the request's
	 * {@code since}; null (the default) answers UNIMPLEMENTED, as Hubble Relay does.
	 */
	volatile List<String> agentEvents;

	private final List<JsonNode> flows;

	private final Server server;

	private final AtomicInteger calls = new AtomicInteger();

	private final List<ServerCallStreamObserver<byte[]>> open = new CopyOnWriteArrayList<>();

	TestRelay(List<String> lines, Script script, ServerCredentials credentials) throws IOException {
		this.flows = lines.stream().map(JSON::readTree).toList();
		ServerServiceDefinition service = ServerServiceDefinition.builder(ObserverService.SERVICE)
			.addMethod(ObserverService.GET_FLOWS.toBuilder(requestMarshaller(), new ObserverService.BytesMarshaller())
				.build(), ServerCalls.asyncServerStreamingCall((request, responses) -> serve(request, responses, script)))
			.addMethod(ObserverService.GET_NODES, ServerCalls.asyncUnaryCall((request, response) -> {
				String answer = this.nodes;
				if (answer == null) {
					response.onError(Status.UNIMPLEMENTED.withDescription("GetNodes not implemented")
						.asRuntimeException());
					return;
				}
				response.onNext(ObserverCodec.encode(JSON.readTree(answer), FlowSchema.GET_NODES_RESPONSE));
				response.onCompleted();
			}))
			.addMethod(ObserverService.GET_AGENT_EVENTS, ServerCalls.asyncServerStreamingCall(this::agentEvents))
			.build();
		this.server = Grpc.newServerBuilderForPort(0, credentials).addService(service).build().start();
	}

	TestRelay(List<String> lines, Script script) throws IOException {
		this(lines, script, InsecureServerCredentials.create());
	}

	int port() {
		return this.server.getPort();
	}

	int calls() {
		return this.calls.get();
	}

	private void serve(GetFlowsRequest request, StreamObserver<byte[]> responses, Script script) {
		this.requests.add(request);
		Step step = script.step(this.calls.getAndIncrement());
		if (step.how() == End.REFUSE) {
			responses.onError(Status.UNAVAILABLE.withDescription("the relay is down for a test").asRuntimeException());
			return;
		}
		Instant since = request.since();
		int sent = 0;
		for (JsonNode flow : this.flows) {
			if (sent >= step.flows()) {
				break;
			}
			Instant time = Instant.parse(flow.get("flow").get("time").asString());
			if (since != null && time.isBefore(since)) {
				continue;
			}
			responses.onNext(ObserverCodec.encode(flow, FlowSchema.GET_FLOWS_RESPONSE));
			sent++;
		}
		switch (step.how()) {
			case DROP -> responses.onError(Status.UNAVAILABLE.withDescription("connection dropped for a test")
				.asRuntimeException());
			case GARBAGE -> responses.onNext(new byte[] { 0x0a, 0x7f, 0x01, 0x02, 0x03 });
			default -> this.open.add((ServerCallStreamObserver<byte[]>) responses);
		}
	}

	private void agentEvents(byte[] request, StreamObserver<byte[]> responses) {
		List<String> events = this.agentEvents;
		if (events == null) {
			responses.onError(Status.UNIMPLEMENTED.withDescription("GetAgentEvents not yet implemented")
				.asRuntimeException());
			return;
		}
		try {
			JsonNode asked = ObserverCodec.decode(request, FlowSchema.GET_AGENT_EVENTS_REQUEST);
			Instant since = asked.has("since") ? Instant.parse(asked.get("since").asString()) : null;
			for (String line : events) {
				JsonNode event = JSON.readTree(line);
				if (since == null || !Instant.parse(event.get("time").asString()).isBefore(since)) {
					responses.onNext(ObserverCodec.encode(event, FlowSchema.GET_AGENT_EVENTS_RESPONSE));
				}
			}
			responses.onCompleted();
		}
		catch (IOException ex) {
			responses.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
		}
	}

	private static io.grpc.MethodDescriptor.Marshaller<GetFlowsRequest> requestMarshaller() {
		return ObserverService.GET_FLOWS.getRequestMarshaller();
	}

	@Override
	public void close() throws InterruptedException {
		this.server.shutdownNow();
		this.server.awaitTermination(5, TimeUnit.SECONDS);
	}

}
