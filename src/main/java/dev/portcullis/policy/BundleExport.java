package dev.portcullis.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

/**
 * Export of a workspace (now, or as of a moment) as one multi-document YAML stream that {@code kubectl apply -f}
 * accepts: each live policy's canonical form, sorted by kind, namespace, name (as {@link PolicyKey} orders them),
 * separated by {@code ---}. The same state always gives the same bytes; an empty workspace gives an empty text.
 * Streamed a policy at a time, so a large workspace is never held as one string.
 */
@Component
public class BundleExport {

	/**
	 * The export's order, in the database: {@link PolicyKey}'s (kind name, namespace, name, each compared as Java
	 * compares strings). Byte order ({@code COLLATE "C"}) equals it for the ASCII that kinds and Kubernetes names
	 * are written in.
	 */
	private static final String ORDER = " ORDER BY p.kind COLLATE \"C\", p.namespace COLLATE \"C\", p.name COLLATE \"C\"";

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final StoreAudit audit;

	BundleExport(DatabaseClient db, Workspaces workspaces, StoreAudit audit) {
		this.db = db;
		this.workspaces = workspaces;
		this.audit = audit;
	}

	/**
	 * The export of {@code workspace}. The {@code Mono} fails with {@link StoreException.NotFound} for an unknown
	 * workspace before anything is written; the {@code Flux} it gives then streams the text in chunks (a policy's
	 * canonical form each, preceded by {@code ---\n} from the second on), whose concatenation is the export. Audited
	 * as {@code workspace.export} with the number of policies when the last chunk has been given out.
	 *
	 * @param at the moment to export the workspace as of; null for now
	 */
	public Mono<Flux<String>> export(String workspace, @Nullable Instant at, Actor by) {
		return this.workspaces.id(workspace).map((ws) -> Flux.defer(() -> {
			AtomicInteger policies = new AtomicInteger();
			return canonicals(ws, at)
				.map((canonical) -> (policies.getAndIncrement() == 0) ? canonical : "---\n" + canonical)
				.concatWith(Mono.defer(() -> audited(workspace, at, policies.get(), by)).then(Mono.empty()));
		}));
	}

	private Mono<Void> audited(String workspace, @Nullable Instant at, int policies, Actor by) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("policies", policies);
		if (at != null) {
			details.put("at", at.toString());
		}
		return this.audit.record(by, "workspace.export", null, workspace, AuditLog.Outcome.SUCCESS, details);
	}

	/** The canonical forms of the live policies, in export order. */
	private Flux<String> canonicals(long ws, @Nullable Instant at) {
		GenericExecuteSpec spec;
		if (at == null) {
			spec = this.db.sql("SELECT v.canonical FROM policy p JOIN policy_version v ON v.policy_id = p.id "
					+ "AND v.version = p.head_version WHERE p.workspace_id = :ws AND NOT p.head_deleted" + ORDER);
		}
		else {
			spec = this.db.sql("SELECT v.canonical FROM policy p CROSS JOIN LATERAL (SELECT * FROM policy_version v "
					+ "WHERE v.policy_id = p.id AND v.created_at <= :at ORDER BY v.created_at DESC, v.version DESC "
					+ "LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted" + ORDER)
				.bind("at", at.atOffset(ZoneOffset.UTC));
		}
		return spec.bind("ws", ws).map((row) -> row.get("canonical", String.class)).all();
	}

}
