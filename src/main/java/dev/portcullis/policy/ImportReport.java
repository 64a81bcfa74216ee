package dev.portcullis.policy;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import org.jspecify.annotations.Nullable;

/**
 * What an import did, or would have done: one row per policy object in the bundle (items of a {@code kind: List}
 * are rows of their own). An import is all or nothing: when any row is {@link Outcome#INVALID} or
 * {@link Outcome#DUPLICATE} nothing was written ({@link #accepted()} is false) and the other rows say what would have
 * happened.
 *
 * @param accepted whether the import was written
 * @param rows one per object, in bundle order
 * @param problems violations not tied to one object (a YAML syntax error, an empty bundle), with document, line and
 *        column
 */
public record ImportReport(boolean accepted, List<Row> rows, List<Violation> problems) {

	public ImportReport {
		rows = List.copyOf(rows);
		problems = List.copyOf(problems);
	}

	public long count(Outcome outcome) {
		return this.rows.stream().filter((row) -> row.outcome() == outcome).count();
	}

	/**
	 * One object of the bundle.
	 *
	 * @param index 0-based position among the bundle's objects
	 * @param document 0-based index of the YAML document that held it
	 * @param item index within the document's {@code kind: List} {@code items}, null for a top-level object
	 * @param kind its kind as written (may be unknown)
	 * @param namespace its namespace ({@code ""} for cluster-wide kinds; as written when invalid)
	 * @param name its name, {@code ""} when missing
	 * @param outcome what happened to it
	 * @param version the version written (or the unchanged head), null when nothing was or would be written
	 * @param violations its errors and warnings, with document, path, line and column in the bundle text
	 */
	public record Row(int index, int document, @Nullable Integer item, String kind, String namespace, String name,
			Outcome outcome, @Nullable Integer version, List<Violation> violations) {

		public Row {
			violations = List.copyOf(violations);
		}

	}

	public enum Outcome {

		/** A new policy (or one that was deleted) was or would be created. */
		CREATED,
		/** A new version was or would be written. */
		UPDATED,
		/** Same canonical form as the head: no version. */
		UNCHANGED,
		/** The engine refused it: see violations. */
		INVALID,
		/** Another object of the bundle has the same kind, namespace and name. */
		DUPLICATE

	}

}
