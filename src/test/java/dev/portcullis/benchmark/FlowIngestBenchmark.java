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
import java.util.ArrayList;
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
 * Flow ingest through the real HTTP path (issue 12): one NDJSON upload of {@code bench.flows} flows (default
 * 500,000; made from the real Hubble exports by {@link GeneratedFlows}, times spread over the last six hours) into
 * the indexed, partitioned store, against a raw {@code COPY} of the same lines into a one-column table in the same
 * run and database (the floor: what PostgreSQL takes for the bytes alone). Each is run {@code bench.rounds} times
 * (default 2), alternating, after a warm-up of both ({@code bench.warmup} flows, default 20,000: the JIT still
 * compiles in the first rounds after it); the report gives each round and the best. Not a
 * test: it prints a report and writes it to {@code bench.report} (default {@code target/flow-ingest-benchmark.md}).
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.FlowIngestBenchmark -Dbench.flows=150000 -Dbench.rounds=3
 * </pre>
 * <b>What it measures</b> ({@code bench.client=curl}, the default): the generated NDJSON is written to a file once,
 * before anything is timed ({@code bench.dir}, default {@code target/flow-ingest-bench}; deleted at the end unless
 * {@code bench.keep=true}); the upload is {@code curl -T file -X POST} in a process of its own (what a user runs),
 * and the raw COPY is {@code psql}'s {@code \copy} of the same file, also a process of its own. So this JVM runs
 * only the app while the upload is timed, and the report gives the CPU per 1,000 flows of each side separately: the
 * app's JVM (this process), the PostgreSQL backends serving the database (their {@code /proc/<pid>/stat}, read by
 * this process for the app's pooled backends, "unknown" when they cannot be read, and by the raw COPY's backend
 * itself through {@code pg_read_file('/proc/self/stat')}, so the user must be a superuser), and the client (curl
 * or psql, from this process's reaped children's CPU). {@code bench.client=jdk} is the earlier form: the generator
 * and the JDK's HTTP client in this JVM (whose CPU then counts in the JVM's), the raw COPY over JDBC.
 * <p>
 * With {@code java -Xmx512m} and {@code -Dbench.flows=1600000} (2 GB of NDJSON) it shows that an upload larger
 * than the heap goes through (the app runs in this JVM; the file needs 2 GB of disk). Each timed run starts after a
 * {@code CHECKPOINT} ({@code bench.checkpoint}, default true; see {@link #checkpoint}). {@code bench.gzip=true} sends
 * it gzip-compressed (the file is compressed once, before the timing).
 */
public final class FlowIngestBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final com.sun.management.OperatingSystemMXBean PROCESS =
			(com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

	/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
	private static final double TICKS = 100.0;

	/** CPU seconds used by one run of a path: the app's JVM (this process), the PostgreSQL backends', the client's. */
	private record Cpu(double jvm, double backends, double client) {
	}

	/**
	 * One timed run of a path: its rate (flows or lines per second), the CPU it used, and for the upload this JVM's
	 * CPU seconds by thread group (threads named alike, digits dropped; GC and JIT threads included).
	 */
	private record Timed(double rate, Cpu cpu, Map<String, Double> threads) {

		Timed(double rate, Cpu cpu) {
			this(rate, cpu, Map.of());
		}

	}

	private FlowIngestBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long flows = Long.getLong("bench.flows", 500_000);
		long warmUp = Long.getLong("bench.warmup", 20_000);
		int rounds = Integer.getInteger("bench.rounds", 2);
		boolean curl = !"jdk".equals(System.getProperty("bench.client", "curl"));
		boolean gzip = Boolean.getBoolean("bench.gzip");
		boolean checkpoints = Boolean.parseBoolean(System.getProperty("bench.checkpoint", "true"));
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		Map<String, String> report = new LinkedHashMap<>();
		Path dir = Path.of(System.getProperty("bench.dir", "target/flow-ingest-bench")).toAbsolutePath();
		boolean newTimes = Boolean.parseBoolean(System.getProperty("bench.new-times", "true"));
		Path warmFile = null;
		Path[] files = new Path[rounds + 1];
		if (curl) {
			// the input exists before anything is timed; its times end a minute ago. With new times each round has a
			// file of its own whose flows follow the round before's (six hours split between the rounds, the warm-up
			// before them), as a cluster's flows arrive; otherwise every round uploads the same flows again, whose keys
			// then land between the ones already indexed
			Files.createDirectories(dir);
			Instant end = Instant.now().minusSeconds(60);
			Duration slice = Duration.ofHours(6).dividedBy(newTimes ? rounds : 1);
			warmFile = write(dir.resolve("warm-up.ndjson"), warmUp, end.minus(Duration.ofHours(6)), slice);
			for (int round = 1; round <= rounds; round++) {
				files[round] = (round > 1 && !newTimes) ? files[1]
						: write(dir.resolve("flows-" + round + ".ndjson"), flows,
								newTimes ? end.minus(slice.multipliedBy(rounds - round)) : end, slice);
				if (gzip && (round == 1 || newTimes)) {
					gzipTo(files[round]);
				}
			}
			if (gzip) {
				gzipTo(warmFile);
			}
		}
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
			long bytes = curl ? Files.size(files[1]) : GeneratedFlows.size(flows);
			report.put("input", String.format(Locale.ROOT, "%,d flows, %.1f MiB of NDJSON (the %d lines of the real "
					+ "Hubble exports, times rewritten), heap max %d MiB, %d processors", flows, bytes / 1048576.0,
					GeneratedFlows.corpusLines(), Runtime.getRuntime().maxMemory() / 1048576,
					Runtime.getRuntime().availableProcessors()));
			report.put("client", curl ? "curl (upload) and psql \\copy (raw COPY) from a file, each a process of "
					+ "its own: the JVM's CPU is the app's alone" + (gzip ? "; the upload gzip-compressed" : "")
					: "generator and JDK HTTP client in the app's JVM, raw COPY over JDBC (the JVM's CPU includes "
							+ "them)" + (gzip ? "; the upload gzip-compressed" : ""));
			report.put("times", newTimes ? "each round's flows follow the round before's (bench.new-times=true)"
					: "every round uploads the same flows, times and all (bench.new-times=false)");
			report.put("checkpoints", checkpoints ? "a CHECKPOINT before each timed run (bench.checkpoint=true)"
					: "none forced (bench.checkpoint=false): a run may cross one the server requests");
			// warm-up: JIT for both paths
			if (curl) {
				curlUpload(url, password, ws, warmFile, warmUp, gzip);
				psqlCopy(warmFile, warmUp);
			}
			else {
				upload(http, url, basic, ws, warmUp);
				rawCopy(warmUp);
			}
			double bestIngest = 0;
			double bestCopy = 0;
			for (int round = 1; round <= rounds; round++) {
				checkpoint(checkpoints);
				Timed copy = curl ? psqlCopy(files[round], flows) : rawCopy(flows);
				Timed ingest;
				checkpoint(checkpoints);
				if (curl) {
					ingest = curlUpload(url, password, ws, files[round], flows, gzip);
				}
				else {
					long backends = backendTicks();
					long jvm = PROCESS.getProcessCpuTime();
					double rate = upload(http, url, basic, ws, flows);
					ingest = new Timed(rate, new Cpu((PROCESS.getProcessCpuTime() - jvm) / 1e9,
							(backends < 0) ? -1 : (backendTicks() - backends) / TICKS, Double.NaN));
				}
				bestCopy = Math.max(bestCopy, copy.rate());
				bestIngest = Math.max(bestIngest, ingest.rate());
				report.put("round " + round, String.format(Locale.ROOT, "raw COPY %,.0f lines/s; HTTP ingest %,.0f "
						+ "flows/s (%.0f %% of raw COPY); load average %.1f", copy.rate(), ingest.rate(),
						100 * ingest.rate() / copy.rate(), PROCESS.getSystemLoadAverage()));
				report.put("round " + round + " CPU per 1,000 flows", String.format(Locale.ROOT,
						"raw COPY: PostgreSQL %s, client %s; HTTP ingest: app JVM %s, PostgreSQL %s, client %s",
						ms(copy.cpu().backends(), flows), ms(copy.cpu().client(), flows),
						ms(ingest.cpu().jvm(), flows), ms(ingest.cpu().backends(), flows),
						ms(ingest.cpu().client(), flows)));
				if (ingest.cpu().backends() > 0 && !Double.isNaN(ingest.cpu().client())) {
					// the COPY runs in one backend (one core at most); everything together has the machine's cores
					double backend = flows / ingest.cpu().backends();
					double all = Runtime.getRuntime().availableProcessors() * flows
							/ (ingest.cpu().backends() + ingest.cpu().jvm() + ingest.cpu().client());
					report.put("round " + round + " ceilings from CPU", String.format(Locale.ROOT, "the COPY's "
							+ "backend on one core %,.0f flows/s; all of it (app, backends, client) on the %d cores "
							+ "%,.0f flows/s; so at best %,.0f flows/s on an idle machine", backend,
							Runtime.getRuntime().availableProcessors(), all, Math.min(backend, all)));
				}
				if (!ingest.threads().isEmpty()) {
					StringBuilder threads = new StringBuilder();
					ingest.threads().entrySet().stream()
						.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
						.limit(10)
						.forEach((e) -> threads.append((threads.length() == 0) ? "" : ", ").append(e.getKey())
							.append(' ').append(ms(e.getValue(), flows)));
					report.put("round " + round + " app JVM CPU per 1,000 flows by thread", threads.toString());
				}
			}
			report.put("best HTTP ingest", String.format(Locale.ROOT, "%,.0f flows/s, %.1f MiB/s (target >= 50,000)",
					bestIngest, bestIngest * bytes / flows / 1048576.0));
			report.put("best raw COPY (one text column, same lines)", String.format(Locale.ROOT, "%,.0f lines/s",
					bestCopy));
			report.put("ratio ingest / raw COPY", String.format(Locale.ROOT, "%.2f", bestIngest / bestCopy));
		}
		finally {
			if (curl && !Boolean.getBoolean("bench.keep")) {
				// the input files are as large as the upload (2 GB for the large run)
				List<Path> written = new ArrayList<>(List.of(warmFile, Path.of(warmFile + ".gz"),
						dir.resolve("answer.json")));
				for (Path file : files) {
					if (file != null) {
						written.add(file);
						written.add(Path.of(file + ".gz"));
					}
				}
				for (Path file : written) {
					Files.deleteIfExists(file);
				}
			}
		}
		StringBuilder text = new StringBuilder("# Flow ingest benchmark\n\n");
		report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
		System.out.println(text);
		Path out = Path.of(System.getProperty("bench.report", "target/flow-ingest-benchmark.md"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, text);
	}

	/** Writes {@code flows} generated flows spread over {@code span} ending at {@code end} to {@code file}. */
	private static Path write(Path file, long flows, Instant end, Duration span) throws java.io.IOException {
		try (InputStream in = new GeneratedFlows(flows, end, span);
				java.io.OutputStream out = Files.newOutputStream(file)) {
			in.transferTo(out);
		}
		return file;
	}

	/** Writes {@code file}.gz beside {@code file}. */
	private static void gzipTo(Path file) throws java.io.IOException {
		try (InputStream in = Files.newInputStream(file);
				java.io.OutputStream out = new java.util.zip.GZIPOutputStream(
						Files.newOutputStream(Path.of(file + ".gz")), 1 << 16)) {
			in.transferTo(out);
		}
	}

	/**
	 * Uploads {@code file} with curl (a process of its own, streaming the file); returns flows per second and the
	 * CPU of this JVM (the app), of the database's backends and of curl, checking that every flow was accepted.
	 */
	private static Timed curlUpload(String url, String password, String ws, Path file, long flows, boolean gzip)
			throws Exception {
		Path body = gzip ? Path.of(file + ".gz") : file;
		Path answer = file.resolveSibling("answer.json");
		List<String> command = new ArrayList<>(List.of("curl", "-sS", "-K", "-", "-o", answer.toString(), "-w",
				"%{http_code}", "-X", "POST", "-T", body.toString(), "-H", "Content-Type: application/x-ndjson",
				"-H", "Expect:"));
		if (gzip) {
			command.addAll(List.of("-H", "Content-Encoding: gzip"));
		}
		command.add(url + "/api/v1/workspaces/" + ws + "/flows");
		long backends = backendTicks();
		long children = childTicks();
		Map<String, Long> threads = threadTicks();
		long jvm = PROCESS.getProcessCpuTime();
		long start = System.nanoTime();
		Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (java.io.OutputStream config = curl.getOutputStream()) {
			// the credentials go through stdin, not the command line
			config.write(("user = \"admin:" + password + "\"\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		int exit = curl.waitFor();
		double seconds = (System.nanoTime() - start) / 1e9;
		Cpu cpu = new Cpu((PROCESS.getProcessCpuTime() - jvm) / 1e9,
				(backends < 0) ? -1 : (backendTicks() - backends) / TICKS, (childTicks() - children) / TICKS);
		Map<String, Double> byThread = new java.util.TreeMap<>();
		threadTicks().forEach((name, ticks) -> {
			double used = (ticks - threads.getOrDefault(name, 0L)) / TICKS;
			if (used > 0) {
				byThread.put(name, used);
			}
		});
		String result = Files.exists(answer) ? Files.readString(answer) : "";
		if (exit != 0 || !out.trim().equals("200")) {
			throw new IllegalStateException("upload failed (curl exit " + exit + ", " + out.trim() + "): " + result);
		}
		if (JSON.readTree(result).get("accepted").asLong() != flows) {
			throw new IllegalStateException("not every flow was accepted: " + result);
		}
		return new Timed(flows / seconds, cpu, byThread);
	}

	/** This JVM's threads' CPU ticks so far by group: the name from /proc/self/task/<tid>/stat without digits. */
	private static Map<String, Long> threadTicks() throws java.io.IOException {
		Map<String, Long> groups = new java.util.HashMap<>();
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					groups.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
				}
				catch (java.io.IOException ex) {
					// the thread ended
				}
			}
		}
		return groups;
	}

	/**
	 * {@code psql}'s {@code \copy} of {@code file} into a fresh one-column table (a process of its own); returns
	 * lines per second and the CPU of its backend (which reads its own {@code /proc/self/stat} before and after)
	 * and of psql.
	 */
	private static Timed psqlCopy(Path file, long flows) throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			s.execute("DROP TABLE IF EXISTS bench_raw_lines");
			s.execute("CREATE TABLE bench_raw_lines (line text)");
		}
		String stat = "SELECT split_part(pg_read_file('/proc/self/stat'), ') ', 2)";
		ProcessBuilder psql = new ProcessBuilder("psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p",
				Integer.toString(db.port()), "-U", db.username(), "-d", db.database(), "-c", stat, "-c",
				"\\copy bench_raw_lines (line) FROM '" + file + "' WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')",
				"-c", stat).redirectErrorStream(true);
		psql.environment().put("PGPASSWORD", db.password());
		long children = childTicks();
		long start = System.nanoTime();
		Process p = psql.start();
		String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		int exit = p.waitFor();
		double seconds = (System.nanoTime() - start) / 1e9;
		double client = (childTicks() - children) / TICKS;
		String[] lines = out.lines().filter((line) -> !line.isBlank()).toArray(String[]::new);
		if (exit != 0 || lines.length != 3 || !lines[1].equals("COPY " + flows)) {
			throw new IllegalStateException("raw COPY failed (psql exit " + exit + "): " + out);
		}
		double backend = (ticksAfterName(lines[2]) - ticksAfterName(lines[0])) / TICKS;
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			s.execute("DROP TABLE bench_raw_lines");
		}
		return new Timed(flows / seconds, new Cpu(0, backend, client));
	}

	/** utime + stime from the part of a /proc/<pid>/stat line after the process name. */
	private static long ticksAfterName(String stat) {
		String[] fields = stat.trim().split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** The CPU ticks of this process's children that have ended and been waited for (cutime + cstime). */
	private static long childTicks() throws java.io.IOException {
		String stat = Files.readString(Path.of("/proc/self/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
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
		if (Double.isNaN(seconds)) {
			return "(in the JVM's)";
		}
		return (seconds < 0) ? "unknown" : String.format(Locale.ROOT, "%.1f ms", 1e6 * seconds / flows);
	}

	/**
	 * Runs {@code CHECKPOINT} when {@code enabled}: before each timed run, so that neither the raw COPY nor the ingest
	 * pays for the dirty pages and the full-page images the run before it left (with PostgreSQL's default
	 * {@code max_wal_size} of 1 GB a checkpoint is requested about every 500 MB of WAL, which is one round of 150,000
	 * flows, and otherwise falls in whichever run happens to cross it).
	 */
	private static void checkpoint(boolean enabled) throws Exception {
		if (!enabled) {
			return;
		}
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			s.execute("CHECKPOINT");
		}
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

	/**
	 * COPYs the same lines, generated in this JVM, into a fresh one-column table over JDBC; returns lines per second
	 * and the CPU it used (this JVM's, the generator's and the driver's, in {@link Cpu#client}, and its backend's).
	 */
	private static Timed rawCopy(long flows) throws Exception {
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
			Cpu cpu = new Cpu(0, (backend < 0 || backendAfter < 0) ? -1 : (backendAfter - backend) / TICKS,
					(PROCESS.getProcessCpuTime() - jvm) / 1e9);
			if (rows != flows) {
				throw new IllegalStateException("raw COPY wrote " + rows + " rows, not " + flows);
			}
			try (var s = c.createStatement()) {
				s.execute("DROP TABLE bench_raw_lines");
			}
			return new Timed(flows / seconds, cpu);
		}
	}

}
