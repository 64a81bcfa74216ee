package dev.portcullis.review;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.ApiProblem;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A workspace's protection rules ({@code workspace_protection}): read by anyone, set by admins (audited as
 * {@code protection.set}). The store refuses direct changes of a protected workspace on its own
 * ({@link dev.portcullis.policy.ChangeSets}); this owns the rules a merge must meet.
 */
@Component
public class Protections {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Workspaces workspaces;

	private final Permissions permissions;

	private final AuditLog audit;

	Protections(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces,
			Permissions permissions, AuditLog audit) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.workspaces = workspaces;
		this.permissions = permissions;
		this.audit = audit;
	}

	/** The rules of {@code workspace}; {@link ProtectionRules#NONE} when none were set. */
	public Mono<ProtectionRules> of(String workspace) {
		return this.workspaces.id(workspace).flatMap(this::of);
	}

	Mono<ProtectionRules> of(long ws) {
		return this.db.sql("SELECT * FROM workspace_protection WHERE workspace_id = :ws")
			.bind("ws", ws)
			.map((row) -> new ProtectionRules(row.get("protected", Boolean.class),
					row.get("required_approvals", Integer.class), row.get("dismiss_stale_approvals", Boolean.class),
					row.get("require_last_revision_approval", Boolean.class),
					row.get("require_expectations", Boolean.class)))
			.one()
			.defaultIfEmpty(ProtectionRules.NONE);
	}

	/**
	 * Sets the rules (ADMIN only); 400 {@code invalid-protection} when {@code requiredApprovals} is not 1 to 6.
	 */
	public Mono<ProtectionRules> set(String workspace, ProtectionRules rules, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "protection.set");
		}
		if (rules.requiredApprovals() < 1 || rules.requiredApprovals() > 6) {
			return Mono.error(ApiProblem.of(HttpStatus.BAD_REQUEST, "invalid-protection", "Invalid protection",
					"requiredApprovals must be from 1 to 6, not " + rules.requiredApprovals() + "."));
		}
		return this.tx.transactional(this.workspaces.id(workspace).flatMap((ws) -> this.db
			.sql("INSERT INTO workspace_protection (workspace_id, protected, required_approvals, dismiss_stale_approvals, "
					+ "require_last_revision_approval, require_expectations, updated_by) VALUES (:ws, :protected, "
					+ ":approvals, :dismiss, :last, :expectations, :by) ON CONFLICT (workspace_id) DO UPDATE SET "
					+ "protected = EXCLUDED.protected, required_approvals = EXCLUDED.required_approvals, "
					+ "dismiss_stale_approvals = EXCLUDED.dismiss_stale_approvals, "
					+ "require_last_revision_approval = EXCLUDED.require_last_revision_approval, "
					+ "require_expectations = EXCLUDED.require_expectations, updated_by = EXCLUDED.updated_by, "
					+ "updated_at = clock_timestamp()")
			.bind("ws", ws)
			.bind("protected", rules.isProtected())
			.bind("approvals", rules.requiredApprovals())
			.bind("dismiss", rules.dismissStaleApprovals())
			.bind("last", rules.requireLastRevisionApproval())
			.bind("expectations", rules.requireExpectations())
			.bind("by", by.username())
			.then())
			.then(Mono.defer(() -> {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("protected", rules.isProtected());
				details.put("requiredApprovals", rules.requiredApprovals());
				details.put("dismissStaleApprovals", rules.dismissStaleApprovals());
				details.put("requireLastRevisionApproval", rules.requireLastRevisionApproval());
				details.put("requireExpectations", rules.requireExpectations());
				return this.audit.record(new AuditLog.Event(by, "protection.set", AuditLog.Outcome.SUCCESS, null,
						workspace, by.address(), details));
			}))
			.thenReturn(rules));
	}

}
