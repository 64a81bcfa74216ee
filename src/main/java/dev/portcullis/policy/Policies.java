package dev.portcullis.policy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.database.Query;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.web.Quoted;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

/**
 * Reading the policies of the store: the list (filtered, a keyset page at a time), one policy now or as of a moment,
 * a version, a policy's history, the diff of two versions, and the workspace at a moment or compared between two.
 * Reads change nothing and need no role beyond signing in.
 * <p>
 * Moments: a version's {@code createdAt} is taken after its policy's row is locked, so versions of one policy are
 * in time order; "as of T" means each policy's latest version created at or before T. Errors arrive as
 * {@link StoreException.NotFound} for an unknown workspace, policy or version and {@link StoreException.BadRequest}
 * for a cursor or label selector this store did not give out or cannot read.
 */
@Component
@EnableConfigurationProperties(YamlProperties.class)
public class Policies {

	private static final String SUMMARY_COLUMNS = PolicyRows.SUMMARY_COLUMNS;

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final PolicyRows rows;

	private final EnginePool engine;

	private final YamlLimits policyLimits;

	private final WorkspaceSettings settings;

	Policies(DatabaseClient db, Workspaces workspaces, PolicyRows rows, EnginePool engine, YamlProperties yaml,
			WorkspaceSettings settings) {
		this.db = db;
		this.workspaces = workspaces;
		this.rows = rows;
		this.engine = engine;
		this.policyLimits = yaml.limits();
		this.settings = settings;
	}

	/**
	 * A page of the policies of a workspace (each at its head, or as of {@link PolicyQuery#at()}), ordered by
	 * namespace, name, kind. Keyset pagination: a page's cursor continues after its last key, so inserts and deletes
	 * between pages neither repeat nor skip the policies that were there before.
	 */
	public Mono<Page<PolicySummary>> list(String workspace, PolicyQuery query) {
		PolicyCursor after;
		LabelFilter label;
		try {
			after = (query.cursor() != null) ? PolicyCursor.parse(query.cursor()) : null;
			label = (query.label() != null) ? LabelFilter.parse(query.label()) : null;
		}
		catch (StoreException.BadRequest ex) {
			return Mono.error(ex);
		}
		return this.workspaces.id(workspace).flatMap((id) -> listQuery(id, query, after, label).on(this.db)
			.map(this.rows::summary)
			.all()
			.collectList()
			.map((rows) -> page(rows, query.limit(), (last) -> new PolicyCursor(last.key()).text())));
	}

	private Query listQuery(long workspaceId, PolicyQuery query, @Nullable PolicyCursor after,
			@Nullable LabelFilter label) {
		Query sql;
		String labels;
		if (query.at() == null) {
			// the page is chosen on policy alone (its indexes), then joined with its head versions
			sql = new Query("SELECT p.kind, p.namespace, p.name, p.head_version AS version, false AS deleted, "
					+ "p.updated_at AS created_at, v.author, v.message, p.head_labels AS labels, "
					+ "p.head_hash AS content_hash, p.head_warnings AS warnings FROM (SELECT * FROM policy p WHERE p.workspace_id = :ws "
					+ "AND NOT p.head_deleted");
			labels = "p.head_labels";
		}
		else {
			sql = new Query("SELECT " + SUMMARY_COLUMNS + " FROM policy p CROSS JOIN LATERAL (SELECT * FROM "
					+ "policy_version v WHERE v.policy_id = p.id AND v.created_at <= :at ORDER BY v.created_at DESC, "
					+ "v.version DESC LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted")
				.bind("at", query.at().atOffset(ZoneOffset.UTC));
			labels = "v.labels";
		}
		sql.bind("ws", workspaceId);
		if (query.text() != null) {
			sql.append(" AND (p.name ILIKE :text OR p.namespace ILIKE :text)", "text",
					Query.containing(query.text().strip()));
		}
		if (query.kind() != null) {
			sql.append(" AND p.kind = :kind", "kind", query.kind().kindName());
		}
		if (query.namespace() != null) {
			sql.append(" AND p.namespace = :namespace", "namespace", query.namespace());
		}
		if (label != null && label.value() != null) {
			sql.append(" AND " + labels + " @> :label", "label", this.rows.labelJson(label.key(), label.value()));
		}
		else if (label != null) {
			sql.append(" AND " + labels + " ? :label", "label", label.key());
		}
		if (after != null) {
			sql.append(" AND (p.namespace, p.name, p.kind) > (:afterNamespace, :afterName, :afterKind)")
				.bind("afterNamespace", after.after().namespace())
				.bind("afterName", after.after().name())
				.bind("afterKind", after.after().kind().kindName());
		}
		sql.append(" ORDER BY p.namespace, p.name, p.kind LIMIT :limit", "limit", query.limit() + 1);
		if (query.at() == null) {
			sql.append(") p JOIN policy_version v ON v.policy_id = p.id AND v.version = p.head_version "
					+ "ORDER BY p.namespace, p.name, p.kind");
		}
		return sql;
	}

