package dev.portcullis.benchmark;

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
import java.util.Random;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What-if simulation through HTTP and PostgreSQL, as issue 11 asks: a workspace holding the 1,000 policies of
 * {@link SyntheticCluster} (50 namespaces), then {@code POST /api/v1/workspaces/{ws}/matrix} of 50 x 50 workloads
 * over 3 ports (7,500 cells; target under 1 s), alone and compared with a draft, and {@code POST
 * .../expectations/run} of 1,000 stored expectations (target under 1 s). Each is timed cold (first request: the
 * state is read and compiled) and warm (the compiled state is cached), wall time at the client. Not a test: it
 * prints a report and writes it to {@code <build dir>/simulation-benchmark.md}.
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.SimulationBenchmark
 * </pre>
 * System properties: {@code bench.rounds} (warm requests per measurement, default 10), {@code bench.report}.
 */
public final class SimulationBenchmark {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int[] PORTS = { 8080, 5432, 9092 };

	private SimulationBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = Integer.getInteger("bench.rounds", 10);
		String password = "bench-" + UUID.randomUUID();
		ConfigurableApplicationContext app = StoreBenchmark.start(password);
		try {
			int port = ((WebServerApplicationContext) app).getWebServer().getPort();
			Map<String, String> report = run("http://127.0.0.1:" + port, password, rounds);
			StringBuilder text = new StringBuilder("| measurement | result |\n|---|---|\n");
			report.forEach((k, v) -> text.append("| ").append(k).append(" | ").append(v).append(" |\n"));
			System.out.println(text);
			Path file = Path.of(System.getProperty("bench.report",
					System.getProperty("build.dir", "target") + "/simulation-benchmark.md"));
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.writeString(file, text);
		}
		finally {
			app.close();
		}
	}

	private static Map<String, String> run(String url, String password, int rounds) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10)).build();
		String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> token = send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
			.header("Authorization", basic).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-" + System.nanoTime() + "\"}")).build(), 201);
		String bearer = "Bearer " + JSON.readTree(token.body()).get("token").asString();
		String ws = "sim-" + Long.toString(System.currentTimeMillis(), 36);
		send(http, post(url + "/api/v1/workspaces", bearer, "{\"name\":\"" + ws + "\"}"), 201);
		SyntheticCluster cluster = new SyntheticCluster(50, 11);
		send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/import"))
			.header("Authorization", bearer).header("Content-Type", "application/yaml").timeout(Duration.ofMinutes(5))
			.POST(HttpRequest.BodyPublishers.ofString(cluster.policiesYaml())).build(), 200);
		Map<String, String> report = new LinkedHashMap<>();
		report.put("workspace", cluster.policyCount() + " stored policies (SyntheticCluster, 50 namespaces)");

		List<Map<String, Object>> workloads = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			for (int k = 0; k < 50; k += 5) {
				workloads.add(Map.of("pod", Map.of("namespace", SyntheticCluster.namespace(i), "labels",
						Map.of("app", "svc-" + (k / 5), "version", "v0", "tier", SyntheticCluster.TIERS[(k / 5) % 4]))));
			}
		}
		List<Map<String, Object>> ports = new ArrayList<>();
		for (int p : PORTS) {
			ports.add(Map.of("port", p, "protocol", "TCP"));
		}
		Map<String, Object> matrix = new LinkedHashMap<>();
		matrix.put("rows", workloads);
		matrix.put("columns", workloads);
		matrix.put("ports", ports);
		String matrixBody = JSON.writeValueAsString(matrix);
		HttpRequest matrixRequest = post(url + "/api/v1/workspaces/" + ws + "/matrix", bearer, matrixBody);
		JsonNode first = JSON.readTree(send(http, matrixRequest, 200).body());
		long allowed = first.get("cells").valueStream().filter((c) -> !"DROPPED".equals(c.get("verdict").asString())).count();
		report.put("matrix", workloads.size() + " x " + workloads.size() + " workloads x " + PORTS.length + " ports = "
				+ first.get("cells").size() + " cells (" + allowed + " allowed)");
		report.put("matrix, cold (state read and compiled)", timed(http, matrixRequest, 1));
		// a changed state: the cache keys on the versions, so a new policy version makes the next request cold again
		report.put("matrix, warm (compiled state cached)", timed(http, matrixRequest, rounds));
		matrix.put("compare", Map.of("draft", SyntheticCluster.policy(0, 0).replace("app: svc-1", "app: svc-2")));
		HttpRequest compared = post(url + "/api/v1/workspaces/" + ws + "/matrix", bearer, JSON.writeValueAsString(matrix));
		report.put("matrix compared with a draft, first", timed(http, compared, 1));
		report.put("matrix compared with a draft, warm", timed(http, compared, rounds));

		String expectations = expectations(workloads, 1000, new Random(7));
		send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/expectations"))
			.header("Authorization", bearer).header("Content-Type", "application/yaml")
			.PUT(HttpRequest.BodyPublishers.ofString(expectations)).build(), 201);
		HttpRequest run = post(url + "/api/v1/workspaces/" + ws + "/expectations/run", bearer, "{}");
		JsonNode ran = JSON.readTree(send(http, run, 200).body());
		report.put("expectations", ran.get("results").size() + " stored (" + ran.get("passed").asInt() + " pass, "
				+ ran.get("failed").asInt() + " fail), with explanations");
		report.put("expectations run, warm", timed(http, run, rounds));
		HttpRequest draftRun = post(url + "/api/v1/workspaces/" + ws + "/expectations/run", bearer,
				JSON.writeValueAsString(Map.of("draft", SyntheticCluster.policy(1, 1))));
		report.put("expectations run with a draft, first (draft compiled)", timed(http, draftRun, 1));
		report.put("expectations run with a draft, warm", timed(http, draftRun, rounds));
		report.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, load average "
				+ String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
					.getSystemLoadAverage()));
		return report;
	}

	/** {@code count} expectations between the workloads on the benchmark's ports, a third with an HTTP request. */
	static String expectations(List<Map<String, Object>> workloads, int count, Random random) throws Exception {
		List<Map<String, Object>> items = new ArrayList<>();
		for (int n = 0; n < count; n++) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("name", "expectation " + n);
			item.put("from", workloads.get(random.nextInt(workloads.size())));
			item.put("to", workloads.get(random.nextInt(workloads.size())));
			int port = PORTS[random.nextInt(PORTS.length)];
			item.put("port", port);
			if (port == 8080 && random.nextBoolean()) {
				item.put("http", Map.of("method", "GET", "path", "/api/v1/items/" + random.nextInt(100)));
			}
			item.put("expect", random.nextBoolean() ? "allowed" : "denied");
			items.add(item);
		}
		return JSON.writeValueAsString(Map.of("expectations", items));
	}

	private static HttpRequest post(String url, String bearer, String json) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer)
			.header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
			.POST(HttpRequest.BodyPublishers.ofString(json)).build();
	}

	private static final com.sun.management.OperatingSystemMXBean PROCESS = (com.sun.management.OperatingSystemMXBean)
		java.lang.management.ManagementFactory.getOperatingSystemMXBean();

	/**
	 * Wall time at the client, and the CPU time the whole process (server and client, one JVM) spent per request:
	 * on a shared machine the wall clock includes waiting for a core, the CPU time is the work.
	 */
	private static String timed(HttpClient http, HttpRequest request, int rounds) throws Exception {
		double[] ms = new double[rounds];
		long cpu = PROCESS.getProcessCpuTime();
		for (int r = 0; r < rounds; r++) {
			long start = System.nanoTime();
			send(http, request, 200);
			ms[r] = (System.nanoTime() - start) / 1e6;
		}
		double cpuPerRequest = (PROCESS.getProcessCpuTime() - cpu) / 1e6 / rounds;
		Arrays.sort(ms);
		return (rounds == 1) ? String.format(Locale.ROOT, "%,.0f ms (CPU %,.0f ms)", ms[0], cpuPerRequest)
				: String.format(Locale.ROOT, "median %,.0f ms (min %,.0f, max %,.0f; %d requests); CPU %,.0f ms per request",
						ms[rounds / 2], ms[0], ms[rounds - 1], rounds, cpuPerRequest);
	}

	private static HttpResponse<String> send(HttpClient http, HttpRequest request, int status) throws Exception {
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != status) {
			throw new IllegalStateException(request.method() + " " + request.uri() + ": " + response.statusCode() + " "
					+ response.body().substring(0, Math.min(500, response.body().length())));
		}
		return response;
	}

}
