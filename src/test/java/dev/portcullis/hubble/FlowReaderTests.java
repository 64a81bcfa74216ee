package dev.portcullis.hubble;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Dns;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.FlowParseResult;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FlowReaderTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String TCP_FLOW = """
			{"time":"2021-06-16T16:52:13Z","verdict":"FORWARDED",
			 "IP":{"source":"10.0.2.16","destination":"10.0.2.1","ipVersion":"IPv4"},
			 "l4":{"TCP":{"source_port":15020,"destination_port":8080,"flags":{"SYN":true}}},
			 "source":{"ID":1231,"identity":25339,"namespace":"bookinfo",
			   "labels":["k8s:app=reviews","k8s:io.kubernetes.pod.namespace=bookinfo"],"pod_name":"reviews-v1"},
			 "destination":{"identity":2,"labels":["reserved:world"]},
			 "Type":"L3_L4","is_reply":false}""";

	@ParameterizedTest
	@ValueSource(strings = { "basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json" })
	void parseWhenRealHubbleExportShouldAcceptEveryLine(String file) throws IOException {
		List<String> lines = lines("/flows/" + file);
		FlowParseResult result = readArray(lines);
		assertThat(result.violations()).isEmpty();
		assertThat(result.flows()).hasSize(lines.size());
		assertThat(result.flows()).allSatisfy((parsed) -> {
			assertThat(parsed.flow().source().labels()).isNotEmpty();
			assertThat(parsed.flow().destination().labels()).isNotEmpty();
		});
	}

	@Test
	void parseAllShouldShareEqualEndpoints() throws IOException {
		List<Flow> flows = parseLines("/flows/basic-sample-10-flows.json");
		assertThat(flows.get(0).destination()).isEqualTo(flows.get(1).source());
		assertThat(flows.get(0).destination()).isSameAs(flows.get(1).source());
	}

	@Test
	void parseWhenHttpExportShouldReadRequestsAndRepliesOfL7Flows() throws IOException {
		List<Flow> flows = parseLines("/flows/basic-sample-5-http-flows.json");
		assertThat(flows).anySatisfy((flow) -> {
			assertThat(flow.l7()).isInstanceOf(Http.class);
			Http http = (Http) flow.l7();
			assertThat(http.method()).isEqualTo("GET");
			assertThat(http.url()).startsWith("http://");
			assertThat(flow.reply()).isFalse();
		});
		assertThat(flows).anySatisfy((flow) -> assertThat(flow.reply()).isTrue());
	}

	@Test
	void parseWhenDnsExportShouldReadQueryAndQtypes() throws IOException {
		List<Flow> flows = parseLines("/flows/basic-sample-5-dns-flows.json");
		assertThat(flows).anySatisfy((flow) -> {
			assertThat(flow.l7()).isInstanceOf(Dns.class);
			assertThat(((Dns) flow.l7()).query()).endsWith(".");
			assertThat(((Dns) flow.l7()).qtypes()).isNotEmpty();
		});
	}

	@Test
	void parseWhenIcmpExportShouldReadTheType() throws IOException {
		List<Flow> flows = parseLines("/flows/basic-sample-400-icmpv4-flows.json");
		assertThat(flows).allSatisfy((flow) -> {
			assertThat(flow.protocol()).isEqualTo(Protocol.ICMPV4);
			assertThat(flow.icmpType()).isBetween(0, 255);
			assertThat(flow.destinationPort()).isZero();
		});
	}

	@Test
	void parseWhenWrappedOrBareShouldGiveTheSameFlow() {
		Flow bare = single(TCP_FLOW);
		Flow wrapped = single("{\"flow\":" + TCP_FLOW + ",\"node_name\":\"n1\",\"time\":\"2021-06-16T16:52:13Z\"}");
		assertThat(wrapped).isEqualTo(bare);
		assertThat(bare.source().namespace()).isEqualTo("bookinfo");
		assertThat(bare.source().podName()).isEqualTo("reviews-v1");
		assertThat(bare.destination().namespace()).isNull();
		assertThat(bare.destination().labels()).containsExactly("reserved:world");
		assertThat(bare.protocol()).isEqualTo(Protocol.TCP);
		assertThat(bare.destinationPort()).isEqualTo(8080);
		assertThat(bare.icmpType()).isEqualTo(-1);
		assertThat(bare.sourceIp()).isEqualTo("10.0.2.16");
		assertThat(bare.destinationIp()).isEqualTo("10.0.2.1");
		assertThat(bare.reply()).isFalse();
	}

	@Test
	void parseWhenNodeStatusLineShouldSkipItWithAWarning() {
		FlowParseResult result = parse("{\"node_status\":{\"state_change\":\"NODE_CONNECTED\"},\"node_name\":\"n1\"}", 4);
		assertThat(result.flows()).isEmpty();
		assertThat(result.hasErrors()).isFalse();
		assertThat(result.violations()).singleElement().satisfies((v) -> {
			assertThat(v.severity()).isEqualTo(Violation.Severity.WARNING);
			assertThat(v.document()).isEqualTo(4);
			assertThat(v.message()).contains("node_status").contains("skipped");
		});
	}

	@Test
	void parseWhenLostEventsLineShouldSkipIt() {
		FlowParseResult result = parse("{\"lost_events\":{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"3\"}}",
				0);
		assertThat(result.flows()).isEmpty();
		assertThat(result.hasErrors()).isFalse();
		assertThat(result.violations()).singleElement().satisfies((v) -> assertThat(v.message()).contains("lost_events"));
	}

	@Test
	void parseWhenPortIsNotANumberShouldNameTheFlowIndexAndField() {
		FlowParseResult result = parse(TCP_FLOW.replace("\"destination_port\":8080", "\"destination_port\":\"x\""), 3);
		assertThat(result.flows()).isEmpty();
		assertThat(result.violations()).singleElement().satisfies((v) -> {
			assertThat(v.isError()).isTrue();
			assertThat(v.path()).isEqualTo("flows[3].l4.TCP.destination_port");
			assertThat(v.message()).isEqualTo("must be a number 0..65535, got \"x\"");
			assertThat(v.line()).isEqualTo(3);
		});
	}

	@Test
	void parseWhenPortIsOutOfRangeShouldReject() {
		FlowParseResult result = parse(TCP_FLOW.replace("\"destination_port\":8080", "\"destination_port\":70000"), 0);
		assertThat(errors(result)).containsExactly("must be a number 0..65535, got 70000");
	}

	@Test
	void parseWhenPortIsADecimalStringShouldAcceptIt() {
		Flow flow = single(TCP_FLOW.replace("\"destination_port\":8080", "\"destination_port\":\"8080\""));
		assertThat(flow.destinationPort()).isEqualTo(8080);
	}

	@Test
	void parseWhenL4IsMissingOrAmbiguousShouldReject() {
		assertThat(errors(parse(TCP_FLOW.replace("\"l4\"", "\"l4x\""), 0)))
			.containsExactly("is missing; a flow needs one of TCP, UDP, SCTP, ICMPv4, ICMPv6");
		assertThat(errors(parse(TCP_FLOW.replace("\"TCP\":{", "\"UDP\":{\"destination_port\":53},\"TCP\":{"), 0))
			).singleElement().asString().contains("exactly one of").contains("TCP, UDP");
	}

	@Test
	void parseWhenIpIsInvalidShouldReject() {
		FlowParseResult result = parse(TCP_FLOW.replace("10.0.2.16", "10.0.2.300"), 1);
		assertThat(result.violations()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("flows[1].IP.source");
			assertThat(v.message()).contains("\"10.0.2.300\"");
		});
	}

	@Test
	void parseWhenNotAnObjectOrNotAFlowShouldReject() {
		assertThat(errors(parse("[1, 2]", 0))).singleElement().asString().contains("JSON object");
		assertThat(errors(parse("{\"hello\": 1}", 0))).singleElement().asString()
			.contains("not a Hubble flow");
	}

	@Test
	void parseWhenEndpointHasNoNamespaceFieldShouldTakeItFromTheNamespaceLabel() {
		Flow flow = single(TCP_FLOW.replace("\"namespace\":\"bookinfo\",", ""));
		assertThat(flow.source().namespace()).isEqualTo("bookinfo");
	}

	@Test
	void parseWhenDeprecatedReplyOrL7ResponseShouldMarkAReply() {
		assertThat(single(TCP_FLOW.replace("\"is_reply\":false", "\"reply\":true")).reply()).isTrue();
		assertThat(single(TCP_FLOW.replace("\"is_reply\":false",
				"\"l7\":{\"type\":\"RESPONSE\",\"http\":{\"code\":200,\"method\":\"GET\",\"url\":\"http://a/\"}}"))
			.reply()).isTrue();
		assertThat(single(TCP_FLOW.replace("\"is_reply\":false", "\"is_reply\":false,\"reply\":true")).reply())
			.isFalse();
	}

	@Test
	void parseWhenExtensionsArePresentShouldReadThem() {
		Flow flow = single(TCP_FLOW.replace("\"is_reply\":false", """
				"is_reply":false,
				"tls":{"sni":"api.example.com"},
				"destination_names":["api.example.com"],
				"node_labels":["kubernetes.io/hostname=n1"],
				"destination_service":{"name":"api","namespace":"shop","labels":["app=api"]},
				"l7":{"type":"REQUEST","kafka":{"api_key":"produce","api_version":3,"client_id":"hq",
				  "topic":"a","topics":["a","b"]}}""")
			.replace("\"destination\":{\"identity\":2,", """
					"destination":{"identity":2,"named_ports":[{"name":"http","port":8080,"protocol":"TCP"}],"""));
		assertThat(flow.tlsServerName()).isEqualTo("api.example.com");
		assertThat(flow.destinationNames()).containsExactly("api.example.com");
		assertThat(flow.nodeLabels()).containsExactly("kubernetes.io/hostname=n1");
		assertThat(flow.destinationService()).isEqualTo(new Flow.Service("api", "shop", List.of("app=api")));
		assertThat(flow.l7()).isEqualTo(new Kafka("produce", 3, "hq", List.of("a", "b")));
		assertThat(flow.destination().namedPorts()).containsExactly(new Flow.NamedPort("http", 8080, Protocol.TCP));
	}

	@Test
	void parseWhenKafkaHasOnlyTopicShouldUseItAsTheOnlyTopic() {
		Flow flow = single(TCP_FLOW.replace("\"is_reply\":false",
				"\"l7\":{\"type\":\"REQUEST\",\"kafka\":{\"api_key\":\"fetch\",\"topic\":\"t\"}}"));
		assertThat(flow.l7()).isEqualTo(new Kafka("fetch", 0, null, List.of("t")));
	}

	@Test
	void parseWhenKafkaApiKeyIsANumberShouldUseItsName() {
		Flow flow = single(TCP_FLOW.replace("\"is_reply\":false",
				"\"l7\":{\"type\":\"REQUEST\",\"kafka\":{\"api_key\":1,\"topic\":\"t\"}}"));
		assertThat(((Kafka) flow.l7()).apiKey()).isEqualTo("fetch");
	}

	@Test
	void parseWhenHttpHeadersShouldKeepThemInOrder() {
		Flow flow = single(TCP_FLOW.replace("\"is_reply\":false", """
				"l7":{"type":"REQUEST","http":{"method":"POST","url":"http://a:80/x?y=1","protocol":"HTTP/2",
				"headers":[{"key":"content-type","value":"application/grpc"},{"key":"X-A","value":"1"}]}}"""));
		assertThat(flow.l7()).isEqualTo(new Http("POST", "http://a:80/x?y=1",
				List.of(new Flow.Header("content-type", "application/grpc"), new Flow.Header("X-A", "1")), "HTTP/2"));
	}

	@Test
	void parseWhenIcmpShouldReadTypeAndNoPort() {
		Flow flow = single(TCP_FLOW.replace("\"TCP\":{\"source_port\":15020,\"destination_port\":8080,\"flags\":{\"SYN\":true}}",
				"\"ICMPv6\":{\"type\":128}"));
		assertThat(flow.protocol()).isEqualTo(Protocol.ICMPV6);
		assertThat(flow.icmpType()).isEqualTo(128);
	}

	@Test
	void parseWhenFieldHasWrongTypeShouldReject() {
		FlowParseResult result = parse(TCP_FLOW.replace("\"labels\":[\"reserved:world\"]", "\"labels\":\"reserved:world\""),
				2);
		assertThat(result.violations()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("flows[2].destination.labels");
			assertThat(v.message()).isEqualTo("must be a list, got \"reserved:world\"");
		});
	}

	@Test
	void readLinesShouldNameTheLineOfEachProblemAndGoOnWithTheNextLine() throws IOException {
		String text = TCP_FLOW.replace("\n", " ") + "\n\n{\"flow\": {\n"
				+ TCP_FLOW.replace("\n", " ").replace("\"destination_port\":8080", "\"destination_port\":\"x\"") + "\n"
				+ "{\"flow\": [1,\n" + "{\"node_status\":{}}\r\n" + TCP_FLOW.replace("\n", " ") + "\n";
		// 1 a flow, 2 blank, 3 an object cut short, 4 a flow with a bad port, 5 not JSON, 6 node_status, 7 a flow
		FlowParseResult result = new FlowReader().readLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
		assertThat(result.flows()).extracting(FlowParseResult.ParsedFlow::index).containsExactly(0, 6);
		assertThat(result.violations()).extracting(Violation::line).containsExactly(3, 4, 5, 6);
		assertThat(result.violations()).extracting(Violation::document).containsExactly(2, 3, 4, 5);
		assertThat(result.violations().get(0).message()).startsWith("not valid JSON: ");
		assertThat(result.violations().get(2).message()).startsWith("not valid JSON: ");
		assertThat(result.violations().get(3).severity()).isEqualTo(Violation.Severity.WARNING);
		assertThat(result.flows().get(1).flow()).isEqualTo(result.flows().get(0).flow());
	}

	@Test
	void readLinesShouldNameTheFieldWithoutAnArrayIndex() throws IOException {
		String text = TCP_FLOW.replace("\n", " ") + "\n"
				+ TCP_FLOW.replace("\n", " ").replace("\"destination_port\":8080", "\"destination_port\":\"x\"");
		List<FlowParseResult> batches = new ArrayList<>();
		new FlowReader().readLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1, batches::add);
		assertThat(batches).hasSize(2);
		assertThat(batches.get(0).flows()).hasSize(1);
		assertThat(batches.get(1).violations()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("l4.TCP.destination_port");
			assertThat(v.message()).isEqualTo("must be a number 0..65535, got \"x\"");
			assertThat(v.line()).isEqualTo(2);
			assertThat(v.column()).isPositive();
		});
	}

	@Test
	void readLinesWhenALineHoldsTwoValuesShouldRefuseIt() throws IOException {
		String line = TCP_FLOW.replace("\n", " ");
		FlowParseResult result = new FlowReader()
			.readLines(new ByteArrayInputStream((line + " " + line).getBytes(StandardCharsets.UTF_8)));
		assertThat(result.flows()).isEmpty();
		assertThat(result.violations()).singleElement().satisfies((v) -> assertThat(v.message())
			.contains("more than one JSON value"));
	}

	@Test
	void readArrayShouldCountButNotReadItemsBeyondTheLimit() {
		String one = TCP_FLOW.replace("\n", " ");
		try (JsonParser parser = JSON.createParser("[" + one + "," + one + ",{\"bad\": 1}]")) {
			parser.nextToken();
			FlowReader.Read read = new FlowReader().readArray(parser, 2);
			assertThat(read.items()).isEqualTo(3);
			assertThat(read.result().flows()).hasSize(2);
			assertThat(read.result().violations()).isEmpty();
			assertThat(parser.nextToken()).isNull();
		}
	}

	@Test
	void violationsShouldComeInFieldOrderWhateverTheOrderOfTheJson() {
		String badFirst = "{\"is_reply\":\"no\",\"l4\":{\"TCP\":{\"destination_port\":-1}},"
				+ "\"source\":{\"labels\":\"x\"},\"destination_names\":[1]}";
		assertThat(parse(badFirst, 0).violations()).extracting(Violation::path).containsExactly("flows[0].source.labels",
				"flows[0].l4.TCP.destination_port", "flows[0].is_reply", "flows[0].destination_names[0]");
	}

	@Test
	void withoutL4ShouldReportNothingReadAfterIt() {
		FlowParseResult result = parse("{\"is_reply\":\"no\",\"source\":{\"labels\":\"x\"},\"l7\":5}", 0);
		assertThat(result.violations()).extracting(Violation::path).containsExactly("flows[0].source.labels",
				"flows[0].l4");
		assertThat(parse("{\"is_reply\":\"no\",\"l4\":{\"TCP\":null}}", 0).violations()).isEmpty();
	}

	@Test
	void l7ShouldBeTheFirstOfHttpKafkaDnsThatIsAnObject() {
		Flow flow = single(TCP_FLOW.replace("\"is_reply\":false",
				"\"l7\":{\"dns\":{\"query\":\"a.\"},\"kafka\":{\"api_key\":5.5},\"http\":{\"method\":\"GET\"}}"));
		assertThat(flow.l7()).isEqualTo(new Http("GET", "", List.of(), null));
		FlowParseResult result = parse(TCP_FLOW.replace("\"is_reply\":false",
				"\"l7\":{\"http\":\"x\",\"kafka\":{\"api_key\":5.5},\"dns\":{\"query\":1}}"), 0);
		assertThat(result.violations()).extracting(Violation::path, Violation::message).containsExactly(
				org.assertj.core.groups.Tuple.tuple("flows[0].l7.http", "must be an object, got \"x\""),
				org.assertj.core.groups.Tuple.tuple("flows[0].l7.kafka.api_key", "must be a string, got 5.5"));
	}

	@Test
	void wrappedFlowShouldIgnoreTheFieldsBesideIt() {
		Flow flow = single("{\"source\":7,\"flow\":" + TCP_FLOW + ",\"node_name\":\"n1\"}");
		assertThat(flow).isEqualTo(single(TCP_FLOW));
		assertThat(errors(parse("{\"flow\":null,\"node_name\":\"n1\"}", 0))).containsExactly(
				"must be an object, got null");
	}

	private static List<String> errors(FlowParseResult result) {
		assertThat(result.flows()).isEmpty();
		return result.violations().stream().filter(Violation::isError).map(Violation::message).toList();
	}

	private static Flow single(String json) {
		FlowParseResult result = parse(json, 0);
		assertThat(result.violations()).isEmpty();
		return result.flows().get(0).flow();
	}

	private static FlowParseResult parse(String json, int index) {
		return new FlowReader().read(json, index);
	}

	/** The flows of an export read as an array (the evaluate API) and as lines (uploads): the same flows. */
	private static List<Flow> parseLines(String resource) throws IOException {
		List<String> lines = lines(resource);
		FlowParseResult result = readArray(lines);
		assertThat(result.violations()).isEmpty();
		assertThat(result.flows()).as("one flow per line").hasSize(lines.size());
		FlowParseResult asLines = new FlowReader().readLines(FlowReaderTests.class.getResourceAsStream(resource));
		assertThat(asLines.violations()).isEmpty();
		assertThat(asLines.flows().stream().map(FlowParseResult.ParsedFlow::flow).toList())
			.isEqualTo(result.flows().stream().map(FlowParseResult.ParsedFlow::flow).toList());
		return result.flows().stream().map(FlowParseResult.ParsedFlow::flow).toList();
	}

	/** The lines as the elements of one JSON array, read as the evaluate API reads its {@code flows}. */
	static FlowParseResult readArray(List<String> lines) {
		try (JsonParser parser = JSON.createParser("[" + String.join(",\n", lines) + "]")) {
			assertThat(parser.nextToken()).isEqualTo(JsonToken.START_ARRAY);
			FlowReader.Read read = new FlowReader().readArray(parser, Integer.MAX_VALUE);
			assertThat(read.items()).isEqualTo(lines.size());
			return read.result();
		}
	}

	private static List<String> lines(String resource) throws IOException {
		try (InputStream in = FlowReaderTests.class.getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.filter((l) -> !l.isBlank())
				.toList();
			assertThat(lines).as(resource).isNotEmpty();
			return lines;
		}
	}

}
