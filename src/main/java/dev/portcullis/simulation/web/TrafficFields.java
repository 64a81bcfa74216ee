package dev.portcullis.simulation.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.simulation.Traffic;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * Turns the what-if form's fields into {@link Traffic} through its one reader ({@link Traffic#read}), and the
 * reader's field paths ({@code from.fqdn}, {@code http.path}) back into the form's field names
 * ({@code fromFqdn}, {@code httpPath}), so that each message stands on the field it is about.
 */
final class TrafficFields {

	private TrafficFields() {
	}

	/**
	 * What the form describes.
	 *
	 * @param traffic the traffic, null when a field is wrong
	 * @param errors messages by form field name, in form order
	 */
	record Reading(@Nullable Traffic traffic, Map<String, String> errors) {
	}

	static Reading read(TrafficForm form) {
		Map<String, String> errors = new LinkedHashMap<>();
		Map<String, Node> traffic = new LinkedHashMap<>();
		traffic.put("from", endpoint("from", form.fromKind(), form.fromNamespace(), form.fromLabels(),
				form.fromEntity(), form.fromIp(), form.fromFqdn(), errors));
		traffic.put("to", endpoint("to", form.toKind(), form.toNamespace(), form.toLabels(), form.toEntity(),
				form.toIp(), form.toFqdn(), errors));
		if (!form.protocol().isEmpty()) {
			traffic.put("protocol", scalar(form.protocol()));
		}
		if (!form.port().isEmpty()) {
			traffic.put("port", scalar(form.port()));
		}
		switch (form.l7()) {
			case "http" -> {
				Map<String, Node> http = new LinkedHashMap<>();
				putIfGiven(http, "method", form.httpMethod());
				putIfGiven(http, "path", form.httpPath());
				putIfGiven(http, "host", form.httpHost());
				Map<String, Node> headers = headers(form.httpHeaders(), errors);
				if (!headers.isEmpty()) {
					http.put("headers", map(headers));
				}
				traffic.put("http", map(http));
			}
			case "grpc" -> {
				Map<String, Node> grpc = new LinkedHashMap<>();
				putIfGiven(grpc, "service", form.grpcService());
				putIfGiven(grpc, "method", form.grpcMethod());
				traffic.put("grpc", map(grpc));
			}
			case "kafka" -> {
				Map<String, Node> kafka = new LinkedHashMap<>();
				putIfGiven(kafka, "apiKey", form.kafkaApiKey());
				putIfGiven(kafka, "role", form.kafkaRole());
				putIfGiven(kafka, "topic", form.kafkaTopic());
				putIfGiven(kafka, "clientID", form.kafkaClientId());
				traffic.put("kafka", map(kafka));
			}
			case "dns" -> {
				Map<String, Node> dns = new LinkedHashMap<>();
				putIfGiven(dns, "query", form.dnsQuery());
				traffic.put("dns", map(dns));
			}
			case "" -> {
			}
			default -> errors.put("l7", "Choose HTTP, gRPC, Kafka, DNS or none, not " + Quoted.of(form.l7()) + ".");
		}
		Traffic.Reading reading = Traffic.read(map(traffic), "", java.util.Set.of());
		for (FieldViolation violation : reading.violations()) {
			errors.putIfAbsent(field(violation.path()), message(violation));
		}
		return new Reading(errors.isEmpty() ? reading.traffic() : null, errors);
	}

	private static Node endpoint(String side, String kind, String namespace, String labels, String entity, String ip,
			String fqdn, Map<String, String> errors) {
		return switch (kind) {
			case "pod" -> {
				Map<String, Node> pod = new LinkedHashMap<>();
				pod.put("namespace", scalar(namespace));
				pod.put("labels", map(labels(side, labels, errors)));
				yield map(Map.of("pod", map(pod)));
			}
			case "namespace" -> map(Map.of("namespace", scalar(namespace)));
			case "entity" -> map(Map.of("entity", scalar(entity)));
			case "ip" -> map(Map.of("ip", scalar(ip)));
			case "fqdn" -> map(Map.of("fqdn", scalar(fqdn)));
			default -> map(Map.of(kind, scalar("")));
		};
	}

