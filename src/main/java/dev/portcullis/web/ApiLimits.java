package dev.portcullis.web;

/** Limits every request is held to; the README documents them (docs/adr/011). */
public final class ApiLimits {

	/**
	 * Largest body of the requests meant to carry policy text: {@code POST /api/v1/evaluate}, the import and policy
	 * {@code PUT} of the API, and the editor and import forms of the pages ({@link RequestBodyLimits}).
	 */
	public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

	/** Largest body of every other request (also {@code spring.http.codecs.max-in-memory-size}). */
	public static final int DEFAULT_BODY_BYTES = 256 * 1024;

	static final String LIMITS_DESCRIPTION = "16 MiB for evaluate, import and policy text, 256 KiB for other requests";

	private ApiLimits() {
	}

}
