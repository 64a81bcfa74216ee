package dev.portcullis.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.TestDatabase;

/**
 * Recommendations over a synthetic million-flow log through the real HTTP path (issue 13: under 30 s): {@code
 * bench.flows} stored flows (default 1,000,000) in the last hour of one workspace, 8 namespaces of 12 client
 * Deployments (pods with their {@code pod-template-hash}) calling 10 services each on two ports, 5 % to addresses
 * outside the cluster, 5 % DNS requests to kube-dns, 15 % HTTP requests with an order ID in the path, 2 % dropped.
 * {@code POST /api/v1/workspaces/{ws}/recommend} over the whole window without and with L7, {@code bench.rounds}
 * times each (default 3), against a yardstick measured in the same run on the same rows: {@code SELECT count(*)}
 * of the window, and a bare {@code GROUP BY} of its workload edges (what the service map reads). Not a test: it prints
 * a report and writes it to {@code bench.report} (default {@code target/recommend-benchmark.md}).
 * <p>
 * The flows are made in SQL ({@code INSERT ... SELECT} from {@code generate_series}, compact flow JSON holding what the
 * recommender reads from it), as {@link FlowQueryBenchmark} makes its own:
 * <pre>
 * TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portcullis_bench \
 *   mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.portcullis.benchmark.RecommendBenchmark [-Dbench.flows=1000000]
 * </pre>
 */
public final class RecommendBenchmark {

	private static final List<String> NAMESPACES = List.of("shop", "payments", "search", "auth", "batch", "default",
			"monitoring", "orders");

