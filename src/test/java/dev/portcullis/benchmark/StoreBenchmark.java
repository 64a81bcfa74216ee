package dev.portcullis.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.PortcullisApplication;
import dev.portcullis.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The policy store's speed through its REST API, as issue 4 asks: import a generated bundle of 10,000 policies
 * (target: under 30 s), then, with 10,000 policies stored, load the policy list (search by name, namespace, label;
 * keyset pages) with 20 concurrent clients for a fixed time and report p50/p95/p99 (target: p95 under 100 ms).
 * Not a test: it prints a report and writes it to {@code <build dir>/store-benchmark.md}.
 * <p>
 * Run against a fresh database (the first start creates the user {@code admin} with the password given here):
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.StoreBenchmark
 * </pre>
 * System properties: {@code bench.url} (a running app instead of starting one in this JVM), {@code bench.user} /
 * {@code bench.password} (an author or admin; default {@code admin} and a generated password given to the app it
 * starts), {@code bench.policies} (default 10,000), {@code bench.clients} (20), {@code bench.seconds} (30),
 * {@code bench.report} (the report file), {@code bench.java} (load from Java threads even when {@code wrk} is on the
 * PATH; by default wrk makes the load, as it costs the shared CPUs less), {@code bench.hold} (keep the app it
 * started running afterwards, and print the token, for manual measurements). The clients authenticate with an API token (a hash lookup), as automation
 * does, not with HTTP Basic (a password hash per request).
 */
