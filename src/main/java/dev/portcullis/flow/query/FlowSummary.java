package dev.portcullis.flow.query;

import java.util.Locale;

/**
 * A stored flow as the viewer's table shows it (the columns of Hubble UI's flow table): endpoints as
 * {@code namespace/pod} (or their reserved identity, or IP), port and protocol, a one-line L7 summary, verdict and
 * drop reason.
 */
public record FlowSummary(String source, String destination, String port, String protocol, String l7, String verdict,
		String dropReason, String direction) {

	public static FlowSummary of(FlowFacts flow) {
		String protocol = (flow.l4() != null) ? flow.l4().toUpperCase(Locale.ROOT).replace("ICMPV", "ICMPv") : "";
		String l7 = "";
		if ("http".equals(flow.l7())) {
			l7 = "HTTP " + ((flow.httpMethod() != null) ? flow.httpMethod() + " " : "")
					+ ((flow.httpUrl() != null) ? Condition.path(flow.httpUrl()) : "")
					+ ((flow.httpCode() > 0) ? " → " + flow.httpCode() : "");
		}
		else if (flow.l7() != null) {
			l7 = flow.l7().toUpperCase(Locale.ROOT);
		}
		return new FlowSummary(endpoint(flow.source()), endpoint(flow.destination()),
				(flow.destinationPort() >= 0) ? Integer.toString(flow.destinationPort()) : "", protocol, l7,
				(flow.verdict() != null) ? flow.verdict() : "",
				(flow.dropReasonDesc() != null) ? flow.dropReasonDesc() : "",
				(flow.trafficDirection() != null) ? flow.trafficDirection() : "");
	}

	/** {@code namespace/pod}, else the first reserved label ({@code reserved:world}), else the IP, else "?". */
	static String endpoint(FlowFacts.Endpoint endpoint) {
		if (endpoint.podName() != null) {
			return ((endpoint.namespace() != null) ? endpoint.namespace() + "/" : "") + endpoint.podName();
		}
		for (String label : endpoint.labels()) {
			if (label.startsWith("reserved:")) {
				return label + ((endpoint.ip() != null) ? " " + endpoint.ip() : "");
			}
		}
		if (!endpoint.names().isEmpty()) {
			return endpoint.names().get(0);
		}
		return (endpoint.ip() != null) ? endpoint.ip() : "?";
	}

}
