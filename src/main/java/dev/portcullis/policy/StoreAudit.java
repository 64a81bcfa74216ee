package dev.portcullis.policy;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * How the store's changes and exports appear in the audit log: a success with its details, or a refusal with what
 * was attempted and why.
 */
@Component
class StoreAudit {

	private final AuditLog audit;

	StoreAudit(AuditLog audit) {
		this.audit = audit;
	}

	/**
	 * Audits a refused change (outcome FAILURE) with what was attempted and why it was refused, then passes the
	 * refusal on. Recorded on its own, after the change's transaction rolled back: nothing of the change was written,
	 * so the details count nothing as written.
	 */
	<T> Mono<T> refused(Actor by, String action, @Nullable PolicyKey target, String workspace,
			@Nullable Integer expectedVersion, StoreException refusal) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("refused", refusal.getClass().getSimpleName());
		details.put("reason", refusal.getMessage());
		if (expectedVersion != null) {
			details.put("expectedVersion", expectedVersion);
		}
		if (refusal instanceof StoreException.Conflict conflict && conflict.current() != null) {
			details.put("currentVersion", conflict.current().version());
		}
		if (refusal instanceof StoreException.Invalid invalid) {
			details.put("errors", invalid.violations().stream().filter(Violation::isError).count());
		}
		if (refusal instanceof StoreException.ImportRefused importRefused) {
			ImportReport report = importRefused.report();
			details.put("objects", report.rows().size());
			details.put("invalid", report.count(ImportReport.Outcome.INVALID));
			details.put("duplicate", report.count(ImportReport.Outcome.DUPLICATE));
		}
		if (action.equals("bundle.import")) {
			details.put("written", 0);
		}
		return record(by, action, (target != null) ? target.toString() : null, workspace, AuditLog.Outcome.FAILURE,
				details)
			.then(Mono.error(refusal));
	}

	/** The policy a refusal names, when it names one. */
	static @Nullable PolicyKey target(StoreException refusal) {
		return (refusal instanceof StoreException.Conflict conflict && conflict.current() != null)
				? conflict.current().key() : null;
	}

	/** Audits a change that succeeded. */
	Mono<Void> record(Actor by, String action, @Nullable String target, String workspace,
			Map<String, Object> details) {
		return record(by, action, target, workspace, AuditLog.Outcome.SUCCESS, details);
	}

	/** Audits an action of the store by {@code by}, in the caller's transaction when it runs in one. */
	Mono<Void> record(Actor by, String action, @Nullable String target, String workspace,
			AuditLog.Outcome outcome, Map<String, Object> details) {
		return this.audit.record(new AuditLog.Event(by, action, outcome, target, workspace, by.address(),
				details));
	}

}
