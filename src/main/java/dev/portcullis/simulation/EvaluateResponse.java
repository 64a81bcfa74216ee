package dev.portcullis.simulation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.Decision;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code POST /api/v1/evaluate}: one result per flow in input order, and the warnings found in
 * the policies and flows. Field names follow Hubble's JSON (snake_case).
 *
 * @param results one per flow, in flow order
 * @param warnings problems that do not invalidate the input (pruned unknown fields, version notes, skipped lines)
 * @param policies how many policy objects were evaluated
 * @param ciliumVersion the Cilium version validation followed
 */
record EvaluateResponse(List<Result> results, List<PolicyViolation> warnings, int policies,
		@JsonProperty("cilium_version") String ciliumVersion) {

	/**
	 * One flow's decision.
	 *
	 * @param flow the flow's index in the request
	 * @param verdict FORWARDED, DROPPED or AUDIT (a would-be drop in audit mode)
	 * @param egress what the source endpoint's egress side decided
	 * @param ingress what the destination endpoint's ingress side decided
	 * @param l7 what the client sees when the proxy denied the request, else null
	 * @param explanation why, unless the request set {@code options.explain} to false
	 */
	record Result(int flow, Decision.Verdict verdict, Side egress, Side ingress, @Nullable L7 l7,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Explanation explanation) {

		static Result of(int index, Decision decision) {
			return new Result(index, decision.verdict(), Side.of(decision.egress()), Side.of(decision.ingress()),
					L7.of(decision.l7()), Explanation.of(decision.explanation()));
		}

	}

	/**
	 * Why a flow got its verdict.
	 *
	 * @param summary one line for humans
	 * @param egress the source endpoint's egress side
	 * @param ingress the destination endpoint's ingress side
	 * @param notes further facts, in order
	 */
	record Explanation(String summary, SideExplanation egress, SideExplanation ingress, List<String> notes) {

		static @Nullable Explanation of(Decision.@Nullable Explanation explanation) {
			if (explanation == null) {
				return null;
			}
			return new Explanation(explanation.summary(), SideExplanation.of(explanation.egress()),
					SideExplanation.of(explanation.ingress()), explanation.notes());
		}

	}

	/**
	 * One side of an explanation.
	 *
	 * @param endpoint the endpoint whose side this is
	 * @param selectedBy the policies whose rules select the endpoint
	 * @param defaultDeny whether this direction of the endpoint is default-deny
	 * @param defaultDenyBy the rules that made it default-deny
	 * @param decidedBy the rule that allowed or denied the flow, or null when none did
	 * @param matchedAllowRules every allow rule whose peer and port matched
	 * @param matchedDenyRules every deny rule whose peer and port matched
	 * @param reason what the side decided and why
	 */
	record SideExplanation(String endpoint, @JsonProperty("selected_by") List<String> selectedBy,
			@JsonProperty("default_deny") boolean defaultDeny,
			@JsonProperty("default_deny_by") List<RuleRef> defaultDenyBy,
			@JsonProperty("decided_by") @Nullable RuleRef decidedBy,
			@JsonProperty("matched_allow_rules") List<RuleRef> matchedAllowRules,
			@JsonProperty("matched_deny_rules") List<RuleRef> matchedDenyRules, String reason) {

		static SideExplanation of(Decision.SideExplanation side) {
			return new SideExplanation(side.endpoint(), side.selectedBy().stream().map(Object::toString).toList(),
					side.defaultDeny(), side.defaultDenyBy().stream().map(RuleRef::ofPresent).toList(),
					RuleRef.of(side.decidedBy()), side.matchedAllowRules().stream().map(RuleRef::ofPresent).toList(),
					side.matchedDenyRules().stream().map(RuleRef::ofPresent).toList(), side.reason());
		}

	}

	/**
	 * A rule of a policy.
	 *
	 * @param policy {@code Kind/namespace/name}
	 * @param kind the policy's kind
	 * @param namespace its namespace, null for cluster-wide kinds
	 * @param name its name
	 * @param direction INGRESS or EGRESS
	 * @param deny whether it is an ingressDeny/egressDeny rule
	 * @param path where the rule is in its document, for example {@code specs[0].ingress[1]}
	 * @param peer which peer matched, or null
	 * @param port which port matched, or null for an L3 rule
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RuleRef(String policy, String kind, @Nullable String namespace, String name,
			dev.portcullis.engine.api.Direction direction, boolean deny, String path, @Nullable String peer,
			@Nullable String port) {

		static @Nullable RuleRef of(Decision.@Nullable RuleRef ref) {
			return (ref != null) ? ofPresent(ref) : null;
		}

		private static RuleRef ofPresent(Decision.RuleRef ref) {
			return new RuleRef(ref.policy().toString(), ref.policy().kind().kindName(), ref.policy().namespace(),
					ref.policy().name(), ref.direction(), ref.deny(), ref.path(), ref.peer(), ref.port());
		}

	}

	/**
	 * One side's decision.
	 *
	 * @param outcome NOT_EVALUATED (a reply), NOT_ENFORCED, ALLOWED, DENIED, L7_DENIED or AUDIT
	 * @param dropReason POLICY_DENIED, POLICY_DENY or AUTH_REQUIRED when DENIED or AUDIT
	 * @param dropReasonCode 133, 181 or 189
	 * @param redirectedToProxy whether an allowed flow goes through the L7 proxy
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Side(Decision.Outcome outcome, @JsonProperty("drop_reason") Decision.@Nullable DropReason dropReason,
			@JsonProperty("drop_reason_code") @Nullable Integer dropReasonCode,
			@JsonProperty("redirected_to_proxy") boolean redirectedToProxy) {

		static Side of(Decision.SideDecision side) {
			Decision.DropReason reason = side.dropReason();
			return new Side(side.outcome(), reason, (reason != null) ? reason.code() : null, side.redirectedToProxy());
		}

	}

	/** What the client sees when the proxy denies a request; only the fields of its protocol are present. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record L7(Decision.L7Protocol protocol, @JsonProperty("http_status") @Nullable Integer httpStatus,
			@JsonProperty("grpc_status") @Nullable Integer grpcStatus,
			@JsonProperty("kafka_error_code") @Nullable Integer kafkaErrorCode,
			@JsonProperty("kafka_response_injected") @Nullable Boolean kafkaResponseInjected,
			@JsonProperty("dns_rcode") @Nullable String dnsRcode,
			@JsonProperty("tcp_reset") @Nullable Boolean tcpReset, String description) {

		static @Nullable L7 of(Decision.@Nullable L7Denial denial) {
			if (denial == null) {
				return null;
			}
			String rcode = (denial.dnsRcode() == null) ? null : switch (denial.dnsRcode()) {
				case 5 -> "REFUSED";
				case 3 -> "NXDOMAIN";
				default -> String.valueOf(denial.dnsRcode());
			};
			Boolean injected = (denial.protocol() == Decision.L7Protocol.KAFKA) ? denial.kafkaResponseInjected() : null;
			return new L7(denial.protocol(), denial.httpStatus(), denial.grpcStatus(), denial.kafkaErrorCode(), injected,
					rcode, denial.tcpReset() ? Boolean.TRUE : null, denial.description());
		}

	}

	/** A problem in the policy text: its document (0-based), field path, line and column (1-based; 0 = unknown). */
	record PolicyViolation(@Nullable Integer document, String path, int line, int column, String message) {

		static PolicyViolation of(Violation violation) {
			return new PolicyViolation(violation.document(), violation.path(), violation.line(), violation.column(),
					violation.message());
		}

	}

	/** A problem in a flow: the flow's index in the request, the field, and what is wrong. */
	record FlowViolation(int flow, String field, String message) {

		static FlowViolation of(Violation violation) {
			return new FlowViolation(violation.document(), violation.path(), violation.message());
		}

	}

}
