package dev.portcullis.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

/**
 * Produces a workspace's {@link WorkspaceState}: the policies and agent settings in force now or at a moment. The
 * one way for simulation, replay and review to read what a workspace holds (DESIGN.md, "One state type").
 */
@Component
public class WorkspaceStates {

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final PolicyRows rows;

	private final WorkspaceSettings settings;

	WorkspaceStates(DatabaseClient db, Workspaces workspaces, PolicyRows rows, WorkspaceSettings settings) {
		this.db = db;
		this.workspaces = workspaces;
		this.rows = rows;
		this.settings = settings;
	}

	/**
	 * The state of {@code workspace} at {@code at} (null: now); {@link StoreException.NotFound} for an unknown
	 * workspace.
	 */
	public Mono<WorkspaceState> at(String workspace, @Nullable Instant at) {
		Instant moment = (at != null) ? at : Instant.now();
		return this.workspaces.id(workspace).flatMap((ws) -> {
			GenericExecuteSpec spec;
			if (at == null) {
				spec = this.db.sql("SELECT " + PolicyRows.SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p "
						+ "JOIN policy_version v ON v.policy_id = p.id AND v.version = p.head_version "
						+ "WHERE p.workspace_id = :ws AND NOT p.head_deleted");
			}
			else {
				spec = this.db.sql("SELECT " + PolicyRows.SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p "
						+ "CROSS JOIN LATERAL (SELECT * FROM policy_version v WHERE v.policy_id = p.id AND "
						+ "v.created_at <= :at ORDER BY v.created_at DESC, v.version DESC LIMIT 1) v "
						+ "WHERE p.workspace_id = :ws AND NOT v.deleted")
					.bind("at", at.atOffset(ZoneOffset.UTC));
			}
			Mono<AgentSettings> settings = (at == null) ? this.settings.current(workspace).map(WorkspaceSettings.Version::settings)
					: this.settings.at(workspace, at);
			return Mono.zip(settings, spec.bind("ws", ws).map(this.rows::version).all()
				.sort(Comparator.comparing(PolicyVersion::key))
				.collectList())
				.map((found) -> new WorkspaceState(workspace, moment, found.getT1(), found.getT2()));
		});
	}

	/**
	 * The moments in {@code (from, to]} at which what is in force in {@code workspace} changed (a policy version or
	 * a settings version was written), oldest first: between two such moments {@link #at} answers the same state.
	 * For callers that need the state at many moments (the flow log's "decided by").
	 */
	public Flux<Instant> changes(String workspace, Instant from, Instant to) {
		return this.workspaces.id(workspace).flatMapMany((ws) -> this.db
			.sql("SELECT created_at FROM policy_version v JOIN policy p ON p.id = v.policy_id WHERE p.workspace_id = :ws"
					+ " AND v.created_at > :from AND v.created_at <= :to UNION SELECT created_at FROM workspace_settings"
					+ " WHERE workspace_id = :ws AND created_at > :from AND created_at <= :to ORDER BY 1")
			.bind("ws", ws)
			.bind("from", from.atOffset(ZoneOffset.UTC))
			.bind("to", to.atOffset(ZoneOffset.UTC))
			.map((row) -> row.get(0, java.time.OffsetDateTime.class).toInstant())
			.all());
	}

}
