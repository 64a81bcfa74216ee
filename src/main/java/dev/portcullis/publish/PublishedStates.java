package dev.portcullis.publish;

import java.time.Instant;
import java.time.OffsetDateTime;

import dev.portcullis.replay.NamedStates;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * What is published, for replay's default baseline (docs/adr/037): the state of the workspace's most recent
 * publication that SUCCEEDED, was not a dry run and went to a target that still exists; "most recent" is the newest
 * published state ({@code state_at}, the moment whose versions it applied, as {@link PublishWorker} reads them), not
 * the newest finish, so that a slow target finishing an older state does not win. Several targets that got that
 * same state are all named. With a target's name, that target's most recent such publication. PARTIAL, FAILED,
 * running and dry-run publications never count: the target may hold part of them, which no state describes.
 * Nothing published: empty (replay falls back to the latest versions); nothing published to a named target: 422.
 */
@Component
class PublishedStates implements NamedStates {

	private static final String SUCCEEDED = " FROM publication p JOIN workspace w ON w.id = p.workspace_id"
			+ " WHERE w.name = :ws AND p.status = 'SUCCEEDED' AND NOT p.dry_run AND p.target_id IS NOT NULL";

	private final DatabaseClient db;

	PublishedStates(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public String kind() {
		return ReplayState.PUBLISHED;
	}

	@Override
	public Mono<Named> resolve(String workspace, @Nullable String target) {
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("SELECT p.state_at,"
				+ " string_agg(DISTINCT p.target_name, ', ' ORDER BY p.target_name) AS targets,"
				+ " count(DISTINCT p.target_name) AS n" + SUCCEEDED
				+ ((target != null) ? " AND p.target_name = :target" : "")
				+ " GROUP BY p.state_at ORDER BY p.state_at DESC LIMIT 1")
			.bind("ws", workspace);
		if (target != null) {
			spec = spec.bind("target", target);
		}
		Mono<Named> found = spec.map((row) -> {
			Instant at = row.get("state_at", OffsetDateTime.class).toInstant();
			long targets = row.get("n", Long.class);
			return new Named(StateChoice.at(at), "published state of " + at + " (target" + ((targets > 1) ? "s " : " ")
					+ row.get("targets", String.class) + ")");
		}).one();
		if (target == null) {
			return found;
		}
		return found.switchIfEmpty(Mono.error(() -> ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "nothing-published",
				"Nothing published", "Workspace \"" + workspace + "\" has no target \"" + target + "\" with a"
						+ " successful publication (SUCCEEDED, not a dry run).")));
	}

	@Override
	public Flux<Option> options(String workspace) {
		return this.db.sql("SELECT DISTINCT p.target_name" + SUCCEEDED + " ORDER BY p.target_name")
			.bind("ws", workspace)
			.map((row) -> row.get("target_name", String.class))
			.all()
			.map((name) -> new Option(name, "published to " + name));
	}

}
