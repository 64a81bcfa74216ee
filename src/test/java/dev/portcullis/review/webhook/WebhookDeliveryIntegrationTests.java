package dev.portcullis.review.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.secrets.SecretBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook deliveries to a real HTTP server ({@link Receiver}): signed so that the receiver can check the signature
 * on its own, retried after a failure, FAILED after the limit with the reason in words, sent once however many
 * workers claim, and never sent for a change that rolled back. Workers are run by hand here (the suite's contexts
 * have {@code portcullis.webhooks.deliver=false}), with short backoff.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhookDeliveryIntegrationTests extends IntegrationTest {

	private static final String SECRET = "whsec-" + UUID.randomUUID();

	private static final WebhookSettings FAST = new WebhookSettings(false, Duration.ofSeconds(1), 20, 3,
			Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5),
			DataSize.ofKilobytes(64), false);

	@Autowired
	Webhooks webhooks;

	@Autowired
	DatabaseClient db;

	@Autowired
	SecretBox secrets;

	@Autowired
	JsonMapper json;

	@Autowired
	ReactiveTransactionManager transactions;

	private Receiver receiver;

	private String workspace;

	@BeforeEach
	void workspaceAndReceiver() throws Exception {
		this.receiver = new Receiver();
		this.workspace = "hooks-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.workspace)).exchange().expectStatus().isCreated();
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.close();
	}

	@Test
	void deliveryShouldCarryABodyAChatRelayCanPostAndASignatureTheReceiverCanCheck() {
		long id = createWebhook("chat", this.receiver.url(), List.of(Webhooks.OPENED, Webhooks.MERGED));
		enqueue(Webhooks.MERGED, Map.of("id", 12, "title", "Open 443", "actor", "bob"));
		DeliveryWorker worker = worker();
		worker.deliverDue().block();

		assertThat(this.receiver.requests).hasSize(1);
		Receiver.Request request = this.receiver.requests.get(0);
		assertThat(request.header("Content-Type")).startsWith("application/json");
		assertThat(request.header("X-Portcullis-Event")).isEqualTo("change_request.merged");
		String timestamp = request.header("X-Portcullis-Timestamp");
		assertThat(Long.parseLong(timestamp)).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
		assertThat(request.header("X-Portcullis-Signature")).isEqualTo("sha256=" + hmac(SECRET, timestamp + "." + request.body()));
		assertThat(request.header("X-Portcullis-Signature")).isNotEqualTo("sha256=" + hmac("another secret", timestamp + "." + request.body()));
		JsonNode body = this.json.readTree(request.body());
		assertThat(body.get("event").asString()).isEqualTo("change_request.merged");
		assertThat(body.get("workspace").asString()).isEqualTo(this.workspace);
		assertThat(body.get("text").asString()).isEqualTo("[" + this.workspace + "] Change request #12 “Open 443” merged by bob");
		assertThat(body.get("id").asInt()).isEqualTo(12);
		assertThat(body.get("title").asString()).isEqualTo("Open 443");

		JsonNode delivery = deliveries(id).get(0);
		assertThat(delivery.get("id").asString()).isEqualTo(request.header("X-Portcullis-Delivery"));
		assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
		assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
		assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(200);
		worker.deliverDue().block();
		assertThat(this.receiver.requests).hasSize(1);
	}

	@Test
	void everyStepOfAChangeRequestShouldBeDeliveredSignedWithAnAbsoluteLinkToItsReviewPage() {
		createWebhook("all-steps", this.receiver.url(), List.of(Webhooks.OPENED, Webhooks.REVISED, Webhooks.APPROVED,
				Webhooks.CHANGES_REQUESTED, Webhooks.MERGED, Webhooks.WITHDRAWN));
		String policies = "/api/v1/workspaces/{ws}/change-requests";
		long merged = body(as(Role.AUTHOR).post().uri(policies, this.workspace).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Open 443", "changes", policy(443))).exchange().expectStatus().isCreated())
			.get("id").asLong();
		as(Role.REVIEWER).post().uri(policies + "/{id}/reviews", this.workspace, merged)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", "REQUEST_CHANGES", "body", "why?"))
			.exchange().expectStatus().isOk();
		as(Role.AUTHOR).put().uri(policies + "/{id}", this.workspace, merged).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Open 8443", "changes", policy(8443))).exchange().expectStatus().isOk();
		as(Role.REVIEWER).post().uri(policies + "/{id}/reviews", this.workspace, merged)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", "APPROVE")).exchange()
			.expectStatus().isOk();
		as(Role.REVIEWER).post().uri(policies + "/{id}/merge", this.workspace, merged).exchange().expectStatus().isOk();
		long withdrawn = body(as(Role.AUTHOR).post().uri(policies, this.workspace)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "Never mind", "changes", policy(22)))
			.exchange().expectStatus().isCreated()).get("id").asLong();
		as(Role.AUTHOR).post().uri(policies + "/{id}/withdraw", this.workspace, withdrawn).exchange()
			.expectStatus().isOk();
		worker().deliverDue().block();

		// the worker sends several at once: put them in the order they were queued
		List<Receiver.Request> received = this.receiver.requests.stream()
			.sorted(java.util.Comparator.comparingLong((r) -> Long.parseLong(r.header("X-Portcullis-Delivery"))))
			.toList();
		assertThat(received).extracting((r) -> r.header("X-Portcullis-Event")).containsExactly(
				Webhooks.OPENED, Webhooks.CHANGES_REQUESTED, Webhooks.REVISED, Webhooks.APPROVED, Webhooks.MERGED,
				Webhooks.OPENED, Webhooks.WITHDRAWN);
		String link = "https://portcullis.example.test/workspaces/" + this.workspace + "/change-requests/";
		for (Receiver.Request request : received) {
			assertThat(request.header("X-Portcullis-Signature")).as(request.body())
				.isEqualTo("sha256=" + hmac(SECRET, request.header("X-Portcullis-Timestamp") + "." + request.body()));
			JsonNode body = this.json.readTree(request.body());
			String url = link + body.get("id").asLong();
			assertThat(body.get("url").asString()).isEqualTo(url);
			assertThat(body.get("text").asString()).startsWith("[" + this.workspace + "] Change request #")
				.endsWith(" " + url);
		}
		JsonNode revised = this.json.readTree(received.get(2).body());
		assertThat(revised.get("revision").asInt()).isEqualTo(2);
		assertThat(revised.get("actor").asString()).isEqualTo(username(Role.AUTHOR));
		JsonNode approved = this.json.readTree(received.get(3).body());
		assertThat(approved.get("actor").asString()).isEqualTo(username(Role.REVIEWER));
		assertThat(approved.get("status").asString()).isEqualTo("APPROVED");
	}

	static String policy(int port) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: shop
				spec:
				  endpointSelector:
				    matchLabels:
				      app: web
				  ingress:
				  - toPorts:
				    - ports:
				      - port: "%d"
				        protocol: TCP
				""".formatted(port);
	}

	@Test
	void deliveryWhenTheReceiverAnswers500ShouldBeRetriedWithTheSameIdUntil200() throws Exception {
		long id = createWebhook("retry", this.receiver.url(), List.of(Webhooks.OPENED));
		this.receiver.answer(500, 503);
		enqueue(Webhooks.OPENED, Map.of("id", 1, "title", "t", "actor", "alice"));
		JsonNode delivery = runUntil(worker(), id, (d) -> d.get("status").asString().equals("DELIVERED"));

		assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
		assertThat(delivery.get("lastError").isNull()).isTrue();
		assertThat(this.receiver.requests).hasSize(3)
			.extracting((r) -> r.header("X-Portcullis-Delivery"))
			.containsOnly(delivery.get("id").asString());
		assertThat(this.receiver.requests).extracting((r) -> r.header("X-Portcullis-Attempt")).containsExactly("1", "2", "3");
	}

	@Test
	void deliveryWhenEveryAttemptFailsShouldBeFailedAfterTheLimitWithTheReasonInWords() throws Exception {
		long id = createWebhook("down", this.receiver.url(), List.of(Webhooks.WITHDRAWN));
		this.receiver.always(500);
		enqueue(Webhooks.WITHDRAWN, Map.of("id", 3));
		JsonNode delivery = runUntil(worker(), id, (d) -> !d.get("status").asString().equals("PENDING"));

		assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
		assertThat(delivery.get("attempts").asInt()).isEqualTo(FAST.maxAttempts());
		assertThat(delivery.get("lastStatusCode").asInt()).isEqualTo(500);
		assertThat(delivery.get("lastError").asString()).isEqualTo("the receiver answered HTTP 500: boom at the receiver");
		assertThat(this.receiver.requests).hasSize(FAST.maxAttempts());
	}

	@Test
	void deliveryWhenNothingListensShouldSayTheConnectionWasRefused() throws Exception {
		String closed = this.receiver.url();
		this.receiver.close();
		long id = createWebhook("closed", closed, List.of(Webhooks.APPROVED));
		enqueue(Webhooks.APPROVED, Map.of("id", 4));
		JsonNode delivery = runUntil(worker(), id, (d) -> d.get("attempts").asInt() >= 1 && !d.get("lastError").isNull());
		assertThat(delivery.get("lastError").asString()).startsWith("could not connect to 127.0.0.1:").endsWith("(connection refused)");
		assertThat(delivery.get("lastStatusCode").isNull()).isTrue();
	}

	@Test
	void deliveryWhenTheReceiverRedirectsShouldNotFollowIt() throws Exception {
		long id = createWebhook("moved", this.receiver.url(), List.of(Webhooks.OPENED));
		this.receiver.answer(302);
		enqueue(Webhooks.OPENED, Map.of("id", 5));
		worker().deliverDue().block();
		JsonNode delivery = deliveries(id).get(0);
		assertThat(delivery.get("status").asString()).isEqualTo("PENDING");
		assertThat(delivery.get("lastError").asString()).startsWith("the receiver answered HTTP 302 (a redirect, which webhooks do not follow");
		assertThat(this.receiver.requests).hasSize(1);
	}

	@Test
	void twoWorkersClaimingAtOnceShouldDeliverEachEventOnce() {
		createWebhook("busy", this.receiver.url(), List.of(Webhooks.REVISED));
		int events = 40;
		for (int i = 0; i < events; i++) {
			enqueue(Webhooks.REVISED, Map.of("id", i, "revision", 2));
		}
		DeliveryWorker first = worker();
		DeliveryWorker second = worker();
		// the workers claim every due delivery of the database (other tests' too): count what this receiver got
		for (int round = 0; round < 20 && this.receiver.requests.size() < events; round++) {
			Mono.zip(first.deliverDue(), second.deliverDue(), Integer::sum).block();
		}
		assertThat(this.receiver.requests).hasSize(events);
		assertThat(this.receiver.requests.stream().map((r) -> r.header("X-Portcullis-Delivery")).distinct()).hasSize(events);
	}

	@Test
	void deliveryClaimedByAWorkerThatDiedShouldBeSentByAnotherOnceTheLeasePasses() {
		long id = createWebhook("crash", this.receiver.url(), List.of(Webhooks.OPENED));
		enqueue(Webhooks.OPENED, Map.of("id", 6));
		// what a worker's claim leaves behind when its instance dies before recording the result
		this.db.sql("UPDATE webhook_delivery SET attempts = 1, claimed_by = 'worker-that-died',"
				+ " next_attempt_at = clock_timestamp() + interval '1 hour' WHERE webhook_id = :id")
			.bind("id", id).then().block();
		DeliveryWorker survivor = worker();
		survivor.deliverDue().block();
		assertThat(this.receiver.requests).isEmpty();
		this.db.sql("UPDATE webhook_delivery SET next_attempt_at = clock_timestamp() WHERE webhook_id = :id")
			.bind("id", id).then().block();
		survivor.deliverDue().block();
		assertThat(this.receiver.requests).hasSize(1);
		assertThat(this.receiver.requests.get(0).header("X-Portcullis-Attempt")).isEqualTo("2");
		assertThat(deliveries(id).get(0).get("status").asString()).isEqualTo("DELIVERED");
	}

	@Test
	void deliveryQueuedBeforeItsWebhookWasMadeInactiveShouldFailAtOnceWithoutBeingSent() {
		long id = createWebhook("paused", this.receiver.url(), List.of(Webhooks.OPENED));
		enqueue(Webhooks.OPENED, Map.of("id", 7));
		as(Role.ADMIN).put().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "paused", "url", this.receiver.url(), "events", List.of(Webhooks.OPENED), "active", false))
			.exchange().expectStatus().isOk();
		worker().deliverDue().block();
		JsonNode delivery = deliveries(id).get(0);
		assertThat(delivery.get("status").asString()).isEqualTo("FAILED");
		assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
		assertThat(delivery.get("lastError").asString()).isEqualTo("not sent: the webhook was made inactive");
		assertThat(this.receiver.requests).isEmpty();
	}

	@Test
	void enqueueInATransactionThatRollsBackShouldSendNothing() {
		long id = createWebhook("rollback", this.receiver.url(), List.of(Webhooks.OPENED));
		TransactionalOperator tx = TransactionalOperator.create(this.transactions);
		Mono<Void> change = this.webhooks.enqueue(this.workspace, Webhooks.OPENED, Map.of("id", 9))
			.then(Mono.error(new IllegalStateException("the change failed after queueing its event")));
		assertThat(tx.transactional(change).onErrorResume(IllegalStateException.class, (ex) -> Mono.empty())
			.then(Mono.just("rolled back")).block()).isEqualTo("rolled back");

		worker().deliverDue().block();
		assertThat(deliveries(id)).isEmpty();
		assertThat(this.receiver.requests).isEmpty();
	}

	@Test
	void enqueueShouldSkipInactiveWebhooksAndThoseNotSubscribed() {
		long subscribed = createWebhook("yes", this.receiver.url(), List.of(Webhooks.MERGED));
		long other = createWebhook("other-event", this.receiver.url(), List.of(Webhooks.OPENED));
		long inactive = createWebhook("off", this.receiver.url(), List.of(Webhooks.MERGED));
		as(Role.ADMIN).put().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, inactive)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "off", "url", this.receiver.url(), "events", List.of(Webhooks.MERGED), "active", false))
			.exchange().expectStatus().isOk();
		enqueue(Webhooks.MERGED, Map.of("id", 1));
		assertThat(deliveries(subscribed)).hasSize(1);
		assertThat(deliveries(other)).isEmpty();
		assertThat(deliveries(inactive)).isEmpty();
	}

	@Test
	void pingAndRedeliverShouldQueueNewDeliveriesThatTheWorkerSends() {
		long id = createWebhook("pinged", this.receiver.url(), List.of(Webhooks.OPENED));
		JsonNode ping = body(as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks/{id}/ping", this.workspace, id)
			.exchange().expectStatus().isAccepted());
		assertThat(ping.get("event").asString()).isEqualTo("ping");
		assertThat(ping.get("status").asString()).isEqualTo("PENDING");
		worker().deliverDue().block();
		assertThat(this.receiver.requests).hasSize(1);
		assertThat(this.receiver.requests.get(0).header("X-Portcullis-Event")).isEqualTo("ping");
		JsonNode again = body(as(Role.ADMIN).post()
			.uri("/api/v1/workspaces/{ws}/webhooks/{id}/deliveries/{d}/redeliver", this.workspace, id, ping.get("id").asLong())
			.exchange().expectStatus().isAccepted());
		assertThat(again.get("id").asLong()).isNotEqualTo(ping.get("id").asLong());
		worker().deliverDue().block();
		assertThat(this.receiver.requests).hasSize(2);
		assertThat(this.receiver.requests.get(1).body()).isEqualTo(this.receiver.requests.get(0).body());
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks/{id}/deliveries/{d}/redeliver", this.workspace, id, 999_999_999)
			.exchange().expectStatus().isNotFound();
	}

	@Test
	void secretShouldNeverBeAnsweredAuditedOrLogged(CapturedOutput output) {
		long id = createWebhook("quiet", this.receiver.url(), List.of(Webhooks.OPENED));
		String newSecret = "rotated-" + UUID.randomUUID();
		String put = new String(as(Role.ADMIN).put().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, id)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "quiet", "url", this.receiver.url(), "secret", newSecret, "events", List.of(Webhooks.OPENED)))
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
		enqueue(Webhooks.OPENED, Map.of("id", 1));
		worker().deliverDue().block();
		Receiver.Request request = this.receiver.requests.get(0);
		assertThat(request.header("X-Portcullis-Signature"))
			.isEqualTo("sha256=" + hmac(newSecret, request.header("X-Portcullis-Timestamp") + "." + request.body()));

		String list = text(as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace));
		String one = text(as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, id));
		String deliveries = text(as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks/{id}/deliveries", this.workspace, id));
		String audit = text(as(Role.ADMIN).get().uri("/api/v1/audit?workspace={ws}", this.workspace));
		String stored = this.db.sql("SELECT string_agg(encode(secret_sealed, 'escape'), '') AS s FROM webhook WHERE id = :id")
			.bind("id", id).map((row) -> row.get("s", String.class)).one().block();
		for (String text : List.of(put, list, one, deliveries, audit, stored, output.getAll())) {
			assertThat(text).doesNotContain(SECRET).doesNotContain(newSecret);
		}
		assertThat(one).contains("\"secretSet\":true");
		assertThat(audit).contains("webhook.create").contains("webhook.update").contains("\"secret\":\"replaced\"");
	}

	@Test
	void createShouldRefuseBadUrlsMissingSecretsAndUnknownEventsByMember() {
		String problem = text(as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "bad", "url", "http://169.254.169.254/latest/meta-data", "events", List.of("change_request.eaten"))),
				400);
		assertThat(problem).contains("/problems/invalid-webhook").contains("\"path\":\"url\"").contains("link-local")
			.contains("\"path\":\"secret\"").contains("\"path\":\"events\"").contains("unknown event change_request.eaten");
		assertThat(text(as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "ftp", "url", "ftp://example.com/", "secret", SECRET, "events", List.of(Webhooks.OPENED))), 400))
			.contains("must be an http:// or https:// URL");
		createWebhook("taken", this.receiver.url(), List.of(Webhooks.OPENED));
		assertThat(text(as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "taken", "url", this.receiver.url(), "secret", SECRET, "events", List.of(Webhooks.OPENED))), 400))
			.contains("another webhook of this workspace is named taken");
		as(Role.AUTHOR).get().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace).exchange().expectStatus().isForbidden();
		as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks", "no-such-workspace").exchange().expectStatus().isNotFound();
	}

	@Test
	void deleteShouldRemoveTheWebhookAndItsDeliveries() {
		long id = createWebhook("gone", this.receiver.url(), List.of(Webhooks.OPENED));
		enqueue(Webhooks.OPENED, Map.of("id", 1));
		as(Role.ADMIN).delete().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, id).exchange()
			.expectStatus().isNoContent();
		as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks/{id}", this.workspace, id).exchange()
			.expectStatus().isNotFound();
		worker().deliverDue().block();
		assertThat(this.receiver.requests).isEmpty();
		assertThat(this.db.sql("SELECT count(*) AS n FROM webhook_delivery WHERE webhook_id = :id").bind("id", id)
			.map((row) -> row.get("n", Long.class)).one().block()).isZero();
	}

	private DeliveryWorker worker() {
		return new DeliveryWorker(this.db, this.secrets, FAST);
	}

	private void enqueue(String event, Map<String, Object> payload) {
		TransactionalOperator.create(this.transactions)
			.transactional(this.webhooks.enqueue(this.workspace, event, payload))
			.block();
	}

	private long createWebhook(String name, String url, List<String> events) {
		JsonNode created = body(as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks", this.workspace)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "url", url, "secret", SECRET, "events", events))
			.exchange().expectStatus().isCreated());
		assertThat(created.get("secretSet").asBoolean()).isTrue();
		assertThat(created.has("secret")).isFalse();
		return created.get("id").asLong();
	}

	private List<JsonNode> deliveries(long id) {
		JsonNode answer = body(as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/webhooks/{id}/deliveries", this.workspace, id)
			.exchange().expectStatus().isOk());
		List<JsonNode> rows = new ArrayList<>();
		answer.get("deliveries").forEach(rows::add);
		return rows;
	}

	/** Runs the worker until the webhook's newest delivery satisfies {@code done} (backoff is milliseconds here). */
	private JsonNode runUntil(DeliveryWorker worker, long id, java.util.function.Predicate<JsonNode> done)
			throws InterruptedException {
		long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < until) {
			worker.deliverDue().block();
			List<JsonNode> rows = deliveries(id);
			if (!rows.isEmpty() && done.test(rows.get(0))) {
				return rows.get(0);
			}
			Thread.sleep(60);
		}
		throw new AssertionError("the delivery did not get there in 60 s: " + deliveries(id));
	}

	private JsonNode body(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec spec) {
		return this.json.readTree(spec.expectBody().returnResult().getResponseBody());
	}

	private static String text(org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> spec) {
		return new String(spec.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody(),
				StandardCharsets.UTF_8);
	}

	private static String text(org.springframework.test.web.reactive.server.WebTestClient.RequestHeadersSpec<?> spec,
			int status) {
		return new String(spec.exchange().expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody(),
				StandardCharsets.UTF_8);
	}

	/** The receiver's check, written here without the app's code: HMAC-SHA256 of "timestamp.body" in hex. */
	private static String hmac(String secret, String signed) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
