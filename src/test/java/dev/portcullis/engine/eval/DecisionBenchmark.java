package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link CompiledPolicies#decide} over 1,000 policies and 5,000 pod identities (50 namespaces of
 * 100 apps): L3/L4 flows, HTTP flows on L7-filtered ports, and compiling the policies. Run with
 * {@code java -cp <test classpath> org.openjdk.jmh.Main DecisionBenchmark}. Targets: ≥1,000,000 L3/L4
 * decisions/s and ≥200,000 HTTP decisions/s on one thread, compile < 1 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class DecisionBenchmark {

	static final int NAMESPACES = 50;

	static final int APPS = 100;

	List<Policy> policies;

	CompiledPolicies compiled;

	Flow[] l4Flows;

	Flow[] httpFlows;

	int next;

	@Setup
	public void setUp() {
		this.policies = policies();
		this.compiled = CompiledPolicies.compile(this.policies, EngineOptions.DEFAULTS);
		Random random = new Random(42);
		Endpoint[][] pods = new Endpoint[NAMESPACES][APPS];
		for (int ns = 0; ns < NAMESPACES; ns++) {
			for (int app = 0; app < APPS; app++) {
				pods[ns][app] = pod(ns, app);
			}
		}
		this.l4Flows = new Flow[65536];
		this.httpFlows = new Flow[65536];
		for (int i = 0; i < this.l4Flows.length; i++) {
			int ns = random.nextInt(NAMESPACES);
			Endpoint source = pods[ns][random.nextInt(APPS)];
			// destinations are subjects of a policy: every flow is enforced at ingress
			Endpoint destination = pods[ns][random.nextInt(APPS / 5) * 5];
			this.l4Flows[i] = new Flow(source, destination, "10.0.0.1", "10.0.0.2", Protocol.TCP,
					random.nextBoolean() ? 8080 : 5432, -1, null, List.of(), null, false);
			this.httpFlows[i] = new Flow(source, destination, "10.0.0.1", "10.0.0.2", Protocol.TCP, 80, -1,
					new Flow.Http("GET", "http://svc" + (i % 100) + ":80/api/v1/items/" + (i % 1000) + "?q=1",
							List.of(new Flow.Header("User-Agent", "curl/8"), new Flow.Header("Accept", "*/*")),
							"HTTP/1.1"),
					List.of(), null, false);
		}
		for (Flow flow : this.l4Flows) {
			this.compiled.decide(flow);
		}
	}

	@Benchmark
	public Decision decideL3L4() {
		return this.compiled.decide(this.l4Flows[this.next++ & 65535]);
	}

	@Benchmark
	public Decision decideHttp() {
		return this.compiled.decide(this.httpFlows[this.next++ & 65535]);
	}

	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public CompiledPolicies compile() {
		return CompiledPolicies.compile(this.policies, EngineOptions.DEFAULTS);
	}

	/** 20 policies per namespace: ingress from two apps on 8080, HTTP on 80, egress to the database. */
	static List<Policy> policies() {
		List<Policy> policies = new ArrayList<>();
		for (int ns = 0; ns < NAMESPACES; ns++) {
			for (int p = 0; p < 20; p++) {
				int app = p * 5;
				PortRule tcp = new PortRule("", List.of(new PortProtocol("8080", 0, Protocol.TCP)), null, List.of(),
						null, false, false);
				PortRule http = new PortRule("", List.of(new PortProtocol("80", 0, Protocol.TCP)),
						new L7Rules(List.of(new HttpRule("/api/v1/items/.*", "GET", null, List.of(), List.of()),
								new HttpRule("/health", null, null, List.of(), List.of())), List.of(), List.of(), null,
								List.of()),
						List.of(), null, false, false);
				PeerRule ingress = new PeerRule("", Direction.INGRESS, false,
						List.of(Fixtures.selector("app", "app" + ((app + 1) % APPS)),
								Fixtures.selector("app", "app" + ((app + 2) % APPS))),
						null, null, null, null, null, null, null, null, List.of(tcp), null, null);
				PeerRule ingressHttp = new PeerRule("", Direction.INGRESS, false, List.of(LabelSelector.EMPTY), null,
						null, null, null, null, null, null, null, List.of(http), null, null);
				PeerRule egress = new PeerRule("", Direction.EGRESS, false,
						List.of(Fixtures.selector("app", "app" + ((app + 3) % APPS))), null, null, null, null, null,
						null, null, null, List.of(), null, null);
				policies.add(Fixtures.cnp("ns" + ns, "p" + p,
						Fixtures.rule(Fixtures.selector("app", "app" + app), ingress, ingressHttp, egress)));
			}
		}
		return policies;
	}

	static Endpoint pod(int ns, int app) {
		return Fixtures.pod("ns" + ns, "app", "app" + app, "team", "t" + (app % 7));
	}

}
