package dev.portcullis.benchmark;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.TestDatabase;
import org.postgresql.PGConnection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Flow ingest through the real HTTP path (issue 12): one NDJSON upload of {@code bench.flows} flows (default
 * 500,000; made on the fly from the real Hubble exports by {@link GeneratedFlows}, times spread over the last six
 * hours) into the indexed, partitioned store, against a raw {@code COPY} of the same lines into a one-column table
 * in the same run and database (the floor: what PostgreSQL takes for the bytes alone). Each is run
 * {@code bench.rounds} times (default 2), alternating; the report gives each round and the best. Not a test: it
 * prints a report and writes it to {@code bench.report} (default {@code target/flow-ingest-benchmark.md}).
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.FlowIngestBenchmark [-Dbench.flows=1600000]
 * </pre>
 * With {@code java -Xmx512m} and {@code -Dbench.flows=1600000} (2 GB of NDJSON) it shows that an upload larger
 * than the heap goes through (the app runs in the same JVM). {@code bench.gzip=true} sends it gzip-compressed.
 * <p>
 * Besides the wall-clock rates it reports the CPU time each path costs per 1,000 flows, which a shared machine's
 * load disturbs far less: this JVM's CPU (the generator and client run in both paths; the app only in the ingest)
 * and the PostgreSQL backends' CPU (read from {@code /proc/<pid>/stat} of the backends serving the benchmark's
 * database, so only when PostgreSQL runs on this machine and this user may read them; otherwise left out).
 */
