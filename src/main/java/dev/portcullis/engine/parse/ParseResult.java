package dev.portcullis.engine.parse;

import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.doc.Violations;

/**
 * What parsing a set of documents gave: the valid policy objects (an object with any error is left out whole,
 * as Cilium rejects it whole) and every violation found, errors and warnings, in document order.
 */
public record ParseResult(List<Policy> policies, List<Violation> violations) implements Violations {

	public ParseResult {
		policies = List.copyOf(policies);
		violations = List.copyOf(violations);
	}

}
