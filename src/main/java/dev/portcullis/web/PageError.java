package dev.portcullis.web;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;

/**
 * An error page that says what went wrong in words written for the user, for example "Version 99 of
 * CiliumNetworkPolicy/shop/web does not exist." The error page shows the reason of this exception only: other
 * exceptions' messages (framework or library text) never reach a page.
 */
public class PageError extends ResponseStatusException {

	/**
	 * @param status the response status, usually 4xx
	 * @param message one or two sentences for the user; never an exception's message or the user's input at length
	 */
	public PageError(HttpStatusCode status, String message) {
		super(status, message);
	}

	/** The error page of a refusal: its status and its message ({@link NotFound} is a 404 page). */
	public static PageError of(Refused refused) {
		return new PageError(refused.problem().status(), String.valueOf(refused.getMessage()));
	}

}
