package dev.portcullis.engine.eval;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.eval.Decision.DropReason;
import dev.portcullis.engine.eval.Decision.L7Denial;
import dev.portcullis.engine.eval.Decision.L7Protocol;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.SideDecision;
import dev.portcullis.engine.eval.Decision.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionTests {

	private static final SideDecision DENIED_133 = new SideDecision(Outcome.DENIED, DropReason.POLICY_DENIED, false);

	private static final SideDecision DENIED_181 = new SideDecision(Outcome.DENIED, DropReason.POLICY_DENY, false);

	@Test
	void deniedAtWhenBothSidesDenyShouldBeEgress() {
		Decision decision = new Decision(Verdict.DROPPED, DENIED_181, DENIED_133, null, null);
		assertThat(decision.deniedAt()).isEqualTo(Direction.EGRESS);
		assertThat(decision.dropReason()).isEqualTo(DropReason.POLICY_DENY);
		assertThat(decision.allowed()).isFalse();
	}

	@Test
	void deniedAtWhenOnlyIngressDeniesShouldBeIngress() {
		Decision decision = new Decision(Verdict.DROPPED, SideDecision.ALLOWED, DENIED_133, null, null);
		assertThat(decision.deniedAt()).isEqualTo(Direction.INGRESS);
		assertThat(decision.dropReason()).isEqualTo(DropReason.POLICY_DENIED);
	}

	@Test
	void dropReasonWhenL7DeniedShouldBeNull() {
		Decision decision = new Decision(Verdict.DROPPED, SideDecision.NOT_ENFORCED, SideDecision.L7_DENIED,
				L7Denial.http(), null);
		assertThat(decision.deniedAt()).isEqualTo(Direction.INGRESS);
		assertThat(decision.dropReason()).isNull();
	}

	@Test
	void allowedWhenAuditShouldBeTrueAndNothingDenied() {
		SideDecision audit = new SideDecision(Outcome.AUDIT, DropReason.POLICY_DENIED, false);
		Decision decision = new Decision(Verdict.AUDIT, SideDecision.ALLOWED, audit, null, null);
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.deniedAt()).isNull();
		assertThat(decision.dropReason()).isNull();
	}

	@Test
	void dropReasonCodesShouldBeCiliums() {
		assertThat(DropReason.POLICY_DENIED.code()).isEqualTo(133);
		assertThat(DropReason.POLICY_DENY.code()).isEqualTo(181);
	}

	@Test
	void l7DenialsShouldSayWhatTheClientSees() {
		assertThat(L7Denial.http()).satisfies((d) -> {
			assertThat(d.protocol()).isEqualTo(L7Protocol.HTTP);
			assertThat(d.httpStatus()).isEqualTo(403);
			assertThat(d.httpBody()).isEqualTo("Access denied\r\n");
		});
		assertThat(L7Denial.grpc().grpcStatus()).isEqualTo(7);
		assertThat(L7Denial.grpc().httpStatus()).isNull();
		assertThat(L7Denial.kafka(true).kafkaErrorCode()).isEqualTo(29);
		assertThat(L7Denial.kafka(true).kafkaResponseInjected()).isTrue();
		assertThat(L7Denial.kafka(false).kafkaErrorCode()).isEqualTo(29);
		assertThat(L7Denial.kafka(false).kafkaResponseInjected()).isFalse();
		assertThat(L7Denial.dns(EngineOptions.DnsRejectResponse.REFUSED).dnsRcode()).isEqualTo(5);
		assertThat(L7Denial.dns(EngineOptions.DnsRejectResponse.NAME_ERROR).dnsRcode()).isEqualTo(3);
		assertThat(L7Denial.tls().tcpReset()).isTrue();
	}

}
