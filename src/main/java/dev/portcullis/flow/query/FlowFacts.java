package dev.portcullis.flow.query;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The fields of a stored Hubble flow that filters look at, read from its JSON (a {@code GetFlowsResponse}
 * {@code {"flow": {...}}} or a bare flow). Absent fields are null, empty or -1.
 *
 * @param time {@code time} as written
 * @param verdict {@code verdict}, {@code FORWARDED}
 * @param source the source endpoint
 * @param destination the destination endpoint
 * @param sourcePort {@code l4.<TCP|UDP|SCTP>.source_port}, -1 when the flow has no port
 * @param destinationPort {@code l4.<TCP|UDP|SCTP>.destination_port}, -1 when the flow has no port
 * @param l4 {@code tcp}, {@code udp}, {@code sctp}, {@code icmpv4}, {@code icmpv6}, or null
 * @param l7 {@code http}, {@code dns}, {@code kafka}, or null
 * @param httpCode {@code l7.http.code}, -1 when absent
 * @param httpMethod {@code l7.http.method}
 * @param httpUrl {@code l7.http.url}
 * @param dropReasonDesc {@code drop_reason_desc}
 * @param nodeName {@code node_name}
 * @param trafficDirection {@code traffic_direction}
 * @param eventType {@code event_type.type}, -1 when absent
 * @param eventSubType {@code event_type.sub_type}, 0 when absent
 */
public record FlowFacts(@Nullable String time, @Nullable String verdict, Endpoint source, Endpoint destination,
		int sourcePort, int destinationPort, @Nullable String l4, @Nullable String l7, int httpCode,
		@Nullable String httpMethod, @Nullable String httpUrl, @Nullable String dropReasonDesc,
		@Nullable String nodeName, @Nullable String trafficDirection, int eventType, int eventSubType) {

	/**
	 * One side of a flow.
	 *
	 * @param namespace {@code namespace}, or the {@code k8s:io.kubernetes.pod.namespace} label's value
	 * @param podName {@code pod_name}
	 * @param labels {@code labels}, {@code k8s:app=web}
	 * @param ip {@code IP.source} or {@code IP.destination}
	 * @param names {@code source_names} or {@code destination_names}
	 * @param identity {@code identity}, -1 when absent
	 */
	public record Endpoint(@Nullable String namespace, @Nullable String podName, List<String> labels,
			@Nullable String ip, List<String> names, long identity) {

		public Endpoint {
			labels = List.copyOf(labels);
			names = List.copyOf(names);
		}

		/** Whether one of the labels is {@code label} exactly ({@code reserved:host}). */
		public boolean hasLabel(String label) {
			return this.labels.contains(label);
		}

	}

	/** The flow object of {@code json}: the value of {@code flow} when there is one, else {@code json}. */
	public static JsonNode flowObject(JsonNode json) {
		JsonNode flow = json.get("flow");
		return (flow != null && flow.isObject()) ? flow : json;
	}

	/** Reads the facts of a stored flow's JSON. */
	public static FlowFacts of(JsonNode json) {
		JsonNode flow = flowObject(json);
		JsonNode l4 = object(flow, "l4");
		String l4Name = null;
		int sourcePort = -1;
		int destinationPort = -1;
		for (String name : List.of("TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6")) {
			JsonNode l4Object = object(l4, name);
			if (l4Object != null) {
				l4Name = name.toLowerCase(java.util.Locale.ROOT);
				if (!name.startsWith("ICMP")) {
					sourcePort = integer(l4Object, "source_port", 0);
					destinationPort = integer(l4Object, "destination_port", 0);
				}
				break;
			}
		}
		JsonNode l7 = object(flow, "l7");
		String l7Name = null;
		JsonNode http = object(l7, "http");
		if (http != null) {
			l7Name = "http";
		}
		else if (object(l7, "dns") != null) {
			l7Name = "dns";
		}
		else if (object(l7, "kafka") != null) {
			l7Name = "kafka";
		}
		JsonNode ip = object(flow, "IP");
		JsonNode eventType = object(flow, "event_type");
		String nodeName = text(flow, "node_name");
		if (nodeName == null) {
			nodeName = text(json, "node_name");
		}
		return new FlowFacts(text(flow, "time"), text(flow, "verdict"),
				endpoint(object(flow, "source"), text(ip, "source"), strings(flow, "source_names")),
				endpoint(object(flow, "destination"), text(ip, "destination"), strings(flow, "destination_names")),
				sourcePort, destinationPort, l4Name, l7Name, integer(http, "code", -1), text(http, "method"),
				text(http, "url"), text(flow, "drop_reason_desc"), nodeName, text(flow, "traffic_direction"),
				integer(eventType, "type", -1), integer(eventType, "sub_type", 0));
	}

	private static Endpoint endpoint(@Nullable JsonNode endpoint, @Nullable String ip, List<String> names) {
		List<String> labels = strings(endpoint, "labels");
		String namespace = text(endpoint, "namespace");
		if (namespace == null || namespace.isEmpty()) {
			namespace = null;
			for (String label : labels) {
				if (label.startsWith("k8s:io.kubernetes.pod.namespace=")) {
					namespace = label.substring("k8s:io.kubernetes.pod.namespace=".length());
				}
			}
		}
		String pod = text(endpoint, "pod_name");
		long identity = (endpoint != null && endpoint.get("identity") != null && endpoint.get("identity").isNumber())
				? endpoint.get("identity").asLong() : -1;
		return new Endpoint(namespace, (pod == null || pod.isEmpty()) ? null : pod, labels, ip, names, identity);
	}

	static @Nullable JsonNode object(@Nullable JsonNode node, String name) {
		if (node == null) {
			return null;
		}
		JsonNode value = node.get(name);
		return (value != null && value.isObject()) ? value : null;
	}

	static @Nullable String text(@Nullable JsonNode node, String name) {
		if (node == null) {
			return null;
		}
		JsonNode value = node.get(name);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	static int integer(@Nullable JsonNode node, String name, int absent) {
		if (node == null) {
			return absent;
		}
		JsonNode value = node.get(name);
		if (value == null) {
			return absent;
		}
		if (value.isNumber()) {
			return value.asInt();
		}
		if (value.isString()) {
			try {
				return Integer.parseInt(value.asString());
			}
			catch (NumberFormatException ex) {
				return absent;
			}
		}
		return absent;
	}

	static List<String> strings(@Nullable JsonNode node, String name) {
		if (node == null) {
			return List.of();
		}
		JsonNode value = node.get(name);
		if (value == null || !value.isArray()) {
			return List.of();
		}
		List<String> strings = new ArrayList<>(value.size());
		for (JsonNode item : value) {
			if (item.isString()) {
				strings.add(item.asString());
			}
		}
		return strings;
	}

}
