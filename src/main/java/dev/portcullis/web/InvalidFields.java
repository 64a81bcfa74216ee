package dev.portcullis.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.HttpStatus;

/**
 * Members of a request (an API body, a page's form) that are not valid, each with what is wrong: the API answers
 * 400 with one {@link FieldViolation} a member, pages show {@link #errors()} beside their fields. Its detail reads
 * {@code 2 member(s) of the webhook are not valid; each violation names its member.}
 */
public final class InvalidFields extends Refused {

	private static final long serialVersionUID = 1L;

	private final Subject subject;

	private final List<FieldViolation> violations;

	private InvalidFields(Subject subject, List<FieldViolation> violations) {
		super(violations.size() + " member(s) of " + subject.noun() + " are not valid; each violation names its"
				+ " member.");
		this.subject = subject;
		this.violations = List.copyOf(violations);
	}

	/**
	 * What the request describes, as its problem names it.
	 *
	 * @param slug the problem's type ({@code invalid-webhook} answers {@code /problems/invalid-webhook})
	 * @param title the problem's title ({@code Invalid webhook})
	 * @param noun the request in the detail ({@code the webhook})
	 */
	public record Subject(String slug, String title, String noun) {

		/** The violations in the order given. */
		public InvalidFields of(List<FieldViolation> violations) {
			return new InvalidFields(this, violations);
		}

		/** One violation a field, by field name. */
		public InvalidFields of(Map<String, String> errors) {
			return of(new TreeMap<>(errors).entrySet()
				.stream()
				.map((e) -> FieldViolation.at(e.getKey(), e.getValue()))
				.toList());
		}

		/** One field's violation. */
		public InvalidFields of(String field, String message) {
			return of(List.of(FieldViolation.at(field, message)));
		}

	}

	public List<FieldViolation> violations() {
		return this.violations;
	}

	/** The first message of each field, as a page shows them beside its fields. */
	public Map<String, String> errors() {
		Map<String, String> errors = new LinkedHashMap<>();
		for (FieldViolation violation : this.violations) {
			errors.putIfAbsent(violation.path(), violation.message());
		}
		return errors;
	}

	/** The same violations with their fields inside {@code prefix}: {@code relay.} makes {@code address} {@code relay.address}. */
	public InvalidFields prefixed(String prefix) {
		return this.subject.of(this.violations.stream()
			.map((v) -> new FieldViolation(prefix + v.path(), v.line(), v.column(), v.message()))
			.toList());
	}

	@Override
	public ApiProblem problem() {
		return new ApiProblem(HttpStatus.BAD_REQUEST, this.subject.slug(), this.subject.title(), getMessage(),
				this.violations);
	}

}
