package dev.portcullis.publish;

import java.util.List;

import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.Refused;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A publishing request that is refused, in words for the user: the API answers it as its {@link #problem()}, the
 * pages as an inline message.
 */
class PublishRefused extends Refused {

	/** A request with members that are not valid: {@code /problems/invalid-publish-request}. */
	static final InvalidFields.Subject REQUEST = new InvalidFields.Subject("invalid-publish-request", "Invalid request",
			"the request");

	private static final long serialVersionUID = 1L;

	enum Reason {

		/** No such workspace, target or publication (404). */
		NOT_FOUND,
		/** The request is not valid (400, naming {@link #field}). */
		INVALID,
		/** The target's check failed (422). */
		CHECK_FAILED,
		/** The state does not allow it now (409). */
		CONFLICT

	}

	final Reason reason;

	final @Nullable String field;

	PublishRefused(Reason reason, @Nullable String field, String message) {
		super(message);
		this.reason = reason;
		this.field = field;
	}

	@Override
	public ApiProblem problem() {
		return switch (this.reason) {
			case NOT_FOUND -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", getMessage());
			case CONFLICT -> ApiProblem.of(HttpStatus.CONFLICT, "publish-conflict", "Conflict", getMessage());
			case CHECK_FAILED -> new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "target-check-failed",
					"The target cannot be used", getMessage(), List.of());
			case INVALID -> REQUEST.of((this.field != null) ? this.field : "", getMessage()).problem();
		};
	}

	static PublishRefused notFound(String message) {
		return new PublishRefused(Reason.NOT_FOUND, null, message);
	}

	static PublishRefused invalid(String field, String message) {
		return new PublishRefused(Reason.INVALID, field, message);
	}

	static PublishRefused conflict(String message) {
		return new PublishRefused(Reason.CONFLICT, null, message);
	}

}
