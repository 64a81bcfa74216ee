package dev.portcullis.simulation;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.web.ApiProblem;

import org.springframework.http.HttpStatus;

/**
 * Policy text given to a simulation (a draft, or {@code policies}) is not valid: 400 {@code /problems/invalid-policies}
 * as {@code POST /api/v1/evaluate} answers, each violation naming its document, path, line and column. Pages read
 * {@link #errors()} to mark the editor's lines.
 */
public final class DraftRefused extends ApiProblem {

	private final List<Violation> errors;

	public DraftRefused(List<Violation> errors) {
		super(HttpStatus.BAD_REQUEST, "invalid-policies", "Invalid policies",
				errors.size() + ((errors.size() == 1) ? " problem" : " problems")
						+ " in the policies; each names its document, path, line and column.",
				errors.stream().map(EvaluateResponse.PolicyViolation::of).toList());
		this.errors = List.copyOf(errors);
	}

	/** The errors, in document order. */
	public List<Violation> errors() {
		return this.errors;
	}

}
