package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.portcullis.flow.sources.FlowSources.LeaseLost;
import dev.portcullis.flow.sources.ObserverCodec.Carries;
import dev.portcullis.flow.sources.ObserverCodec.GetFlowsRequest;
import dev.portcullis.flow.sources.ObserverCodec.Response;
import dev.portcullis.flow.sources.SourceRow.Cursor;
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
import io.grpc.TlsChannelCredentials;
import org.jspecify.annotations.Nullable;

/**
 * Follows a Hubble Relay: {@code Observer.GetFlows} with {@code follow} and {@code since} = the cursor (the newest
 * stored flow's time; the whole ring buffer the first time), converts each flow into the JSON line
 * {@code hubble observe -o json} prints and stores them in batches through {@link FlowIntake}, with the cursor moved
 * in the same transaction. On any failure (connection refused or dropped, TLS, a response that is not a
 * {@code GetFlowsResponse}, the stream ended) it says "retrying" with the error and the next attempt and reconnects
 * after {@link Backoff}.
 * <p>
 * No duplicates: Relay's {@code since} is inclusive, so the flows at exactly the cursor's time come again after a
 * reconnect. A flow is dropped when its time is before the cursor the connection started from, or equal to it (or
 * to the newest time stored since) with an identity already stored at that time. A flow's identity is its
 * {@code uuid}, or without one a SHA-256 of its JSON line (the same flow from the same Relay encodes the same).
 */
final class RelayFollower extends Follower {

	/** At most this many identities are kept for the newest time (flows that share one nanosecond). */
	static final int MAX_IDS = 10_000;

	private static final Object HEADERS = new Object();

	private final FlowIntake intake;

	private final SecretBox secrets;

	private final Backoff backoff;

	private final int batchSize;

