package dev.portcullis.web;

/**
 * What is wrong with one field of a request, as a problem's {@code violations} lists it:
 * {@code {"path": ..., "line": ..., "column": ..., "message": ...}}. Requests that are not text documents have no
 * line or column (0); policy and flow text carry their own violations with a document index
 * ({@code engine.doc.Violation}).
 *
 * @param path the field, in the request's own terms ({@code username}, {@code tokens[2].name}); "" for the request
 *        as a whole
 * @param line 1-based line in the request body, 0 when not applicable
 * @param column 1-based column in the request body, 0 when not applicable
 * @param message what is wrong and what is allowed, quoting input only through {@link Quoted}
 */
public record FieldViolation(String path, int line, int column, String message) {

	/** A violation of {@code path} whose message is {@code message} as it is. */
	public static FieldViolation at(String path, String message) {
		return new FieldViolation(path, 0, 0, message);
	}

	/**
	 * A violation of {@code field} whose message names it first, as pages show it:
	 * {@code named("name", "at most 100 characters")} reads {@code name: at most 100 characters}.
	 */
	public static FieldViolation named(String field, String problem) {
		return new FieldViolation(field, 0, 0, field + ": " + problem);
	}

}