	/** {@code app=web, env=prod} as a label map; a piece without {@code =} is an error on the labels field. */
	static Map<String, Node> labels(String side, String text, Map<String, String> errors) {
		Map<String, Node> labels = new LinkedHashMap<>();
		for (String piece : text.split(",")) {
			String label = piece.strip();
			if (label.isEmpty()) {
				continue;
			}
			int equals = label.indexOf('=');
			if (equals <= 0) {
				errors.putIfAbsent(side + "Labels", "Write labels as key=value, separated by commas; "
						+ Quoted.of(label) + " has no value.");
				continue;
			}
			labels.put(label.substring(0, equals).strip(), scalar(label.substring(equals + 1).strip()));
		}
		return labels;
	}

	private static Map<String, Node> headers(String text, Map<String, String> errors) {
		Map<String, Node> headers = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			String header = line.strip();
			if (header.isEmpty()) {
				continue;
			}
			int colon = header.indexOf(':');
			if (colon <= 0) {
				errors.putIfAbsent("httpHeaders", "Write one header a line as Name: value; " + Quoted.of(header)
						+ " has no colon.");
				continue;
			}
			headers.put(header.substring(0, colon).strip(), scalar(header.substring(colon + 1).strip()));
		}
		return headers;
	}

	/** The form field a reader path is about. */
	static String field(String path) {
		List<String[]> prefixes = List.of(new String[] { "from.pod.namespace", "fromNamespace" },
				new String[] { "from.pod", "fromLabels" }, new String[] { "from.namespace", "fromNamespace" },
				new String[] { "from.entity", "fromEntity" }, new String[] { "from.ip", "fromIp" },
				new String[] { "from.fqdn", "fromFqdn" }, new String[] { "from", "fromKind" },
				new String[] { "to.pod.namespace", "toNamespace" }, new String[] { "to.pod", "toLabels" },
				new String[] { "to.namespace", "toNamespace" }, new String[] { "to.entity", "toEntity" },
				new String[] { "to.ip", "toIp" }, new String[] { "to.fqdn", "toFqdn" },
				new String[] { "to", "toKind" }, new String[] { "port", "port" },
				new String[] { "protocol", "protocol" }, new String[] { "http.method", "httpMethod" },
				new String[] { "http.path", "httpPath" }, new String[] { "http.host", "httpHost" },
				new String[] { "http.headers", "httpHeaders" }, new String[] { "grpc.service", "grpcService" },
				new String[] { "grpc.method", "grpcMethod" }, new String[] { "kafka.apiKey", "kafkaApiKey" },
				new String[] { "kafka.role", "kafkaRole" }, new String[] { "kafka.topic", "kafkaTopic" },
				new String[] { "kafka", "kafkaApiKey" }, new String[] { "dns.query", "dnsQuery" });
		for (String[] prefix : prefixes) {
			if (path.equals(prefix[0]) || path.startsWith(prefix[0] + ".")) {
				return prefix[1];
			}
		}
		// "http", "grpc", "dns": the request does not fit the protocol (HTTP on UDP)
		return ("http".equals(path) || "grpc".equals(path) || "dns".equals(path)) ? "protocol" : "l7";
	}

	/** The reader's message without its leading field path (the page shows it on the field). */
	private static String message(FieldViolation violation) {
		String message = violation.message();
		String prefix = violation.path() + ": ";
		String text = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	private static void putIfGiven(Map<String, Node> map, String key, String value) {
		if (!value.isEmpty()) {
			map.put(key, scalar(value));
		}
	}

	private static Node scalar(String value) {
		return new Node.ScalarNode(value, Node.ScalarType.STRING, Position.UNKNOWN);
	}

	private static Node map(Map<String, Node> entries) {
		return new Node.MapNode(entries, Map.of(), Position.UNKNOWN);
	}

}
