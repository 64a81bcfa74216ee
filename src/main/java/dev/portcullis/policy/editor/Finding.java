package dev.portcullis.policy.editor;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.portcullis.engine.doc.Violation;

/**
 * One problem in policy text as the editor's APIs report it: where (0-based document, field path, 1-based line
 * and column; 0 when unknown) and what, with its severity ({@code error}: Cilium or the API server would reject
 * the object; {@code warning}: it would be accepted but is probably not what was meant).
 */
record Finding(int document, String path, int line, int column, String message, String severity) {

	static final String ERROR = "error";

	static final String WARNING = "warning";

	/** Document, then line, then column: the order a reader meets them in the text. */
	static final Comparator<Violation> TEXT_ORDER = Comparator.comparingInt(Violation::document)
		.thenComparingInt(Violation::line)
		.thenComparingInt(Violation::column);

	static Finding of(Violation violation) {
		return new Finding(violation.document(), violation.path(), violation.line(), violation.column(),
				violation.message(), violation.severity().name().toLowerCase(Locale.ROOT));
	}

	/** The violations in text order (stable: equal positions keep the order they were found in). */
	static List<Finding> inTextOrder(List<Violation> violations) {
		return violations.stream().sorted(TEXT_ORDER).map(Finding::of).toList();
	}

}
