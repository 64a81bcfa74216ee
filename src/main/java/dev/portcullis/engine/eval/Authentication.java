package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.eval.CompiledEntry.PortL7;
import dev.portcullis.engine.eval.CompiledPolicies.Match;
import dev.portcullis.engine.eval.CompiledPolicies.Reason;
import dev.portcullis.engine.eval.CompiledPolicies.Trace;
import dev.portcullis.engine.eval.PeerView.Candidate;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.eval.CompiledPolicies.traced;

/**
 * Mutual authentication of an allowed side: which map entry's {@code authentication.mode} applies, and whether the
 * datapath lets the flow through. Stateless; the side's decision keeps the running best entry in locals.
 */
final class Authentication {

	private Authentication() {
	}

	/** Whether some allow rule sets {@code authentication}; when none does, decisions skip the auth bookkeeping. */
	static boolean required(List<CompiledRule> rules) {
		boolean authentication = false;
		for (CompiledRule rule : rules) {
			for (CompiledEntry entry : rule.ingress) {
				authentication |= entry.auth != CompiledEntry.AUTH_UNSET;
			}
			for (CompiledEntry entry : rule.egress) {
				authentication |= entry.auth != CompiledEntry.AUTH_UNSET;
			}
		}
		return authentication;
	}

	/**
	 * How Cilium's datapath ranks the policy map entry behind a match (bpf/lib/policy.h
	 * {@code __policy_can_access}): a proxy redirect has the higher precedence, then the longer port prefix
	 * (port, then protocol only, then L3-only), then an identity-specific key over the any-peer key.
	 */
	static int mapEntryScore(Candidate candidate, int l4, @Nullable PortL7 l7) {
		boolean redirect = l7 != null && (!l7.plain() || l7.listener());
		int prefix;
		if (l4 == CompiledEntry.L3_ONLY) {
			prefix = 0;
		}
		else if (l4 >= CompiledEntry.ICMP_OFFSET) {
			prefix = 2;
		}
		else {
			CompiledEntry.PortEntry port = candidate.entry().ports.get(l4);
			prefix = (port.port() == 0 && port.name() == null) ? 1 : 2;
		}
		return (redirect ? 8 : 0) + prefix * 2 + ((candidate.labelPeer() != PeerView.ANY_PEER) ? 1 : 0);
	}

	/**
	 * The datapath's check of an allowed flow whose map entry carries an auth type (bpf/lib/policy.h
	 * {@code __policy_check} returns DROP_POLICY_AUTH_REQUIRED, then bpf/lib/auth.h {@code auth_lookup} looks for
	 * an authenticated identity pair in the auth map and drops with 189 "Authentication required" until the agent
	 * has written one). {@code test-always-fail} is never authenticated (pkg/auth/always_fail_authhandler.go);
	 * {@code required} is authenticated only when mutual authentication is available
	 * ({@link EngineOptions#mutualAuthentication()}: without the mutual auth handler pkg/auth/manager.go
	 * {@code authenticate} fails with "unknown requested auth type"), and only between two pods: the agent skips
	 * every pair with a reserved identity (host, remote node, world, ...: pkg/auth/manager.go
	 * {@code handleAuthRequest}), and a {@code cidr:} identity has no SPIFFE identity to authenticate (an
	 * inference). Audit mode forwards the flow as AUDIT (the audit check in
	 * {@code policy_can_ingress}/{@code policy_can_egress} runs before {@code auth_lookup}).
	 *
	 * @return the refusing result, or null when the flow is (eventually) authenticated
	 */
	static @Nullable SideResult authenticate(int auth, @Nullable Match from, SecurityIdentity subject,
			SecurityIdentity peer, @Nullable Trace trace, EngineOptions options) {
		boolean pods = subject.kind == SecurityIdentity.Kind.POD && peer.kind == SecurityIdentity.Kind.POD;
		if (trace != null) {
			trace.auth = auth;
			trace.authFrom = from;
			trace.mutualAuthentication = options.mutualAuthentication();
			trace.authBetweenPods = pods;
		}
		if (auth == CompiledEntry.AUTH_SPIRE && options.mutualAuthentication() && pods) {
			return null;
		}
		if (trace != null) {
			trace.decided = from;
		}
		return traced(trace, Reason.AUTH_REQUIRED,
				options.auditMode() ? SideResult.AUDIT_AUTH : SideResult.DENIED_AUTH);
	}

}
