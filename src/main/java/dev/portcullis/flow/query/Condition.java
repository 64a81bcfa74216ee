package dev.portcullis.flow.query;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * One field of a compiled filter and its values, of which one must match (OR within a flag's values), following
 * the matchers of Hubble's server (cilium pkg/hubble/filters): pods by namespace and name prefix, labels by
 * selector, IPs by address or CIDR, FQDNs by pattern with {@code *}, ports of TCP, UDP and SCTP, HTTP status codes
 * by code or prefix ({@code 5+}), HTTP paths by RE2 regular expression (unanchored), node names by pattern.
 */
record Condition(Field field, List<Object> values) {

	Condition {
		values = List.copyOf(values);
	}

	/** What a condition looks at. */
	enum Field {
		SOURCE_POD, DESTINATION_POD, SOURCE_LABEL, DESTINATION_LABEL, SOURCE_IP, DESTINATION_IP, SOURCE_FQDN,
		DESTINATION_FQDN, SOURCE_PORT, DESTINATION_PORT, PROTOCOL, VERDICT, TYPE, HTTP_STATUS, HTTP_METHOD,
		HTTP_PATH, DROP_REASON_DESC, NODE_NAME, TRAFFIC_DIRECTION
	}

	/** {@code namespace/prefix}: the namespace exactly, the pod name by prefix (empty: every pod). */
	record PodName(String namespace, String prefix) {
	}

	/** A pattern with {@code *} wildcards, matched in full, case-insensitively. */
	record Glob(String text, Pattern pattern) {

		static Glob of(String text, String wildcard) {
			StringBuilder regex = new StringBuilder();
			int start = 0;
			for (int i = 0; i < text.length(); i++) {
				if (text.charAt(i) == '*') {
					regex.append(Pattern.quote(text.substring(start, i))).append(wildcard);
					start = i + 1;
				}
			}
			regex.append(Pattern.quote(text.substring(start)));
			return new Glob(text, Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE));
		}

		boolean matches(@Nullable String value) {
			return value != null && this.pattern.matcher(value).matches();
		}

	}

	/** An event type and, when {@code subType} is not null, its sub-type. */
	record EventType(int type, @Nullable Integer subType) {
	}

	/** An HTTP status code ({@code 404}) or prefix ({@code 5+}: 500-599, {@code 40+}: 400-409). */
	record StatusCode(String digits, boolean prefix) {

		boolean matches(int code) {
			if (code < 0) {
				return false;
			}
			String text = Integer.toString(code);
			return this.prefix ? text.startsWith(this.digits) : text.equals(this.digits);
		}

	}

	/** An RE2 regular expression over the URL's path. */
	record PathPattern(String text, com.google.re2j.Pattern pattern) {
	}

	/** Monitor message types by name (cilium pkg/monitor/api MessageTypeNames). */
	static final Map<String, Integer> TYPES = Map.of("drop", 1, "debug", 2, "capture", 3, "trace", 4,
			"policy-verdict", 5, "recorder", 6, "trace-sock", 7, "l7", 129, "agent", 130);

	/** Trace observation points (sub-types of {@code trace}) by name (cilium pkg/monitor/api). */
	static final List<String> TRACE_POINTS = List.of("to-endpoint", "to-proxy", "to-host", "to-stack",
			"to-overlay", "from-endpoint", "from-proxy", "from-host", "from-stack", "from-overlay", "from-network",
			"to-network", "from-crypto", "to-crypto");

	static final List<String> VERDICTS = List.of("FORWARDED", "DROPPED", "ERROR", "AUDIT", "REDIRECTED", "TRACED",
			"TRANSLATED");

	static final List<String> PROTOCOLS = List.of("tcp", "udp", "sctp", "icmp", "icmpv4", "icmpv6", "http", "dns",
			"kafka");

	/**
	 * The value of {@code flag} read from {@code text}, as a condition holds it.
	 * @throws IllegalArgumentException with a message quoting the text and saying what is allowed
	 */
	static Object value(Flag flag, String text) {
		String value = text.strip();
		if (value.isEmpty()) {
			throw new IllegalArgumentException("needs a value");
		}
		return switch (flag) {
			case FROM_POD, TO_POD, POD -> pod(value);
			case FROM_NAMESPACE, TO_NAMESPACE, NAMESPACE -> {
				if (!value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
					throw new IllegalArgumentException("must be a namespace name such as kube-system, not "
							+ Quoted.of(value));
				}
				yield new PodName(value, "");
			}
			case FROM_LABEL, TO_LABEL, LABEL -> LabelSelectorText.parse(value);
			case FROM_IP, TO_IP, IP -> {
				Cidr cidr = Cidr.tryParse(value);
				if (cidr == null) {
					throw new IllegalArgumentException("must be an IP address or CIDR such as 10.0.0.1 or "
							+ "10.0.0.0/8, not " + Quoted.of(value));
				}
				yield cidr;
			}
			case FROM_FQDN, TO_FQDN, FQDN -> {
				if (!value.matches("[-a-zA-Z0-9_.*]+")) {
					throw new IllegalArgumentException("must be a DNS name, * standing for any characters, such as "
							+ "*.cilium.io, not " + Quoted.of(value));
				}
				yield Glob.of(value, "[-a-zA-Z0-9_.]*");
			}
			case FROM_PORT, TO_PORT, PORT -> {
				int port = -1;
				if (value.matches("[0-9]{1,5}")) {
					port = Integer.parseInt(value);
				}
				if (port < 0 || port > 65535) {
					throw new IllegalArgumentException("must be a port number 0..65535, not " + Quoted.of(value));
				}
				yield port;
			}
			case PROTOCOL -> {
				String protocol = value.toLowerCase(Locale.ROOT);
				if (!PROTOCOLS.contains(protocol)) {
					throw new IllegalArgumentException("must be one of " + String.join(", ", PROTOCOLS) + ", not "
							+ Quoted.of(value));
				}
				yield protocol;
			}
			case VERDICT -> {
				String verdict = value.toUpperCase(Locale.ROOT);
				if (!VERDICTS.contains(verdict)) {
					throw new IllegalArgumentException("must be one of " + String.join(", ", VERDICTS) + ", not "
							+ Quoted.of(value));
				}
				yield verdict;
			}
			case TYPE -> eventType(value);
			case HTTP_STATUS -> {
				if (value.matches("[1-5][0-9]{2}")) {
					yield new StatusCode(value, false);
				}
				if (value.matches("[1-5][0-9]?\\+")) {
					yield new StatusCode(value.substring(0, value.length() - 1), true);
				}
				throw new IllegalArgumentException("must be a status code such as 404 or a prefix such as 5+ or "
						+ "40+, not " + Quoted.of(value));
			}
			case HTTP_METHOD -> {
				if (!value.matches("[A-Za-z]+")) {
					throw new IllegalArgumentException("must be an HTTP method such as GET, not " + Quoted.of(value));
				}
				yield value.toUpperCase(Locale.ROOT);
			}
			case HTTP_PATH -> {
				try {
					yield new PathPattern(value, com.google.re2j.Pattern.compile(value));
				}
				catch (com.google.re2j.PatternSyntaxException ex) {
					throw new IllegalArgumentException("must be an RE2 regular expression such as /api/v[0-9]+/, not "
							+ Quoted.of(value) + " (" + ex.getDescription() + ")");
				}
			}
			case DROP_REASON_DESC -> {
				if (!value.matches("[A-Za-z0-9_]+")) {
					throw new IllegalArgumentException("must be a drop reason such as POLICY_DENIED, not "
							+ Quoted.of(value));
				}
				yield value.toUpperCase(Locale.ROOT);
			}
			case NODE_NAME -> {
				if (!value.matches("[-a-zA-Z0-9_.*/]+")) {
					throw new IllegalArgumentException("must be a node name, * standing for any characters, such as "
							+ "worker-*, not " + Quoted.of(value));
				}
				yield Glob.of(value, ".*");
			}
			case TRAFFIC_DIRECTION -> {
				String direction = value.toUpperCase(Locale.ROOT);
				if (!direction.equals("INGRESS") && !direction.equals("EGRESS")) {
					throw new IllegalArgumentException("must be ingress or egress, not " + Quoted.of(value));
				}
				yield direction;
			}
		};
	}

	private static PodName pod(String value) {
		int slash = value.indexOf('/');
		String namespace = (slash >= 0) ? value.substring(0, slash) : "default";
		String prefix = (slash >= 0) ? value.substring(slash + 1) : value;
		if ((namespace.isEmpty() && prefix.isEmpty()) || namespace.isEmpty()
				|| !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || !prefix.matches("[-a-z0-9.]*")) {
			throw new IllegalArgumentException("must be [namespace/]<pod name prefix> such as default/xwing, not "
					+ Quoted.of(value));
		}
		return new PodName(namespace, prefix);
	}

	private static EventType eventType(String value) {
		String[] parts = value.split(":", 2);
		Integer type = TYPES.get(parts[0]);
		if (type == null && parts[0].matches("[0-9]{1,3}")) {
			type = Integer.parseInt(parts[0]);
		}
		if (type == null) {
			throw new IllegalArgumentException("must be an event type (" + String.join(", ", new java.util.TreeSet<>(
					TYPES.keySet())) + " or a number, optionally :sub-type), not " + Quoted.of(value));
		}
		if (parts.length == 1) {
			return new EventType(type, null);
		}
		int sub = (type == 4) ? TRACE_POINTS.indexOf(parts[1]) : -1;
		if (sub < 0 && parts[1].matches("[0-9]{1,3}")) {
			sub = Integer.parseInt(parts[1]);
		}
		if (sub < 0) {
			throw new IllegalArgumentException("has an unknown sub-type " + Quoted.of(parts[1])
					+ " (for trace: " + String.join(", ", TRACE_POINTS) + ", or a number)");
		}
		return new EventType(type, sub);
	}

	/** Whether one of the values matches {@code flow}. */
	boolean matches(FlowFacts flow) {
		for (Object value : this.values) {
			if (matches(flow, value)) {
				return true;
			}
		}
		return false;
	}

	private boolean matches(FlowFacts flow, Object value) {
		return switch (this.field) {
			case SOURCE_POD -> pod(flow.source(), (PodName) value);
			case DESTINATION_POD -> pod(flow.destination(), (PodName) value);
			case SOURCE_LABEL -> ((LabelSelectorText) value).matches(flow.source().labels());
			case DESTINATION_LABEL -> ((LabelSelectorText) value).matches(flow.destination().labels());
			case SOURCE_IP -> ip(flow.source().ip(), (Cidr) value);
			case DESTINATION_IP -> ip(flow.destination().ip(), (Cidr) value);
			case SOURCE_FQDN -> flow.source().names().stream().anyMatch(((Glob) value)::matches);
			case DESTINATION_FQDN -> flow.destination().names().stream().anyMatch(((Glob) value)::matches);
			case SOURCE_PORT -> flow.sourcePort() >= 0 && flow.sourcePort() == (Integer) value;
			case DESTINATION_PORT -> flow.destinationPort() >= 0 && flow.destinationPort() == (Integer) value;
			case PROTOCOL -> protocol(flow, (String) value);
			case VERDICT -> value.equals(flow.verdict());
			case TYPE -> {
				EventType type = (EventType) value;
				yield flow.eventType() == type.type()
						&& (type.subType() == null || type.subType() == flow.eventSubType());
			}
			case HTTP_STATUS -> "http".equals(flow.l7()) && ((StatusCode) value).matches(flow.httpCode());
			case HTTP_METHOD -> flow.httpMethod() != null && flow.httpMethod().equalsIgnoreCase((String) value);
			case HTTP_PATH -> {
				String path = path(flow.httpUrl());
				yield path != null && ((PathPattern) value).pattern().matcher(path).find();
			}
			case DROP_REASON_DESC -> value.equals(flow.dropReasonDesc());
			case NODE_NAME -> {
				Glob glob = (Glob) value;
				String node = flow.nodeName();
				yield glob.matches(node) || (node != null && node.indexOf('/') >= 0 && glob.text().indexOf('/') < 0
						&& glob.matches(node.substring(node.lastIndexOf('/') + 1)));
			}
			case TRAFFIC_DIRECTION -> value.equals(flow.trafficDirection());
		};
	}

	private static boolean pod(FlowFacts.Endpoint endpoint, PodName name) {
		if (endpoint.namespace() == null || !endpoint.namespace().equals(name.namespace())) {
			return false;
		}
		if (name.prefix().isEmpty()) {
			return true;
		}
		return endpoint.podName() != null && endpoint.podName().startsWith(name.prefix());
	}

	private static boolean ip(@Nullable String text, Cidr cidr) {
		if (text == null) {
			return false;
		}
		IpAddress address = IpAddress.tryParse(text);
		return address != null && cidr.contains(address);
	}

	private static boolean protocol(FlowFacts flow, String protocol) {
		return switch (protocol) {
			case "icmp" -> "icmpv4".equals(flow.l4()) || "icmpv6".equals(flow.l4());
			case "http", "dns", "kafka" -> protocol.equals(flow.l7());
			default -> protocol.equals(flow.l4());
		};
	}

	/** The path of a URL ({@code http://host/a/b?c} is {@code /a/b}), or null. */
	static @Nullable String path(@Nullable String url) {
		if (url == null) {
			return null;
		}
		String rest = url;
		int scheme = rest.indexOf("://");
		if (scheme >= 0) {
			int slash = rest.indexOf('/', scheme + 3);
			rest = (slash >= 0) ? rest.substring(slash) : "/";
		}
		int query = rest.indexOf('?');
		if (query >= 0) {
			rest = rest.substring(0, query);
		}
		int fragment = rest.indexOf('#');
		return (fragment >= 0) ? rest.substring(0, fragment) : rest;
	}

}
