package dev.portcullis.engine.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow.Dns;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.flow.Flow.Service;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.engine.match.KafkaMatcher;
import org.jspecify.annotations.Nullable;

/**
 * Reads Hubble flows as {@code hubble observe -o json} (or {@code -o jsonpb}, or the flow exporter) prints them:
 * one {@code GetFlowsResponse} per line, {@code {"flow": {...}, "node_name": ..., "time": ...}}, or the bare flow
 * object of the legacy JSON output (api/v1/flow/flow.proto, proto3 JSON with proto field names).
 * <p>
 * Fields read: {@code source} / {@code destination} ({@code namespace}, {@code labels}, {@code pod_name},
 * {@code cluster_name}), {@code IP.source} / {@code IP.destination}, {@code l4} (exactly one of {@code TCP},
 * {@code UDP}, {@code SCTP} with {@code destination_port}, or {@code ICMPv4} / {@code ICMPv6} with {@code type}),
 * {@code l7} ({@code http: {method, url, headers[{key,value}], protocol}}, {@code kafka: {api_key, api_version,
 * topic}}, {@code dns: {query, qtypes}}), {@code destination_names}, {@code is_reply} (the deprecated
 * {@code reply} when it is absent), {@code node_labels} and {@code destination_service: {name, namespace}}.
 * Every other field is ignored. Portcullis extensions: {@code l7.kafka.client_id}, {@code l7.kafka.topics},
 * {@code source/destination.named_ports: [{name, port, protocol}]}, {@code tls: {sni}} (for {@code serverNames})
 * and {@code destination_service.labels}.
 * <p>
 * Decisions: an endpoint without {@code namespace} whose labels carry
 * {@code k8s:io.kubernetes.pod.namespace=<ns>} is a pod of that namespace (Hubble omits {@code namespace} for
 * some pods); an L7 {@code RESPONSE} without {@code is_reply} counts as a reply. Lines that are
 * {@code node_status} or {@code lost_events} responses are not flows: they are skipped with a warning. Integers
 * may be JSON numbers or decimal strings (proto3 JSON accepts both); a numeric Kafka {@code api_key} becomes its
 * name ({@code 0} is {@code produce}).
 * <p>
 * Violations name the input index and the field relative to the flow object, for example
 * {@code flows[3].l4.TCP.destination_port} with message {@code must be a number 0..65535, got "x"}; the
 * violation's {@code document} is the index. A flow with an error is left out.
 */
public final class FlowParser {

	private FlowParser() {
	}

	/** Parses flows, one tree per input line or list item, in order. */
	public static FlowParseResult parseAll(List<Node> flows) {
		List<FlowParseResult.ParsedFlow> parsed = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		// Equal endpoints share one instance, so a log's flows hit the evaluator's identity cache.
		Map<Endpoint, Endpoint> endpoints = new HashMap<>();
		for (int i = 0; i < flows.size(); i++) {
			FlowParseResult one = parse(flows.get(i), i);
			for (FlowParseResult.ParsedFlow flow : one.flows()) {
				Flow f = flow.flow();
				Endpoint source = endpoints.computeIfAbsent(f.source(), (e) -> e);
				Endpoint destination = endpoints.computeIfAbsent(f.destination(), (e) -> e);
				parsed.add(new FlowParseResult.ParsedFlow(flow.index(), new Flow(source, destination, f.sourceIp(),
						f.destinationIp(), f.protocol(), f.destinationPort(), f.icmpType(), f.l7(), f.destinationNames(),
						f.tlsServerName(), f.reply(), f.nodeLabels(), f.destinationService())));
			}
			violations.addAll(one.violations());
		}
		return new FlowParseResult(parsed, violations);
	}

	/** Parses one flow; {@code index} is its position in the input, used in violation paths. */
	public static FlowParseResult parse(Node node, int index) {
		Reader reader = new Reader(index);
		Flow flow = reader.read(node);
		List<FlowParseResult.ParsedFlow> flows = (flow != null && reader.violations.stream().noneMatch(Violation::isError))
				? List.of(new FlowParseResult.ParsedFlow(index, flow)) : List.of();
		return new FlowParseResult(flows, reader.violations);
	}

	private static final class Reader {

		private final int index;

		private final List<Violation> violations = new ArrayList<>();

