package dev.portcullis.flow.sources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.portcullis.flow.sources.ObserverCodec.Carries;
import dev.portcullis.flow.sources.ObserverCodec.GetFlowsRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObserverCodecTests {

	static final Path CORPUS = Path.of(System.getProperty("portcullis.corpus", "../../shared/corpus/hubble-flows"));

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static List<String> corpusLines() throws IOException {
		Path dir = Files.isDirectory(CORPUS) ? CORPUS : Path.of("/work/shared/corpus/hubble-flows");
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter((p) -> p.toString().endsWith(".json")).sorted().flatMap((p) -> {
				try {
					return Files.readAllLines(p).stream().filter((l) -> !l.isBlank());
				}
				catch (IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}).toList();
		}
	}

	@Test
	void everyCorpusFlowShouldSurviveTheWireUnchanged() throws Exception {
		List<String> lines = corpusLines();
		assertThat(lines).hasSizeGreaterThan(1900);
		for (String line : lines) {
			JsonNode original = JSON.readTree(line);
			byte[] wire = ObserverCodec.encode(original, FlowSchema.GET_FLOWS_RESPONSE);
			ObserverCodec.Response response = ObserverCodec.response(wire);
			assertThat(response.kind()).isEqualTo(Carries.FLOW);
			assertThat(JSON.readTree(response.json().toString())).as(line).isEqualTo(original);
			assertThat(response.time()).isEqualTo(Instant.parse(original.get("flow").get("time").asString()));
		}
	}

	@Test
	void fieldNumbersShouldBeCiliumsWireContract() throws Exception {
		// flow.Flow: time = 1 (Timestamp), verdict = 2, l4 = 6 { TCP = 1 { destination_port = 2 } },
		// source = 8 { namespace = 3, pod_name = 5 }, is_reply = 26 (BoolValue); GetFlowsResponse: flow = 1,
		// node_name = 1000
		java.io.ByteArrayOutputStream tcp = new java.io.ByteArrayOutputStream();
		CodedOutputStream out = CodedOutputStream.newInstance(tcp);
		out.writeUInt32(2, 8080);
		out.flush();
		byte[] l4 = message((o) -> o.writeByteArray(1, tcp.toByteArray()));
		byte[] time = message((o) -> {
			o.writeInt64(1, 1_700_000_000L);
			o.writeInt32(2, 5000);
		});
		byte[] source = message((o) -> {
			o.writeString(3, "default");
			o.writeString(5, "xwing");
		});
		byte[] flow = message((o) -> {
			o.writeByteArray(1, time);
			o.writeEnum(2, 2);
			o.writeByteArray(6, l4);
			o.writeByteArray(8, source);
			o.writeByteArray(26, new byte[0]);
			o.writeString(99, "a field Portcullis does not read");
		});
		byte[] response = message((o) -> {
			o.writeByteArray(1, flow);
			o.writeString(1000, "node-1");
		});
		assertThat(ObserverCodec.response(response).json().toString()).isEqualTo("{\"flow\":{\"time\":"
				+ "\"2023-11-14T22:13:20.000005Z\",\"verdict\":\"DROPPED\",\"l4\":{\"TCP\":{\"destination_port\":8080}},"
				+ "\"source\":{\"namespace\":\"default\",\"pod_name\":\"xwing\"},\"is_reply\":false},"
				+ "\"node_name\":\"node-1\"}");
	}

	@Test
	void requestShouldCarryNumberFollowAndSinceAtTheirFieldNumbers() throws Exception {
		Instant since = Instant.parse("2021-10-04T14:28:38.735173594Z");
		byte[] bytes = new GetFlowsRequest(0, true, since).encode();
		// follow = 3 (varint 1), since = 7 (Timestamp { seconds = 1, nanos = 2 })
		assertThat(bytes[0]).isEqualTo((byte) (3 << 3));
		assertThat(bytes[1]).isEqualTo((byte) 1);
		assertThat(bytes[2]).isEqualTo((byte) ((7 << 3) | 2));
		assertThat(GetFlowsRequest.decode(bytes)).isEqualTo(new GetFlowsRequest(0, true, since));
	}

	@Test
	void garbageShouldBeRefusedAsInvalidProtobuf() {
		assertThatThrownBy(() -> ObserverCodec.response(new byte[] { (byte) 0x0a, (byte) 0x7f, 1, 2 }))
			.isInstanceOf(InvalidProtocolBufferException.class);
		assertThatThrownBy(() -> ObserverCodec.response(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff }))
			.isInstanceOf(InvalidProtocolBufferException.class);
	}

	interface Writes {

		void to(CodedOutputStream out) throws IOException;

	}

	/** A message as {@code writes} puts it on the wire, field by field. */
	static byte[] message(Writes writes) throws IOException {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		CodedOutputStream out = CodedOutputStream.newInstance(bytes);
		writes.to(out);
		out.flush();
		return bytes.toByteArray();
	}

}
