package dev.portcullis.flow;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.IntegrationTest;
import dev.portcullis.benchmark.GeneratedFlows;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large upload is streamed, not held: about 200 MB of NDJSON made on the fly (never in memory as a whole on either
 * side) goes through the real HTTP path while the heap's live size (measured after a full collection every half
 * second) is watched; it must grow by far less than the body. A bad line deep in the stream is reported by its
 * number. (The 2 GB upload with {@code -Xmx512m} is {@code FlowIngestBenchmark}'s job: docs/benchmarks.md.)
 */
class FlowUploadMemoryIntegrationTests extends IntegrationTest {

	@Autowired
	JsonMapper json;

	@LocalServerPort
	int port;

	@Autowired
	org.springframework.r2dbc.core.DatabaseClient db;

	@Test
	void uploadOfTwoHundredMegabytesShouldKeepTheHeapFlatAndNumberABadLineDeepInside() throws Exception {
		String ws = "flowmem-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		long before = GeneratedFlows.size(100_000);
		long flows = 150_000;
		long bytes = GeneratedFlows.size(flows);
		assertThat(bytes).isGreaterThan(190L * 1024 * 1024);
		Instant end = Instant.now().minusSeconds(60);
		// the JDK's client, not WebTestClient: that one records each request body for its assertion messages
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/v1/workspaces/"
				+ ws + "/flows"))
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((username(Role.AUTHOR) + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
			.header("Content-Type", "application/x-ndjson")
			.timeout(Duration.ofMinutes(10))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
					java.util.Collections.enumeration(List.<InputStream>of(
							new GeneratedFlows(100_000, end.minus(Duration.ofHours(1)), Duration.ofHours(1)),
							new ByteArrayInputStream("{\"flow\": not json\n".getBytes(StandardCharsets.UTF_8)),
							new GeneratedFlows(50_000, end, Duration.ofHours(1)))))))
			.build();
		createUser(username(Role.AUTHOR), Role.AUTHOR);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		System.gc();
		long baseline = liveAfterFullCollection();
		long usedBaseline = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
		AtomicLong peak = new AtomicLong();
		// what this test read before (used heap some moments after the collection), printed for comparison
		AtomicLong usedPeak = new AtomicLong();
		Thread sampler = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				System.gc();
				peak.accumulateAndGet(liveAfterFullCollection(), Math::max);
				usedPeak.accumulateAndGet(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
						Math::max);
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "heap-sampler");
		sampler.setDaemon(true);
		sampler.start();
		HttpResponse<String> answer;
		try {
			answer = http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		finally {
			sampler.interrupt();
			sampler.join();
		}
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		JsonNode report = this.json.readTree(answer.body());
		assertThat(report.get("accepted").asLong()).isEqualTo(flows);
		assertThat(report.get("rejectedCount").asLong()).isEqualTo(1);
		assertThat(report.get("rejected").get(0).get("line").asLong()).isEqualTo(100_001);
		long growth = peak.get() - baseline;
		System.out.printf("streamed %d MiB (%d bytes before the bad line); live heap grew by at most %d MiB "
				+ "(used heap read after the collection: %d MiB)%n", bytes / 1048576, before, growth / 1048576,
				(usedPeak.get() - usedBaseline) / 1048576);
		assertThat(growth).as("live heap growth while streaming %d MiB", bytes / 1048576)
			.isLessThan(bytes / 3);
	}

	/**
	 * The heap's size just after the last full collection, as the collector reports it (its pools' usage after
	 * that collection), not {@code totalMemory() - freeMemory()} read afterwards: under load the other threads
	 * (the upload's own included) allocate megabytes between the end of the collection and that read, which then
	 * counts garbage as live.
	 */
	private static long liveAfterFullCollection() {
		for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
			.getGarbageCollectorMXBeans()) {
			if (gc instanceof com.sun.management.GarbageCollectorMXBean full && gc.getName().contains("Old")
					&& full.getLastGcInfo() != null) {
				Map<String, java.lang.management.MemoryUsage> after = full.getLastGcInfo().getMemoryUsageAfterGc();
				// the heap's pools only (the map also holds metaspace and the code cache, which the JIT fills)
				return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
					.filter((pool) -> pool.getType() == java.lang.management.MemoryType.HEAP)
					.map((pool) -> after.get(pool.getName()))
					.filter(java.util.Objects::nonNull)
					.mapToLong(java.lang.management.MemoryUsage::getUsed)
					.sum();
			}
		}
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	@Test
	void uploadCutOffByTheClientShouldKeepNothing() throws Exception {
		String ws = "flowcut-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		createUser(username(Role.AUTHOR), Role.AUTHOR);
		byte[] lines = new GeneratedFlows(2_000, Instant.now().minusSeconds(60), Duration.ofMinutes(10))
			.readAllBytes();
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", this.port)) {
			var out = socket.getOutputStream();
			out.write(("POST /api/v1/workspaces/" + ws + "/flows HTTP/1.1\r\nHost: localhost\r\n"
					+ "Authorization: Basic " + Base64.getEncoder().encodeToString((username(Role.AUTHOR) + ":" + PASSWORD)
						.getBytes(StandardCharsets.UTF_8))
					+ "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + (lines.length * 10L)
					+ "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.write(lines);
			out.flush();
			Thread.sleep(3000);
		}
		// the server saw the body end early: whatever it had read is rolled back
		Thread.sleep(5000);
		long rows = this.db.sql("SELECT count(*) FROM flow_upload WHERE workspace_id = (SELECT id FROM workspace "
				+ "WHERE name = :ws)").bind("ws", ws).map((row) -> row.get(0, Long.class)).one()
			.block(Duration.ofSeconds(30));
		assertThat(rows).isZero();
	}

}
