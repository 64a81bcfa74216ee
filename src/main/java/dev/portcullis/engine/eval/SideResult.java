package dev.portcullis.engine.eval;

import dev.portcullis.engine.eval.Decision.DropReason;
import dev.portcullis.engine.eval.Decision.L7Denial;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.SideDecision;
import org.jspecify.annotations.Nullable;

/** One side's decision, for an L7 denial what the client sees, and why it may be wrong for want of state. */
record SideResult(SideDecision decision, @Nullable L7Denial l7, @Nullable String uncertain) {

	static final SideResult NOT_EVALUATED = new SideResult(SideDecision.NOT_EVALUATED, null);

	static final SideResult NOT_ENFORCED = new SideResult(SideDecision.NOT_ENFORCED, null);

	static final SideResult ALLOWED = new SideResult(SideDecision.ALLOWED, null);

	static final SideResult ALLOWED_PROXIED = new SideResult(SideDecision.ALLOWED_PROXIED, null);

	static final SideResult DENIED_BY_RULE = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.POLICY_DENY, false), null);

	static final SideResult DENIED_BY_DEFAULT = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.POLICY_DENIED, false), null);

	static final SideResult AUDIT_DENY_RULE = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.POLICY_DENY, false), null);

	static final SideResult AUDIT_DEFAULT = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.POLICY_DENIED, false), null);

	static final SideResult DENIED_AUTH = new SideResult(
			new SideDecision(Outcome.DENIED, DropReason.AUTH_REQUIRED, false), null);

	static final SideResult AUDIT_AUTH = new SideResult(
			new SideDecision(Outcome.AUDIT, DropReason.AUTH_REQUIRED, false), null);

	SideResult(SideDecision decision, @Nullable L7Denial l7) {
		this(decision, l7, null);
	}

}
