package dev.portcullis.policy;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.web.Quoted;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The workspaces of the store: created, listed, looked up. A workspace is never renamed or removed. Creating one
 * needs the AUTHOR role ({@link dev.portcullis.identity.Forbidden} otherwise, docs/adr/010) and is audited as
 * {@code workspace.create} in the same transaction.
 */
@Component
public class Workspaces {

	private static final Pattern WORKSPACE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final StoreAudit audit;

	private final Permissions permissions;

	private final Map<String, Long> ids = new ConcurrentHashMap<>();

	Workspaces(DatabaseClient db, ReactiveTransactionManager transactions, StoreAudit audit, Permissions permissions) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.audit = audit;
		this.permissions = permissions;
	}

	/**
	 * Creates a workspace.
	 * @param name a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or
	 * digit); {@link StoreException.BadRequest} otherwise, {@link StoreException.AlreadyExists} when taken
	 * @param description free text, may be empty
	 */
	public Mono<Workspace> create(String name, String description, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "workspace.create");
		}
		if (!WORKSPACE_NAME.matcher(name).matches()) {
			return Mono.error(new StoreException.BadRequest("The workspace name " + Quoted.of(name) + " is not valid: use at"
					+ " most 63 lower-case letters, digits and '-', starting and ending with a letter or digit."));
		}
		Mono<Workspace> create = this.db
			.sql("INSERT INTO workspace (name, description, created_by) VALUES (:name, :description, :by) "
					+ "ON CONFLICT (name) DO NOTHING RETURNING name, description, created_at, created_by, 0::bigint AS policies")
			.bind("name", name)
			.bind("description", description.strip())
			.bind("by", by.username())
			.map(Workspaces::row)
			.one()
			.switchIfEmpty(Mono.error(() -> new StoreException.AlreadyExists("A workspace named " + Quoted.of(name)
					+ " exists already.")))
			.flatMap((workspace) -> this.audit.record(by, "workspace.create", name, name, Map.of()).thenReturn(workspace));
		return this.tx.transactional(create);
	}

	/** All workspaces, by name. */
	public Flux<Workspace> all() {
		return this.db.sql("SELECT w.name, w.description, w.created_at, w.created_by, "
				+ "(SELECT count(*) FROM policy p WHERE p.workspace_id = w.id AND NOT p.head_deleted) AS policies "
				+ "FROM workspace w ORDER BY w.name")
			.map(Workspaces::row)
			.all();
	}

	/** The workspace, or empty when there is none by that name. */
	public Mono<Workspace> find(String name) {
		return this.db.sql("SELECT w.name, w.description, w.created_at, w.created_by, "
				+ "(SELECT count(*) FROM policy p WHERE p.workspace_id = w.id AND NOT p.head_deleted) AS policies "
				+ "FROM workspace w WHERE w.name = :name")
			.bind("name", name)
			.map(Workspaces::row)
			.one();
	}

	private static Workspace row(Readable row) {
		return new Workspace(row.get("name", String.class), row.get("description", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("created_by", String.class),
				row.get("policies", Long.class));
	}

	/**
	 * The id of a workspace, or {@link StoreException.NotFound}. Ids are cached: a workspace is never renamed or
	 * removed, so a name, once found, names the same row for good.
	 */
	public Mono<Long> id(String name) {
		return findId(name)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(name) + ".")));
	}

	/**
	 * The id of a workspace, or empty when there is none by that name: the one lookup of a workspace's id, for
	 * features that refuse a missing workspace in their own words. Cached like {@link #id}.
	 */
	public Mono<Long> findId(String name) {
		Long cached = this.ids.get(name);
		if (cached != null) {
			return Mono.just(cached);
		}
		return this.db.sql("SELECT id FROM workspace WHERE name = :name")
			.bind("name", name)
			.map((row) -> row.get("id", Long.class))
			.one()
			.doOnNext((id) -> this.ids.put(name, id));
	}

}
