package dev.portcullis.policy;

import dev.portcullis.web.Quoted;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The store's side of workspace protection (docs/adr/031): in a protected workspace, policies change only by merging
 * an approved change request ({@link ChangeSets#merge}); a direct save, delete, restore or import is refused with
 * {@link StoreException.Protected}, whatever the actor's role. The rules themselves are review's
 * ({@code workspace_protection}); this reads the one flag.
 */
@Component
class ProtectedWorkspaces {

	private final DatabaseClient db;

	ProtectedWorkspaces(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Fails with {@link StoreException.Protected} when workspace {@code ws} is protected. Call it inside the write's
	 * transaction: the protection row is read {@code FOR SHARE}, so a change of the rules waits for this write and
	 * this write for a change of the rules.
	 */
	Mono<Void> refuseDirectChange(long ws, String workspace) {
		return this.db.sql("SELECT protected FROM workspace_protection WHERE workspace_id = :ws FOR SHARE")
			.bind("ws", ws)
			.map((row) -> Boolean.TRUE.equals(row.get("protected", Boolean.class)))
			.one()
			.defaultIfEmpty(false)
			.flatMap((isProtected) -> isProtected ? Mono.error(new StoreException.Protected("Workspace "
					+ Quoted.of(workspace) + " is protected: its policies change only by merging an approved change "
					+ "request. Propose this as a change instead.", workspace)) : Mono.empty());
	}

}