public final class StoreBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StoreBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int policies = Integer.getInteger("bench.policies", 10_000);
		int clients = Integer.getInteger("bench.clients", 20);
		int seconds = Integer.getInteger("bench.seconds", 30);
		String user = System.getProperty("bench.user", "admin");
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		String url = System.getProperty("bench.url");
		ConfigurableApplicationContext app = null;
		if (url == null) {
			app = start(password);
			url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
		}
		try {
			Map<String, String> report = run(url, user, password, policies, clients, seconds);
			StringBuilder text = new StringBuilder("# Policy store benchmark\n\n");
			report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
			System.out.println(text);
			Path out = Path.of(System.getProperty("bench.report", "target/store-benchmark.md"));
			Files.createDirectories(out.toAbsolutePath().getParent());
			Files.writeString(out, text);
		}
		finally {
			if (app != null) {
				if (Boolean.getBoolean("bench.hold")) {
					System.out.println("The app stays up at " + url + " (bench.hold); stop it with Ctrl-C.");
					Thread.sleep(Long.MAX_VALUE);
				}
				app.close();
			}
		}
	}

	/**
	 * The app started as by {@link #start} and what the HTTP benchmarks call it with: its address, an HTTP/1.1
	 * client and the {@code Authorization} header of {@code user} (the administrator unless a run names another).
	 * Closing it stops the app.
	 */
	record Served(ConfigurableApplicationContext app, String url, java.net.http.HttpClient http, String basic)
			implements AutoCloseable {

		static Served start(String user, String password) {
			ConfigurableApplicationContext app = StoreBenchmark.start(password);
			String url = "http://127.0.0.1:"
					+ ((org.springframework.boot.web.server.context.WebServerApplicationContext) app).getWebServer()
						.getPort();
			return new Served(app, url,
					java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build(),
					"Basic " + java.util.Base64.getEncoder().encodeToString(
							(user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}

		@Override
		public void close() {
			this.app.close();
		}

	}

	static ConfigurableApplicationContext start(String adminPassword) {
		TestDatabase.Connection db = TestDatabase.get();
		SpringApplication application = new SpringApplication(PortcullisApplication.class);
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", "0");
		properties.put("portcullis.embedded-db.enabled", "false");
		properties.put("spring.r2dbc.url", db.r2dbcUrl());
		properties.put("spring.r2dbc.username", db.username());
		properties.put("spring.r2dbc.password", db.password());
		properties.put("spring.flyway.url", db.jdbcUrl());
		properties.put("spring.flyway.user", db.username());
		properties.put("spring.flyway.password", db.password());
		properties.put("portcullis.admin.password", adminPassword);
		properties.put("logging.level.root", "WARN");
		application.setDefaultProperties(properties);
		return application.run();
	}

	private static Map<String, String> run(String url, String user, String password, int policies, int clients,
			int seconds) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10)).build();
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
			.header("Authorization", basic).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-" + System.nanoTime() + "\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		if (token.statusCode() / 100 != 2) {
			throw new IllegalStateException("Could not create an API token as " + user + " (" + token.statusCode()
					+ "): " + token.body() + " — use a fresh database or set bench.user/bench.password");
		}
		String bearer = "Bearer " + JSON.readTree(token.body()).get("token").asString();
		if (Boolean.getBoolean("bench.hold")) {
			System.out.println("Authorization: " + bearer);
		}
		String ws = "bench-" + Long.toString(System.currentTimeMillis(), 36);
		send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces")).header("Authorization", bearer)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + ws + "\"}")).build(), 201);

		Map<String, String> report = new LinkedHashMap<>();
		String bundle = bundle(policies);
		report.put("bundle", policies + " policies, " + String.format(Locale.ROOT, "%.1f MiB",
				bundle.length() / 1048576.0) + " of YAML");
		long start = System.nanoTime();
		HttpResponse<String> imported = send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws
				+ "/import?message=benchmark")).header("Authorization", bearer).header("Content-Type", "application/yaml")
			.timeout(Duration.ofMinutes(5))
			.POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), 200);
		double importSeconds = (System.nanoTime() - start) / 1e9;
		long created = JSON.readTree(imported.body()).get("rows").valueStream()
			.filter((row) -> "CREATED".equals(row.get("outcome").asString())).count();
		report.put("import (one request, one transaction)", String.format(Locale.ROOT, "%.2f s (%d created; target < 30 s)",
				importSeconds, created));
		start = System.nanoTime();
		send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/import?message=again"))
			.header("Authorization", bearer).header("Content-Type", "application/yaml").timeout(Duration.ofMinutes(5))
			.POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), 200);
		report.put("re-import of the same bundle (all unchanged)", String.format(Locale.ROOT, "%.2f s",
				(System.nanoTime() - start) / 1e9));

		List<String> queries = queries(http, url, ws, bearer);
		report.put("list queries in the mix", queries.size() + " (first pages, name search, namespace, label, deep "
				+ "keyset pages, as-of; limit 50)");
		// warm-up until the JIT has compiled the request path: 2,000 requests, 4 at a time
		Thread[] warmers = new Thread[4];
		for (int w = 0; w < warmers.length; w++) {
			int first = w;
			warmers[w] = new Thread(() -> {
				for (int i = first; i < 2000; i += warmers.length) {
					try {
						send(http, get(url + queries.get(i % queries.size()), bearer), 200);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}
			});
			warmers[w].start();
		}
		for (Thread warmer : warmers) {
			warmer.join();
		}
		String wrk = Boolean.getBoolean("bench.java") ? null : wrk(url, queries, bearer, clients, seconds);
		if (wrk != null) {
			report.put("list latency (wrk, " + clients + " connections, " + seconds + " s)", wrk);
		}
		else {
			report.put("list latency (Java clients, " + clients + " threads, " + seconds + " s)",
					javaLoad(url, queries, bearer, clients, seconds));
		}
		report.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs; app, database and clients on one "
				+ "host (loopback)");
		return report;
	}

	/** The load from Java threads, one HTTP client each, when wrk is not on the PATH (or {@code bench.java} is set). */
	private static String javaLoad(String url, List<String> queries, String bearer, int clients, int seconds)
			throws InterruptedException {
		long[][] latencies = new long[clients][];
		AtomicLong errors = new AtomicLong();
		CountDownLatch done = new CountDownLatch(clients);
		long end = System.nanoTime() + seconds * 1_000_000_000L;
		for (int c = 0; c < clients; c++) {
			int client = c;
			new Thread(() -> {
				HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
				long[] mine = new long[1 << 16];
				int n = 0;
				int i = client;
				while (System.nanoTime() < end && n < mine.length) {
					String q = queries.get(i++ % queries.size());
					long t = System.nanoTime();
					try {
						HttpResponse<Void> r = own.send(get(url + q, bearer), HttpResponse.BodyHandlers.discarding());
						if (r.statusCode() != 200) {
							errors.incrementAndGet();
						}
					}
					catch (IOException | InterruptedException ex) {
						errors.incrementAndGet();
					}
					mine[n++] = System.nanoTime() - t;
				}
				latencies[client] = Arrays.copyOf(mine, n);
				done.countDown();
			}, "bench-client-" + client).start();
		}
		done.await();
		long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
		return String.format(Locale.ROOT, "%d requests (%.0f/s), %d errors; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, "
				+ "max %.1f ms", all.length, all.length / (double) seconds, errors.get(), pct(all, 50), pct(all, 95),
				pct(all, 99), all[all.length - 1] / 1e6);
	}

	/** The load from wrk when it is on the PATH (a C client costs the shared CPUs less than Java's). */
	private static String wrk(String url, List<String> queries, String bearer, int clients, int seconds)
			throws IOException, InterruptedException {
		Path script = Files.createTempFile("store-benchmark", ".lua");
		StringBuilder lua = new StringBuilder("local paths = {\n");
		queries.forEach((q) -> lua.append("  \"").append(q).append("\",\n"));
		lua.append("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
				+ "  return wrk.format(\"GET\", paths[(i % #paths) + 1], {[\"Authorization\"] = \"" + bearer
				+ "\", [\"Accept\"] = \"application/json\"})\nend\n"
				+ "done = function(summary, latency, requests)\n"
				+ "  local e = summary.errors\n"
				+ "  io.write(string.format(\"WRK %d requests (%.0f/s), %d errors; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, "
				+ "max %.1f ms\\n\", summary.requests, summary.requests / (summary.duration / 1e6), e.status + e.connect "
				+ "+ e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000, "
				+ "latency:percentile(99) / 1000, latency.max / 1000))\nend\n");
		Files.writeString(script, lua);
		try {
			Process process = new ProcessBuilder("wrk", "-t" + Math.min(2, clients), "-c" + clients,
					"-d" + seconds + "s", "--timeout", "10s", "-s", script.toString(), url)
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			return output.lines().filter((l) -> l.startsWith("WRK ")).map((l) -> l.substring(4)).findFirst()
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
		finally {
			Files.deleteIfExists(script);
		}
	}

	private static double pct(long[] sorted, double p) {
		int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
	}

	private static HttpRequest get(String url, String bearer) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer).header("Accept", "application/json")
			.timeout(Duration.ofSeconds(30)).GET().build();
	}

	private static HttpResponse<String> send(HttpClient http, HttpRequest request, int expected) throws Exception {
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != expected) {
			throw new IllegalStateException(request.method() + " " + request.uri() + " gave " + response.statusCode()
					+ ": " + response.body().substring(0, Math.min(2000, response.body().length())));
		}
		return response;
	}

	/** {@code policies} CiliumNetworkPolicies: 20 per namespace, {@link SyntheticCluster}'s shapes and labels. */
	static String bundle(int policies) {
		int namespaces = (policies + 19) / 20;
		StringBuilder yaml = new StringBuilder(policies * 700);
		int n = 0;
		for (int i = 0; i < namespaces && n < policies; i++) {
			for (int j = 0; j < 20 && n < policies; j++, n++) {
				yaml.append("---\n").append(SyntheticCluster.policy(i, j)
					.replace("namespace: " + SyntheticCluster.namespace(i), "namespace: " + namespace(i))
					.replace("    team: team-", "    tier: " + SyntheticCluster.TIERS[j % 4] + "\n    team: team-"));
			}
		}
		return yaml.toString();
	}

	private static String namespace(int i) {
		return String.format("ns-%03d", i);
	}

	/** The list requests the clients cycle through, cursors of deep pages included. */
	private static List<String> queries(HttpClient http, String url, String ws, String bearer) throws Exception {
		String base = "/api/v1/workspaces/" + ws + "/policies?limit=50";
		List<String> queries = new ArrayList<>(List.of(base, base + "&q=svc-7", base + "&q=svc-1", base + "&q=NS-42",
				base + "&namespace=ns-123", base + "&namespace=ns-400", base + "&label=team%3Dteam-3",
				base + "&label=tier%3Ddb", base + "&label=team%3Dteam-1&q=svc-2", base + "&kind=cnp&namespace=ns-007",
				base + "&at=" + URLEncoder.encode(java.time.Instant.now().toString(), StandardCharsets.UTF_8)
						+ "&namespace=ns-250"));
		// deep keyset pages: follow the cursor through the whole list, keep every 20th page
		String cursor = null;
		int page = 0;
		do {
			String q = base + ((cursor != null) ? "&cursor=" + cursor : "");
			JsonNode body = JSON.readTree(send(http, get(url + q, bearer), 200).body());
			if (page++ % 20 == 10) {
				queries.add(q);
			}
			JsonNode next = body.get("nextCursor");
			cursor = (next != null && !next.isNull()) ? next.asString() : null;
		}
		while (cursor != null);
		return queries;
	}

}
