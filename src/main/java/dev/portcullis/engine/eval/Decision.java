package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyRef;
import org.jspecify.annotations.Nullable;

/**
 * How Cilium would treat a flow: the Hubble verdict, what each side decided (egress at the source endpoint,
 * ingress at the destination endpoint), the L7 denial the client sees (if any), and, from
 * {@link CompiledPolicies#explain}, an explanation.
 * <p>
 * The flow is {@link Verdict#FORWARDED} when both sides allow it (a side is only enforced where a policy, or
 * enforcement mode {@code always}, puts that endpoint into default deny for that direction, or a deny rule
 * selects it). A deny rule drops with {@link DropReason#POLICY_DENY} (181), an unmatched flow on a default-deny
 * side with {@link DropReason#POLICY_DENIED} (133), an allowed flow whose rule requires mutual authentication that
 * cannot complete with {@link DropReason#AUTH_REQUIRED} (189); in audit mode such drops become
 * {@link Verdict#AUDIT} and the flow is forwarded. An L7 denial (HTTP 403, gRPC status 7, Kafka error 29, DNS REFUSED, TLS reset) drops the
 * request in the proxy: verdict {@link Verdict#DROPPED} with {@link #l7()} set. Replies are not evaluated.
 *
 * @param verdict the Hubble verdict
 * @param egress what the source endpoint's egress side decided
 * @param ingress what the destination endpoint's ingress side decided
 * @param l7 what the client sees when the proxy denied the request, else null
 * @param explanation present only from {@link CompiledPolicies#explain}
 */
