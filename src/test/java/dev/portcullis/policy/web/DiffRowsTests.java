package dev.portcullis.policy.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.policy.PolicyDiff;
import dev.portcullis.policy.PolicyDiff.LineType;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicySummary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiffRowsTests {

	private static PolicyDiff diff(LineType... types) {
		List<PolicyDiff.Line> lines = new ArrayList<>();
		for (int i = 0; i < types.length; i++) {
			lines.add(new PolicyDiff.Line(types[i], i + 1, i + 1, "line " + (i + 1)));
		}
		PolicyKey key = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "web");
		PolicySummary side = new PolicySummary(key, 1, false, Instant.EPOCH, "a", "", Map.of(), "", 0);
		return new PolicyDiff(key, side, side, "x", lines, List.of());
	}

	@Test
	void unchangedRunsBeyondThreeLinesOfContextShouldFoldIntoGaps() {
		LineType[] types = new LineType[20];
		java.util.Arrays.fill(types, LineType.CONTEXT);
		types[10] = LineType.ADDED;
		List<DiffRows.Row> rows = DiffRows.INSTANCE.of(diff(types));
		assertThat(rows).extracting(DiffRows.Row::gap).containsExactly(7, 0, 0, 0, 0, 0, 0, 0, 6);
		assertThat(rows.get(4).type()).isEqualTo(LineType.ADDED);
		assertThat(rows.get(1).text()).isEqualTo("line 8");
	}

	@Test
	void shortRunsBetweenChangesShouldStayVisible() {
		List<DiffRows.Row> rows = DiffRows.INSTANCE.of(diff(LineType.REMOVED, LineType.CONTEXT, LineType.CONTEXT,
				LineType.CONTEXT, LineType.CONTEXT, LineType.CONTEXT, LineType.CONTEXT, LineType.ADDED));
		assertThat(rows).hasSize(8).allMatch((row) -> row.gap() == 0);
	}

	@Test
	void identicalTextsShouldShowEveryLine() {
		assertThat(DiffRows.INSTANCE.of(diff(LineType.CONTEXT, LineType.CONTEXT, LineType.CONTEXT, LineType.CONTEXT,
				LineType.CONTEXT))).hasSize(5).allMatch((row) -> row.gap() == 0);
	}

}
