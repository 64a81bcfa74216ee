package dev.portcullis.web;

import org.springframework.http.HttpStatus;

/**
 * There is no such workspace or thing in it (404, {@code /problems/not-found}); the message says which, for the user.
 */
public final class NotFound extends Refused {

	private static final long serialVersionUID = 1L;

	public NotFound(String message) {
		super(message);
	}

	@Override
	public ApiProblem problem() {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", getMessage());
	}

}
