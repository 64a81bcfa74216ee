package dev.portcullis.benchmark;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's speed over {@link SyntheticCluster} (1,000 policies, 5,000 pod identities), one thread.
 * Decision benchmarks report decisions per second (one operation = one flow decided, cycling through a fixed
 * set of generated flows); compile benchmarks report milliseconds for all 1,000 policies. Run with
 * {@code mvn -Dfrontend.skip=true test-compile exec:exec@benchmarks} (see README).
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineBenchmark {

	static final int FLOWS = 100_000;

	String yaml;

	List<Policy> policies;

	CompiledPolicies compiled;

	Flow[] l3l4;

	Flow[] http;

	Flow[] l3l4Shared;

	Flow[] mixed;

	int next;

	@Setup(Level.Trial)
	public void generate() {
		SyntheticCluster cluster = new SyntheticCluster(50, 42);
		this.yaml = cluster.policiesYaml();
		this.policies = parse(this.yaml);
		this.compiled = CompiledPolicies.compile(this.policies, EngineOptions.DEFAULTS);
		this.l3l4 = cluster.l3l4Flows(FLOWS).toArray(Flow[]::new);
		this.http = cluster.httpFlows(FLOWS).toArray(Flow[]::new);
		this.l3l4Shared = shareEndpoints(this.l3l4);
		List<Flow> mix = new java.util.ArrayList<>();
		mix.addAll(cluster.l3l4Flows(FLOWS / 2));
		mix.addAll(cluster.httpFlows(FLOWS / 4));
		mix.addAll(cluster.kafkaFlows(FLOWS / 8));
		mix.addAll(cluster.dnsFlows(FLOWS / 8));
		java.util.Collections.shuffle(mix, new java.util.Random(7));
		this.mixed = mix.toArray(Flow[]::new);
	}

	/** The same flows with equal endpoints as one object, as {@code FlowReader} returns a flow log. */
	static Flow[] shareEndpoints(Flow[] flows) {
		java.util.Map<Flow.Endpoint, Flow.Endpoint> shared = new java.util.HashMap<>();
		Flow[] result = new Flow[flows.length];
		for (int i = 0; i < flows.length; i++) {
			Flow f = flows[i];
			result[i] = new Flow(shared.computeIfAbsent(f.source(), (e) -> e),
					shared.computeIfAbsent(f.destination(), (e) -> e), f.sourceIp(), f.destinationIp(), f.protocol(),
					f.destinationPort(), f.icmpType(), f.l7(), f.destinationNames(), f.tlsServerName(), f.reply());
		}
		return result;
	}

	static List<Policy> parse(String yaml) {
		YamlDocuments documents = YamlReader.read(yaml, YamlLimits.DEFAULTS.withMaxInputChars(64 * 1024 * 1024));
		if (documents.hasErrors()) {
			throw new IllegalStateException(documents.errors().toString());
		}
		ParseResult parsed = PolicyParser.parse(documents.documents(), CiliumVersion.DEFAULT);
		if (parsed.hasErrors()) {
			throw new IllegalStateException(parsed.errors().subList(0, 3).toString());
		}
		return parsed.policies();
	}

	private Flow next(Flow[] flows) {
		int i = this.next++;
		if (this.next == flows.length) {
			this.next = 0;
		}
		return flows[i];
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Decision decideL3L4() {
		return this.compiled.decide(next(this.l3l4));
	}

	/** L3/L4 decisions on flows whose equal endpoints are one object, as a parsed flow log has them. */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Decision decideL3L4SharedEndpoints() {
		return this.compiled.decide(next(this.l3l4Shared));
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Decision decideHttp() {
		return this.compiled.decide(next(this.http));
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Decision decideMixed() {
		return this.compiled.decide(next(this.mixed));
	}

	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	public Decision explainL3L4() {
		return this.compiled.explain(next(this.l3l4));
	}

	/** Compiling the 1,000 parsed policies (selector cache, rule index). */
	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public CompiledPolicies compile1000() {
		return CompiledPolicies.compile(this.policies, EngineOptions.DEFAULTS);
	}

	/** Reading, validating and compiling the 1,000 policies from YAML text. */
	@Benchmark
	@BenchmarkMode(Mode.AverageTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public CompiledPolicies parseAndCompile1000() {
		return CompiledPolicies.compile(parse(this.yaml), EngineOptions.DEFAULTS);
	}

	/** 100,000 L3/L4 decisions on a freshly compiled set: every identity and identity pair seen the first time. */
	@Benchmark
	@BenchmarkMode(Mode.SingleShotTime)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Warmup(iterations = 2)
	@Measurement(iterations = 5)
	public int coldDecisions100k() {
		CompiledPolicies fresh = CompiledPolicies.compile(this.policies, EngineOptions.DEFAULTS);
		int forwarded = 0;
		for (Flow flow : this.l3l4) {
			if (fresh.decide(flow).allowed()) {
				forwarded++;
			}
		}
		return forwarded;
	}

}
