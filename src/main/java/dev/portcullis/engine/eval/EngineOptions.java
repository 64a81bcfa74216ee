package dev.portcullis.engine.eval;

import dev.portcullis.engine.parse.CiliumVersion;

/**
 * Agent settings that change verdicts, with Cilium's (v1.19) defaults in {@link #DEFAULTS}.
 * {@link #of(PolicyEnforcementMode, boolean, String)} builds the common case; the {@code with...} methods change
 * one setting.
 *
 * @param enforcementMode {@code policyEnforcementMode} ({@code enable-policy}): default, always or never
 * @param auditMode {@code policyAuditMode}: L3/L4 drops are reported as AUDIT and the flow is forwarded; L7
 *        rules are still enforced by the proxy
 * @param clusterName {@code cluster-name}: peers of policies are scoped to it by default
 * @param allowLocalhost {@code allow-localhost}: {@link AllowLocalhost#ALWAYS} (the Kubernetes default) allows
 *        ingress from the local host ({@code reserved:host}) into every pod; deny rules still win
 * @param policyDefaultLocalCluster {@code policy-default-local-cluster} (true): peer selectors without a
 *        cluster label only select the local cluster
 * @param cidrMatchesNodes {@code policy-cidr-match-mode=nodes}: CIDR selectors also select node IPs (host and
 *        remote nodes); by default they select only identities outside the cluster
 * @param nodeSelectorLabels {@code enable-node-selector-labels}: {@code fromNodes}/{@code toNodes} select remote
 *        nodes by their labels; when false (the default) the agent rejects every policy that uses them and enforces
 *        none of its rules (pkg/policy/api/rule_validation.go {@code ErrFromToNodesRequiresNodeSelectorOption})
 * @param nonDefaultDenyPolicies {@code enable-non-default-deny-policies} (true): {@code enableDefaultDeny: false}
 *        is honoured; when false every rule with entries for a direction enables default deny
 * @param dnsRejectResponse {@code tofqdns-dns-reject-response-code}: what the DNS proxy answers to a denied query
 * @param hostFirewall {@code enable-host-firewall} (false): when off, host policies ({@code nodeSelector}) are
 *        ignored and host endpoints are never enforced, whatever the enforcement mode (pkg/policy/repository.go
 *        {@code computePolicyEnforcementAndRules} checks it first)
 * @param mutualAuthentication mutual authentication available ({@code mesh-auth-enabled}, the default, plus the
 *        mutual auth handler: {@code mesh-auth-mutual-listener-port} and a SPIRE server, Helm
 *        {@code authentication.mutual.spire.enabled}): whether rules with {@code authentication.mode: required} can
 *        be satisfied. False (Cilium's default install has no SPIRE): such flows are dropped with AUTH_REQUIRED
 *        (189) forever. True: they are forwarded once the agents have authenticated the identity pair (the first
 *        packets are dropped with 189 until then). {@code test-always-fail} drops either way.
 * @param ciliumVersion the agent's release line ({@code image.tag}, 1.19 by default): before 1.20 an egress named
 *        port is resolved once over the named ports of every pod the agent knows, and a name that pods define with
 *        different numbers for the protocol allows nothing ({@link #egressNamedPortsAcrossPods()}); from 1.20 it is
 *        resolved on the selected destinations
 */
public record EngineOptions(PolicyEnforcementMode enforcementMode, boolean auditMode, String clusterName,
		AllowLocalhost allowLocalhost, boolean policyDefaultLocalCluster, boolean cidrMatchesNodes,
		boolean nodeSelectorLabels, boolean nonDefaultDenyPolicies, DnsRejectResponse dnsRejectResponse,
		boolean hostFirewall, boolean mutualAuthentication, CiliumVersion ciliumVersion) {

	private static final CiliumVersion PER_DESTINATION_NAMED_PORTS = new CiliumVersion(1, 20);

	public static final EngineOptions DEFAULTS = new EngineOptions(PolicyEnforcementMode.DEFAULT, false, "default",
			AllowLocalhost.ALWAYS, true, false, false, true, DnsRejectResponse.REFUSED, false, false, CiliumVersion.DEFAULT);

	/** The defaults with the three settings users change most. */
	public static EngineOptions of(PolicyEnforcementMode enforcementMode, boolean auditMode, String clusterName) {
		return DEFAULTS.withEnforcementMode(enforcementMode).withAuditMode(auditMode).withClusterName(clusterName);
	}

	public EngineOptions withEnforcementMode(PolicyEnforcementMode value) {
		return new EngineOptions(value, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withAuditMode(boolean value) {
		return new EngineOptions(this.enforcementMode, value, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withClusterName(String value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, value, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withAllowLocalhost(AllowLocalhost value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, value, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withPolicyDefaultLocalCluster(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, value, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withCidrMatchesNodes(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, value, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withNodeSelectorLabels(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, value, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withNonDefaultDenyPolicies(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, value, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withDnsRejectResponse(DnsRejectResponse value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, value, this.hostFirewall, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withHostFirewall(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, value, this.mutualAuthentication, this.ciliumVersion);
	}

	public EngineOptions withMutualAuthentication(boolean value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, value, this.ciliumVersion);
	}

	public EngineOptions withCiliumVersion(CiliumVersion value) {
		return new EngineOptions(this.enforcementMode, this.auditMode, this.clusterName, this.allowLocalhost, this.policyDefaultLocalCluster, this.cidrMatchesNodes, this.nodeSelectorLabels, this.nonDefaultDenyPolicies, this.dnsRejectResponse, this.hostFirewall, this.mutualAuthentication, value);
	}

	/**
	 * Whether the agent resolves an egress named port over the named ports of all pods it knows (Cilium before 1.20:
	 * pkg/endpoint {@code Endpoint.GetNamedPort(ingress=false)} calls {@code getNamedPortEgress} on
	 * {@code namedPortsGetter.GetNamedPorts()}, and {@code NamedPortMultiMap.GetNamedPort} returns
	 * {@code ErrDuplicateNamedPorts} when two pods give the name different numbers for the protocol, so pkg/policy/l4.go
	 * {@code toMapState} adds no key for it), rather than on the selected destinations (1.20, cilium/cilium#44429).
	 */
	public boolean egressNamedPortsAcrossPods() {
		return this.ciliumVersion.isBefore(PER_DESTINATION_NAMED_PORTS);
	}

	/** Cilium's {@code enable-policy} modes. */
	public enum PolicyEnforcementMode {

		/** A direction of an endpoint is enforced once a policy selecting it has rules for that direction. */
		DEFAULT,
		/** Every endpoint is default-deny in both directions, with or without policies. */
		ALWAYS,
		/** No enforcement at all. */
		NEVER

	}

	/** Cilium's {@code allow-localhost}. */
	public enum AllowLocalhost {

		/** Ingress from the local host into pods is always allowed (the Kubernetes default). */
		ALWAYS,
		/** Traffic from the local host is subject to policy like any other peer. */
		POLICY

	}

	/** Cilium's {@code tofqdns-dns-reject-response-code}. */
	public enum DnsRejectResponse {

		/** rcode 5 REFUSED (the default). */
		REFUSED(5),
		/** rcode 3 NXDOMAIN ({@code nameError}). */
		NAME_ERROR(3);

		private final int rcode;

		DnsRejectResponse(int rcode) {
			this.rcode = rcode;
		}

		public int rcode() {
			return this.rcode;
		}

		/** The DNS rcode name, {@code REFUSED} or {@code NXDOMAIN}. */
		public String rcodeName() {
			return (this == REFUSED) ? "REFUSED" : "NXDOMAIN";
		}

	}

}
