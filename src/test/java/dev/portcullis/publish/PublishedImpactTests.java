package dev.portcullis.publish;

import java.util.List;

import dev.portcullis.replay.ReplayReport;
import dev.portcullis.simulation.StateUsed;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code portcullis/impact} status a replay report makes: its outcome and its description (at most 140 chars). */
class PublishedImpactTests {

	@ParameterizedTest(name = "{0} flows, {1} dropped, {2} allowed, {3} L7, {4} uncertain: {5}")
	@CsvSource(delimiter = '|', textBlock = """
			0       | 0     | 0  | 0 | 0  | SUCCESS | No flows in the last 24 h to replay: impact unknown.
			1204    | 0     | 0  | 0 | 0  | SUCCESS | Last 24 h: 0 newly dropped, 0 newly allowed, 0 L7 changed of 1,204 flows.
			1204    | 0     | 12 | 0 | 0  | SUCCESS | Last 24 h: 0 newly dropped, 12 newly allowed, 0 L7 changed of 1,204 flows.
			1204    | 3     | 0  | 0 | 0  | FAILURE | Last 24 h: 3 newly dropped, 0 newly allowed, 0 L7 changed of 1,204 flows.
			1204    | 0     | 0  | 1 | 0  | FAILURE | Last 24 h: 0 newly dropped, 0 newly allowed, 1 L7 changed of 1,204 flows.
			1204    | 0     | 0  | 0 | 40 | SUCCESS | Last 24 h: 0 newly dropped, 0 newly allowed, 0 L7 changed of 1,204 flows (40 uncertain).
			""")
	void impactShouldFailOnlyWhenFlowsWouldBeDroppedOrAnsweredOtherwise(long flows, long dropped, long allowed, long l7,
			long uncertain, Publication.Impact.Outcome outcome, String description) {
		Publication.Impact impact = PublishedImpact.impact(report(flows, dropped, allowed, l7, uncertain), "24 h",
				null);

		assertThat(impact.outcome()).isEqualTo(outcome);
		assertThat(impact.description()).isEqualTo(description).hasSizeLessThanOrEqualTo(140);
		assertThat(impact.targetUrl()).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "2000000000000, 2000000000000, 2000000000000, 2000000000000, 2000000000000" })
	void aLongDescriptionShouldBeCutToWhatAForgeTakes(long flows, long dropped, long allowed, long l7, long uncertain) {
		Publication.Impact impact = PublishedImpact.impact(report(flows, dropped, allowed, l7, uncertain), "24 h",
				"https://portcullis.example/workspaces/prod/publications/3");

		assertThat(impact.description()).hasSize(140).endsWith("\u2026");
		assertThat(impact.targetUrl()).isEqualTo("https://portcullis.example/workspaces/prod/publications/3");
	}

	private static ReplayReport report(long flows, long dropped, long allowed, long l7, long uncertain) {
		StateUsed state = new StateUsed("prod", null, List.of(), List.of(), "1.19", false);
		return new ReplayReport(flows, flows, uncertain, new ReplayReport.Coverage(flows, 0, 1, null, null),
				new ReplayReport.Changed(dropped, allowed, l7), List.of(), List.of(), List.of(), state, state, null,
				null);
	}

}
