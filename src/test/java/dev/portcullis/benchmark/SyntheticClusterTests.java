package dev.portcullis.benchmark;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.Flow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's cluster is valid and its flows exercise what the benchmark claims to measure. */
class SyntheticClusterTests {

	static SyntheticCluster cluster;

	static CompiledPolicies compiled;

	@BeforeAll
	static void generate() {
		cluster = new SyntheticCluster(5, 42);
		List<Policy> policies = EngineBenchmark.parse(cluster.policiesYaml());
		assertThat(policies).hasSize(cluster.policyCount());
		compiled = CompiledPolicies.compile(policies, EngineOptions.DEFAULTS);
	}

	static Map<String, Long> outcomes(List<Flow> flows) {
		return flows.stream().map(compiled::decide)
			.map((d) -> d.verdict() + (d.l7() != null ? "/" + d.l7().protocol() : ""))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	@Test
	void l3l4FlowsShouldBeBothForwardedAndDroppedWithoutL7() {
		Map<String, Long> outcomes = outcomes(cluster.l3l4Flows(2000));
		assertThat(outcomes).containsKeys("FORWARDED", "DROPPED").doesNotContainKeys("DROPPED/HTTP");
		assertThat(outcomes.get("FORWARDED")).isGreaterThan(200);
		assertThat(outcomes.get("DROPPED")).isGreaterThan(200);
	}

	@Test
	void httpFlowsShouldReachTheProxyAndBeBothAllowedAndDeniedThere() {
		List<Flow> flows = cluster.httpFlows(2000);
		Map<String, Long> outcomes = outcomes(flows);
		assertThat(outcomes).containsKeys("FORWARDED", "DROPPED/HTTP");
		assertThat(flows.stream().map(compiled::decide).filter(Decision::allowed)
			.allMatch((d) -> d.ingress().redirectedToProxy())).isTrue();
	}

	@Test
	void kafkaAndDnsFlowsShouldBeJudgedByTheirL7Rules() {
		assertThat(outcomes(cluster.kafkaFlows(500))).containsKeys("FORWARDED", "DROPPED/KAFKA");
		assertThat(outcomes(cluster.dnsFlows(500))).containsKeys("FORWARDED", "DROPPED/DNS");
	}

}
