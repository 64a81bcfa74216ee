package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.Entity;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.IpAddress;
import dev.portcullis.engine.match.KafkaMatcher;
import dev.portcullis.engine.match.Labels;
import dev.portcullis.engine.match.SelectorMatcher;
import dev.portcullis.engine.match.ServerNamePattern;
import org.jspecify.annotations.Nullable;

/**
 * One compiled item of {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny}: its peers
 * (label-based ones are matched once per identity pair, flow-based ones per flow) and its ports with their L7
 * rules (Cilium's per-selector L4 filter).
 */
final class CompiledEntry {

	/** {@link #matchL4} result: the entry has no ports and no ICMP rules, so it covers every protocol. */
	static final int L3_ONLY = -1;

	/** {@link #matchL4} result: no port or ICMP rule matched. */
	static final int NO_MATCH = -2;

	/** {@link #matchL4} results at or above this are ICMP field indexes plus this offset. */
	static final int ICMP_OFFSET = 1 << 20;

	/** {@link #auth}: no {@code authentication} on the rule. */
	static final int AUTH_UNSET = -1;

	/** {@link #auth}: {@code authentication.mode: disabled} (Cilium's AuthTypeDisabled, explicit). */
	static final int AUTH_DISABLED = 0;

	/** {@link #auth}: {@code authentication.mode: required} (AuthTypeSpire, mutual authentication). */
	static final int AUTH_SPIRE = 1;

	/** {@link #auth}: {@code authentication.mode: test-always-fail} (AuthTypeAlwaysFail). */
	static final int AUTH_ALWAYS_FAIL = 2;

	final CompiledRule rule;

	final Direction direction;

	final boolean deny;

	final String path;

	/** No peer field, but ports or ICMP rules: every peer. */
	final boolean anyPeer;

	/** No {@code toPorts} and no {@code icmps}: the entry covers every protocol and port. */
	final boolean l3Only;

	final List<LabelPeer> labelPeers;

	final List<FlowPeer> flowPeers;

	final List<PortEntry> ports;

	final List<IcmpEntry> icmps;

	final List<PortL7> portRules;

	/**
	 * {@code authentication.mode} as Cilium's auth type ({@link #AUTH_UNSET}, {@link #AUTH_DISABLED},
	 * {@link #AUTH_SPIRE}, {@link #AUTH_ALWAYS_FAIL}; pkg/policy/l4.go {@code getAuthType}); higher wins a merge.
	 */
	final int auth;

	/** Whether its match can depend on cluster state the flow may lack ({@link Uncertainty#dependsOnState}). */
	final boolean stateDependent;

	CompiledEntry(CompiledRule rule, Direction direction, boolean deny, String path, boolean anyPeer, boolean l3Only,
			List<LabelPeer> labelPeers, List<FlowPeer> flowPeers, List<PortEntry> ports, List<IcmpEntry> icmps,
			List<PortL7> portRules, int auth) {
		this.rule = rule;
		this.direction = direction;
		this.deny = deny;
		this.path = path;
		this.anyPeer = anyPeer;
		this.l3Only = l3Only;
		this.labelPeers = List.copyOf(labelPeers);
		this.flowPeers = List.copyOf(flowPeers);
		this.ports = List.copyOf(ports);
		this.icmps = List.copyOf(icmps);
		this.portRules = List.copyOf(portRules);
		this.auth = auth;
		this.stateDependent = Uncertainty.dependsOnState(this);
	}

	/** The auth type of an {@code authentication.mode} as written (null: unset). */
	static int authOf(@Nullable String mode) {
		if (mode == null) {
			return AUTH_UNSET;
		}
		return switch (mode) {
			case "disabled" -> AUTH_DISABLED;
			case "required" -> AUTH_SPIRE;
			case "test-always-fail" -> AUTH_ALWAYS_FAIL;
			default -> AUTH_UNSET;
		};
	}

	PolicyRef policy() {
		return this.rule.policy;
	}

	/**
	 * Which port or ICMP rule covers the flow: an index into {@link #ports}, {@link #ICMP_OFFSET} plus an index
	 * into {@link #icmps}, {@link #L3_ONLY} or {@link #NO_MATCH}. Named ports are resolved against the
	 * destination endpoint's named ports (the subject at ingress, the peer at egress); at egress under Cilium before
	 * 1.20 the caller gives the destination the names resolved across all pods ({@link EgressNamedPorts}).
	 */
	int matchL4(Flow flow) {
		if (this.l3Only) {
			return L3_ONLY;
		}
		Protocol protocol = flow.protocol();
		if (protocol == Protocol.ICMPV4 || protocol == Protocol.ICMPV6) {
			boolean v6 = protocol == Protocol.ICMPV6;
			for (int i = 0; i < this.icmps.size(); i++) {
				IcmpEntry icmp = this.icmps.get(i);
				if (icmp.ipv6() == v6 && icmp.type() == flow.icmpType()) {
					return ICMP_OFFSET + i;
				}
			}
			return NO_MATCH;
		}
		for (int i = 0; i < this.ports.size(); i++) {
			if (this.ports.get(i).matches(protocol, flow.destinationPort(), flow.destination())) {
				return i;
			}
		}
		return NO_MATCH;
	}

