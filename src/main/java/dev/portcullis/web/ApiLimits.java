package dev.portcullis.web;

/** Limits every API request is held to; the README documents them. */
public final class ApiLimits {

	/** Largest request body accepted (also {@code spring.http.codecs.max-in-memory-size}). */
	public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

	static final String MAX_BODY_DESCRIPTION = "16 MiB";

	private ApiLimits() {
	}

}
