package dev.portcullis.engine.eval;

/**
 * Agent settings that change verdicts, with Cilium's defaults in {@link #DEFAULTS}.
 *
 * @param enforcementMode {@code policyEnforcementMode} ({@code enable-policy}): default, always or never
 * @param auditMode {@code policyAuditMode}: L3/L4 drops are reported as AUDIT and the flow is forwarded
 * @param clusterName {@code cluster-name}: peers of policies are scoped to it by default
 */
public record EngineOptions(PolicyEnforcementMode enforcementMode, boolean auditMode, String clusterName) {

	public static final EngineOptions DEFAULTS = new EngineOptions(PolicyEnforcementMode.DEFAULT, false, "default");

	/** Cilium's {@code enable-policy} modes. */
	public enum PolicyEnforcementMode {

		/** A direction of an endpoint is enforced once a policy selecting it has rules for that direction. */
		DEFAULT,
		/** Every endpoint is default-deny in both directions, with or without policies. */
		ALWAYS,
		/** No enforcement at all. */
		NEVER

	}

}
