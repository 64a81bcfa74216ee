package dev.portcullis.engine.api;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One item of {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny}
 * (IngressRule, IngressDenyRule, EgressRule, EgressDenyRule in pkg/policy/api). The {@code from*} fields of an
 * ingress rule and the {@code to*} fields of an egress rule land in the same components. Within one item the
 * peer and the ports must both match; a {@code null} field was absent, an empty list was written empty.
 *
 * @param path where the item is, for example {@code specs[1].egress[0]}
 * @param endpoints {@code fromEndpoints} / {@code toEndpoints}
 * @param requires {@code fromRequires} / {@code toRequires} (removed in Cilium 1.19)
 * @param cidr {@code fromCIDR} / {@code toCIDR}: prefixes or bare IPs as written
 * @param cidrSet {@code fromCIDRSet} / {@code toCIDRSet}
 * @param entities {@code fromEntities} / {@code toEntities} as written (validated against the entity names)
 * @param nodes {@code fromNodes} / {@code toNodes}
 * @param groups {@code fromGroups} / {@code toGroups}: kept for validation and display; never matched
 * @param services {@code toServices} (egress only)
 * @param fqdns {@code toFQDNs} (egress allow only)
 * @param toPorts port rules; in deny rules they carry only {@code ports}
 * @param icmps ICMP rules
 * @param authenticationMode {@code authentication.mode} (allow rules only)
 */
public record PeerRule(String path, Direction direction, boolean deny, @Nullable List<LabelSelector> endpoints,
		@Nullable List<LabelSelector> requires, @Nullable List<String> cidr, @Nullable List<CidrRule> cidrSet,
		@Nullable List<String> entities, @Nullable List<LabelSelector> nodes, @Nullable List<String> groups,
		@Nullable List<ServiceSelector> services, @Nullable List<FqdnSelector> fqdns,
		@Nullable List<PortRule> toPorts, @Nullable List<IcmpRule> icmps, @Nullable String authenticationMode) {

	public PeerRule {
		endpoints = copy(endpoints);
		requires = copy(requires);
		cidr = copy(cidr);
		cidrSet = copy(cidrSet);
		entities = copy(entities);
		nodes = copy(nodes);
		groups = copy(groups);
		services = copy(services);
		fqdns = copy(fqdns);
		toPorts = copy(toPorts);
		icmps = copy(icmps);
	}

	private static <T> @Nullable List<T> copy(@Nullable List<T> list) {
		return (list != null) ? List.copyOf(list) : null;
	}

	/**
	 * A {@code fromCIDRSet} / {@code toCIDRSet} item: exactly one of {@code cidr}, {@code cidrGroupRef},
	 * {@code cidrGroupSelector}; {@code except} prefixes lie inside {@code cidr}.
	 */
	public record CidrRule(@Nullable String cidr, List<String> except, @Nullable String cidrGroupRef,
			@Nullable LabelSelector cidrGroupSelector) {

		public CidrRule {
			except = List.copyOf(except);
		}

	}

	/**
	 * A {@code toServices} item: {@code k8sService} ({@code serviceName}, {@code namespace}) or
	 * {@code k8sServiceSelector} ({@code selector}, {@code namespace}).
	 */
	public record ServiceSelector(@Nullable String serviceName, @Nullable LabelSelector selector,
			@Nullable String namespace) {
	}

	/** A {@code toFQDNs} item: exactly one of {@code matchName} and {@code matchPattern}. */
	public record FqdnSelector(@Nullable String matchName, @Nullable String matchPattern) {
	}

	/** An {@code icmps} item: its {@code fields}. */
	public record IcmpRule(List<IcmpField> fields) {

		public IcmpRule {
			fields = List.copyOf(fields);
		}

	}

	/**
	 * One ICMP field: {@code family} {@code IPv4} (default) or {@code IPv6}, and {@code type} as written (a number
	 * 0..255 or a name such as {@code EchoRequest}).
	 */
	public record IcmpField(String family, String type) {
	}

}