		Reader(int index) {
			this.index = index;
		}

		@Nullable Flow read(Node node) {
			if (!(node instanceof MapNode root)) {
				error("", node, "must be a JSON object (one Hubble flow), got " + describe(node));
				return null;
			}
			MapNode flow = root;
			Node wrapped = root.get("flow");
			if (wrapped != null) {
				if (!(wrapped instanceof MapNode map)) {
					error("flow", wrapped, "must be an object, got " + describe(wrapped));
					return null;
				}
				flow = map;
			}
			else {
				for (String other : List.of("node_status", "lost_events")) {
					if (root.get(other) != null) {
						this.violations.add(Violation.warning(this.index, path(""), root.position(),
								"not a flow: a " + other + " response of hubble observe; skipped"));
						return null;
					}
				}
				if (root.get("source") == null && root.get("destination") == null && root.get("l4") == null
						&& root.get("IP") == null) {
					error("", root, "is not a Hubble flow: expected \"flow\" or the flow fields source, "
							+ "destination, IP and l4");
					return null;
				}
			}
			return readFlow(flow);
		}

		private @Nullable Flow readFlow(MapNode flow) {
			Endpoint source = endpoint(flow, "source");
			Endpoint destination = endpoint(flow, "destination");
			String sourceIp = null;
			String destinationIp = null;
			MapNode ip = map(flow, "IP", "IP");
			if (ip != null) {
				sourceIp = ipAddress(ip, "source", "IP.source");
				destinationIp = ipAddress(ip, "destination", "IP.destination");
			}
			Protocol protocol = Protocol.TCP;
			int port = 0;
			int icmpType = -1;
			MapNode l4 = map(flow, "l4", "l4");
			if (l4 == null) {
				error("l4", flow, "is missing; a flow needs one of TCP, UDP, SCTP, ICMPv4, ICMPv6");
				return null;
			}
			List<String> kinds = List.of("TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6", "VRRP", "IGMP");
			List<String> present = kinds.stream().filter((k) -> l4.get(k) != null).toList();
			if (present.size() != 1) {
				error("l4", l4, "must have exactly one of TCP, UDP, SCTP, ICMPv4, ICMPv6, VRRP, IGMP, got "
						+ (present.isEmpty() ? "none" : String.join(", ", present)));
				return null;
			}
			String kind = present.get(0);
			MapNode l4Proto = map(l4, kind, "l4." + kind);
			if (l4Proto == null) {
				return null;
			}
			switch (kind) {
				case "TCP", "UDP", "SCTP" -> {
					protocol = Protocol.valueOf(kind);
					port = integer(l4Proto, "destination_port", "l4." + kind + ".destination_port", 0, 65535, 0);
				}
				case "ICMPv4", "ICMPv6" -> {
					protocol = kind.equals("ICMPv4") ? Protocol.ICMPV4 : Protocol.ICMPV6;
					icmpType = integer(l4Proto, "type", "l4." + kind + ".type", 0, 255, 0);
				}
				default -> protocol = Protocol.valueOf(kind);
			}
			boolean reply = false;
			Boolean isReply = bool(flow, "is_reply", "is_reply");
			if (isReply == null) {
				isReply = bool(flow, "reply", "reply");
			}
			L7Request l7 = null;
			MapNode l7Node = map(flow, "l7", "l7");
			if (l7Node != null) {
				String type = string(l7Node, "type", "l7.type");
				if (isReply == null && "RESPONSE".equals(type)) {
					isReply = true;
				}
				l7 = l7(l7Node);
			}
			reply = Boolean.TRUE.equals(isReply);
			List<String> destinationNames = strings(flow, "destination_names", "destination_names");
			List<String> nodeLabels = strings(flow, "node_labels", "node_labels");
			String sni = null;
			MapNode tls = map(flow, "tls", "tls");
			if (tls != null) {
				sni = string(tls, "sni", "tls.sni");
			}
			Service service = null;
			MapNode svc = map(flow, "destination_service", "destination_service");
			if (svc != null) {
				String name = string(svc, "name", "destination_service.name");
				if (name != null && !name.isEmpty()) {
					service = new Service(name, string(svc, "namespace", "destination_service.namespace"),
							strings(svc, "labels", "destination_service.labels"));
				}
			}
			return new Flow(source, destination, sourceIp, destinationIp, protocol, port, icmpType, l7,
					destinationNames, sni, reply, nodeLabels, service);
		}