	private RecommendBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long flows = Long.getLong("bench.flows", 1_000_000);
		int rounds = Integer.getInteger("bench.rounds", 3);
		String password = System.getProperty("bench.password", "bench-" + UUID.randomUUID());
		Map<String, String> report = new LinkedHashMap<>();
		try (StoreBenchmark.Served served = StoreBenchmark.Served.start(System.getProperty("bench.user", "admin"), password)) {
			String url = served.url();
			HttpClient http = served.http();
			String basic = served.basic();
			String ws = "benchr-" + Long.toString(System.currentTimeMillis(), 36);
			SqlFlows.send(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces")).header("Authorization", basic)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + ws + "\"}")).build(), 201);
			long fill = System.nanoTime();
			long id = fill(ws, flows);
			report.put("stored flows", String.format(Locale.ROOT, "%,d in %.0f s (INSERT ... SELECT generate_series, then"
					+ " ANALYZE), %d processors", flows, (System.nanoTime() - fill) / 1e9,
					Runtime.getRuntime().availableProcessors()));
			report.put("load average before", loadAverage());
			String recommend = url + "/api/v1/workspaces/" + ws + "/recommend";
			for (boolean l7 : List.of(false, true)) {
				List<Double> seconds = new ArrayList<>();
				String body = "";
				for (int i = 0; i < rounds; i++) {
					long start = System.nanoTime();
					body = SqlFlows.send(http, HttpRequest.newBuilder(URI.create(recommend)).header("Authorization", basic)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"flows\": {}, \"l7\": " + l7 + "}")).build(), 200);
					seconds.add((System.nanoTime() - start) / 1e9);
				}
				Collections.sort(seconds);
				int policies = body.split("kind: CiliumNetworkPolicy", -1).length - 1;
				int distinct = Integer.parseInt(body.replaceAll("(?s).*\"distinct\":(\\d+).*", "$1"));
				report.put("recommend, whole window, l7=" + l7, String.format(Locale.ROOT, "min %.1f s, median %.1f s,"
						+ " max %.1f s over %d requests (%,d distinct groups, %d policies, %,d bytes; target < 30 s)",
						seconds.get(0), seconds.get(seconds.size() / 2), seconds.get(seconds.size() - 1), rounds,
						distinct, policies, body.length()));
			}
			report.put("yardstick", yardstick(id, rounds));
			report.put("load average after", loadAverage());
		}
		StringBuilder text = new StringBuilder("# Recommendation benchmark\n\n");
		report.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
		System.out.println(text);
		Path out = Path.of(System.getProperty("bench.report", "target/recommend-benchmark.md"));
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, text);
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (java.io.IOException ex) {
			return "unknown";
		}
	}

	/** The same rows read by PostgreSQL alone: count(*), and a bare GROUP BY of the workload edges. */
	private static String yardstick(long id, int rounds) throws Exception {
		TestDatabase.Connection db = TestDatabase.get();
		try (java.sql.Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
				var s = c.createStatement()) {
			List<Double> count = new ArrayList<>();
			List<Double> grouped = new ArrayList<>();
			for (int i = 0; i < rounds; i++) {
				long start = System.nanoTime();
				try (var rs = s.executeQuery("SELECT count(*) FROM flow WHERE workspace_id = " + id)) {
					rs.next();
				}
				count.add((System.nanoTime() - start) / 1e9);
				start = System.nanoTime();
				try (var rs = s.executeQuery("SELECT source_workload, destination_workload, destination_port, protocol,"
						+ " verdict, sum(count) FROM flow WHERE workspace_id = " + id + " GROUP BY 1, 2, 3, 4, 5")) {
					while (rs.next()) {
						rs.getString(1);
					}
				}
				grouped.add((System.nanoTime() - start) / 1e9);
			}
			Collections.sort(count);
			Collections.sort(grouped);
			return String.format(Locale.ROOT, "SELECT count(*) of the window median %.1f s; bare GROUP BY of its"
					+ " workload edges median %.1f s (%d rounds each, same run)", count.get(rounds / 2),
					grouped.get(rounds / 2), rounds);
		}
	}

	/** Stores {@code flows} flows of the last hour in SQL; answers the workspace's id. */
	private static long fill(String ws, long flows) throws Exception {
		String namespaces = "ARRAY['" + String.join("','", NAMESPACES) + "']";
		String cluster = "'k8s:io.cilium.k8s.policy.cluster=default'";
		String labelSets = "SELECT ARRAY['k8s:app=app' || a, 'k8s:pod-template-hash=7d9f8b6c5d',"
				+ " 'k8s:io.kubernetes.pod.namespace=' || n, " + cluster + "] FROM unnest(" + namespaces + ") n,"
				+ " generate_series(0, 11) a"
				+ " UNION ALL SELECT ARRAY['k8s:app=svc' || b, 'k8s:pod-template-hash=6c8f7d9b5',"
				+ " 'k8s:io.kubernetes.pod.namespace=' || n, " + cluster + "] FROM unnest(" + namespaces + ") n,"
				+ " generate_series(0, 9) b"
				+ " UNION ALL SELECT ARRAY['reserved:world']"
				+ " UNION ALL SELECT ARRAY['k8s:k8s-app=kube-dns', 'k8s:pod-template-hash=5d78c9869d',"
				+ " 'k8s:io.kubernetes.pod.namespace=kube-system', " + cluster + "]";
		return SqlFlows.fill(ws, flows, 1, 500_000, labelSets, (id, from, to) ->
				// k (g % 20) picks the kind of flow: 0 world, 1 DNS, 2-4 HTTP with an ID, else plain TCP to a service
				"INSERT INTO flow (workspace_id, time, upload_id, count, node_name, verdict, drop_reason_desc,"
				+ " traffic_direction, flow_type, is_reply, source_namespace, source_pod, source_workload,"
				+ " source_label_set, source_ip, source_port, destination_namespace, destination_pod,"
				+ " destination_workload, destination_label_set, destination_ip, destination_port, protocol,"
				+ " l7_type, http_method, http_url, dns_query, flow)"
				+ " SELECT " + id + ", t, (SELECT max(id) FROM flow_upload), 1, 'node-' || (g % 5), v,"
				+ " CASE WHEN v = 'DROPPED' THEN 'POLICY_DENIED' END, 'EGRESS', CASE WHEN k BETWEEN 1 AND 4 THEN 'L7'"
				+ " ELSE 'L3_L4' END, false, sns, 'app' || a || '-7d9f8b6c5d-' || (ARRAY['x2x4z','b7k9p','q5w8n'])[1 + g % 3],"
				+ " sns || '/app' || a, flow_label_set_id(ARRAY['k8s:app=app' || a, 'k8s:pod-template-hash=7d9f8b6c5d',"
				+ "   'k8s:io.kubernetes.pod.namespace=' || sns, 'k8s:io.cilium.k8s.policy.cluster=default']),"
				+ " ('10.1.' || (g % 250) || '.' || (g % 200))::inet, 30000 + (g % 20000),"
				+ " CASE WHEN k = 0 THEN NULL WHEN k = 1 THEN 'kube-system' ELSE dns END,"
				+ " CASE WHEN k = 0 THEN NULL WHEN k = 1 THEN 'coredns-5d78c9869d-' || (ARRAY['k2m4p','z8x7v'])[1 + g % 2]"
				+ "   ELSE 'svc' || b || '-6c8f7d9b5-' || (ARRAY['n4k8q','w2z9x'])[1 + g % 2] END,"
				+ " CASE WHEN k = 0 THEN 'reserved:world' WHEN k = 1 THEN 'kube-system/coredns' ELSE dns || '/svc' || b END,"
				+ " flow_label_set_id(CASE WHEN k = 0 THEN ARRAY['reserved:world'] WHEN k = 1 THEN ARRAY['k8s:k8s-app=kube-dns',"
				+ "   'k8s:pod-template-hash=5d78c9869d', 'k8s:io.kubernetes.pod.namespace=kube-system',"
				+ "   'k8s:io.cilium.k8s.policy.cluster=default'] ELSE ARRAY['k8s:app=svc' || b,"
				+ "   'k8s:pod-template-hash=6c8f7d9b5', 'k8s:io.kubernetes.pod.namespace=' || dns,"
				+ "   'k8s:io.cilium.k8s.policy.cluster=default'] END),"
				+ " CASE WHEN k = 0 THEN ('203.0.113.' || (g % 10))::inet ELSE ('10.2.' || (g % 250) || '.' || (g % 180))::inet END,"
				+ " CASE WHEN k = 0 THEN 443 WHEN k = 1 THEN 53 ELSE 8080 + (g % 2) END,"
				+ " CASE WHEN k = 1 THEN 'UDP' ELSE 'TCP' END,"
				+ " CASE WHEN k BETWEEN 1 AND 4 THEN 'REQUEST' END,"
				+ " CASE WHEN k BETWEEN 2 AND 4 THEN (ARRAY['GET','POST'])[1 + g % 2] END,"
				+ " CASE WHEN k BETWEEN 2 AND 4 THEN 'http://svc' || b || ':8080/orders/' || (g % 5000) || '/items' END,"
				+ " CASE WHEN k = 1 THEN 'svc' || b || '.' || dns || '.svc.cluster.local.' END,"
				+ " CASE WHEN k BETWEEN 2 AND 4 THEN json_build_object('time', t, 'verdict', v, 'l7',"
				+ "   json_build_object('type', 'REQUEST', 'http', json_build_object('method', (ARRAY['GET','POST'])[1 + g % 2],"
				+ "   'url', 'http://svc' || b || ':8080/orders/' || (g % 5000) || '/items', 'protocol', 'HTTP/1.1')))"
				+ "   ELSE json_build_object('time', t, 'verdict', v) END"
				+ " FROM (SELECT g, g % 20 AS k, g % 12 AS a, (g / 20) % 10 AS b,"
				+ "   now() - (g * (interval '1 hour' / " + flows + ")) AS t,"
				+ "   (" + namespaces + ")[1 + (g % 8)] AS sns, (" + namespaces + ")[1 + ((g / 8) % 8)] AS dns,"
				+ "   CASE WHEN g % 50 = 7 THEN 'DROPPED' ELSE 'FORWARDED' END AS v"
				+ "   FROM generate_series(" + from + ", " + (to - 1) + ") g) x");
	}

}
