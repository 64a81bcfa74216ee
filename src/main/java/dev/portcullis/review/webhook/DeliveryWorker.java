package dev.portcullis.review.webhook;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import dev.portcullis.secrets.SecretBox;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * Sends queued deliveries. Every {@code poll} it claims due {@code PENDING} rows with {@code FOR UPDATE SKIP LOCKED}
 * (so instances never claim one row at once), counting the attempt and moving {@code next_attempt_at} a lease ahead
 * in the same statement, and then, outside any transaction, POSTs each body to its webhook's URL, signed
 * ({@link Signature}). A 2xx answer marks the row DELIVERED; anything else (another status, a redirect, which is not
 * followed, a timeout, a refused connection, a link-local address) records the status and the reason in words and
 * schedules the next attempt by exponential backoff with jitter, or marks the row FAILED after
 * {@code max-attempts}. Results are written only while the claim is still this worker's. A worker that dies
 * mid-attempt leaves its rows PENDING; they are sent again once the lease passes (receivers deduplicate by
 * {@code X-Portcullis-Delivery}). Secrets are opened just before signing and never logged.
 */
@Component
@EnableConfigurationProperties(WebhookSettings.class)
class DeliveryWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryWorker.class);

	private final DatabaseClient db;

	private final SecretBox secrets;

	private final WebhookSettings settings;

	private final WebClient client;

	private final String owner = "worker-" + UUID.randomUUID();

	private volatile @Nullable Disposable loop;

	DeliveryWorker(DatabaseClient db, SecretBox secrets, WebhookSettings settings) {
		this.db = db;
		this.secrets = secrets;
		this.settings = settings;
		HttpClient http = HttpClient.create()
			.followRedirect(false)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.responseTimeout(settings.timeout());
		this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
	}

	/** One claimed attempt: the row, its webhook's URL and sealed secret, and the attempt's number. */
	private record Claim(long id, long webhookId, String event, String body, int attempt, String url, byte[] sealed,
			boolean active) {
	}

	/** How one attempt ended. */
	private record Outcome(boolean delivered, @Nullable Integer status, @Nullable String error) {

		static Outcome failed(@Nullable Integer status, String error) {
			return new Outcome(false, status, error);
		}

	}

	/**
	 * Claims the due deliveries and sends each (several at once); completes with how many were attempted. The
	 * polling loop calls it; tests call it to run a worker by hand.
	 */
	Mono<Integer> deliverDue() {
		return claim().flatMap((claim) -> send(claim).flatMap((outcome) -> record(claim, outcome)), 8)
			.count()
			.map(Long::intValue);
	}

	private Flux<Claim> claim() {
		return this.db.sql("WITH claimed AS (UPDATE webhook_delivery d SET attempts = d.attempts + 1,"
				+ " claimed_by = :owner, last_attempt_at = clock_timestamp(),"
				+ " next_attempt_at = clock_timestamp() + make_interval(secs => :lease) WHERE d.id IN"
				+ " (SELECT id FROM webhook_delivery WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp()"
				+ " ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED)"
				+ " RETURNING d.id, d.webhook_id, d.event, d.body::text AS body, d.attempts)"
				+ " SELECT c.*, h.url, h.secret_sealed, h.active FROM claimed c JOIN webhook h ON h.id = c.webhook_id")
			.bind("owner", this.owner)
			.bind("lease", (double) this.settings.lease().toMillis() / 1000.0)
			.bind("limit", this.settings.batchSize())
			.map((row) -> {
				ByteBuffer sealed = row.get("secret_sealed", ByteBuffer.class);
				byte[] bytes = new byte[sealed.remaining()];
				sealed.get(bytes);
				return new Claim(row.get("id", Long.class), row.get("webhook_id", Long.class),
						row.get("event", String.class), row.get("body", String.class), row.get("attempts", Integer.class),
						row.get("url", String.class), bytes, row.get("active", Boolean.class));
			})
			.all();
	}

	private Mono<Outcome> send(Claim claim) {
		if (!claim.active()) {
			return Mono.just(Outcome.failed(null, "not sent: the webhook is inactive"));
		}
		URI uri = URI.create(claim.url());
		byte[] body = claim.body().getBytes(StandardCharsets.UTF_8);
		return Mono.fromCallable(() -> Destinations.refusedAddress(uri, this.settings.allowLinkLocal()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((refusal) -> Mono.just(Outcome.failed(null, refusal)))
			.switchIfEmpty(Mono.defer(() -> post(claim, uri, body)));
	}

	private Mono<Outcome> post(Claim claim, URI uri, byte[] body) {
		String secret;
		try {
			secret = this.secrets.open("webhook:" + claim.webhookId(), claim.sealed());
		}
		catch (SecretBox.CannotOpen ex) {
			return Mono.just(Outcome.failed(null, "not sent: " + ex.getMessage()));
		}
		long timestamp = System.currentTimeMillis() / 1000;
		long limit = this.settings.maxResponseBytes().toBytes();
		return this.client.post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.header("User-Agent", "Portcullis-Webhooks/1")
			.header("X-Portcullis-Event", claim.event())
			.header("X-Portcullis-Delivery", Long.toString(claim.id()))
			.header("X-Portcullis-Attempt", Integer.toString(claim.attempt()))
			.header("X-Portcullis-Timestamp", Long.toString(timestamp))
			.header("X-Portcullis-Signature", Signature.of(secret, timestamp, body))
			.bodyValue(body)
			.exchangeToMono((response) -> DataBufferUtils
				.join(DataBufferUtils.takeUntilByteCount(response.bodyToFlux(DataBuffer.class), limit))
				.map((buffer) -> {
					String text = buffer.toString(StandardCharsets.UTF_8);
					DataBufferUtils.release(buffer);
					return text;
				})
				.defaultIfEmpty("")
				.map((text) -> outcome(response.statusCode().value(), text)))
			.timeout(this.settings.timeout().plus(this.settings.connectTimeout()))
			.onErrorResume((ex) -> Mono.just(Outcome.failed(null, words(ex, uri))));
	}

	private Outcome outcome(int status, String answer) {
		if (status >= 200 && status < 300) {
			return new Outcome(true, status, null);
		}
		String excerpt = answer.replaceAll("\\s+", " ").strip();
		if (excerpt.length() > 200) {
			excerpt = excerpt.substring(0, 200) + "…";
		}
		String reason = (status >= 300 && status < 400) ? "the receiver answered HTTP " + status
				+ " (a redirect, which webhooks do not follow: use the final URL)"
				: "the receiver answered HTTP " + status;
		return Outcome.failed(status, excerpt.isEmpty() ? reason : reason + ": " + excerpt);
	}

	private String words(Throwable ex, URI uri) {
		Throwable cause = (ex instanceof WebClientRequestException && ex.getCause() != null) ? ex.getCause() : ex;
		String where = uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
		if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException
				|| cause instanceof io.netty.channel.ConnectTimeoutException) {
			return "no answer from " + where + " within " + this.settings.timeout().toSeconds() + " s";
		}
		if (cause instanceof ConnectException) {
			return "could not connect to " + where + " (connection refused)";
		}
		if (cause instanceof UnknownHostException) {
			return "the host name " + uri.getHost() + " does not resolve";
		}
		if (cause instanceof PrematureCloseException) {
			return where + " closed the connection before answering";
		}
		if (cause instanceof javax.net.ssl.SSLException) {
			return "the TLS handshake with " + where + " failed (is its certificate trusted?)";
		}
		return "the request to " + where + " failed (" + cause.getClass().getSimpleName() + ")";
	}

	private Mono<Void> record(Claim claim, Outcome outcome) {
		if (outcome.delivered()) {
			return this.db.sql("UPDATE webhook_delivery SET status = 'DELIVERED', delivered_at = clock_timestamp(),"
					+ " last_status_code = :status, last_error = NULL, claimed_by = NULL"
					+ " WHERE id = :id AND claimed_by = :owner AND attempts = :attempt")
				.bind("status", outcome.status())
				.bind("id", claim.id())
				.bind("owner", this.owner)
				.bind("attempt", claim.attempt())
				.then();
		}
		Duration wait = this.settings.backoff(claim.attempt(), ThreadLocalRandom.current().nextDouble());
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("UPDATE webhook_delivery SET status = CASE WHEN attempts"
				+ " >= :max THEN 'FAILED' ELSE 'PENDING' END, next_attempt_at = clock_timestamp()"
				+ " + make_interval(secs => :wait), last_status_code = :status, last_error = :error, claimed_by = NULL"
				+ " WHERE id = :id AND claimed_by = :owner AND attempts = :attempt")
			.bind("max", this.settings.maxAttempts())
			.bind("wait", (double) wait.toMillis() / 1000.0)
			.bind("error", (outcome.error() != null) ? outcome.error() : "failed")
			.bind("id", claim.id())
			.bind("owner", this.owner)
			.bind("attempt", claim.attempt());
		spec = (outcome.status() != null) ? spec.bind("status", outcome.status()) : spec.bindNull("status", Integer.class);
		return spec.then();
	}

	@Override
	public void start() {
		if (!this.settings.deliver()) {
			return;
		}
		this.loop = Flux.interval(this.settings.poll(), this.settings.poll(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> deliverDue().onErrorResume((ex) -> {
				logger.warn("Webhook deliveries could not be claimed or recorded: {}", ex.toString());
				return Mono.just(0);
			}), 1)
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable running = this.loop;
		if (running != null) {
			running.dispose();
			this.loop = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.loop != null;
	}

}
