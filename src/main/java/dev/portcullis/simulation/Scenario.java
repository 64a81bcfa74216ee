package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.AgentSettings;

/**
 * A workspace state made ready for deciding: its policies (with a draft applied) compiled under its agent settings
 * and cluster state. Immutable and safe to share; deciding is CPU work, so call {@link #decide} on the engine pool
 * ({@link Simulations} does).
 *
 * @param state what the state is, for the response and for reproducing it
 * @param settings the agent settings decided with
 * @param policies the policies in force, in order
 * @param compiled the compiled policies
 * @param warnings problems of the draft's text that did not invalidate it
 */
public record Scenario(StateUsed state, AgentSettings settings, List<Policy> policies, CompiledPolicies compiled,
		List<Violation> warnings) {

	public Scenario {
		policies = List.copyOf(policies);
		warnings = List.copyOf(warnings);
	}

	/** Decides one traffic description; {@code explain} adds the explanation. */
	public Decision decide(Traffic traffic, boolean explain) {
		return explain ? this.compiled.explain(traffic.toFlow()) : this.compiled.decide(traffic.toFlow());
	}

	/**
	 * Decides each distinct traffic description once (DESIGN.md, "Decide distinct things once") and answers one
	 * decision per input, in input order.
	 */
	public List<Decision> decideAll(List<Traffic> traffic, boolean explain) {
		Map<Traffic, Decision> decided = new HashMap<>();
		List<Decision> decisions = new ArrayList<>(traffic.size());
		for (Traffic t : traffic) {
			decisions.add(decided.computeIfAbsent(t, (key) -> decide(key, explain)));
		}
		return decisions;
	}

}
