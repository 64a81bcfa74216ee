package dev.portcullis.hubble;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.doc.Violation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FlowReader#readStored}: the stored fields, the flow object's bytes, lost events, and rejections by line. */
class FlowReaderStoredTests {

	static final String BARE = "{\"time\":\"2026-12-04T10:00:00.123456789Z\",\"verdict\":\"DROPPED\","
			+ "\"drop_reason_desc\":\"POLICY_DENIED\",\"Type\":\"L7\",\"node_name\":\"n1\",\"traffic_direction\":\"EGRESS\","
			+ "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},"
			+ "\"l4\":{\"TCP\":{\"source_port\":\"40000\",\"destination_port\":8080}},"
			+ "\"source\":{\"identity\":1234,\"namespace\":\"shop\",\"pod_name\":\"cart-1\",\"labels\":[\"k8s:app=cart\"]},"
			+ "\"destination\":{\"identity\":\"99\",\"namespace\":\"shop\",\"labels\":[\"k8s:app=db\"]},"
			+ "\"l7\":{\"type\":\"RESPONSE\",\"http\":{\"code\":503,\"method\":\"GET\",\"url\":\"http://db/x\"}},"
			+ "\"is_reply\":true,\"aggregate\":{\"ingress_flow_count\":2,\"unknown_direction_flow_count\":\"3\"}}";

	record Seen(List<StoredFlow> flows, List<LostEvents> lost, List<String> ignored, List<String> rejected) {
	}

	static Seen read(String text) {
		Seen seen = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		new FlowReader().readStored(bytes, 0, bytes.length, 1, new FlowReader.StoredLines() {
			@Override
			public void flow(StoredFlow flow) {
				seen.flows.add(flow);
			}

			@Override
			public void lostEvents(LostEvents lost) {
				seen.lost.add(lost);
			}

			@Override
			public void ignored(int line, String why) {
				seen.ignored.add(line + " " + why);
			}

			@Override
			public void rejected(int line, Violation first) {
				seen.rejected.add(line + " " + first.path() + ": " + first.message());
			}
		});
		return seen;
	}

	static String json(StoredFlow f) {
		return new String(f.json(), f.jsonFrom(), f.jsonTo() - f.jsonFrom(), StandardCharsets.UTF_8);
	}

	@Test
	void bareFlowShouldBeReadWithItsStoredFieldsAndKeptWhole() {
		Seen seen = read("  " + BARE + "  \n");
		assertThat(seen.rejected()).isEmpty();
		StoredFlow f = seen.flows().get(0);
		assertThat(f.line()).isEqualTo(1);
		assertThat(f.time()).isEqualTo(Instant.parse("2026-12-04T10:00:00.123456789Z"));
		assertThat(f.verdict()).isEqualTo("DROPPED");
		assertThat(f.dropReasonDesc()).isEqualTo("POLICY_DENIED");
		assertThat(f.type()).isEqualTo("L7");
		assertThat(f.nodeName()).isEqualTo("n1");
		assertThat(f.trafficDirection()).isEqualTo("EGRESS");
		assertThat(f.sourcePort()).isEqualTo(40000);
		assertThat(f.sourceIdentity()).isEqualTo(1234);
		assertThat(f.destinationIdentity()).isEqualTo(99);
		assertThat(f.httpStatus()).isEqualTo(503);
		assertThat(f.l7Type()).isEqualTo("RESPONSE");
		assertThat(f.isReply()).isTrue();
		assertThat(f.count()).isEqualTo(5);
		assertThat(f.flow().destinationPort()).isEqualTo(8080);
		assertThat(json(f)).isEqualTo(BARE);
	}

	@Test
	void wrappedFlowShouldKeepTheInnerObjectAndTakeTheResponseTimeAndNodeWhenTheFlowHasNone() {
		String inner = BARE.replace("\"time\":\"2026-12-04T10:00:00.123456789Z\",", "").replace("\"node_name\":\"n1\",", "");
		Seen seen = read("{\"flow\": " + inner + ", \"node_name\": \"n2\", \"time\": \"2026-12-04T11:00:00Z\"}\n"
				+ "{\"time\": \"2026-12-04T11:00:00Z\", \"flow\":" + inner.replace("é", "") + "}");
		assertThat(seen.flows()).hasSize(2);
		StoredFlow f = seen.flows().get(0);
		assertThat(f.time()).isEqualTo(Instant.parse("2026-12-04T11:00:00Z"));
		assertThat(f.nodeName()).isEqualTo("n2");
		assertThat(json(f)).isEqualTo(inner);
		assertThat(json(seen.flows().get(1))).isEqualTo(inner);
		assertThat(seen.flows().get(1).line()).isEqualTo(2);
	}

	@Test
	void lostEventsAndNodeStatusShouldBeIgnoredAndLostEventsCounted() {
		Seen seen = read("{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"12\"},"
				+ "\"node_name\":\"n1\",\"time\":\"2026-12-04T10:00:00Z\"}\n"
				+ "{\"node_status\":{\"state_change\":\"NODE_CONNECTED\"}}\n");
		assertThat(seen.ignored()).containsExactly("1 lost_events", "2 node_status");
		assertThat(seen.lost()).singleElement().satisfies((l) -> {
			assertThat(l.count()).isEqualTo(12);
			assertThat(l.source()).isEqualTo("HUBBLE_RING_BUFFER");
			assertThat(l.nodeName()).isEqualTo("n1");
			assertThat(l.time()).isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
		});
	}

	@Test
	void wrongTypesOfStoredFieldsAndMissingTimesShouldRejectTheLineByNumber() {
		Seen seen = read(BARE.replace("\"verdict\":\"DROPPED\"", "\"verdict\":7") + "\n"
				+ BARE.replace("\"time\":\"2026-12-04T10:00:00.123456789Z\",", "") + "\n"
				+ BARE.replace("2026-12-04T10:00:00.123456789Z", "yesterday") + "\n"
				+ BARE.replace("\"identity\":1234", "\"identity\":-1") + "\n"
				+ BARE.replace("\"ingress_flow_count\":2", "\"ingress_flow_count\":true") + "\n"
				+ BARE);
		assertThat(seen.flows()).singleElement().satisfies((f) -> assertThat(f.line()).isEqualTo(6));
		assertThat(seen.rejected()).hasSize(5);
		assertThat(seen.rejected().get(0)).startsWith("1 verdict: ");
		assertThat(seen.rejected().get(1)).startsWith("2 time: is required");
		assertThat(seen.rejected().get(2)).startsWith("3 time: must be an RFC 3339 time").contains("\"yesterday\"");
		assertThat(seen.rejected().get(3)).startsWith("4 source.identity: ");
		assertThat(seen.rejected().get(4)).startsWith("5 aggregate.ingress_flow_count: ");
	}

	@Test
	void evaluateReadsShouldStillIgnoreTheStoredFields() throws Exception {
		// readLines (evaluate, the engine's flows) does not check what only the store keeps
		var result = new FlowReader().readLines(new java.io.ByteArrayInputStream(
				BARE.replace("\"verdict\":\"DROPPED\"", "\"verdict\":7").getBytes(StandardCharsets.UTF_8)));
		assertThat(result.violations()).isEmpty();
		assertThat(result.flows()).hasSize(1);
	}

}
