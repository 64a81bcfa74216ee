package dev.portcullis.benchmark;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;


import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Flow queries through the real HTTP path (issue 12): with {@code bench.flows} stored flows (default 10 million,
 * spread over the last 8 days, 10 % dropped, in several namespaces), the viewer's usual first page
 * ({@code namespace + verdict + since 1h}, 50 flows, decided_by included) requested {@code bench.requests} times
 * (default 300) one after the other, p50/p95/p99; and how long a flow takes from its upload's answer to a
 * live-tailing client ({@code follow=true}, server-sent events), {@code bench.tails} times (default 20). Not a test:
 * it prints a report and writes it to {@code bench.report} (default {@code target/flow-query-benchmark.md}).
 * {@code bench.workspace} measures the flows an earlier run stored instead of storing new ones.
 * {@code bench.user} / {@code bench.password} sign in (default {@code admin} and the password given to the app).
 * <p>
 * The flows are made in SQL ({@code INSERT ... SELECT} from {@code generate_series}, compact flow JSON), not
 * through the ingest, so that 10 million take minutes. Run against a fresh database:
 * <pre>
 * psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE portcullis_bench'
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.FlowQueryBenchmark [-Dbench.flows=10000000]
 * </pre>
 */
public final class FlowQueryBenchmark {

	private static final List<String> NAMESPACES = List.of("shop", "payments", "kube-system", "monitoring", "default",
			"search", "auth", "batch");

