package dev.portcullis.engine.api;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One Cilium rule ({@code spec} or an item of {@code specs}; pkg/policy/api/rule.go), or one rule a
 * NetworkPolicy translates into.
 *
 * @param path where the rule is in its document, for example {@code spec} or {@code specs[2]}
 * @param endpointSelector the subject pods; exactly one of this and {@code nodeSelector} is set
 * @param nodeSelector the subject nodes (host firewall; CiliumClusterwideNetworkPolicy only)
 * @param ingress allow rules at ingress ({@code null} when absent)
 * @param ingressDeny deny rules at ingress
 * @param egress allow rules at egress
 * @param egressDeny deny rules at egress
 * @param enableDefaultDenyIngress {@code enableDefaultDeny.ingress} as written (null = not set)
 * @param enableDefaultDenyEgress {@code enableDefaultDeny.egress} as written (null = not set)
 * @param log {@code log.value}, copied into Hubble's {@code policy_log}
 */
public record Rule(String path, @Nullable LabelSelector endpointSelector, @Nullable LabelSelector nodeSelector,
		@Nullable List<PeerRule> ingress, @Nullable List<PeerRule> ingressDeny, @Nullable List<PeerRule> egress,
		@Nullable List<PeerRule> egressDeny, @Nullable Boolean enableDefaultDenyIngress,
		@Nullable Boolean enableDefaultDenyEgress, @Nullable String description, @Nullable String log) {

	public Rule {
		ingress = (ingress != null) ? List.copyOf(ingress) : null;
		ingressDeny = (ingressDeny != null) ? List.copyOf(ingressDeny) : null;
		egress = (egress != null) ? List.copyOf(egress) : null;
		egressDeny = (egressDeny != null) ? List.copyOf(egressDeny) : null;
	}

}
