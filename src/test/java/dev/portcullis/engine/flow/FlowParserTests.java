package dev.portcullis.engine.flow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow.Dns;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FlowParserTests {

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
		List<Node> nodes = new ArrayList<>();
		for (String line : lines) {
			YamlDocuments documents = YamlReader.read(line);
			assertThat(documents.errors()).isEmpty();
			nodes.add(documents.documents().get(0));
		}
		FlowParseResult result = FlowParser.parseAll(nodes);
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
		YamlDocuments documents = YamlReader.read(json);
		assertThat(documents.errors()).isEmpty();
		return FlowParser.parse(documents.documents().get(0), index);
	}

	private static List<Flow> parseLines(String resource) throws IOException {
		List<Node> nodes = lines(resource).stream().map((line) -> YamlReader.read(line).documents().get(0)).toList();
		FlowParseResult result = FlowParser.parseAll(nodes);
		assertThat(result.violations()).isEmpty();
		assertThat(result.flows()).as("one flow per line").hasSize(nodes.size());
		return result.flows().stream().map(FlowParseResult.ParsedFlow::flow).toList();
	}

	private static List<String> lines(String resource) throws IOException {
		try (InputStream in = FlowParserTests.class.getResourceAsStream(resource)) {
			assertThat(in).as(resource).isNotNull();
			List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
				.filter((l) -> !l.isBlank())
				.toList();
			assertThat(lines).as(resource).isNotEmpty();
			return lines;
		}
	}

}
