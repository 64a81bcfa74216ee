package dev.portcullis.review;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.web.ApiProblem;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reading change requests and what belongs to them: revisions with their touched policies, reviews, comments. Every
 * read names the workspace, so that an id of another workspace is not found (404 {@code not-found}).
 */
@Component
class ChangeRequestRows {

	private static final String COLUMNS = "c.id, w.name AS workspace, c.title, c.description, c.author, c.status, "
			+ "c.revision, c.created_at, c.updated_at, c.closed_at, c.closed_by, c.bypass_reason";

	private final DatabaseClient db;

	ChangeRequestRows(DatabaseClient db) {
		this.db = db;
	}

	/** The change request, locked for the caller's transaction when {@code lock}; 404 when the workspace has none. */
	Mono<ChangeRequest> find(String workspace, long id, boolean lock) {
		return this.db.sql("SELECT " + COLUMNS + " FROM change_request c JOIN workspace w ON w.id = c.workspace_id "
				+ "WHERE w.name = :workspace AND c.id = :id" + (lock ? " FOR UPDATE OF c" : ""))
			.bind("workspace", workspace)
			.bind("id", id)
			.map(ChangeRequestRows::changeRequest)
			.one()
			.switchIfEmpty(Mono.error(() -> notFound(workspace, id)));
	}

	static ApiProblem notFound(String workspace, long id) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
				"Workspace \"" + workspace + "\" has no change request " + id + ".");
	}

	/** The workspace's change requests, newest first, those with {@code status} when not null; at most {@code limit}. */
	Flux<ChangeRequest> list(String workspace, ChangeRequest.@Nullable Status status, int limit) {
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("SELECT " + COLUMNS + " FROM change_request c "
				+ "JOIN workspace w ON w.id = c.workspace_id WHERE w.name = :workspace"
				+ ((status != null) ? " AND c.status = :status" : "") + " ORDER BY c.id DESC LIMIT :limit")
			.bind("workspace", workspace)
			.bind("limit", limit);
		if (status != null) {
			spec = spec.bind("status", status.name());
		}
		return spec.map(ChangeRequestRows::changeRequest).all();
	}

	/** Every revision, oldest first, with the policies it touches. */
	Mono<List<Revision>> revisions(long id) {
		Mono<Map<Integer, List<ChangeSets.Touched>>> touched = this.db
			.sql("SELECT revision, kind, namespace, name, deleted, base_version FROM change_revision_policy "
					+ "WHERE change_request_id = :id ORDER BY revision, namespace, name, kind")
			.bind("id", id)
			.map((row) -> Map.entry(row.get("revision", Integer.class), new ChangeSets.Touched(
					PolicyKey.parse(row.get("kind", String.class), orNoNamespace(row.get("namespace", String.class)),
							row.get("name", String.class)),
					row.get("deleted", Boolean.class), row.get("base_version", Integer.class))))
			.all()
			.collect(LinkedHashMap::new, (map, e) -> map.computeIfAbsent(e.getKey(), (k) -> new ArrayList<>())
				.add(e.getValue()));
		return touched.flatMap((policies) -> this.db
			.sql("SELECT revision, changes, author, created_at FROM change_revision WHERE change_request_id = :id "
					+ "ORDER BY revision")
			.bind("id", id)
			.map((row) -> new Revision(row.get("revision", Integer.class), row.get("changes", String.class),
					row.get("author", String.class), instant(row, "created_at"),
					policies.getOrDefault(row.get("revision", Integer.class), List.of())))
			.all()
			.collectList());
	}

	private static String orNoNamespace(String namespace) {
		return namespace.isEmpty() ? PolicyKey.NO_NAMESPACE_SEGMENT : namespace;
	}

	/** Every review, oldest first. */
	Mono<List<Review>> reviews(long id) {
		return this.db.sql("SELECT id, revision, reviewer, decision, body, stale, created_at FROM change_review "
				+ "WHERE change_request_id = :id ORDER BY id")
			.bind("id", id)
			.map((row) -> new Review(row.get("id", Long.class), row.get("revision", Integer.class),
					row.get("reviewer", String.class), Review.Decision.valueOf(row.get("decision", String.class)),
					row.get("body", String.class), row.get("stale", Boolean.class), instant(row, "created_at")))
			.all()
			.collectList();
	}

	/** Every comment, oldest first. */
	Mono<List<Comment>> comments(long id) {
		return this.db.sql("SELECT id, revision, parent_id, policy, line, author, body, resolved, resolved_by, created_at "
				+ "FROM change_comment WHERE change_request_id = :id ORDER BY id")
			.bind("id", id)
			.map((row) -> new Comment(row.get("id", Long.class), row.get("revision", Integer.class),
					row.get("parent_id", Long.class), row.get("policy", String.class), row.get("line", Integer.class),
					row.get("author", String.class), row.get("body", String.class), row.get("resolved", Boolean.class),
					row.get("resolved_by", String.class), instant(row, "created_at")))
			.all()
			.collectList();
	}

	private static ChangeRequest changeRequest(Readable row) {
		OffsetDateTime closed = row.get("closed_at", OffsetDateTime.class);
		return new ChangeRequest(row.get("id", Long.class), row.get("workspace", String.class),
				row.get("title", String.class), row.get("description", String.class), row.get("author", String.class),
				ChangeRequest.Status.valueOf(row.get("status", String.class)), row.get("revision", Integer.class),
				instant(row, "created_at"), instant(row, "updated_at"), (closed != null) ? closed.toInstant() : null,
				row.get("closed_by", String.class), row.get("bypass_reason", String.class));
	}

	private static Instant instant(Readable row, String column) {
		return row.get(column, OffsetDateTime.class).toInstant();
	}

}
