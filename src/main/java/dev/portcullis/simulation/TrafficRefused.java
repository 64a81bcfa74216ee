package dev.portcullis.simulation;

import java.util.List;

import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;

import org.springframework.http.HttpStatus;

/**
 * A traffic description cannot happen (an FQDN as a source, a port outside 0-65535, HTTP on UDP, an unknown entity):
 * 400 {@code /problems/invalid-traffic}, each violation naming its field ({@code traffic[0].from.fqdn}); never a
 * verdict. Pages read {@link #violations()} to put each message on its field.
 */
public final class TrafficRefused extends ApiProblem {

	private final List<FieldViolation> fields;

	public TrafficRefused(List<FieldViolation> violations) {
		super(HttpStatus.BAD_REQUEST, "invalid-traffic", "Invalid traffic",
				violations.size() + ((violations.size() == 1) ? " problem" : " problems")
						+ " in the traffic description: "
						+ String.join("; ", violations.stream().limit(5).map(FieldViolation::message).toList()) + ".",
				violations);
		this.fields = List.copyOf(violations);
	}

	/** Every problem, each naming its field. */
	public List<FieldViolation> fields() {
		return this.fields;
	}

}
