package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.eval.Decision;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Runs a workspace's expectations against a state (the latest versions, a moment, a draft): each distinct traffic
 * description is decided once (DESIGN.md, "Decide distinct things once"), and an expectation passes when the
 * verdict agrees with it (FORWARDED and AUDIT get through; DROPPED does not). The expectations are the latest
 * version, or the version in force at the state's moment when one is asked for.
 */
@Component
public class ExpectationRuns {

	private final Expectations expectations;

	private final Simulations simulations;

	private final EnginePool engine;

	ExpectationRuns(Expectations expectations, Simulations simulations, EnginePool engine) {
		this.expectations = expectations;
		this.simulations = simulations;
		this.engine = engine;
	}

	/**
	 * A run's answer.
	 * @param passed how many passed
	 * @param failed how many failed
	 * @param expectationsVersion the version of the expectations run
	 * @param state the state they ran against
	 * @param results one per expectation, in document order
	 */
	public record Report(int passed, int failed, int expectationsVersion, StateUsed state, List<Outcome> results) {
	}

	/**
	 * One expectation's outcome.
	 * @param expectation what was expected
	 * @param passed whether the decision agrees
	 * @param decision the decision, with its explanation
	 */
	public record Outcome(ExpectationDocument.Expectation expectation, boolean passed, Decision decision) {
	}

	/** Runs the workspace's stored expectations against the chosen state. */
	public Mono<Report> run(String workspace, StateChoice state) {
		return this.expectations.at(workspace, state.at())
			.flatMap((version) -> this.expectations.document(version)
				.flatMap((document) -> run(workspace, state, document, version.version())));
	}

	/** Runs the given expectations (an unsaved document, say) against the chosen state. */
	public Mono<Report> run(String workspace, StateChoice state, ExpectationDocument document, int version) {
		return this.simulations.scenario(workspace, state).flatMap((scenario) -> this.engine.run(() -> {
			List<Traffic> traffic = document.expectations().stream().map(ExpectationDocument.Expectation::traffic).toList();
			List<Decision> decisions = scenario.decideAll(traffic, true);
			List<Outcome> results = new ArrayList<>(decisions.size());
			int passed = 0;
			for (int i = 0; i < decisions.size(); i++) {
				ExpectationDocument.Expectation expectation = document.expectations().get(i);
				boolean ok = decisions.get(i).allowed() == expectation.allowed();
				passed += ok ? 1 : 0;
				results.add(new Outcome(expectation, ok, decisions.get(i)));
			}
			return new Report(passed, results.size() - passed, version, scenario.state(), results);
		}));
	}

}