		private Endpoint endpoint(MapNode flow, String key) {
			MapNode ep = map(flow, key, key);
			if (ep == null) {
				return new Endpoint(null, List.of(), null, null, List.of());
			}
			String namespace = string(ep, "namespace", key + ".namespace");
			List<String> labels = strings(ep, "labels", key + ".labels");
			if (namespace == null || namespace.isEmpty()) {
				namespace = null;
				for (String label : labels) {
					if (label.startsWith("k8s:io.kubernetes.pod.namespace=")) {
						namespace = label.substring("k8s:io.kubernetes.pod.namespace=".length());
					}
				}
			}
			List<NamedPort> namedPorts = new ArrayList<>();
			ListNode ports = list(ep, "named_ports", key + ".named_ports");
			if (ports != null) {
				for (int i = 0; i < ports.items().size(); i++) {
					String at = key + ".named_ports[" + i + "]";
					Node item = ports.items().get(i);
					if (!(item instanceof MapNode port)) {
						error(at, item, "must be an object {name, port, protocol}, got " + describe(item));
						continue;
					}
					String name = string(port, "name", at + ".name");
					int number = integer(port, "port", at + ".port", 1, 65535, -1);
					String proto = string(port, "protocol", at + ".protocol");
					Protocol protocol = Protocol.TCP;
					if (proto != null && !proto.isEmpty()) {
						String upper = proto.toUpperCase(Locale.ROOT);
						if (List.of("TCP", "UDP", "SCTP").contains(upper)) {
							protocol = Protocol.valueOf(upper);
						}
						else {
							error(at + ".protocol", port.get("protocol"),
									"must be TCP, UDP or SCTP, got \"" + proto + "\"");
						}
					}
					if (name == null || name.isEmpty()) {
						error(at + ".name", port, "is required");
					}
					else if (number > 0) {
						namedPorts.add(new NamedPort(name, number, protocol));
					}
				}
			}
			return new Endpoint(namespace, labels, emptyToNull(string(ep, "pod_name", key + ".pod_name")),
					emptyToNull(string(ep, "cluster_name", key + ".cluster_name")), namedPorts);
		}

		private @Nullable L7Request l7(MapNode l7) {
			MapNode http = map(l7, "http", "l7.http");
			if (http != null) {
				List<Header> headers = new ArrayList<>();
				ListNode list = list(http, "headers", "l7.http.headers");
				if (list != null) {
					for (int i = 0; i < list.items().size(); i++) {
						String at = "l7.http.headers[" + i + "]";
						Node item = list.items().get(i);
						if (!(item instanceof MapNode header)) {
							error(at, item, "must be an object {key, value}, got " + describe(item));
							continue;
						}
						String key = string(header, "key", at + ".key");
						String value = string(header, "value", at + ".value");
						if (key == null || key.isEmpty()) {
							error(at + ".key", header, "is required");
							continue;
						}
						headers.add(new Header(key, (value != null) ? value : ""));
					}
				}
				String method = string(http, "method", "l7.http.method");
				String url = string(http, "url", "l7.http.url");
				return new Http((method != null) ? method : "", (url != null) ? url : "", headers,
						emptyToNull(string(http, "protocol", "l7.http.protocol")));
			}
			MapNode kafka = map(l7, "kafka", "l7.kafka");
			if (kafka != null) {
				String apiKey = scalarText(kafka, "api_key", "l7.kafka.api_key");
				if (apiKey != null && !apiKey.isEmpty() && apiKey.length() < 6
						&& apiKey.chars().allMatch(Character::isDigit)) {
					apiKey = KafkaMatcher.apiKeyName(Integer.parseInt(apiKey));
				}
				int version = integer(kafka, "api_version", "l7.kafka.api_version", 0, 32767, 0);
				List<String> topics = new ArrayList<>(strings(kafka, "topics", "l7.kafka.topics"));
				String topic = string(kafka, "topic", "l7.kafka.topic");
				if (topics.isEmpty() && topic != null && !topic.isEmpty()) {
					topics.add(topic);
				}
				return new Kafka((apiKey != null) ? apiKey : "", version,
						emptyToNull(string(kafka, "client_id", "l7.kafka.client_id")), topics);
			}
			MapNode dns = map(l7, "dns", "l7.dns");
			if (dns != null) {
				String query = string(dns, "query", "l7.dns.query");
				return new Dns((query != null) ? query : "", strings(dns, "qtypes", "l7.dns.qtypes"));
			}
			return null;
		}

