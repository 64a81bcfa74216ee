package dev.portcullis.benchmark;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.TestDatabase;
import org.postgresql.PGConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replay through the real HTTP path (issue 13): {@code bench.flows} stored flows (default 1,000,000, uploaded through
 * the real ingest from {@link GeneratedFlows}, the flow benchmarks' generator: the real Hubble exports, times spread
 * over six hours) against {@link SyntheticCluster}'s 1,000 policies ({@code SyntheticCluster(50, 42)}, imported),
 * {@code POST /api/v1/workspaces/{ws}/replay} of the whole window with the latest versions as baseline and a draft
 * that denies one workload's ingress as candidate, {@code bench.rounds} times (default 5). Yardstick in the same
 * run, before each round: {@code SELECT count(*), sum(count)} over the same window and a raw
 * {@code COPY (SELECT flow ...) TO STDOUT} of its flow objects, read and discarded over JDBC. Not a test: it prints
 * a report and writes it to {@code bench.report} (default {@code target/replay-benchmark.md}).
 * {@code bench.workspace} replays the flows an earlier run stored instead of storing new ones ({@code bench.password}:
 * the admin's password in that database).
 * <pre>
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench mvn -Dfrontend.skip=true \
 *   test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.portcullis.benchmark.ReplayBenchmark \
 *   [-Dbench.flows=1000000] [-Dbench.rounds=5] [-Dbench.workspace=...]
 * </pre>
 */
public final class ReplayBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final String DRAFT = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: lock-details
			  namespace: bookinfo
			spec:
			  endpointSelector:
			    matchLabels:
			      app: details
			  ingressDeny:
			  - fromEntities:
			    - all
			""";

	private ReplayBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long flows = Long.getLong("bench.flows", 1_000_000);
		int rounds = Integer.getInteger("bench.rounds", 5);
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		Map<String, String> report = new LinkedHashMap<>();
		try (StoreBenchmark.Served served = StoreBenchmark.Served.start("admin", password)) {
			String url = served.url();
			HttpClient http = served.http();
			String basic = served.basic();
			String ws = System.getProperty("bench.workspace");
			if (ws == null) {
				ws = "replay-" + Long.toString(System.currentTimeMillis(), 36);
				SqlFlows.send(http, post(url + "/api/v1/workspaces", basic, "application/json", "{\"name\":\"" + ws + "\"}"), 201);
				SyntheticCluster cluster = new SyntheticCluster(50, 42);
				SqlFlows.send(http, post(url + "/api/v1/workspaces/" + ws + "/import", basic, "application/yaml",
						cluster.policiesYaml()), 200);
				long start = System.nanoTime();
				Instant end = Instant.now().minusSeconds(60);
				HttpRequest upload = HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/flows"))
					.header("Authorization", basic).header("Content-Type", "application/x-ndjson")
					.timeout(Duration.ofHours(1))
					.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedFlows(flows, end,
							Duration.ofHours(6))))
					.build();
				JsonNode ingest = JSON.readTree(SqlFlows.send(http, upload, 200));
				report.put("stored", String.format(Locale.ROOT, "%,d flows uploaded through the ingest in %.0f s;"
						+ " %d policies imported (SyntheticCluster(50, 42))", ingest.get("accepted").asLong(),
						(System.nanoTime() - start) / 1e9, cluster.policyCount()));
			}
			else {
				report.put("stored", "workspace " + ws + " of an earlier run");
			}
			analyze();
			String body = JSON.writeValueAsString(Map.of("candidate", Map.of("draft", DRAFT)));
			HttpRequest replay = post(url + "/api/v1/workspaces/" + ws + "/replay", basic, "application/json", body);
			// warm-up: JIT, the compiled states
			JsonNode first = JSON.readTree(SqlFlows.send(http, replay, 200));
			report.put("window", String.format(Locale.ROOT, "%,d flows (%,d stored rows), %,d distinct tuples, %,d"
					+ " newly dropped in %d groups, %,d uncertain", first.get("flows").asLong(),
					first.get("coverage").get("storedFlows").asLong(), first.get("distinct").asLong(),
					first.get("changed").get("newlyDropped").asLong(), first.get("groups").size(),
					first.get("uncertain").asLong()));
			List<Double> replays = new ArrayList<>();
			List<Double> counts = new ArrayList<>();
			List<Double> copies = new ArrayList<>();
			String previous = null;
			boolean identical = true;
			for (int round = 0; round < rounds; round++) {
				counts.add(yardstick(ws, false));
				copies.add(yardstick(ws, true));
				long start = System.nanoTime();
				String answer = SqlFlows.send(http, replay, 200);
				replays.add((System.nanoTime() - start) / 1e9);
				identical &= previous == null || previous.equals(answer);
				previous = answer;
			}
			Collections.sort(replays);
			Collections.sort(counts);
			Collections.sort(copies);
			report.put("replay (POST .../replay, whole window, latest vs draft)", String.format(Locale.ROOT,
					"median %.2f s, best %.2f s, worst %.2f s over %d rounds (target < 10 s); answers byte-identical:"
							+ " %s", replays.get(replays.size() / 2), replays.get(0), replays.get(replays.size() - 1),
					rounds, identical));
			report.put("yardstick: SELECT count(*), sum(count) over the window", String.format(Locale.ROOT,
					"median %.2f s", counts.get(counts.size() / 2)));
			report.put("yardstick: COPY (SELECT flow ...) TO STDOUT over JDBC", String.format(Locale.ROOT,
					"median %.2f s", copies.get(copies.size() / 2)));
			report.put("machine", String.format(Locale.ROOT, "%d processors, load average %s",
					Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip()));
		}
		StringBuilder text = new StringBuilder("# Replay benchmark\n\n");
		report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
		System.out.println(text);
		Path out = Path.of(System.getProperty("bench.report", "target/replay-benchmark.md"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, text);
	}

	private static void analyze() throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			s.execute("ANALYZE flow");
		}
	}

	/** Seconds for a count (or, with {@code copy}, a raw COPY out of the flow objects) of the workspace's flows. */
	private static double yardstick(String ws, boolean copy) throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			long id;
			try (var rs = s.executeQuery("SELECT id FROM workspace WHERE name = '" + ws + "'")) {
				rs.next();
				id = rs.getLong(1);
			}
			long start = System.nanoTime();
			if (copy) {
				c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT flow FROM flow WHERE workspace_id = "
						+ id + ") TO STDOUT", OutputStream.nullOutputStream());
			}
			else {
				try (var rs = s.executeQuery("SELECT count(*), sum(count) FROM flow WHERE workspace_id = " + id)) {
					rs.next();
				}
			}
			return (System.nanoTime() - start) / 1e9;
		}
	}

	private static HttpRequest post(String url, String basic, String type, String body) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic).header("Content-Type", type)
			.timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
	}

}
