package dev.portcullis.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import java.util.concurrent.atomic.AtomicLong;

import dev.portcullis.hubble.FlowReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code POST /api/v1/evaluate} through real HTTP, as issue 9 asks: the app started in this JVM with real
 * PostgreSQL, one request of 10,000 real Hubble flows (the exports in {@code src/test/resources/flows/}, repeated
 * in order until there are 10,000; about 14 MB) with {@code "explain": false}, sent again and again with an API
 * token (Bearer) and with HTTP Basic; and, in the same run, Jackson's own streaming parse of the same body (every
 * token, nothing built) as the yardstick. Then small requests (10 flows) from 4 client threads, Bearer against
 * Basic, to show what a sign-in costs per request. Not a test: it prints a report and writes it to
 * {@code <build dir>/http-benchmark.md}. Targets: at least 100,000 flows/s for the 10,000-flow request, and Basic
 * no slower than Bearer.
 * <p>
 * Run against a fresh database (the first start creates the user {@code admin} with a generated password):
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.HttpBenchmark
 * </pre>
 * System properties: {@code bench.flows} (default 10,000), {@code bench.requests} (timed large requests per
 * scheme, default 20), {@code bench.seconds} (each small-request phase, default 10), {@code bench.report}.
 */
public final class HttpBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final com.sun.management.OperatingSystemMXBean PROCESS = (com.sun.management.OperatingSystemMXBean)
		java.lang.management.ManagementFactory.getOperatingSystemMXBean();

	private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory
		.getThreadMXBean();

	private static final List<String> FILES = List.of("basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json");

	/** Policies that select pods of the exports, with an L3/L4 rule and an HTTP rule. */
	static final String POLICIES = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: coredns
			  namespace: kube-system
			spec:
			  endpointSelector:
			    matchLabels:
			      k8s-app: kube-dns
			  ingress:
			  - fromEndpoints:
			    - {}
			    toPorts:
			    - ports:
			      - port: "53"
			        protocol: ANY
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: http-get-only
			  namespace: default
			spec:
			  endpointSelector: {}
			  ingress:
			  - fromEntities:
			    - cluster
			    toPorts:
			    - ports:
			      - port: "80"
			        protocol: TCP
			      - port: "8080"
			        protocol: TCP
			      rules:
			        http:
			        - method: GET
			  egress:
			  - toEntities:
			    - all
			""";

	private HttpBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int flows = Integer.getInteger("bench.flows", 10_000);
		int requests = Integer.getInteger("bench.requests", 20);
		int seconds = Integer.getInteger("bench.seconds", 10);
		if (Boolean.getBoolean("bench.readerOnly")) {
			// the reader against the yardstick only, without the app (for profiling the reader)
			byte[] large = body(corpus(), flows);
			long[] jackson = new long[requests];
			long[] reader = new long[requests];
			long[] decide = new long[requests];
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < requests; i++) {
					jackson[i] = yardstick(large);
					reader[i] = reader(large, flows);
					decide[i] = decide(large, flows);
				}
				System.out.printf(Locale.ROOT, "yardstick %.1f ms, reader %.1f ms, ratio %.2f; compile and decide %.1f ms%n",
						median(jackson) / 1e6, median(reader) / 1e6, median(jackson) / median(reader),
						median(decide) / 1e6);
			}
			return;
		}
		String password = "bench-" + UUID.randomUUID();
		ConfigurableApplicationContext app = StoreBenchmark.start(password);
		try {
			String url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
			Map<String, String> report = run(url, password, flows, requests, seconds);
			StringBuilder text = new StringBuilder("# HTTP evaluate benchmark\n\n");
			report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
			System.out.println(text);
			Path out = Path.of(System.getProperty("bench.report", "target/http-benchmark.md"));
			Files.createDirectories(out.toAbsolutePath().getParent());
			Files.writeString(out, text);
		}
		finally {
			app.close();
		}
	}

	private static Map<String, String> run(String url, String password, int flows, int requests, int seconds)
			throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10)).build();
		String basic = "Basic " + Base64.getEncoder()
			.encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
			.header("Authorization", basic).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-" + System.nanoTime() + "\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		if (token.statusCode() / 100 != 2) {
			throw new IllegalStateException("Could not create an API token (" + token.statusCode() + "): "
					+ token.body() + " — use a fresh database");
		}
		String bearer = "Bearer " + JSON.readTree(token.body()).get("token").asString();
		List<String> lines = corpus();
		byte[] large = body(lines, flows);
		byte[] small = body(lines, 10);
		Map<String, String> report = new LinkedHashMap<>();
		report.put("request", String.format(Locale.ROOT, "%,d flows from %d real Hubble flows, %.1f MB, "
				+ "\"explain\": false", flows, lines.size(), large.length / 1e6));
		// warm-up: the JIT compiles the request path and the yardstick
		for (int i = 0; i < 8; i++) {
			evaluate(http, url, bearer, large, flows);
			evaluate(http, url, basic, large, flows);
			yardstick(large);
		}
		long[] bearerTimes = new long[requests];
		long[] basicTimes = new long[requests];
		long[] jacksonTimes = new long[requests];
		long[] readerTimes = new long[requests];
		long[] bearerCpu = new long[requests];
		long[] jacksonCpu = new long[requests];
		for (int i = 0; i < requests; i++) {
			long cpu = PROCESS.getProcessCpuTime();
			bearerTimes[i] = evaluate(http, url, bearer, large, flows);
			bearerCpu[i] = PROCESS.getProcessCpuTime() - cpu;
			checkAnswer(flows);
			basicTimes[i] = evaluate(http, url, basic, large, flows);
			checkAnswer(flows);
			cpu = THREADS.getCurrentThreadCpuTime();
			jacksonTimes[i] = yardstick(large);
			jacksonCpu[i] = THREADS.getCurrentThreadCpuTime() - cpu;
			readerTimes[i] = reader(large, flows);
		}
		double bearerRate = flows / (median(bearerTimes) / 1e9);
		double basicRate = flows / (median(basicTimes) / 1e9);
		double jacksonRate = flows / (median(jacksonTimes) / 1e9);
		report.put("Bearer, one client, median of " + requests, String.format(Locale.ROOT,
				"%.1f ms per request, %,.0f flows/s (fastest %.1f ms)", median(bearerTimes) / 1e6, bearerRate,
				min(bearerTimes) / 1e6));
		report.put("Basic, one client, median of " + requests, String.format(Locale.ROOT,
				"%.1f ms per request, %,.0f flows/s (fastest %.1f ms)", median(basicTimes) / 1e6, basicRate,
				min(basicTimes) / 1e6));
		report.put("yardstick: Jackson streaming parse of the same body (nextToken to the end), median",
				String.format(Locale.ROOT, "%.1f ms, %,.0f flows/s, %.0f MB/s", median(jacksonTimes) / 1e6,
						jacksonRate, large.length / (median(jacksonTimes) / 1e9) / 1e6));
		report.put("FlowReader alone: the same body read into Flows (no HTTP, no decisions), median",
				String.format(Locale.ROOT, "%.1f ms, %,.0f flows/s, %.2f of the yardstick", median(readerTimes) / 1e6,
						flows / (median(readerTimes) / 1e9), median(jacksonTimes) / median(readerTimes)));
		report.put("CPU time per Bearer request (the whole JVM: app, client, GC and JIT threads), median", String.format(Locale.ROOT,
				"%.1f ms, %,.0f flows per CPU-second; yardstick %.1f ms CPU, ratio %.2f", median(bearerCpu) / 1e6,
				flows / (median(bearerCpu) / 1e9), median(jacksonCpu) / 1e6, median(jacksonCpu) / median(bearerCpu)));
		report.put("HTTP evaluate / yardstick (Bearer)", String.format(Locale.ROOT, "%.2f (the whole request: "
				+ "receive, read, decide, answer; against parsing alone)", bearerRate / jacksonRate));
		// small requests: what authentication costs per request
		smallLoad(url, bearer, small, 2);
		smallLoad(url, basic, small, 2);
		report.put("10-flow requests, Bearer, 4 clients, " + seconds + " s", smallLoad(url, bearer, small, seconds));
		report.put("10-flow requests, Basic, 4 clients, " + seconds + " s", smallLoad(url, basic, small, seconds));
		report.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs shared with other builds; app, "
				+ "database and client in one JVM/host (loopback)");
		return report;
	}

	private static byte[] lastAnswer = new byte[0];

	/** Checks (outside the timed part) that the last answer has a result for every flow. */
	private static void checkAnswer(int flows) {
		if (JSON.readTree(lastAnswer).get("results").size() != flows) {
			throw new IllegalStateException("evaluate did not answer every flow");
		}
	}

	/** One evaluate request; its wall-clock nanoseconds. */
	private static long evaluate(HttpClient http, String url, String authorization, byte[] body, int flows)
			throws IOException, InterruptedException {
		long start = System.nanoTime();
		HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/evaluate"))
			.header("Authorization", authorization).header("Content-Type", "application/json")
			.timeout(Duration.ofMinutes(2))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
		long elapsed = System.nanoTime() - start;
		if (response.statusCode() != 200) {
			throw new IllegalStateException("evaluate answered " + response.statusCode() + ": "
					+ new String(response.body(), 0, Math.min(2000, response.body().length), StandardCharsets.UTF_8));
		}
		lastAnswer = response.body();
		return elapsed;
	}

	/** Jackson's own streaming parse of the body: every token, nothing built. */
	private static long yardstick(byte[] body) {
		long start = System.nanoTime();
		long tokens = 0;
		try (JsonParser parser = JSON.tokenStreamFactory().createParser(ObjectReadContext.empty(), body)) {
			while (parser.nextToken() != null) {
				tokens++;
			}
		}
		long elapsed = System.nanoTime() - start;
		if (tokens == 0) {
			throw new IllegalStateException("no tokens");
		}
		return elapsed;
	}

	/** The flow reader alone over the body: the envelope skipped token by token, the flows read into Flows. */
	private static long reader(byte[] body, int flows) {
		long start = System.nanoTime();
		try (JsonParser parser = JSON.createParser(body)) {
			parser.nextToken();
			String name;
			while ((name = parser.nextName()) != null) {
				parser.nextToken();
				if (name.equals("flows")) {
					FlowReader.Read read = new FlowReader().readArray(parser, Integer.MAX_VALUE);
					if (read.result().flows().size() != flows) {
						throw new IllegalStateException("the reader did not read every flow");
					}
				}
				else {
					parser.skipChildren();
				}
			}
		}
		return System.nanoTime() - start;
	}

	/** Compiling the policies and deciding the flows (read beforehand, not timed), as the endpoint does. */
	private static long decide(byte[] body, int flows) {
		List<dev.portcullis.engine.flow.Flow> read = new ArrayList<>();
		try (JsonParser parser = JSON.createParser(body)) {
			parser.nextToken();
			String name;
			while ((name = parser.nextName()) != null) {
				parser.nextToken();
				if (name.equals("flows")) {
					new FlowReader().readArray(parser, Integer.MAX_VALUE).result().flows()
						.forEach((parsed) -> read.add(parsed.flow()));
				}
				else {
					parser.skipChildren();
				}
			}
		}
		long start = System.nanoTime();
		var compiled = dev.portcullis.engine.eval.CompiledPolicies.compile(EngineBenchmark.parse(POLICIES),
				dev.portcullis.engine.eval.EngineOptions.DEFAULTS);
		long drops = 0;
		for (var flow : read) {
			if (compiled.decide(flow).verdict() != dev.portcullis.engine.eval.Decision.Verdict.FORWARDED) {
				drops++;
			}
		}
		long elapsed = System.nanoTime() - start;
		if (drops < 0 || read.size() != flows) {
			throw new IllegalStateException();
		}
		return elapsed;
	}

	private static String smallLoad(String url, String authorization, byte[] body, int seconds)
			throws InterruptedException {
		int clients = 4;
		AtomicLong done = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		long end = System.nanoTime() + seconds * 1_000_000_000L;
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			Thread thread = new Thread(() -> {
				HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
				while (System.nanoTime() < end) {
					try {
						HttpResponse<Void> response = own.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/evaluate"))
							.header("Authorization", authorization).header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
								HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() == 200) {
							done.incrementAndGet();
						}
						else {
							errors.incrementAndGet();
						}
					}
					catch (IOException | InterruptedException ex) {
						errors.incrementAndGet();
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return String.format(Locale.ROOT, "%,d requests, %.0f req/s, %d errors", done.get(),
				done.get() / (double) seconds, errors.get());
	}

	static List<String> corpus() throws IOException {
		List<String> lines = new ArrayList<>();
		for (String file : FILES) {
			try (InputStream in = HttpBenchmark.class.getResourceAsStream("/flows/" + file)) {
				new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
					.filter((line) -> !line.isBlank())
					.forEach(lines::add);
			}
		}
		return lines;
	}

	/** An evaluate request of {@code flows} flows: the export lines in order, repeated. */
	static byte[] body(List<String> lines, int flows) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(flows * 1600);
		out.write("{\"policies\":".getBytes(StandardCharsets.UTF_8));
		out.write(JSON.writeValueAsBytes(POLICIES));
		out.write(",\"options\":{\"explain\":false},\"flows\":[\n".getBytes(StandardCharsets.UTF_8));
		for (int i = 0; i < flows; i++) {
			if (i > 0) {
				out.write(",\n".getBytes(StandardCharsets.UTF_8));
			}
			out.write(lines.get(i % lines.size()).getBytes(StandardCharsets.UTF_8));
		}
		out.write("]}".getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

	private static double median(long[] times) {
		long[] sorted = times.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	private static double min(long[] times) {
		return Arrays.stream(times).min().orElse(0);
	}

}
