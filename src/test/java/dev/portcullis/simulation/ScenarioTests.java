package dev.portcullis.simulation;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.policy.AgentSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a scenario offers the pages: the labels and namespaces in use, and decisions of distinct traffic once. */
class ScenarioTests {

	static Scenario scenario(String yaml) {
		List<Policy> policies = SuggestionsTests.parse(yaml);
		return new Scenario(new StateUsed("ws", null, List.of(), List.of(), "1.19", false), AgentSettings.DEFAULTS,
				policies, CompiledPolicies.compile(policies, EngineOptions.DEFAULTS), List.of());
	}

	@Test
	void labelsAndNamespacesInUseShouldComeFromSubjectAndPeerSelectors() {
		Scenario scenario = scenario("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: api, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: api, k8s:tier: back}}
				  ingress:
				  - fromEndpoints:
				    - matchLabels: {app: web, k8s:io.kubernetes.pod.namespace: front}
				    - matchExpressions: [{key: team, operator: In, values: [a, b]}]
				""");
		assertThat(scenario.labelsInUse()).isEqualTo(Map.of("app", Set.of("api", "web"), "tier", Set.of("back"),
				"team", Set.of("a", "b")));
		assertThat(scenario.namespacesInUse()).containsExactly("front", "shop");
	}

	@Test
	void decideAllShouldAnswerInInputOrderAndDecideEqualTrafficOnce() {
		Scenario scenario = scenario(SuggestionsTests.POLICIES);
		Traffic denied = SuggestionsTests.traffic("{from: {entity: world}, to: {pod: {namespace: default}}, port: 80}");
		Traffic notEnforced = SuggestionsTests.traffic("{from: {entity: world}, to: {pod: {namespace: third}}, port: 80}");
		List<Decision> decisions = scenario.decideAll(List.of(denied, notEnforced, denied), false);
		assertThat(decisions).extracting(Decision::verdict).containsExactly(Decision.Verdict.DROPPED,
				Decision.Verdict.FORWARDED, Decision.Verdict.DROPPED);
		assertThat(decisions.get(0)).isSameAs(decisions.get(2));
	}

}