		private @Nullable String ipAddress(MapNode map, String key, String path) {
			String text = string(map, key, path);
			if (text == null || text.isEmpty()) {
				return null;
			}
			try {
				IpAddress.parse(text);
			}
			catch (IllegalArgumentException ex) {
				error(path, map.get(key), "must be an IPv4 or IPv6 address, got \"" + text + "\"");
				return null;
			}
			return text;
		}

		private @Nullable MapNode map(MapNode parent, String key, String path) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return null;
			}
			if (node instanceof MapNode map) {
				return map;
			}
			error(path, node, "must be an object, got " + describe(node));
			return null;
		}

		private @Nullable ListNode list(MapNode parent, String key, String path) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return null;
			}
			if (node instanceof ListNode list) {
				return list;
			}
			error(path, node, "must be a list, got " + describe(node));
			return null;
		}

		private @Nullable String string(MapNode parent, String key, String path) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return null;
			}
			if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) {
				return scalar.value();
			}
			error(path, node, "must be a string, got " + describe(node));
			return null;
		}

		private @Nullable String scalarText(MapNode parent, String key, String path) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return null;
			}
			if (node instanceof ScalarNode scalar && (scalar.type() == ScalarType.STRING
					|| scalar.type() == ScalarType.INT)) {
				return scalar.value();
			}
			error(path, node, "must be a string, got " + describe(node));
			return null;
		}

		private @Nullable Boolean bool(MapNode parent, String key, String path) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return null;
			}
			if (node instanceof ScalarNode scalar && scalar.type() == ScalarType.BOOL) {
				return Boolean.parseBoolean(scalar.value().toLowerCase(Locale.ROOT));
			}
			error(path, node, "must be true or false, got " + describe(node));
			return null;
		}

		private int integer(MapNode parent, String key, String path, int min, int max, int absent) {
			Node node = parent.get(key);
			if (node == null || isNull(node)) {
				return absent;
			}
			if (node instanceof ScalarNode scalar
					&& (scalar.type() == ScalarType.INT || scalar.type() == ScalarType.STRING)) {
				String text = scalar.value().trim();
				if (!text.isEmpty() && text.length() <= 10 && text.chars().allMatch(Character::isDigit)) {
					long value = Long.parseLong(text);
					if (value >= min && value <= max) {
						return (int) value;
					}
				}
			}
			error(path, node, "must be a number " + min + ".." + max + ", got " + describe(node));
			return absent;
		}

		private List<String> strings(MapNode parent, String key, String path) {
			ListNode list = list(parent, key, path);
			if (list == null) {
				return List.of();
			}
			List<String> values = new ArrayList<>();
			for (int i = 0; i < list.items().size(); i++) {
				Node item = list.items().get(i);
				if (item instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) {
					values.add(scalar.value());
				}
				else {
					error(path + "[" + i + "]", item, "must be a string, got " + describe(item));
				}
			}
			return values;
		}

		private void error(String field, @Nullable Node at, String message) {
			this.violations.add(Violation.error(this.index, path(field),
					(at != null) ? at.position() : dev.portcullis.engine.doc.Position.UNKNOWN, message));
		}

		private String path(String field) {
			return "flows[" + this.index + "]" + (field.isEmpty() ? "" : "." + field);
		}

		private static boolean isNull(Node node) {
			return node instanceof ScalarNode scalar && scalar.isNull();
		}

		private static @Nullable String emptyToNull(@Nullable String text) {
			return (text == null || text.isEmpty()) ? null : text;
		}

		private static String describe(@Nullable Node node) {
			if (node instanceof MapNode) {
				return "an object";
			}
			if (node instanceof ListNode) {
				return "a list";
			}
			if (node instanceof ScalarNode scalar) {
				return switch (scalar.type()) {
					case STRING -> "\"" + scalar.value() + "\"";
					case NULL -> "null";
					default -> scalar.value();
				};
			}
			return "nothing";
		}

	}

}
