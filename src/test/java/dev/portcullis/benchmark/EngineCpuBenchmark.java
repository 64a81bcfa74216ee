package dev.portcullis.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.Flow;

/**
 * The same cases as {@link EngineBenchmark}, timed by the thread's CPU time instead of the wall clock, so
 * that a machine busy with other work (CI, a build on the other core) disturbs the numbers less. Each case
 * warms up for 3 s, then runs 7 rounds of 1,000,000 decisions (compiles: 7 rounds of 10); it prints the median
 * and the spread. Run: {@code mvn -Dfrontend.skip=true test-compile exec:exec@cpu-benchmarks}.
 */
public final class EngineCpuBenchmark {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	public static void main(String[] args) {
		SyntheticCluster cluster = new SyntheticCluster(50, 42);
		String yaml = cluster.policiesYaml();
		List<Policy> policies = EngineBenchmark.parse(yaml);
		CompiledPolicies compiled = CompiledPolicies.compile(policies, EngineOptions.DEFAULTS);
		Flow[] l3l4 = cluster.l3l4Flows(EngineBenchmark.FLOWS).toArray(Flow[]::new);
		Flow[] shared = EngineBenchmark.shareEndpoints(l3l4);
		Flow[] http = cluster.httpFlows(EngineBenchmark.FLOWS).toArray(Flow[]::new);
		List<Flow> mix = new ArrayList<>();
		mix.addAll(cluster.l3l4Flows(EngineBenchmark.FLOWS / 2));
		mix.addAll(cluster.httpFlows(EngineBenchmark.FLOWS / 4));
		mix.addAll(cluster.kafkaFlows(EngineBenchmark.FLOWS / 8));
		mix.addAll(cluster.dnsFlows(EngineBenchmark.FLOWS / 8));
		java.util.Collections.shuffle(mix, new java.util.Random(7));
		Flow[] mixed = mix.toArray(Flow[]::new);

		System.out.printf(Locale.ROOT, "%d policies, %d flows per set, one thread, thread CPU time%n", policies.size(),
				EngineBenchmark.FLOWS);
		decisions("L3/L4, a fresh endpoint object per flow", compiled, l3l4, false);
		decisions("L3/L4, equal endpoints shared (as FlowReader reads a log)", compiled, shared, false);
		decisions("HTTP L7, a fresh endpoint object per flow", compiled, http, false);
		decisions("mixed L3/L4, HTTP, Kafka, DNS", compiled, mixed, false);
		decisions("L3/L4 with explanation", compiled, l3l4, true);
		timed("compile 1,000 parsed policies", () -> CompiledPolicies.compile(policies, EngineOptions.DEFAULTS));
		timed("read, validate and compile 1,000 policies from YAML",
				() -> CompiledPolicies.compile(EngineBenchmark.parse(yaml), EngineOptions.DEFAULTS));
	}

	private static void decisions(String name, CompiledPolicies compiled, Flow[] flows, boolean explain) {
		int rounds = 7;
		int perRound = explain ? 200_000 : 1_000_000;
		long warmupEnd = System.nanoTime() + 3_000_000_000L;
		int i = 0;
		long sink = 0;
		while (System.nanoTime() < warmupEnd) {
			sink += decide(compiled, flows[i], explain);
			i = (i + 1) % flows.length;
		}
		double[] rates = new double[rounds];
		for (int r = 0; r < rounds; r++) {
			long start = THREADS.getCurrentThreadCpuTime();
			for (int n = 0; n < perRound; n++) {
				sink += decide(compiled, flows[i], explain);
				i = (i + 1) % flows.length;
			}
			long cpu = THREADS.getCurrentThreadCpuTime() - start;
			rates[r] = perRound / (cpu / 1e9);
		}
		report(name, rates, "decisions/CPU-s", sink);
	}

	private static int decide(CompiledPolicies compiled, Flow flow, boolean explain) {
		return (explain ? compiled.explain(flow) : compiled.decide(flow)).allowed() ? 1 : 0;
	}

	private static void timed(String name, Supplier<Object> work) {
		for (int w = 0; w < 5; w++) {
			work.get();
		}
		double[] millis = new double[7];
		int sink = 0;
		for (int r = 0; r < millis.length; r++) {
			long start = THREADS.getCurrentThreadCpuTime();
			for (int n = 0; n < 10; n++) {
				sink += System.identityHashCode(work.get()) & 1;
			}
			millis[r] = (THREADS.getCurrentThreadCpuTime() - start) / 1e6 / 10;
		}
		report(name, millis, "ms CPU", sink);
	}

	private static void report(String name, double[] values, String unit, long sink) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		System.out.printf(Locale.ROOT, "%-58s median %,12.1f %s  (min %,.1f, max %,.1f)%s%n", name,
				sorted[sorted.length / 2], unit, sorted[0], sorted[sorted.length - 1], (sink == 42) ? " " : "");
	}

}