	RelayFollower(SourceRow source, FlowSources store, String owner, FlowIntake intake, SecretBox secrets,
			SourceSettings settings) {
		super(source, store, owner);
		this.intake = intake;
		this.secrets = secrets;
		this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax());
		this.batchSize = settings.batchSize();
	}

	@Override
	public void run() {
		int failures = 0;
		try {
			while (!stopped()) {
				String error;
				Session session = new Session();
				ManagedChannel channel = null;
				try {
					if (!state("connecting", null, null)) {
						return;
					}
					channel = channel();
					follow(channel, session);
					error = "the Relay ended the stream";
				}
				catch (LeaseLost ex) {
					return;
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (Failure ex) {
					error = ex.getMessage();
				}
				catch (RuntimeException ex) {
					if (stopped()) {
						return;
					}
					error = describe(ex);
				}
				finally {
					if (channel != null) {
						channel.shutdownNow();
					}
				}
				if (stopped()) {
					return;
				}
				failures = session.received ? 1 : failures + 1;
				java.time.Duration wait = this.backoff.delay(failures);
				warn(this.source, error + "; retrying in " + wait.toMillis() + " ms");
				if (!state("retrying", error, Instant.now().plus(wait)) || !pause(wait)) {
					return;
				}
			}
		}
		catch (LeaseLost ex) {
			// another instance follows it now
		}
	}

	/** What one connection did. */
	private static final class Session {

		boolean received;

	}

	/** A failure to report as the last error. */
	static final class Failure extends Exception {

		Failure(String message) {
			super(message, null, false, false);
		}

	}

	private ManagedChannel channel() throws Failure {
		ChannelCredentials credentials;
		if (this.source.tls()) {
			try {
				TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
				if (this.source.caPem() != null) {
					tls.trustManager(stream(this.source.caPem()));
				}
				if (this.source.clientCertPem() != null && this.source.clientKeySealed() != null) {
					String key = this.secrets.open(Long.toString(this.source.id()), this.source.clientKeySealed());
					tls.keyManager(stream(this.source.clientCertPem()), stream(key));
				}
				credentials = tls.build();
			}
			catch (IOException | IllegalArgumentException | IllegalStateException ex) {
				throw new Failure("the TLS settings cannot be used: " + ex.getMessage());
			}
		}
		else {
			credentials = InsecureChannelCredentials.create();
		}
		ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(this.source.address(), credentials)
			.keepAliveTime(30, TimeUnit.SECONDS)
			.keepAliveTimeout(10, TimeUnit.SECONDS)
			.maxInboundMessageSize(16 * 1024 * 1024)
			.userAgent("portcullis");
		if (this.source.tls() && this.source.serverName() != null) {
			builder.overrideAuthority(this.source.serverName());
		}
		return builder.build();
	}

	private static ByteArrayInputStream stream(String pem) {
		return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
	}

	private void follow(ManagedChannel channel, Session session) throws InterruptedException, Failure {
		Cursor start = this.store.cursor(this.source.id()).block(STORE_TIMEOUT);
		Resume resume = new Resume(start);
		BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
		ClientCall<GetFlowsRequest, byte[]> call = channel.newCall(ObserverService.GET_FLOWS, CallOptions.DEFAULT);
		call.start(new ClientCall.Listener<>() {

			@Override
			public void onHeaders(Metadata headers) {
				queue.add(HEADERS);
			}

			@Override
			public void onMessage(byte[] message) {
				queue.add(message);
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				queue.add(status);
			}

		}, new Metadata());
		try {
			call.sendMessage(new GetFlowsRequest(0, true, (start.time() != null) ? start.time() : Instant.EPOCH));
			call.halfClose();
			call.request(this.batchSize);
			List<String> lines = new ArrayList<>();
			boolean connected = false;
			while (true) {
				Object item = queue.poll(200, TimeUnit.MILLISECONDS);
				if (stopped()) {
					throw new InterruptedException();
				}
				if (item == null) {
					flush(lines, resume, session);
					continue;
				}
				if (item instanceof Status status) {
					flush(lines, resume, session);
					if (status.isOk()) {
						return;
					}
					throw new Failure(describe(status));
				}
				if (!connected) {
					connected = true;
					if (!state("connected", null, null)) {
						throw new LeaseLost();
					}
				}
				if (item instanceof byte[] bytes) {
					call.request(1);
					Response response;
					try {
						response = ObserverCodec.response(bytes);
					}
					catch (InvalidProtocolBufferException ex) {
						flush(lines, resume, session);
						throw new Failure("the Relay sent a response that is not a GetFlowsResponse ("
								+ ex.getMessage() + ")");
					}
					String line = response.json().toString();
					if (response.kind() == Carries.LOST_EVENTS
							|| (response.kind() == Carries.FLOW && resume.fresh(response, line))) {
						lines.add(line);
					}
					if (lines.size() >= this.batchSize) {
						flush(lines, resume, session);
					}
				}
			}
		}
		finally {
			call.cancel("follower stopped", null);
		}
	}

	private void flush(List<String> lines, Resume resume, Session session) {
		if (lines.isEmpty()) {
			return;
		}
		Cursor cursor = resume.cursor();
		this.intake.store(this.source.workspaceId(), this.source.workspace(), true, List.copyOf(lines),
				(stored) -> this.store.advance(this.source.id(), this.owner, cursor, stored.flows()))
			.block(STORE_TIMEOUT);
		session.received = true;
		lines.clear();
	}

	/** A gRPC status in words: its code, its description and the innermost cause's message when it adds one. */
	static String describe(Status status) {
		String text = status.getCode() + ((status.getDescription() != null) ? ": " + status.getDescription() : "");
		Throwable cause = status.getCause();
		while (cause != null && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage()))
				? text + " (" + cause.getMessage() + ")" : text;
	}

	private static String describe(RuntimeException ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
	}

	/** The dedup rule of this class's Javadoc, over one connection. */
	static final class Resume {

		private final @Nullable Instant since;

		private final Set<String> atSince;

		private @Nullable Instant newest;

		private final Set<String> atNewest = new LinkedHashSet<>();

		Resume(Cursor start) {
			this.since = start.time();
			this.atSince = Set.copyOf(start.ids());
			this.newest = start.time();
			this.atNewest.addAll(start.ids());
		}

		/** Whether the flow is new; when it is, it counts as stored from now on (the caller stores it). */
		boolean fresh(Response response, String line) {
			Instant time = response.time();
			if (time == null) {
				return true;
			}
			String id = identity(response, line);
			if (this.since != null && (time.isBefore(this.since) || (time.equals(this.since) && this.atSince.contains(id)))) {
				return false;
			}
			if (this.newest == null || time.isAfter(this.newest)) {
				this.newest = time;
				this.atNewest.clear();
				this.atNewest.add(id);
				return true;
			}
			if (time.equals(this.newest)) {
				if (this.atNewest.contains(id)) {
					return false;
				}
				if (this.atNewest.size() < MAX_IDS) {
					this.atNewest.add(id);
				}
			}
			return true;
		}

		Cursor cursor() {
			return new Cursor(this.newest, List.copyOf(this.atNewest));
		}

		static String identity(Response response, String line) {
			var flow = response.json().get("flow");
			if (flow != null && flow.has("uuid") && !flow.get("uuid").asString().isEmpty()) {
				return flow.get("uuid").asString();
			}
			try {
				byte[] hash = MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
				return HexFormat.of().formatHex(hash, 0, 16);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
