package dev.portcullis.web;

/**
 * A request a feature refuses, in words for the user: thrown by the feature's services, answered by
 * {@link ApiExceptionHandler} with {@link #problem} for the REST API (controllers do not map it themselves) and by
 * the feature's pages as an inline message or an error page. {@link NotFound} and {@link InvalidFields} are the
 * refusals every feature shares; a feature subclasses this only for a refusal of its own kind (a conflict, a failed
 * check).
 */
public abstract class Refused extends RuntimeException {

	private static final long serialVersionUID = 1L;

	protected Refused(String message) {
		super(message, null, false, false);
	}

	/** The problem the API answers with, built by the one factory ({@link ApiProblem}). */
	public abstract ApiProblem problem();

}