	/**
	 * Whether the entry's peer selects this peer and flow: any peer, a label peer, or a flow peer (CIDR, FQDN,
	 * service) that admits the identity and matches the flow's address.
	 */
	boolean peerMatches(SecurityIdentity peer, Flow flow, @Nullable IpAddress peerIp, EngineOptions options) {
		if (this.anyPeer) {
			return true;
		}
		for (LabelPeer labelPeer : this.labelPeers) {
			if (labelPeer.matches(peer, options.clusterName())) {
				return true;
			}
		}
		for (FlowPeer flowPeer : this.flowPeers) {
			if (flowPeer.admits(peer, options.cidrMatchesNodes()) && flowPeer.matches(flow, peerIp)) {
				return true;
			}
		}
		return false;
	}

	/** The first named port of the entry that covers the protocol, or null. */
	@Nullable PortEntry namedPort(Protocol protocol) {
		for (PortEntry port : this.ports) {
			if (port.name() != null && port.covers(protocol)) {
				return port;
			}
		}
		return null;
	}

	/** The L7 part of the port rule behind a {@link #matchL4} result, or null (L3-only, ICMP). */
	@Nullable PortL7 l7Of(int l4Match) {
		if (l4Match < 0 || l4Match >= ICMP_OFFSET) {
			return null;
		}
		return this.portRules.get(this.ports.get(l4Match).portRuleIndex());
	}

	/** A peer matched on identity labels alone: an endpoint or node selector, or an entity. */
	sealed interface LabelPeer permits SelectorPeer, EntityPeer {

		String path();

		boolean matches(SecurityIdentity peer, String clusterName);

	}

	/** A scoped {@code fromEndpoints}/{@code toEndpoints} selector, or a {@code fromNodes}/{@code toNodes} one. */
	record SelectorPeer(String path, SelectorMatcher matcher, boolean remoteNodesOnly) implements LabelPeer {

		@Override
		public boolean matches(SecurityIdentity peer, String clusterName) {
			if (this.remoteNodesOnly) {
				if (peer.kind != SecurityIdentity.Kind.REMOTE_NODE) {
					return false;
				}
				String cluster = peer.labels.value(SecurityIdentity.CLUSTER_LABEL);
				if (cluster != null && !cluster.equals(clusterName)) {
					return false;
				}
			}
			return this.matcher.matches(peer.labels);
		}

	}

	/** A {@code fromEntities}/{@code toEntities} entity. */
	record EntityPeer(String path, Entity entity) implements LabelPeer {

		@Override
		public boolean matches(SecurityIdentity peer, String clusterName) {
			return this.entity.selects(peer.labels, clusterName);
		}

	}

	/** A peer that needs the flow: a CIDR, an FQDN selector or a service. */
	sealed interface FlowPeer permits CidrPeer, FqdnPeer, ServicePeer, UnresolvablePeer {

		String path();

		/** Whether the peer identity can be selected at all (checked once per identity pair). */
		boolean admits(SecurityIdentity peer, boolean cidrMatchesNodes);

		boolean matches(Flow flow, @Nullable IpAddress peerIp);

	}

	/** A {@code fromCIDR}/{@code toCIDR} prefix or a {@code CIDRSet} item with its excepts. */
	record CidrPeer(String path, Cidr cidr, List<Cidr> except) implements FlowPeer {

		@Override
		public boolean admits(SecurityIdentity peer, boolean cidrMatchesNodes) {
			return peer.cidrSelectable(cidrMatchesNodes);
		}

		@Override
		public boolean matches(Flow flow, @Nullable IpAddress peerIp) {
			if (peerIp == null || !this.cidr.contains(peerIp)) {
				return false;
			}
			for (Cidr excluded : this.except) {
				if (excluded.contains(peerIp)) {
					return false;
				}
			}
			return true;
		}

	}

	/** A {@code toFQDNs} selector: matches world destinations whose learned DNS names match. */
	record FqdnPeer(String path, DnsPattern pattern) implements FlowPeer {

		@Override
		public boolean admits(SecurityIdentity peer, boolean cidrMatchesNodes) {
			return !peer.kind.cluster;
		}

