package dev.portcullis.flow.sources;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.portcullis.IntegrationTest;
import dev.portcullis.flow.sources.TestRelay.End;
import dev.portcullis.flow.sources.TestRelay.Step;
import dev.portcullis.identity.Role;
import io.grpc.TlsServerCredentials;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Relay source end to end: a real grpc-java server speaking observer.Observer/GetFlows (TestRelay), the source
 * set through the API, the follower of the running app storing flows through the flow store's ingest, and the
 * status the API and the page show.
 */
@FollowingSources
class RelaySourceIntegrationTests extends IntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private DatabaseClient db;

	@Autowired
	private FlowSources sources;

	/** The corpus's 400 TCP flows, oldest first, as Hubble printed them. */
	static List<String> tcpFlows() throws Exception {
		List<String> lines = new ArrayList<>(ObserverCodecTests.corpusLines().stream()
			.filter((l) -> l.contains("\"TCP\""))
			.distinct()
			.toList());
		lines.sort(Comparator.comparing((String l) -> Instant.parse(JSON.readTree(l).get("flow").get("time").asString())));
		return lines;
	}

	private String workspace() {
		String ws = "relay-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		return ws;
	}

	@Test
	void relayThatDropsRefusesAndSendsGarbageShouldBeFollowedToTheEndWithoutDuplicatesAndSayItIsRetrying()
			throws Exception {
		List<String> flows = tcpFlows();
		assertThat(flows).hasSizeGreaterThan(300);
		String ws = workspace();
		volatileDown = false;
		garbageSent = false;
		// call 0: 120 flows then the connection drops; calls 1-n: refused while the test says the relay is down;
		// then 100 flows and garbage; then everything since the cursor, and the stream stays open
		TestRelay.Script script = (call) -> {
			if (call == 0) {
				return new Step(120, End.DROP);
			}
			if (volatileDown) {
				return new Step(0, End.REFUSE);
			}
			if (!garbageSent) {
				garbageSent = true;
				return new Step(100, End.GARBAGE);
			}
			return new Step(Integer.MAX_VALUE, End.FOLLOW);
		};
		try (TestRelay relay = new TestRelay(flows, script)) {
			volatileDown = true;
			put(ws, "{\"relay\": {\"address\": \"127.0.0.1:" + relay.port() + "\"}}");
			await(() -> relay.calls() >= 3, "the follower reconnects after the drop and keeps trying");
			JsonNode status = status(ws).get("relay").get("status");
			assertThat(status.get("state").asString()).isEqualTo("retrying");
			assertThat(status.get("lastError").asString()).contains("UNAVAILABLE");
			assertThat(status.get("nextAttemptAt").isString()).isTrue();
			assertThat(stored(ws)).isEqualTo(120);
			String page = new String(as(Role.VIEWER).get().uri("/workspaces/" + ws + "/flows/sources/status").exchange()
				.expectStatus().isOk().expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8);
			assertThat(page).contains("retrying").contains("the relay is down for a test").contains("Next attempt at");

			volatileDown = false;
			await(() -> stored(ws) == flows.size(), "every flow is stored");
			await(() -> "connected".equals(status(ws).get("relay").get("status").get("state").asString()),
					"connected again");
			assertThat(status(ws).get("relay").get("status").get("lastError").asString())
				.contains("not a GetFlowsResponse");
			// resumed with since = the newest stored time, never from the start again
			assertThat(relay.requests.get(0).since()).isEqualTo(Instant.EPOCH);
			assertThat(relay.requests.get(relay.requests.size() - 1).since()).isNotNull().isAfter(Instant.EPOCH);
			Thread.sleep(1000);
			assertThat(stored(ws)).isEqualTo(flows.size());
			assertThat(distinct(ws)).isEqualTo(flows.size());
		}
		finally {
			put(ws, "{}");
		}
	}

	private static volatile boolean volatileDown;

	private static volatile boolean garbageSent;

	@Test
	void relayOverMutualTlsShouldBeFollowedAndTheClientKeyNeverReturned() throws Exception {
		TestCertificates.Issued ca = TestCertificates.ca("test-ca");
		TestCertificates.Issued server = TestCertificates.server(ca, "relay.test", "127.0.0.1");
		TestCertificates.Issued client = TestCertificates.client(ca, "portcullis");
		List<String> flows = tcpFlows().subList(0, 40);
		String ws = workspace();
		TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
			.keyManager(stream(server.certificate()), stream(server.key()))
			.trustManager(stream(ca.certificate()))
			.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
		try (TestRelay relay = new TestRelay(flows, (call) -> new Step(Integer.MAX_VALUE, End.FOLLOW), tls.build())) {
			String body = JSON.writeValueAsString(Map.of("relay", Map.of("address", "127.0.0.1:" + relay.port(),
					"tls", true, "serverName", "relay.test", "ca", ca.certificate(), "clientCertificate",
					client.certificate(), "clientKey", client.key())));
			put(ws, body);
			await(() -> stored(ws) == flows.size(), "flows arrive over TLS");
			byte[] answer = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/flow-sources").exchange()
				.expectStatus().isOk().expectBody().returnResult().getResponseBody();
			String text = new String(answer, StandardCharsets.UTF_8);
			assertThat(text).contains("\"clientKeySet\":true").doesNotContain("PRIVATE KEY");
			String keyBody = client.key().lines().filter((l) -> !l.startsWith("-----")).findFirst().orElseThrow();
			assertThat(text).doesNotContain(keyBody);
			// at rest the key is sealed: the row does not hold it
			byte[] sealed = this.db.sql("SELECT s.client_key_sealed FROM flow_source s JOIN workspace w ON"
					+ " w.id = s.workspace_id WHERE w.name = :ws").bind("ws", ws)
				.map((row) -> {
					java.nio.ByteBuffer b = row.get(0, java.nio.ByteBuffer.class);
					byte[] out = new byte[b.remaining()];
					b.get(out);
					return out;
				}).one().block();
			assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
			// a PUT that leaves clientKey out keeps the key: the follower still connects after the restart
			String keep = JSON.writeValueAsString(Map.of("relay", Map.of("address", "127.0.0.1:" + relay.port(),
					"tls", true, "serverName", "relay.test", "ca", ca.certificate(), "clientCertificate",
					client.certificate())));
			put(ws, keep);
			assertThat(status(ws).get("relay").get("clientKeySet").asBoolean()).isTrue();
		}
		finally {
			put(ws, "{}");
		}
	}

	@Test
	void relayWithAnUnknownCaShouldBeRetryingWithTheTlsError() throws Exception {
		TestCertificates.Issued ca = TestCertificates.ca("test-ca");
		TestCertificates.Issued other = TestCertificates.ca("other-ca");
		TestCertificates.Issued server = TestCertificates.server(ca, "relay.test");
		String ws = workspace();
		TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
			.keyManager(stream(server.certificate()), stream(server.key()));
		try (TestRelay relay = new TestRelay(tcpFlows().subList(0, 5), (call) -> new Step(5, End.FOLLOW), tls.build())) {
			put(ws, JSON.writeValueAsString(Map.of("relay", Map.of("address", "127.0.0.1:" + relay.port(), "tls", true,
					"serverName", "relay.test", "ca", other.certificate()))));
			await(() -> "retrying".equals(status(ws).get("relay").get("status").get("state").asString()),
					"the handshake fails");
			assertThat(status(ws).get("relay").get("status").get("lastError").asString()).contains("UNAVAILABLE");
			assertThat(stored(ws)).isZero();
		}
		finally {
			put(ws, "{}");
		}
	}

	@Test
	void secondInstanceShouldNotClaimASourceThatIsFollowed() throws Exception {
		String ws = workspace();
		try (TestRelay relay = new TestRelay(tcpFlows().subList(0, 5), (call) -> new Step(5, End.FOLLOW))) {
			put(ws, "{\"relay\": {\"address\": \"127.0.0.1:" + relay.port() + "\"}}");
			await(() -> stored(ws) == 5, "the app's follower stores the flows");
			List<SourceRow> claimed = this.sources.claimFree("another-instance", Duration.ofSeconds(30)).collectList()
				.block();
			assertThat(claimed).extracting(SourceRow::workspace).doesNotContain(ws);
			assertThat(status(ws).get("relay").get("status").get("followedBy").asString())
				.isNotEqualTo("another-instance");
		}
		finally {
			put(ws, "{}");
		}
	}

	@Test
	void invalidSettingsShouldBeRefusedWithViolationsAndNonAdminsForbidden() {
		String ws = workspace();
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"relay\": {\"address\": \"no port\", \"tls\": false, \"ca\": \"x\"}, \"files\": {\"directory\":"
					+ " \"/etc\", \"fileName\": \"passwd\"}, \"other\": 1}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-flow-sources")
			.jsonPath("$.violations[?(@.path == 'other')]").exists();
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"relay\": {\"address\": \"no port\", \"tls\": false, \"ca\": \"x\"}}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.violations[?(@.path == 'relay.address')]").exists()
			.jsonPath("$.violations[?(@.path == 'relay.tls')]").exists();
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"files\": {\"directory\": \"/etc\", \"fileName\": \"passwd\"}}")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody()
			.jsonPath("$.violations[?(@.path == 'files.directory')]").exists()
			.jsonPath("$.violations[?(@.path == 'files.fileName')]").exists();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}").exchange().expectStatus().isForbidden();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/nope-" + UUID.randomUUID().toString().substring(0, 6)
				+ "/flow-sources").exchange().expectStatus().isNotFound();
	}

	private static java.io.InputStream stream(String pem) {
		return new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
	}

	void put(String ws, String body) {
		as(Role.ADMIN).put().uri("/api/v1/workspaces/" + ws + "/flow-sources").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body).exchange().expectStatus().isOk();
	}

	JsonNode status(String ws) {
		byte[] body = as(Role.VIEWER).get().uri("/api/v1/workspaces/" + ws + "/flow-sources").exchange()
			.expectStatus().isOk().expectBody().returnResult().getResponseBody();
		return JSON.readTree(body);
	}

	long stored(String ws) {
		return this.db.sql("SELECT count(*) AS n FROM flow f JOIN workspace w ON w.id = f.workspace_id WHERE w.name = :ws")
			.bind("ws", ws).map((row) -> row.get("n", Long.class)).one().block();
	}

	long distinct(String ws) {
		return this.db.sql("SELECT count(DISTINCT md5(f.flow::text)) AS n FROM flow f JOIN workspace w"
				+ " ON w.id = f.workspace_id WHERE w.name = :ws")
			.bind("ws", ws).map((row) -> row.get("n", Long.class)).one().block();
	}

	static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out waiting: " + what);
			}
			Thread.sleep(100);
		}
	}

}
