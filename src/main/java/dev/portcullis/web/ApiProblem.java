package dev.portcullis.web;

import java.util.List;

import org.springframework.http.HttpStatus;

/**
 * A refusal of an API request, rendered as {@code application/problem+json} by {@link ApiExceptionHandler}:
 * {@code type} is {@code /problems/<slug>}, a stable identifier clients may switch on; {@code violations}
 * lists what is wrong where (for policy text: document, path, line and column).
 */
public class ApiProblem extends RuntimeException {

	private final HttpStatus status;

	private final String slug;

	private final String title;

	private final List<?> violations;

	public ApiProblem(HttpStatus status, String slug, String title, String detail, List<?> violations) {
		super(detail, null, false, false);
		this.status = status;
		this.slug = slug;
		this.title = title;
		this.violations = List.copyOf(violations);
	}

	public static ApiProblem badRequest(String slug, String title, String detail) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, slug, title, detail, List.of());
	}

	public HttpStatus status() {
		return this.status;
	}

	public String slug() {
		return this.slug;
	}

	public String title() {
		return this.title;
	}

	public List<?> violations() {
		return this.violations;
	}

}