	private static <T> Page<T> page(List<T> rows, int limit, Function<T, String> cursor) {
		if (rows.size() <= limit) {
			return new Page<>(rows, null);
		}
		List<T> items = rows.subList(0, limit);
		return new Page<>(items, cursor.apply(items.get(limit - 1)));
	}

	/** The id of a policy, or {@link StoreException.NotFound}. */
	private Mono<Long> policyId(String workspace, PolicyKey key) {
		return this.workspaces.id(workspace).flatMap((ws) -> this.db
			.sql("SELECT id FROM policy WHERE workspace_id = :ws AND kind = :kind AND namespace = :namespace AND name = :name")
			.bind("ws", ws)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.map((row) -> row.get("id", Long.class))
			.one()
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No policy " + key + " in workspace "
					+ Quoted.of(workspace) + "."))));
	}

	/**
	 * The policy at its head (which may be a tombstone), or as of {@code at} (its latest version created at or before
	 * it; {@link StoreException.NotFound} when it did not exist yet).
	 */
	public Mono<PolicyVersion> get(String workspace, PolicyKey key, @Nullable Instant at) {
		return policyId(workspace, key).flatMap((id) -> {
			GenericExecuteSpec spec;
			if (at == null) {
				spec = this.db.sql("SELECT " + SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p JOIN policy_version v "
						+ "ON v.policy_id = p.id AND v.version = p.head_version WHERE p.id = :id");
			}
			else {
				spec = this.db.sql("SELECT " + SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p JOIN policy_version v "
						+ "ON v.policy_id = p.id WHERE p.id = :id AND v.created_at <= :at "
						+ "ORDER BY v.created_at DESC, v.version DESC LIMIT 1")
					.bind("at", at.atOffset(ZoneOffset.UTC));
			}
			return spec.bind("id", id).map(this.rows::version).one()
				.switchIfEmpty(Mono.error(() -> new StoreException.NotFound(key + " did not exist at " + at + ".")));
		});
	}

	/**
	 * The engine's warnings about a version's text, as its save gave them (a feature a later Cilium removed, an
	 * implicit namespace, ...), with lines and columns in that text; empty for a tombstone. The list shows only the
	 * count, stored with each version ({@link PolicySummary#warnings()}); this reads the one text a page shows.
	 */
	public Mono<List<Violation>> warnings(String workspace, PolicyVersion version) {
		if (version.deleted() || version.yaml().isBlank()) {
			return Mono.just(List.of());
		}
		// the Cilium version the workspace's settings named when this version was saved
		return this.settings.at(workspace, version.summary().createdAt())
			.flatMap((settings) -> this.engine.run(() -> PolicyText.one(version.yaml(), this.policyLimits,
					settings.ciliumVersion()).warnings()))
			// a text stored under other rules (a later engine) may no longer pass: show its warnings, not an error
			.onErrorResume(StoreException.Invalid.class, (invalid) -> Mono.just(invalid.violations()
				.stream()
				.filter((violation) -> !violation.isError())
				.toList()));
	}

	/** One version of a policy. */
	public Mono<PolicyVersion> version(String workspace, PolicyKey key, int version) {
		return policyId(workspace, key).flatMap((id) -> this.rows.versionOf(id, version))
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("Version " + version + " of " + key + " does not exist.")));
	}

	/**
	 * A page of a policy's versions, newest first.
	 * @param cursor {@link Page#nextCursor()} of the previous page, null for the newest
	 * @param limit page size, 1 to {@link PolicyQuery#MAX_LIMIT}
	 */
	public Mono<Page<PolicySummary>> history(String workspace, PolicyKey key, @Nullable String cursor, int limit) {
		if (limit < 1 || limit > PolicyQuery.MAX_LIMIT) {
			return Mono.error(new StoreException.BadRequest("limit must be between 1 and " + PolicyQuery.MAX_LIMIT
					+ ", not " + limit + "."));
		}
		int before;
		try {
			before = (cursor != null) ? Integer.parseInt(cursor) : Integer.MAX_VALUE;
		}
		catch (NumberFormatException ex) {
			return Mono.error(new StoreException.BadRequest("The cursor " + Quoted.of(cursor) + " is not one this list gave"
					+ " out; start again from the first page."));
		}
		return policyId(workspace, key).flatMap((id) -> this.db
			.sql("SELECT " + SUMMARY_COLUMNS + " FROM policy p JOIN policy_version v ON v.policy_id = p.id "
					+ "WHERE p.id = :id AND v.version < :before ORDER BY v.version DESC LIMIT :limit")
			.bind("id", id)
			.bind("before", before)
			.bind("limit", limit + 1)
			.map(this.rows::summary)
			.all()
			.collectList()
			.map((rows) -> page(rows, limit, (last) -> Integer.toString(last.version()))));
	}

	/** The difference between two versions of a policy (either order; a tombstone compares as empty text). */
	public Mono<PolicyDiff> diff(String workspace, PolicyKey key, int fromVersion, int toVersion) {
		// "to" first: when both are missing (diff?to=99, from defaulting to 98) the one the user asked for is named
		return policyId(workspace, key).flatMap((id) -> this.rows.versionOf(id, toVersion)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("Version " + toVersion + " of " + key
					+ " does not exist.")))
			.zipWhen((to) -> this.rows.versionOf(id, fromVersion).switchIfEmpty(Mono.error(() -> new StoreException.NotFound(
					"Version " + fromVersion + " of " + key + " does not exist.")))))
			.flatMap((both) -> this.engine.run(() -> {
				PolicyVersion to = both.getT1();
				PolicyVersion from = both.getT2();
				LineDiff lines = LineDiff.between(from.canonicalYaml(), to.canonicalYaml(),
						"a/" + key.path() + " v" + fromVersion, "b/" + key.path() + " v" + toVersion);
				return new PolicyDiff(key, from.summary(), to.summary(), lines.unified(), lines.lines(),
						StructuralDiff.between(from.canonicalYaml(), to.canonicalYaml()));
			}));
	}

	/** Every policy that existed (not deleted) at {@code at}, at its version then, in export order. */
	public Flux<PolicySummary> snapshot(String workspace, Instant at) {
		return this.workspaces.id(workspace).flatMapMany((ws) -> this.db
			.sql("SELECT " + SUMMARY_COLUMNS + " FROM policy p CROSS JOIN LATERAL (SELECT * FROM policy_version v "
					+ "WHERE v.policy_id = p.id AND v.created_at <= :at ORDER BY v.created_at DESC, v.version DESC "
					+ "LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted")
			.bind("ws", ws)
			.bind("at", at.atOffset(ZoneOffset.UTC))
			.map(this.rows::summary)
			.all()
			.sort(Comparator.comparing(PolicySummary::key)));
	}

	/** The policies added, removed or changed between two moments. */
	public Mono<WorkspaceComparison> compare(String workspace, Instant from, Instant to) {
		return Mono.zip(snapshot(workspace, from).collectMap(PolicySummary::key),
				snapshot(workspace, to).collectMap(PolicySummary::key))
			.map((both) -> {
				Map<PolicyKey, PolicySummary> a = both.getT1();
				Map<PolicyKey, PolicySummary> b = both.getT2();
				TreeMap<PolicyKey, WorkspaceComparison.Entry> changes = new TreeMap<>();
				a.forEach((key, before) -> {
					PolicySummary after = b.get(key);
					if (after == null) {
						changes.put(key, new WorkspaceComparison.Entry(key, WorkspaceComparison.Change.REMOVED,
								before.version(), null));
					}
					else if (!after.contentHash().equals(before.contentHash())) {
						changes.put(key, new WorkspaceComparison.Entry(key, WorkspaceComparison.Change.CHANGED,
								before.version(), after.version()));
					}
				});
				b.forEach((key, after) -> {
					if (!a.containsKey(key)) {
						changes.put(key, new WorkspaceComparison.Entry(key, WorkspaceComparison.Change.ADDED, null,
								after.version()));
					}
				});
				return new WorkspaceComparison(from, to, new ArrayList<>(changes.values()));
			});
	}
}
