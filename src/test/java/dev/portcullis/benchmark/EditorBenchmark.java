package dev.portcullis.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.describe.PolicyDescription;
import dev.portcullis.engine.describe.PolicyGraph;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.lint.PolicyLint;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.policy.editor.GraphSvg;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;

/**
 * The editor's server-side work, timed: the workspace graph of {@link SyntheticCluster}'s 1,000 policies (each
 * stored text read and validated on its own, as {@code GET /api/v1/workspaces/{ws}/graph} does, then the graph and
 * its SVG), and what one keystroke in the editor costs the server for a 200-line policy (read, validate, lint,
 * describe, graph and SVG: validate, describe and graph together). Each case warms up, then runs rounds; it prints
 * the median and spread of thread CPU time and the wall-clock 95th percentile. Run:
 * {@code mvn -Dfrontend.skip=true test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.portcullis.benchmark.EditorBenchmark}.
 */
public final class EditorBenchmark {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	public static void main(String[] args) {
		SyntheticCluster cluster = new SyntheticCluster(50, 42);
		List<String> texts = new ArrayList<>();
		for (String text : cluster.policiesYaml().split("(?m)^---\n")) {
			if (!text.isBlank()) {
				texts.add(text);
			}
		}
		List<Policy> parsed = read(texts);
		String policy = twoHundredLines();
		System.out.printf(Locale.ROOT, "%d stored policies; a %d-line policy; one thread%n", parsed.size(),
				policy.split("\n").length);
		timed("workspace graph: read 1,000 texts, graph, SVG", 20, () -> {
			List<Policy> policies = read(texts);
			PolicyGraph graph = PolicyGraph.of(policies);
			return GraphSvg.render(graph, graph.outline());
		});
		timed("workspace graph of parsed policies: graph and SVG", 20, () -> {
			PolicyGraph graph = PolicyGraph.of(parsed);
			return GraphSvg.render(graph, graph.outline());
		});
		timed("lint 1,000 policies", 20, () -> PolicyLint.lint(List.of(), parsed));
		timed("keystroke, 200-line policy: validate + lint + describe + graph", 200, () -> keystroke(policy));
	}

	private static List<Policy> read(List<String> texts) {
		List<Policy> policies = new ArrayList<>(texts.size());
		for (String text : texts) {
			YamlDocuments documents = YamlReader.read(text);
			ParseResult result = PolicyParser.parse(documents.documents());
			if (documents.hasErrors() || result.hasErrors()) {
				throw new IllegalStateException(text);
			}
			policies.addAll(result.policies());
		}
		return policies;
	}

	private static Object keystroke(String text) {
		YamlDocuments documents = YamlReader.read(text);
		ParseResult parsed = PolicyParser.parse(documents.documents());
		List<Violation> lint = PolicyLint.lint(documents.documents(), parsed.policies());
		List<PolicyDescription> descriptions = PolicyDescription.of(parsed.policies());
		PolicyGraph graph = PolicyGraph.of(parsed.policies());
		return GraphSvg.render(graph, descriptions.toString()).length() + lint.size();
	}

	/** A CiliumNetworkPolicy of about 200 lines: HTTP, Kafka and DNS rules, CIDRs with excepts, FQDNs, a deny. */
	static String twoHundredLines() {
		StringBuilder yaml = new StringBuilder("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: large
				  namespace: shop
				spec:
				  endpointSelector:
				    matchLabels:
				      app: api
				  ingress:
				""");
		for (int i = 0; i < 10; i++) {
			yaml.append("""
					  - fromEndpoints:
					    - matchLabels:
					        app: client-%d
					    toPorts:
					    - ports:
					      - port: "%d"
					        protocol: TCP
					      rules:
					        http:
					        - method: GET
					          path: /v1/items/.*
					        - method: POST
					          path: /v1/orders
					""".formatted(i, 8000 + i));
		}
		yaml.append("  egress:\n");
		for (int i = 0; i < 5; i++) {
			yaml.append("""
					  - toCIDRSet:
					    - cidr: 10.%d.0.0/16
					      except:
					      - 10.%d.1.0/24
					    toPorts:
					    - ports:
					      - port: "5432"
					        protocol: TCP
					""".formatted(i, i));
		}
		yaml.append("""
				  - toEndpoints:
				    - matchLabels:
				        k8s:io.kubernetes.pod.namespace: kube-system
				        k8s:k8s-app: kube-dns
				    toPorts:
				    - ports:
				      - port: "53"
				        protocol: ANY
				      rules:
				        dns:
				        - matchPattern: "*.example.com"
				  - toFQDNs:
				    - matchPattern: "*.example.com"
				    toPorts:
				    - ports:
				      - port: "443"
				        protocol: TCP
				  egressDeny:
				  - toEntities:
				    - world
				    toPorts:
				    - ports:
				      - port: "25"
				        protocol: TCP
				""");
		return yaml.toString();
	}

	private static void timed(String name, int rounds, Supplier<Object> work) {
		for (int w = 0; w < Math.max(5, rounds / 4); w++) {
			work.get();
		}
		double[] cpu = new double[rounds];
		double[] wall = new double[rounds];
		int sink = 0;
		for (int r = 0; r < rounds; r++) {
			long cpuStart = THREADS.getCurrentThreadCpuTime();
			long wallStart = System.nanoTime();
			sink += System.identityHashCode(work.get()) & 1;
			wall[r] = (System.nanoTime() - wallStart) / 1e6;
			cpu[r] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
		}
		Arrays.sort(cpu);
		Arrays.sort(wall);
		System.out.printf(Locale.ROOT, "%-64s CPU median %,8.1f ms (min %,.1f, max %,.1f); wall p95 %,8.1f ms%s%n",
				name, cpu[rounds / 2], cpu[0], cpu[rounds - 1], wall[(int) Math.ceil(rounds * 0.95) - 1],
				(sink == 42) ? " " : "");
	}

}
