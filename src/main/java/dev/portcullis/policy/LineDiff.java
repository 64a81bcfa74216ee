package dev.portcullis.policy;

import java.util.ArrayList;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;

import dev.portcullis.policy.PolicyDiff.Line;
import dev.portcullis.policy.PolicyDiff.LineType;

/** The line diff of two texts (Myers' algorithm, java-diff-utils): unified text and aligned lines. */
record LineDiff(String unified, List<Line> lines) {

	static LineDiff between(String fromText, String toText, String fromName, String toName) {
		List<String> a = fromText.lines().toList();
		List<String> b = toText.lines().toList();
		Patch<String> patch = DiffUtils.diff(a, b);
		if (patch.getDeltas().isEmpty()) {
			List<Line> same = new ArrayList<>(a.size());
			for (int i = 0; i < a.size(); i++) {
				same.add(new Line(LineType.CONTEXT, i + 1, i + 1, a.get(i)));
			}
			return new LineDiff("", same);
		}
		String unified = String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(fromName, toName, a, patch, 3)) + "\n";
		List<Line> lines = new ArrayList<>(a.size() + b.size());
		int i = 0;
		int j = 0;
		for (AbstractDelta<String> delta : patch.getDeltas()) {
			while (i < delta.getSource().getPosition()) {
				lines.add(new Line(LineType.CONTEXT, i + 1, j + 1, a.get(i)));
				i++;
				j++;
			}
			for (String line : delta.getSource().getLines()) {
				lines.add(new Line(LineType.REMOVED, ++i, 0, line));
			}
			for (String line : delta.getTarget().getLines()) {
				lines.add(new Line(LineType.ADDED, 0, ++j, line));
			}
		}
		while (i < a.size()) {
			lines.add(new Line(LineType.CONTEXT, i + 1, j + 1, a.get(i)));
			i++;
			j++;
		}
		return new LineDiff(unified, lines);
	}

}