	private FlowQueryBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long flows = Long.getLong("bench.flows", 10_000_000);
		int requests = Integer.getInteger("bench.requests", 300);
		int tails = Integer.getInteger("bench.tails", 20);
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		ConfigurableApplicationContext app = StoreBenchmark.start(password);
		String url = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
		Map<String, String> report = new LinkedHashMap<>();
		try {
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			String basic = "Basic " + Base64.getEncoder()
				.encodeToString((System.getProperty("bench.user", "admin") + ":" + password).getBytes(StandardCharsets.UTF_8));
			String ws = System.getProperty("bench.workspace");
			if (ws == null) {
				ws = "benchq-" + Long.toString(System.currentTimeMillis(), 36);
				SqlFlows.send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces")).header("Authorization", basic)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + ws + "\"}")).build(), 201);
				long fill = System.nanoTime();
				fill(ws, flows);
				report.put("stored flows", String.format(Locale.ROOT, "%,d in %.0f s (INSERT ... SELECT generate_series, "
						+ "then ANALYZE), %d processors", flows, (System.nanoTime() - fill) / 1e9,
						Runtime.getRuntime().availableProcessors()));
			}
			else {
				// the flows of an earlier run (their times keep moving back: "since 1h" holds fewer of them)
				report.put("stored flows", "workspace " + ws + " of an earlier run");
			}
			String page = url + "/api/v1/workspaces/" + ws + "/flows?namespace=payments&verdict=DROPPED&since=1h&limit=50";
			for (int i = 0; i < 30; i++) {
				SqlFlows.send(http, get(page, basic), 200);
			}
			List<Double> millis = new ArrayList<>();
			int returned = 0;
			for (int i = 0; i < requests; i++) {
				long start = System.nanoTime();
				String body = SqlFlows.send(http, get(page, basic), 200);
				millis.add((System.nanoTime() - start) / 1e6);
				returned = body.split("\"portcullis\"", -1).length - 1;
			}
			Collections.sort(millis);
			report.put("first page, namespace + verdict + since 1h (" + returned + " flows, decided_by included)",
					String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms over %d sequential "
							+ "requests (target p95 < 100 ms)", pct(millis, 50), pct(millis, 95), pct(millis, 99),
							millis.get(millis.size() - 1), requests));
			String unfiltered = url + "/api/v1/workspaces/" + ws + "/flows?limit=50";
			List<Double> plain = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				long start = System.nanoTime();
				SqlFlows.send(http, get(unfiltered, basic), 200);
				plain.add((System.nanoTime() - start) / 1e6);
			}
			Collections.sort(plain);
			report.put("first page, no filter", String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms",
					pct(plain, 50), pct(plain, 95)));
			report.put("live tail", tail(http, url, basic, ws, tails));
		}
		finally {
			app.close();
		}
		StringBuilder text = new StringBuilder("# Flow query benchmark\n\n");
		report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
		System.out.println(text);
		Path out = Path.of(System.getProperty("bench.report", "target/flow-query-benchmark.md"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, text);
	}

	/** Stores {@code flows} flows of the last 8 days in SQL, in batches of a million. */
	private static void fill(String ws, long flows) throws Exception {
		String namespaces = "ARRAY['" + String.join("','", NAMESPACES) + "']";
		String labelSets = "SELECT ARRAY[a, 'k8s:io.kubernetes.pod.namespace=' || n] FROM unnest(" + namespaces + ") n,"
				+ " unnest(ARRAY['k8s:app=client', 'k8s:app=server']) a";
		SqlFlows.fill(ws, flows, 9, 1_000_000, labelSets, (id, from, to) ->
				// g spreads flows evenly over 8 days, newest first; namespace and verdict are derived from g
				"INSERT INTO flow (workspace_id, time, upload_id, count, node_name, verdict, drop_reason_desc,"
				+ " traffic_direction, flow_type, is_reply, source_namespace, source_pod, source_workload,"
				+ " source_label_set, source_ip, source_port, destination_namespace, destination_pod,"
				+ " destination_workload, destination_label_set, destination_ip, destination_port, protocol, flow)"
				+ " SELECT " + id + ", t, (SELECT max(id) FROM flow_upload), 1, 'node-' || (g % 5), v, "
				+ " CASE WHEN v = 'DROPPED' THEN 'POLICY_DENIED' END, 'INGRESS', 'L3_L4', false, sns,"
				+ " 'client-' || (g % 40), sns || '/client', flow_label_set_id(ARRAY['k8s:app=client', 'k8s:io.kubernetes.pod.namespace=' || sns]),"
				+ " ('10.1.' || (g % 250) || '.' || (g % 200))::inet, 30000 + (g % 20000), dns,"
				+ " 'server-' || (g % 30), dns || '/server', flow_label_set_id(ARRAY['k8s:app=server', 'k8s:io.kubernetes.pod.namespace=' || dns]),"
				+ " ('10.2.' || (g % 250) || '.' || (g % 180))::inet, 8080, 'TCP',"
				+ " json_build_object('time', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
				+ "   'verdict', v, 'drop_reason_desc', CASE WHEN v = 'DROPPED' THEN 'POLICY_DENIED' END,"
				+ "   'IP', json_build_object('source', '10.1.' || (g % 250) || '.' || (g % 200), 'destination',"
				+ "     '10.2.' || (g % 250) || '.' || (g % 180), 'ipVersion', 'IPv4'),"
				+ "   'l4', json_build_object('TCP', json_build_object('source_port', 30000 + (g % 20000),"
				+ "     'destination_port', 8080)),"
				+ "   'source', json_build_object('namespace', sns, 'pod_name', 'client-' || (g % 40), 'labels',"
				+ "     ARRAY['k8s:app=client', 'k8s:io.kubernetes.pod.namespace=' || sns]),"
				+ "   'destination', json_build_object('namespace', dns, 'pod_name', 'server-' || (g % 30), 'labels',"
				+ "     ARRAY['k8s:app=server', 'k8s:io.kubernetes.pod.namespace=' || dns]),"
				+ "   'Type', 'L3_L4', 'node_name', 'node-' || (g % 5), 'event_type', json_build_object('type', 4),"
				+ "   'traffic_direction', 'INGRESS')"
				+ " FROM (SELECT g, now() - (g * (interval '8 days' / " + flows + ")) AS t,"
				+ "   (" + namespaces + ")[1 + (g % 8)] AS sns, (" + namespaces + ")[1 + ((g / 8) % 8)] AS dns,"
				+ "   CASE WHEN g % 10 = 3 THEN 'DROPPED' ELSE 'FORWARDED' END AS v"
				+ "   FROM generate_series(" + from + ", " + (to - 1) + ") g) x");
	}

	/** Times from an upload's answer to the flow's event on a live tail, {@code rounds} times. */
	private static String tail(HttpClient http, String url, String basic, String ws, int rounds) throws Exception {
		HttpRequest follow = HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws
				+ "/flows?follow=true&verdict=DROPPED")).header("Authorization", basic)
			.header("Accept", "text/event-stream").GET().build();
		HttpResponse<java.io.InputStream> stream = http.send(follow, HttpResponse.BodyHandlers.ofInputStream());
		BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
		List<Double> millis = new ArrayList<>();
		Thread.sleep(1000);
		for (int i = 0; i < rounds; i++) {
			String marker = "10.9." + (i / 250) + "." + (i % 250);
			String line = "{\"flow\":{\"time\":\"" + Instant.now() + "\",\"verdict\":\"DROPPED\",\"IP\":{\"source\":\""
					+ marker + "\",\"destination\":\"10.0.0.2\"},\"l4\":{\"TCP\":{\"destination_port\":80}},"
					+ "\"source\":{\"labels\":[\"reserved:world\"]},\"destination\":{\"labels\":[]}}}\n";
			CompletableFuture<Long> seen = CompletableFuture.supplyAsync(() -> {
				try {
					String l;
					while ((l = lines.readLine()) != null) {
						if (l.startsWith("data:") && l.contains("\"" + marker + "\"")) {
							return System.nanoTime();
						}
					}
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
				return -1L;
			});
			SqlFlows.send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + ws + "/flows"))
				.header("Authorization", basic).header("Content-Type", "application/x-ndjson")
				.POST(HttpRequest.BodyPublishers.ofString(line)).build(), 200);
			long stored = System.nanoTime();
			long arrived = seen.get(10, TimeUnit.SECONDS);
			millis.add((arrived - stored) / 1e6);
			Thread.sleep(300);
		}
		stream.body().close();
		Collections.sort(millis);
		return String.format(Locale.ROOT, "upload answered → event received: p50 %.0f ms, p95 %.0f ms, max %.0f ms over "
				+ "%d flows (target < 1 s; polling every 250 ms)", pct(millis, 50), pct(millis, 95),
				millis.get(millis.size() - 1), rounds);
	}

	private static HttpRequest get(String url, String basic) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic)
			.header("Accept", "application/json").GET().build();
	}

	private static double pct(List<Double> sorted, int percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

}
