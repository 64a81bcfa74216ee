package dev.portcullis.flow.sources;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.portcullis.flow.sources.ObserverCodec.Carries;
import dev.portcullis.flow.sources.ObserverCodec.Response;
import dev.portcullis.flow.sources.RelayFollower.Resume;
import dev.portcullis.flow.sources.SourceRow.Cursor;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The Relay follower's rule for "no duplicates after a reconnect" and its backoff, as tables. */
class RelayResumeTests {

	private static final Instant T = Instant.parse("2021-10-04T14:28:38.735173594Z");

	private static Response flow(Instant time, String pod) {
		ObjectNode json = JsonNodeFactory.instance.objectNode();
		ObjectNode flow = json.putObject("flow");
		flow.put("time", ObserverCodec.timestamp(time));
		flow.putObject("source").put("pod_name", pod);
		return new Response(Carries.FLOW, json, time);
	}

	private static boolean fresh(Resume resume, Response response) {
		return resume.fresh(response, response.json().toString());
	}

	@Test
	void afterReconnectFlowsAtTheCursorAlreadyStoredShouldBeDroppedAndOthersKept() {
		Response a = flow(T, "a");
		Response b = flow(T, "b");
		Cursor stored = new Cursor(T, List.of(Resume.identity(a, a.json().toString())));
		Resume resume = new Resume(stored);
		assertThat(fresh(resume, flow(T.minusNanos(1), "old"))).as("before the cursor: Relay's since excludes it,"
				+ " so it was stored before").isFalse();
		assertThat(fresh(resume, a)).as("at the cursor, stored").isFalse();
		assertThat(fresh(resume, b)).as("at the cursor, not stored: another flow of the same nanosecond").isTrue();
		assertThat(fresh(resume, b)).as("the same flow twice").isFalse();
		assertThat(fresh(resume, flow(T.plusNanos(1), "a"))).as("after the cursor").isTrue();
		assertThat(fresh(resume, a)).as("still a duplicate after the newest time moved on").isFalse();
		assertThat(fresh(resume, flow(T.plusNanos(1), "a"))).as("the newest, again").isFalse();
	}

	@Test
	void cursorShouldBeTheNewestTimeWithTheIdentitiesSeenAtIt() {
		Resume resume = new Resume(Cursor.START);
		Response late = flow(T.plusSeconds(1), "x");
		Response late2 = flow(T.plusSeconds(1), "y");
		assertThat(fresh(resume, flow(T, "a"))).isTrue();
		assertThat(fresh(resume, late)).isTrue();
		assertThat(fresh(resume, flow(T, "older but new: Relay merges nodes, order is not guaranteed"))).isTrue();
		assertThat(fresh(resume, late2)).isTrue();
		assertThat(resume.cursor()).isEqualTo(new Cursor(T.plusSeconds(1), List.of(
				Resume.identity(late, late.json().toString()), Resume.identity(late2, late2.json().toString()))));
	}

	@Test
	void uuidShouldBeTheIdentityWhenTheFlowHasOne() {
		Response a = flow(T, "a");
		((ObjectNode) a.json().get("flow")).put("uuid", "5a4c0e4e-0000-4000-8000-000000000001");
		assertThat(Resume.identity(a, a.json().toString())).isEqualTo("5a4c0e4e-0000-4000-8000-000000000001");
	}

	@RepeatedTest(20)
	void backoffShouldDoubleWithJitterInTheUpperHalfAndStopAtTheCap() {
		Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofMillis(60_000));
		long[][] bounds = { { 500, 1000 }, { 1000, 2000 }, { 2000, 4000 }, { 4000, 8000 }, { 30_000, 60_000 } };
		int[] failures = { 1, 2, 3, 4, 50 };
		for (int i = 0; i < failures.length; i++) {
			assertThat(backoff.delay(failures[i]).toMillis()).as("failure " + failures[i])
				.isBetween(bounds[i][0], bounds[i][1]);
		}
	}

}
