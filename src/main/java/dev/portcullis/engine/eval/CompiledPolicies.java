package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.flow.Flow;

/**
 * A set of policies compiled once for fast decisions, as Cilium's selector cache and policy maps do. Immutable
 * and safe to share between threads.
 */
public final class CompiledPolicies {

	private CompiledPolicies() {
	}

	/** Compiles valid policies (as {@code PolicyParser} returns them) under the given agent settings. */
	public static CompiledPolicies compile(List<Policy> policies, EngineOptions options) {
		throw new UnsupportedOperationException("TODO");
	}

	/** Decides a flow; the decision carries no explanation. */
	public Decision decide(Flow flow) {
		throw new UnsupportedOperationException("TODO");
	}

	/** Decides a flow and explains the decision. */
	public Decision explain(Flow flow) {
		throw new UnsupportedOperationException("TODO");
	}

}
