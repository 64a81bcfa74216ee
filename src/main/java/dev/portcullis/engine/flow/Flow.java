package dev.portcullis.engine.flow;

import java.util.List;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.engine.match.KafkaMatcher;
import org.jspecify.annotations.Nullable;

/**
 * One flow as the engine decides it: the fields of a Hubble flow that policy depends on.
 *
 * @param source the sending endpoint
 * @param destination the receiving endpoint
 * @param sourceIp {@code IP.source}, or null
 * @param destinationIp {@code IP.destination}, or null
 * @param protocol the L4 protocol ({@code l4.TCP}, {@code l4.UDP}, {@code l4.SCTP}, {@code l4.ICMPv4},
 *        {@code l4.ICMPv6})
 * @param destinationPort {@code l4.<proto>.destination_port}; 0 for ICMP
 * @param icmpType {@code l4.ICMPv4.type} / {@code l4.ICMPv6.type}; -1 when not ICMP
 * @param l7 the L7 request, or null for an L3/L4 flow
 * @param destinationNames {@code destination_names}: the DNS names Cilium had learned for the destination IP
 *        (what {@code toFQDNs} matches against)
 * @param tlsServerName extension {@code tls.sni}: the TLS ClientHello's server name, for {@code serverNames}
 *        rules; null when the connection is not TLS or the name is unknown
 * @param reply {@code is_reply}: a reply of an established connection (never evaluated against policy)
 * @param nodeLabels {@code node_labels}: the labels of the node the flow was observed on; they are the labels of
 *        the host endpoint ({@code reserved:host}) that {@code nodeSelector} policies select. A label without a
 *        source prefix ({@code kubernetes.io/hostname=n1}) is read as a {@code k8s:} label.
 * @param destinationService {@code destination_service}: the Kubernetes service the destination was reached
 *        through, for {@code toServices}; extension {@code labels} gives the service's labels for
 *        {@code k8sServiceSelector}. Null when unknown.
 */
public record Flow(Endpoint source, Endpoint destination, @Nullable String sourceIp, @Nullable String destinationIp,
		Protocol protocol, int destinationPort, int icmpType, @Nullable L7Request l7, List<String> destinationNames,
		@Nullable String tlsServerName, boolean reply, List<String> nodeLabels, @Nullable Service destinationService) {

	public Flow {
		destinationNames = List.copyOf(destinationNames);
		nodeLabels = List.copyOf(nodeLabels);
	}

	/**
	 * Whether {@code text} is an IPv4 or IPv6 address as {@code IP.source} and {@code IP.destination} may hold it
	 * (what the evaluator can match against CIDRs); flow readers refuse other text.
	 */
	public static boolean isIpAddress(String text) {
		return IpAddress.tryParse(text) != null;
	}

	/** A flow without node labels and destination service. */
	public Flow(Endpoint source, Endpoint destination, @Nullable String sourceIp, @Nullable String destinationIp,
			Protocol protocol, int destinationPort, int icmpType, @Nullable L7Request l7, List<String> destinationNames,
			@Nullable String tlsServerName, boolean reply) {
		this(source, destination, sourceIp, destinationIp, protocol, destinationPort, icmpType, l7, destinationNames,
				tlsServerName, reply, List.of(), null);
	}

	/** This flow with the destination's named ports replaced (the rest of the destination and flow unchanged). */
	public Flow withDestinationPorts(List<NamedPort> namedPorts) {
		Endpoint withPorts = new Endpoint(this.destination.namespace(), this.destination.labels(),
				this.destination.podName(), this.destination.clusterName(), namedPorts);
		return new Flow(this.source, withPorts, this.sourceIp, this.destinationIp, this.protocol,
				this.destinationPort, this.icmpType, this.l7, this.destinationNames, this.tlsServerName, this.reply,
				this.nodeLabels, this.destinationService);
	}

	/**
	 * A Kubernetes service ({@code destination_service}: {@code name}, {@code namespace}; extension {@code labels}
	 * as {@code key=value} strings).
	 */
	public record Service(String name, @Nullable String namespace, List<String> labels) {

		public Service {
			labels = List.copyOf(labels);
		}

	}

	/**
	 * A flow endpoint ({@code source} / {@code destination}).
	 *
	 * @param namespace {@code namespace}: set for pods; an endpoint without one is identified by its
	 *        {@code reserved:} / {@code cidr:} labels, else it is world
	 * @param labels {@code labels} as Hubble prints them, for example {@code k8s:app=web}, {@code reserved:world}
	 * @param podName {@code pod_name}, or null
	 * @param clusterName {@code cluster_name}, or null
	 * @param namedPorts extension {@code named_ports}: the pod's container ports by name (for named ports in
	 *        policies)
	 */
	public record Endpoint(@Nullable String namespace, List<String> labels, @Nullable String podName,
			@Nullable String clusterName, List<NamedPort> namedPorts) {

		public Endpoint {
			labels = List.copyOf(labels);
			namedPorts = List.copyOf(namedPorts);
		}

	}

	/** A container port name of a pod: {@code {name, port, protocol}}. */
	public record NamedPort(String name, int port, Protocol protocol) {
	}

	/** The L7 request of a flow ({@code l7.http}, {@code l7.kafka}, {@code l7.dns}). */
	public sealed interface L7Request permits Http, Kafka, Dns {
	}

	/**
	 * {@code l7.http}: {@code method}, {@code url} (absolute, as Hubble prints it, or a path), {@code headers},
	 * {@code protocol} (for example {@code HTTP/2}).
	 */
	public record Http(String method, String url, List<Header> headers, @Nullable String protocol)
			implements L7Request {

		public Http {
			headers = List.copyOf(headers);
		}

	}

	/** An HTTP header {@code {key, value}}. */
	public record Header(String key, String value) implements HttpMatcher.Header {
	}

	/**
	 * {@code l7.kafka}: {@code api_key} (a name such as {@code produce}), {@code api_version}, {@code topic};
	 * extensions {@code client_id} and {@code topics} (a request naming several topics; {@code topic} is then
	 * the first).
	 */
	public record Kafka(String apiKey, int apiVersion, @Nullable String clientId, List<String> topics)
			implements L7Request, KafkaMatcher.Request {

		public Kafka {
			topics = List.copyOf(topics);
		}

		/**
		 * The name of a Kafka API key number as {@code api_key} spells it ({@code 0} is {@code produce},
		 * {@code 1} is {@code fetch}); the number as text when it has no name.
		 */
		public static String apiKeyName(int key) {
			return KafkaMatcher.apiKeyName(key);
		}

	}

	/** {@code l7.dns}: the {@code query} name and its {@code qtypes}. */
	public record Dns(String query, List<String> qtypes) implements L7Request {

		public Dns {
			qtypes = List.copyOf(qtypes);
		}

	}

}
