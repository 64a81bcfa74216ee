package dev.portcullis.identity;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * The role check at the write: every service method that changes something starts with
 * <pre>{@code
 * if (!actor.has(Role.AUTHOR)) {
 *     return this.permissions.refuse(actor, Role.AUTHOR, "policy.save");
 * }
 * }</pre>
 * so that a caller that skipped or mis-wrote a URL rule of {@link SecurityConfig} still cannot change anything
 * (docs/adr/010). A refusal is audited as {@code auth.denied} (reason {@code role}) in a transaction of its own, so
 * that it is recorded even when the caller's transaction rolls back, and then fails with {@link Forbidden}.
 */
@Component
public class Permissions {

	private final AuditLog audit;

	private final TransactionalOperator ownTransaction;

	Permissions(AuditLog audit, ReactiveTransactionManager transactions) {
		this.audit = audit;
		this.ownTransaction = TransactionalOperator.create(transactions,
				new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
	}

	/**
	 * Records that {@code actor} was refused {@code action}, which needs {@code required}, and fails with
	 * {@link Forbidden}. Call it only when {@code actor.has(required)} is false.
	 * @param action what was attempted, as the audit log names it ({@code policy.save})
	 */
	public <T> Mono<T> refuse(Actor actor, Role required, String action) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("reason", "role");
		details.put("required", required.name());
		details.put("role", (actor.role() != null) ? actor.role().name() : "none");
		return this.ownTransaction
			.transactional(this.audit.record(new AuditLog.Event(actor, "auth.denied", AuditLog.Outcome.DENIED, action,
					null, actor.address(), details)))
			.then(Mono.error(new Forbidden(required, action)));
	}

}
