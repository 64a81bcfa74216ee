package dev.portcullis.simulation;

import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.policy.AgentSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a scenario offers the pages: decisions of distinct traffic once. */
class ScenarioTests {

	static Scenario scenario(String yaml) {
		List<Policy> policies = SuggestionsTests.parse(yaml);
		return new Scenario(new StateUsed("ws", null, List.of(), List.of(), "1.19", false), AgentSettings.DEFAULTS,
				policies, CompiledPolicies.compile(policies, EngineOptions.DEFAULTS), List.of());
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