		@Override
		public boolean matches(Flow flow, @Nullable IpAddress peerIp) {
			for (String name : flow.destinationNames()) {
				if (this.pattern.matches(name)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * A {@code toServices} item matched against the flow's {@code destination_service}: {@code k8sService} by
	 * name, {@code k8sServiceSelector} by the service's labels; {@code namespace} null matches any namespace
	 * (pkg/policy/k8s/service.go {@code serviceRefMatches}, {@code serviceSelectorMatches}). Used without an
	 * inventory, and with one for a service without a selector (its backend IPs are not in the inventory).
	 *
	 * @param unresolved why the match is a stand-in for what Cilium does (said as the verdict's uncertainty when it
	 *        did not match)
	 * @param backendIps whether it stands for a service without a selector, whose backend IPs Cilium selects as
	 *        CIDRs: then only peers a CIDR can select are admitted
	 */
	record ServicePeer(String path, @Nullable String serviceName, @Nullable SelectorMatcher selector,
			@Nullable String namespace, String unresolved, boolean backendIps) implements FlowPeer {

		@Override
		public boolean admits(SecurityIdentity peer, boolean cidrMatchesNodes) {
			return !this.backendIps || peer.cidrSelectable(cidrMatchesNodes);
		}

		@Override
		public boolean matches(Flow flow, @Nullable IpAddress peerIp) {
			Flow.Service service = flow.destinationService();
			if (service == null) {
				return false;
			}
			if (this.namespace != null && !this.namespace.equals(service.namespace())) {
				return false;
			}
			if (this.selector != null) {
				return this.selector.matches(Labels.of(service.labels()));
			}
			return this.serviceName != null && this.serviceName.equals(service.name());
		}

	}

	/**
	 * {@code cidrGroupRef} and {@code cidrGroupSelector} without an inventory, and {@code from/toGroups}: select
	 * nothing, and say why a verdict they might change is uncertain.
	 */
	record UnresolvablePeer(String path, String unresolved) implements FlowPeer {

		@Override
		public boolean admits(SecurityIdentity peer, boolean cidrMatchesNodes) {
			return false;
		}

		@Override
		public boolean matches(Flow flow, @Nullable IpAddress peerIp) {
			return false;
		}

	}

	/**
	 * One port of a port rule and the protocols it covers: a numeric range {@code port..endPort} (inclusive, as
	 * {@link dev.portcullis.engine.match.PortRange#of} builds it from the policy, so {@code 0..65535} is every
	 * port and {@code port: "0", endPort: 100} is {@code 0..100}), or a named port with the policy's
	 * {@code endPort}: the name is resolved on the destination endpoint, and the entry covers the resolved port, or
	 * the range from it to {@code endPort} when {@code endPort} is above it (pkg/policy/l4.go {@code toMapState}:
	 * {@code PortRangeToMaskedPorts(resolved, EndPort)}).
	 *
	 * @param port the first port of a numeric range (0 for a named port)
	 * @param endPort the last port of a numeric range; for a named port the policy's {@code endPort} (0 = none)
	 */
	record PortEntry(String path, String display, int portRuleIndex, int port, int endPort, @Nullable String name,
			boolean tcp, boolean udp, boolean sctp, @Nullable Protocol other) {

		boolean matches(Protocol protocol, int destinationPort, Endpoint destination) {
			if (!covers(protocol)) {
				return false;
			}
			if (this.name != null) {
				List<NamedPort> namedPorts = destination.namedPorts();
				for (int i = 0; i < namedPorts.size(); i++) {
					NamedPort named = namedPorts.get(i);
					if (named.protocol() == protocol && named.name().equalsIgnoreCase(this.name)
							&& (named.port() == destinationPort || (this.endPort > named.port()
									&& destinationPort > named.port() && destinationPort <= this.endPort))) {
						return true;
					}
				}
				return false;
			}
			return destinationPort >= this.port && destinationPort <= this.endPort;
		}

		boolean covers(Protocol protocol) {
			return switch (protocol) {
				case TCP -> this.tcp;
				case UDP -> this.udp;
				case SCTP -> this.sctp;
				default -> protocol == this.other;
			};
		}

	}

	/** One ICMP field of {@code icmps}. */
	record IcmpEntry(String path, boolean ipv6, int type) {
	}

	/**
	 * The L7 part of one port rule ({@code toPorts[i]}): HTTP matchers, Kafka rules, DNS patterns, a generic
	 * parser, TLS server names, a listener. {@link #plain()} when none is set (a pure L4 rule).
	 */
	record PortL7(String path, List<HttpMatcher> http, List<KafkaRule> kafkaRules, @Nullable KafkaMatcher kafka,
			List<DnsPattern> dns, @Nullable String l7proto, List<ServerNamePattern> serverNames,
			boolean listener) {

		boolean hasL7Rules() {
			return !this.http.isEmpty() || this.kafka != null || !this.dns.isEmpty() || this.l7proto != null;
		}

		boolean plain() {
			return !hasL7Rules() && this.serverNames.isEmpty();
		}

		boolean serverNameAllowed(@Nullable String sni) {
			if (this.serverNames.isEmpty()) {
				return true;
			}
			if (sni == null) {
				return false;
			}
			for (ServerNamePattern pattern : this.serverNames) {
				if (pattern.matches(sni)) {
					return true;
				}
			}
			return false;
		}

	}

}
