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
 * The one method of Hubble's {@code observer.Observer} service that Portcullis calls, {@code GetFlows} (a server
 * stream), with marshallers over {@link ObserverCodec}. Responses stay bytes until the follower decodes them, so
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

	private ObserverService() {
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
