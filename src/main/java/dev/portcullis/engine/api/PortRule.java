package dev.portcullis.engine.api;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@code toPorts} item (PortRule; in deny rules PortDenyRule, which has only {@code ports}).
 *
 * @param path where it is, for example {@code spec.ingress[0].toPorts[1]}
 * @param ports the ports; empty when absent
 * @param rules the L7 rules ({@code null} = none: a pure L4 rule)
 * @param serverNames TLS SNI patterns ({@code serverNames}); empty when absent
 * @param listener {@code listener} (an Envoy listener the traffic is handed to; egress only)
 * @param terminatingTls whether {@code terminatingTLS} is set
 * @param originatingTls whether {@code originatingTLS} is set
 */
public record PortRule(String path, List<PortProtocol> ports, @Nullable L7Rules rules, List<String> serverNames,
		@Nullable Listener listener, boolean terminatingTls, boolean originatingTls) {

	public PortRule {
		ports = List.copyOf(ports);
		serverNames = List.copyOf(serverNames);
	}

	/**
	 * A port: {@code port} as written (decimal 0..65535, "0" = every port, or an IANA service name resolved
	 * against the destination pod's named ports), {@code endPort} the inclusive upper bound of a range (0 = none)
	 * and the protocol.
	 */
	public record PortProtocol(String port, int endPort, Protocol protocol) {
	}

	/** {@code listener}: the Envoy config it names and the listener name, with a priority (0 = unset). */
	public record Listener(String envoyConfigKind, String envoyConfigName, String name, int priority) {
	}

	/**
	 * {@code rules}: at most one of the L7 kinds is non-empty (Cilium rejects a mix). Empty lists mean absent.
	 *
	 * @param l7proto the generic L7 parser name, or null
	 * @param l7 the generic L7 rules (key/value maps)
	 */
	public record L7Rules(List<HttpRule> http, List<KafkaRule> kafka, List<DnsRule> dns, @Nullable String l7proto,
			List<Map<String, String>> l7) {

		public L7Rules {
			http = List.copyOf(http);
			kafka = List.copyOf(kafka);
			dns = List.copyOf(dns);
			l7 = l7.stream().map(Map::copyOf).toList();
		}

		/** Whether no L7 rule of any kind is present (then the port rule is pure L4). */
		public boolean isEmpty() {
			return this.http.isEmpty() && this.kafka.isEmpty() && this.dns.isEmpty() && this.l7proto == null;
		}

	}

	/**
	 * An HTTP rule. {@code path}, {@code method} and {@code host} are RE2 regexes matched against the whole value;
	 * {@code headers} are {@code "Name"} or {@code "Name: value"} strings; all set fields must match.
	 */
	public record HttpRule(@Nullable String path, @Nullable String method, @Nullable String host,
			List<String> headers, List<HeaderMatch> headerMatches) {

		public HttpRule {
			headers = List.copyOf(headers);
			headerMatches = List.copyOf(headerMatches);
		}

	}

	/**
	 * A {@code headerMatches} item: header {@code name}, expected {@code value} (or a secret holding it) and what
	 * to do on a mismatch ({@code mismatch}: null = fail, {@code LOG}, {@code ADD}, {@code DELETE},
	 * {@code REPLACE}).
	 */
	public record HeaderMatch(String name, @Nullable String value, @Nullable String secretNamespace,
			@Nullable String secretName, @Nullable String mismatch) {
	}

	/** A Kafka rule (deprecated beta feature). {@code role} and {@code apiKey} are mutually exclusive. */
	public record KafkaRule(@Nullable String role, @Nullable String apiKey, @Nullable String apiVersion,
			@Nullable String clientID, @Nullable String topic) {
	}

	/** A DNS rule: exactly one of {@code matchName} and {@code matchPattern}. */
	public record DnsRule(@Nullable String matchName, @Nullable String matchPattern) {
	}

}
