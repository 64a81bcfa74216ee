package dev.portcullis.policy.web;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.policy.PolicyDiff;

/**
 * The rows a line diff shows: changed lines with {@value #CONTEXT} lines of context around them, and in place of
 * each longer run of unchanged lines one gap row that says how many it hides. Available to templates as
 * {@code diffRows}.
 */
public final class DiffRows {

	static final DiffRows INSTANCE = new DiffRows();

	static final int CONTEXT = 3;

	private DiffRows() {
	}

	/**
	 * One row: a line of the diff ({@code gap} 0), or a gap standing for {@code gap} unchanged lines.
	 */
	public record Row(PolicyDiff.LineType type, int fromLine, int toLine, String text, int gap) {

		static Row of(PolicyDiff.Line line) {
			return new Row(line.type(), line.fromLine(), line.toLine(), line.text(), 0);
		}

		static Row gap(int lines) {
			return new Row(PolicyDiff.LineType.CONTEXT, 0, 0, "", lines);
		}

	}

	/** The rows of {@code diff}; every line when nothing changed. */
	public List<Row> of(PolicyDiff diff) {
		List<PolicyDiff.Line> lines = diff.lines();
		boolean[] keep = new boolean[lines.size()];
		boolean changed = false;
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).type() != PolicyDiff.LineType.CONTEXT) {
				changed = true;
				for (int j = Math.max(0, i - CONTEXT); j <= Math.min(lines.size() - 1, i + CONTEXT); j++) {
					keep[j] = true;
				}
			}
		}
		List<Row> rows = new ArrayList<>();
		int hidden = 0;
		for (int i = 0; i < lines.size(); i++) {
			if (keep[i] || !changed) {
				if (hidden > 0) {
					rows.add(Row.gap(hidden));
					hidden = 0;
				}
				rows.add(Row.of(lines.get(i)));
			}
			else {
				hidden++;
			}
		}
		if (hidden > 0) {
			rows.add(Row.gap(hidden));
		}
		return rows;
	}

}
