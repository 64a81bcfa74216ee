package dev.portcullis.simulation.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.simulation.Traffic;
import org.jspecify.annotations.Nullable;

/**
 * The what-if page's link for an observed flow: its traffic as a person would type it, so that the page opens
 * filled and decides at once (a GET with a destination or a port decides). Pods become namespace and labels (the
 * {@code k8s:} source prefix dropped, and the labels the engine adds itself left out:
 * {@code io.kubernetes.pod.namespace}, {@code io.cilium.k8s.policy.cluster} and the namespace's
 * {@code io.cilium.k8s.namespace.labels.*}; the service account is kept, since policies select on it). A
 * {@code reserved:} identity becomes its entity, except world, which becomes the flow's IP when it has one; a world
 * destination with {@code destination_names} becomes the first name as an FQDN. The port, protocol and the L7
 * request follow: HTTP method, path and host (not the headers, which are mostly tracing noise), Kafka API key, first
 * topic and client ID, DNS query. The link is kept under {@link TrafficForm#MAX_LINK_LENGTH}: the path's query
 * string goes first, then the L7 request; what cannot be said (ICMP, which the page refuses with a message) is left
 * for the page to explain.
 */
public final class WhatIfLink {

	private static final String K8S = "k8s:";

	private static final String RESERVED = "reserved:";

	private WhatIfLink() {
	}

	/** {@code /workspaces/<ws>/what-if?fromKind=...}: the what-if page filled with {@code flow}'s traffic. */
	public static String of(String workspace, Flow flow) {
		// link() encodes the path; workspace names are DNS labels (Workspaces) in any case
		String path = "/workspaces/" + workspace + "/what-if";
		String link = SimulationPages.link(path, parameters(flow, true, true));
		if (link.length() > TrafficForm.MAX_LINK_LENGTH) {
			link = SimulationPages.link(path, parameters(flow, true, false));
		}
		if (link.length() > TrafficForm.MAX_LINK_LENGTH) {
			link = SimulationPages.link(path, parameters(flow, false, false));
		}
		return link;
	}

	/** The what-if form's parameters for {@code flow}, with or without the L7 request and the HTTP query string. */
	static Map<String, String> parameters(Flow flow, boolean withL7, boolean withQuery) {
		String[] from = endpoint(flow.source(), flow.sourceIp(), List.of());
		String[] to = endpoint(flow.destination(), flow.destinationIp(), flow.destinationNames());
		String l7 = "";
		String httpMethod = "";
		String httpPath = "";
		String httpHost = "";
		String kafkaApiKey = "";
		String kafkaTopic = "";
		String kafkaClientId = "";
		String dnsQuery = "";
		if (withL7 && flow.l7() instanceof Flow.Http http) {
			l7 = "http";
			httpMethod = http.method();
			String url = http.url();
			int scheme = url.indexOf("://");
			if (scheme > 0) {
				String rest = url.substring(scheme + 3);
				int slash = rest.indexOf('/');
				httpHost = (slash < 0) ? rest : rest.substring(0, slash);
				httpPath = (slash < 0) ? "/" : rest.substring(slash);
			}
			else {
				httpPath = url;
			}
			int question = httpPath.indexOf('?');
			if (!withQuery && question >= 0) {
				httpPath = httpPath.substring(0, question);
			}
		}
		else if (withL7 && flow.l7() instanceof Flow.Kafka kafka) {
			l7 = "kafka";
			kafkaApiKey = kafka.apiKey();
			kafkaTopic = kafka.topics().isEmpty() ? "" : kafka.topics().get(0);
			kafkaClientId = (kafka.clientId() != null) ? kafka.clientId() : "";
		}
		else if (withL7 && flow.l7() instanceof Flow.Dns dns) {
			l7 = "dns";
			dnsQuery = dns.query();
		}
		TrafficForm form = new TrafficForm(from[0], from[1], from[2], from[3], from[4], "", to[0], to[1], to[2], to[3],
				to[4], to[5], protocol(flow.protocol()), Integer.toString(flow.destinationPort()), l7, httpMethod,
				httpPath, httpHost, "", "", "", kafkaApiKey, "", kafkaTopic, kafkaClientId, dnsQuery, "latest", "", "",
				"", "", "");
		return form.parameters();
	}

	/** {kind, namespace, labels, entity, ip, fqdn} of one endpoint. */
	private static String[] endpoint(Flow.Endpoint endpoint, @Nullable String ip, List<String> names) {
		String entity = entity(endpoint.labels());
		boolean world = entity == null ? endpoint.namespace() == null || endpoint.namespace().isEmpty()
				: entity.startsWith("world");
		if (entity == null && !world) {
			return new String[] { "pod", endpoint.namespace(), labels(endpoint.labels()), "", "", "" };
		}
		if (!world) {
			return new String[] { "entity", "", "", entity, "", "" };
		}
		if (!names.isEmpty()) {
			return new String[] { "fqdn", "", "", "", "", names.get(0) };
		}
		if (ip != null && !ip.isEmpty()) {
			return new String[] { "ip", "", "", "", ip, "" };
		}
		return new String[] { "entity", "", "", (entity != null) ? entity : "world", "", "" };
	}

	/**
	 * The entity a {@code reserved:} label names ({@code kube-apiserver} before the {@code remote-node} it also
	 * carries), or null when the endpoint has none the page knows ({@code reserved:unknown} is then read as world).
	 */
	private static @Nullable String entity(List<String> labels) {
		String found = null;
		boolean reserved = false;
		for (String label : labels) {
			if (!label.startsWith(RESERVED)) {
				continue;
			}
			reserved = true;
			String name = label.substring(RESERVED.length());
			if ("kube-apiserver".equals(name)) {
				return name;
			}
			if (found == null && Traffic.ENTITIES.contains(name)) {
				found = name;
			}
		}
		return (found == null && reserved) ? "world" : found;
	}

	/** The labels a person would type, {@code app=web, version=v1}, the service account last. */
	private static String labels(List<String> labels) {
		List<String> typed = new ArrayList<>();
		List<String> last = new ArrayList<>();
		for (String label : labels) {
			String text = label.startsWith(K8S) ? label.substring(K8S.length()) : label;
			if (text.equals(label) && label.indexOf(':') >= 0 && label.indexOf(':') < label.indexOf('=')) {
				// another source (container:, unspec:): the page describes Kubernetes labels only
				continue;
			}
			if (text.startsWith("io.kubernetes.pod.namespace=") || text.startsWith("io.cilium.k8s.policy.cluster=")
					|| text.startsWith("io.cilium.k8s.namespace.labels.") || text.indexOf('=') <= 0
					|| text.contains(",")) {
				continue;
			}
			(text.startsWith("io.cilium.k8s.policy.serviceaccount=") ? last : typed).add(text);
		}
		typed.addAll(last);
		return String.join(", ", typed);
	}

	private static String protocol(Protocol protocol) {
		return switch (protocol) {
			case ICMPV4 -> "ICMPv4";
			case ICMPV6 -> "ICMPv6";
			default -> protocol.name();
		};
	}

}
