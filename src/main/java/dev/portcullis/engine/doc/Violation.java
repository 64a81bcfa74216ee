package dev.portcullis.engine.doc;

/**
 * One problem found in policy or flow text.
 *
 * @param severity {@link Severity#ERROR} makes the object invalid (Cilium or its CRD schema would reject it);
 *        {@link Severity#WARNING} is advice (a field the API server prunes, a feature the target Cilium version
 *        lacks, a rule that can never match)
 * @param document 0-based index of the document in the input stream (after {@code kind: List} expansion
 *        the index of the stream document that held the list)
 * @param path the field path in Kubernetes style, for example {@code spec.ingress[0].toPorts[0].ports[0].port};
 *        "" for the document itself
 * @param line 1-based line in the input text, 0 when unknown
 * @param column 1-based column in the input text, 0 when unknown
 * @param message what is wrong and what is allowed, quoting the offending text
 */
public record Violation(Severity severity, int document, String path, int line, int column, String message) {

	public enum Severity {

		ERROR, WARNING

	}

	public static Violation error(int document, String path, Position at, String message) {
		return new Violation(Severity.ERROR, document, path, at.line(), at.column(), message);
	}

	public static Violation warning(int document, String path, Position at, String message) {
		return new Violation(Severity.WARNING, document, path, at.line(), at.column(), message);
	}

	public boolean isError() {
		return this.severity == Severity.ERROR;
	}

}
