package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.portcullis.flow.sources.ObserverCodec.GetFlowsRequest;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;

/**
 * The methods of Hubble's {@code observer.Observer} service that Portcullis speaks: {@code GetFlows} (a server
 * stream, what a Relay source follows) with marshallers over {@link ObserverCodec}, and {@code GetNodes} and
 * {@code GetAgentEvents} with their messages as bytes (encoded and decoded with {@link ObserverCodec} and the
 * {@link FlowSchema} tables). Responses stay bytes until the follower decodes them, so
 * that a response the codec cannot read is the follower's error to report, not a transport failure.
 */
final class ObserverService {

	static final String SERVICE = "observer.Observer";

	static final MethodDescriptor<GetFlowsRequest, byte[]> GET_FLOWS = MethodDescriptor
		.<GetFlowsRequest, byte[]>newBuilder()
		.setType(MethodDescriptor.MethodType.SERVER_STREAMING)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "GetFlows"))
		.setRequestMarshaller(new RequestMarshaller())
		.setResponseMarshaller(new BytesMarshaller())
		.build();

	/**
	 * {@code observer.Observer/GetNodes} (unary): the nodes a Relay knows and their state
	 * ({@link FlowSchema#GET_NODES_REQUEST} / {@link FlowSchema#GET_NODES_RESPONSE}), messages as bytes.
	 */
	static final MethodDescriptor<byte[], byte[]> GET_NODES = bytes(MethodDescriptor.MethodType.UNARY, "GetNodes");

	/**
	 * {@code observer.Observer/GetAgentEvents} (a server stream; {@link FlowSchema#GET_AGENT_EVENTS_REQUEST} /
	 * {@link FlowSchema#GET_AGENT_EVENTS_RESPONSE}), messages as bytes. Hubble Relay answers it with UNIMPLEMENTED;
	 * each node's own Hubble server serves it (docs/adr/046).
	 */
	static final MethodDescriptor<byte[], byte[]> GET_AGENT_EVENTS = bytes(
			MethodDescriptor.MethodType.SERVER_STREAMING, "GetAgentEvents");

	private ObserverService() {
	}

	private static MethodDescriptor<byte[], byte[]> bytes(MethodDescriptor.MethodType type, String method) {
		return MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
			.setRequestMarshaller(new BytesMarshaller())
			.setResponseMarshaller(new BytesMarshaller())
			.build();
	}

	private static byte[] readAll(InputStream stream) {
		try (stream) {
			return stream.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static final class RequestMarshaller implements Marshaller<GetFlowsRequest> {

		@Override
		public InputStream stream(GetFlowsRequest value) {
			return new ByteArrayInputStream(value.encode());
		}

		@Override
		public GetFlowsRequest parse(InputStream stream) {
			try {
				return GetFlowsRequest.decode(readAll(stream));
			}
			catch (InvalidProtocolBufferException ex) {
				throw Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException();
			}
		}

	}

	/** Messages as their bytes. */
	static final class BytesMarshaller implements Marshaller<byte[]> {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			return readAll(stream);
		}

	}

}
