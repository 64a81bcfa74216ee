package dev.portcullis.publish;

import org.jspecify.annotations.Nullable;

/**
 * A publishing request that is refused, in words for the user: the API answers it as a problem, the pages as an
 * inline message.
 */
class PublishRefused extends RuntimeException {

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
		super(message, null, false, false);
		this.reason = reason;
		this.field = field;
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