public record Decision(Verdict verdict, SideDecision egress, SideDecision ingress, @Nullable L7Denial l7,
		@Nullable Explanation explanation) {

	/** Whether the flow reaches its destination (forwarded, or forwarded under audit). */
	public boolean allowed() {
		return this.verdict != Verdict.DROPPED;
	}

	/** The side that denied the flow (egress first, as the packet leaves the source first), or null. */
	public @Nullable Direction deniedAt() {
		if (this.egress.denies()) {
			return Direction.EGRESS;
		}
		return this.ingress.denies() ? Direction.INGRESS : null;
	}

	/** The drop reason of the denying side, or null (no drop, or an L7 denial). */
	public @Nullable DropReason dropReason() {
		Direction at = deniedAt();
		if (at == null) {
			return null;
		}
		return (at == Direction.EGRESS) ? this.egress.dropReason() : this.ingress.dropReason();
	}

	Decision withExplanation(Explanation explanation) {
		return new Decision(this.verdict, this.egress, this.ingress, this.l7, explanation);
	}

	/** Hubble verdicts a policy decision can produce. */
	public enum Verdict {

		FORWARDED, DROPPED, AUDIT

	}

	/** What one side decided. */
	public enum Outcome {

		/** The flow is a reply of an established connection: not evaluated against policy. */
		NOT_EVALUATED,
		/** The endpoint is not a local endpoint, or no policy enforces this direction on it. */
		NOT_ENFORCED,
		/** A rule allowed the flow (or the side is enforced only by rules that did not match and is not default-deny). */
		ALLOWED,
		/** Dropped at L3/L4 ({@link SideDecision#dropReason()} says why). */
		DENIED,
		/** Allowed at L3/L4 but the proxy denied the request. */
		L7_DENIED,
		/** Would have been dropped; audit mode forwards it ({@link SideDecision#dropReason()} says why). */
		AUDIT

	}

	/** Cilium's policy drop reasons (api/v1/flow/flow.proto DropReason). */
	public enum DropReason {

		/** 133: no rule allowed the flow on a default-deny side. */
		POLICY_DENIED(133),
		/** 181: a deny rule matched ("Policy denied by denylist"). */
		POLICY_DENY(181),
		/**
		 * 189: the allowing rule requires {@code authentication} and the identity pair is not (yet) authenticated
		 * ("Authentication required", bpf/lib/auth.h {@code auth_lookup}).
		 */
		AUTH_REQUIRED(189);

		private final int code;

		DropReason(int code) {
			this.code = code;
		}

		public int code() {
			return this.code;
		}

	}

	/**
	 * One side's decision.
	 *
	 * @param outcome what happened
	 * @param dropReason for {@link Outcome#DENIED} and {@link Outcome#AUDIT}, else null
	 * @param redirectedToProxy whether the allowed flow goes through the L7 proxy (an L7 rule or
	 *        {@code serverNames} applies to it), which Hubble shows as a REDIRECTED policy verdict
	 */
	public record SideDecision(Outcome outcome, @Nullable DropReason dropReason, boolean redirectedToProxy) {

		static final SideDecision NOT_EVALUATED = new SideDecision(Outcome.NOT_EVALUATED, null, false);

		static final SideDecision NOT_ENFORCED = new SideDecision(Outcome.NOT_ENFORCED, null, false);

		static final SideDecision ALLOWED = new SideDecision(Outcome.ALLOWED, null, false);

		static final SideDecision ALLOWED_PROXIED = new SideDecision(Outcome.ALLOWED, null, true);

		static final SideDecision L7_DENIED = new SideDecision(Outcome.L7_DENIED, null, true);

		/** Whether this side stops the flow. */
		public boolean denies() {
			return this.outcome == Outcome.DENIED || this.outcome == Outcome.L7_DENIED;
		}

	}

	/**
	 * What the client sees when the proxy denies a request (L7 never drops packets).
	 *
	 * @param protocol which proxy denied it
	 * @param httpStatus HTTP status of the local reply (403), for HTTP
	 * @param httpBody body of the local reply ({@code Access denied\r\n}), for HTTP and gRPC
	 * @param grpcStatus gRPC status of the trailers-only reply (7 PERMISSION_DENIED), for gRPC
	 * @param kafkaErrorCode for Kafka, 29 TOPIC_AUTHORIZATION_FAILED: the error code Hubble records
	 *        ({@code l7.kafka.error_code}) for every denied request, and the code of the injected response when
	 *        there is one (cilium/proxy proxylib/kafka/parser.go {@code OnData} sets it on the denied log entry
	 *        before it tries to build a response)
	 * @param kafkaResponseInjected for Kafka, whether the client gets an error response: only Produce, Fetch,
	 *        ListOffsets, Metadata, OffsetCommit, OffsetFetch and FindCoordinator requests get one
	 *        (kafkalib {@code CreateResponse}); the others are dropped silently and the client waits
	 * @param dnsRcode rcode of the DNS proxy's answer (5 REFUSED, or 3 NXDOMAIN when so configured)
	 * @param tcpReset whether the connection is reset (TLS {@code serverNames} mismatch or missing SNI)
	 * @param description one line saying what the client sees
	 */
	public record L7Denial(L7Protocol protocol, @Nullable Integer httpStatus, @Nullable String httpBody,
			@Nullable Integer grpcStatus, @Nullable Integer kafkaErrorCode, @Nullable Integer dnsRcode,
			boolean tcpReset, String description, boolean kafkaResponseInjected) {

		static final String ACCESS_DENIED_BODY = "Access denied\r\n";

		static L7Denial http() {
			return new L7Denial(L7Protocol.HTTP, 403, ACCESS_DENIED_BODY, null, null, null, false,
					"HTTP 403 Forbidden, body \"Access denied\"", false);
		}

		static L7Denial grpc() {
			return new L7Denial(L7Protocol.GRPC, null, ACCESS_DENIED_BODY, 7, null, null, false,
					"gRPC status 7 PERMISSION_DENIED (grpc-message \"Access denied\")", false);
		}

		static L7Denial kafka(boolean injected) {
			return injected
					? new L7Denial(L7Protocol.KAFKA, null, null, null, 29, null, false,
							"Kafka error 29 TOPIC_AUTHORIZATION_FAILED", true)
					: new L7Denial(L7Protocol.KAFKA, null, null, null, 29, null, false,
							"Kafka request dropped; no response is injected for this API key (Hubble records error"
									+ " 29 TOPIC_AUTHORIZATION_FAILED)",
							false);
		}

		static L7Denial dns(EngineOptions.DnsRejectResponse response) {
			return new L7Denial(L7Protocol.DNS, null, null, null, null, response.rcode(), false,
					"DNS answer " + response.rcodeName() + " (rcode " + response.rcode() + ")", false);
		}

		static L7Denial tls() {
			return new L7Denial(L7Protocol.TLS, null, null, null, null, null, true,
					"connection reset (TLS server name not allowed)", false);
		}

	}

	/** The proxy that produced an L7 denial. */
	public enum L7Protocol {

		HTTP, GRPC, KAFKA, DNS, TLS

	}

	/**
	 * Why the flow got its verdict.
	 *
	 * @param summary one line for humans
	 * @param egress the source endpoint's egress side
	 * @param ingress the destination endpoint's ingress side
	 * @param notes further facts (reply not evaluated, redirected to the proxy, audit mode, ...), in order
	 */
	public record Explanation(String summary, SideExplanation egress, SideExplanation ingress, List<String> notes) {

		public Explanation {
			notes = List.copyOf(notes);
		}

	}

	/**
	 * One side of an explanation.
	 *
	 * @param direction EGRESS (at the source) or INGRESS (at the destination)
	 * @param endpoint the endpoint whose side this is, for example {@code pod default/web (k8s:app=web, ...)}
	 * @param selectedBy the policies whose rules select the endpoint, sorted
	 * @param defaultDeny whether this direction of the endpoint is default-deny
	 * @param defaultDenyBy the rules that made it default-deny (empty when enforcement mode {@code always} did,
	 *        see {@link #reason()})
	 * @param decidedBy the rule that allowed or denied the flow, null when none did (no rule matched, allowed
	 *        because not enforced, allow-localhost, reply)
	 * @param matchedAllowRules every allow rule whose peer and port matched, in policy order
	 * @param matchedDenyRules every deny rule whose peer and port matched, in policy order
	 * @param reason one line: what the side decided and why
	 */
	public record SideExplanation(Direction direction, String endpoint, List<PolicyRef> selectedBy,
			boolean defaultDeny, List<RuleRef> defaultDenyBy, @Nullable RuleRef decidedBy,
			List<RuleRef> matchedAllowRules, List<RuleRef> matchedDenyRules, String reason) {

		public SideExplanation {
			selectedBy = List.copyOf(selectedBy);
			defaultDenyBy = List.copyOf(defaultDenyBy);
			matchedAllowRules = List.copyOf(matchedAllowRules);
			matchedDenyRules = List.copyOf(matchedDenyRules);
		}

	}

	/**
	 * A rule of a policy.
	 *
	 * @param policy the policy object
	 * @param direction the rule's direction
	 * @param deny whether it is an {@code ingressDeny} / {@code egressDeny} rule
	 * @param path where the rule is, for example {@code specs[0].ingress[1]}; for a whole Rule (default deny
	 *        causes) {@code spec} or {@code specs[2]}
	 * @param peer which peer matched, for example {@code fromEndpoints[0]}, or {@code any peer} (ports without a
	 *        peer field); null for a whole Rule
	 * @param port which port entry matched, for example {@code toPorts[0].ports[1] (80/TCP)}, or null for an L3
	 *        rule (all ports and protocols)
	 */
	public record RuleRef(PolicyRef policy, Direction direction, boolean deny, String path, @Nullable String peer,
			@Nullable String port) {

		@Override
		public String toString() {
			return this.policy + " " + this.path + ((this.peer != null) ? " peer " + this.peer : "")
					+ ((this.port != null) ? " port " + this.port : "");
		}

	}

}