public final class FlowIngestBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final com.sun.management.OperatingSystemMXBean PROCESS =
			(com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

	/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
	private static final double TICKS = 100.0;

	/** CPU seconds used by one run of a path: this JVM's and the PostgreSQL backends'. */
	private record Cpu(double jvm, double backends) {
	}

	private FlowIngestBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long flows = Long.getLong("bench.flows", 500_000);
		int rounds = Integer.getInteger("bench.rounds", 2);
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		Map<String, String> report = new LinkedHashMap<>();
		try (StoreBenchmark.Served served = StoreBenchmark.Served.start("admin", password)) {
			String url = served.url();
			HttpClient http = served.http();
			String basic = served.basic();
			String ws = "bench-" + Long.toString(System.currentTimeMillis(), 36);
			HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces"))
				.header("Authorization", basic).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + ws + "\"}")).build(),
					HttpResponse.BodyHandlers.ofString());
			if (created.statusCode() != 201) {
				throw new IllegalStateException("Could not create a workspace (" + created.statusCode() + "): "
						+ created.body() + " — use a fresh database");
			}
			long bytes = GeneratedFlows.size(flows);
			report.put("input", String.format(Locale.ROOT, "%,d flows, %.1f MiB of NDJSON (the %d lines of the real "
					+ "Hubble exports, times rewritten), heap max %d MiB, %d processors", flows, bytes / 1048576.0,
					GeneratedFlows.corpusLines(), Runtime.getRuntime().maxMemory() / 1048576,
					Runtime.getRuntime().availableProcessors()));
			// warm-up: JIT for both paths
			upload(http, url, basic, ws, 20_000);
			rawCopy(20_000);
			double bestIngest = 0;
			double bestCopy = 0;
			for (int round = 1; round <= rounds; round++) {
				Cpu[] cpu = new Cpu[1];
				double copy = rawCopy(flows, cpu);
				Cpu copyCpu = cpu[0];
				long backends = backendTicks();
				long jvm = PROCESS.getProcessCpuTime();
				double ingest = upload(http, url, basic, ws, flows);
				Cpu ingestCpu = new Cpu((PROCESS.getProcessCpuTime() - jvm) / 1e9,
						(backends < 0) ? -1 : (backendTicks() - backends) / TICKS);
				bestCopy = Math.max(bestCopy, copy);
				bestIngest = Math.max(bestIngest, ingest);
				report.put("round " + round, String.format(Locale.ROOT, "raw COPY %,.0f lines/s; HTTP ingest %,.0f "
						+ "flows/s (%.0f %% of raw COPY); load average %.1f", copy, ingest, 100 * ingest / copy,
						PROCESS.getSystemLoadAverage()));
				report.put("round " + round + " CPU per 1,000 flows", String.format(Locale.ROOT,
						"raw COPY: JVM %.1f ms, PostgreSQL %s; HTTP ingest: JVM %.1f ms, PostgreSQL %s",
						1e6 * copyCpu.jvm() / flows, ms(copyCpu.backends(), flows), 1e6 * ingestCpu.jvm() / flows,
						ms(ingestCpu.backends(), flows)));
			}
			report.put("best HTTP ingest", String.format(Locale.ROOT, "%,.0f flows/s, %.1f MiB/s (target >= 50,000)",
					bestIngest, bestIngest * bytes / flows / 1048576.0));
			report.put("best raw COPY (one text column, same lines)", String.format(Locale.ROOT, "%,.0f lines/s",
					bestCopy));
			report.put("ratio ingest / raw COPY", String.format(Locale.ROOT, "%.2f", bestIngest / bestCopy));
		}
		StringBuilder text = new StringBuilder("# Flow ingest benchmark\n\n");
		report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
		System.out.println(text);
		Path out = Path.of(System.getProperty("bench.report", "target/flow-ingest-benchmark.md"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, text);
	}

	/** Uploads {@code flows} generated flows; returns flows per second (checking that every one was accepted). */
	private static double upload(HttpClient http, String url, String basic, String ws, long flows) throws Exception {
		boolean gzip = Boolean.getBoolean("bench.gzip");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/flows"))
			.header("Authorization", basic)
			.header("Content-Type", "application/x-ndjson")
			.timeout(Duration.ofHours(1));
		if (gzip) {
			request.header("Content-Encoding", "gzip");
		}
		Instant end = Instant.now().minusSeconds(60);
		request.POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
			InputStream in = new GeneratedFlows(flows, end, Duration.ofHours(6));
			return gzip ? gzipped(in) : in;
		}));
		long start = System.nanoTime();
		HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		double seconds = (System.nanoTime() - start) / 1e9;
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("upload failed (" + answer.statusCode() + "): " + answer.body());
		}
		JsonNode report = JSON.readTree(answer.body());
		if (report.get("accepted").asLong() != flows) {
			throw new IllegalStateException("not every flow was accepted: " + answer.body());
		}
		return flows / seconds;
	}

	private static InputStream gzipped(InputStream in) {
		try {
			java.io.PipedInputStream pipe = new java.io.PipedInputStream(1 << 20);
			java.io.PipedOutputStream out = new java.io.PipedOutputStream(pipe);
			Thread writer = new Thread(() -> {
				try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out, 1 << 16)) {
					in.transferTo(gzip);
				}
				catch (java.io.IOException ex) {
					// the reader went away
				}
			}, "bench-gzip");
			writer.setDaemon(true);
			writer.start();
			return pipe;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static String ms(double seconds, long flows) {
		return (seconds < 0) ? "unknown" : String.format(Locale.ROOT, "%.1f ms", 1e6 * seconds / flows);
	}

	/** The CPU ticks used so far by the backends serving the benchmark's database, or -1 when unreadable. */
	private static long backendTicks() throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement();
				var pids = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
						+ "AND pid <> pg_backend_pid()")) {
			long total = 0;
			while (pids.next()) {
				long ticks = ticks(pids.getInt(1));
				if (ticks < 0) {
					return -1;
				}
				total += ticks;
			}
			return total;
		}
	}

	/** utime + stime of a process from /proc, or -1. */
	private static long ticks(int pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (java.io.IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** COPYs the same lines into a fresh one-column table over JDBC; returns lines per second. */
	private static double rawCopy(long flows) throws Exception {
		return rawCopy(flows, new Cpu[1]);
	}

	/** As {@link #rawCopy(long)}, setting {@code cpu[0]} to the CPU it used (JVM and its backend). */
	private static double rawCopy(long flows, Cpu[] cpu) throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
			try (var s = c.createStatement()) {
				s.execute("DROP TABLE IF EXISTS bench_raw_lines");
				s.execute("CREATE TABLE bench_raw_lines (line text)");
			}
			int pid;
			try (var s = c.createStatement(); var r = s.executeQuery("SELECT pg_backend_pid()")) {
				r.next();
				pid = r.getInt(1);
			}
			long backend = ticks(pid);
			long jvm = PROCESS.getProcessCpuTime();
			long start = System.nanoTime();
			long rows = c.unwrap(PGConnection.class).getCopyAPI()
				.copyIn("COPY bench_raw_lines (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')",
						new GeneratedFlows(flows, Instant.now(), Duration.ofHours(6)));
			double seconds = (System.nanoTime() - start) / 1e9;
			long backendAfter = ticks(pid);
			cpu[0] = new Cpu((PROCESS.getProcessCpuTime() - jvm) / 1e9,
					(backend < 0 || backendAfter < 0) ? -1 : (backendAfter - backend) / TICKS);
			if (rows != flows) {
				throw new IllegalStateException("raw COPY wrote " + rows + " rows, not " + flows);
			}
			try (var s = c.createStatement()) {
				s.execute("DROP TABLE bench_raw_lines");
			}
			return flows / seconds;
		}
	}

}
