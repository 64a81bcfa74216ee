package dev.portcullis.policy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyText.Parsed;
import dev.portcullis.web.Quoted;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The versioned policy store: workspaces, and in each the policies (CiliumNetworkPolicy,
 * CiliumClusterwideNetworkPolicy, NetworkPolicy) identified by {@link PolicyKey}, each kept as an append-only list
 * of versions. Every change writes a new version (a delete writes a tombstone) and an audit event in one
 * transaction; nothing is ever overwritten or removed.
 * <p>
 * Errors arrive as {@link StoreException}s in the returned publisher: {@link StoreException.NotFound} for an unknown
 * workspace, policy or version; {@link StoreException.Invalid} with the engine's violations;
 * {@link StoreException.Conflict} when the expected version is not the head; {@link StoreException.ImportRefused}
 * with the per-document report; {@link StoreException.TooLarge} for a policy over {@code portcullis.yaml.max-input-chars};
 * {@link StoreException.BadRequest} for other bad input; {@link dev.portcullis.identity.Forbidden} when the requester's
 * role is below AUTHOR (every change checks it, docs/adr/010); {@link dev.portcullis.compute.EngineBusy} when the
 * engine pool has no room for the parsing a save, an import or a diff needs. A refused change writes nothing.
 * <p>
 * Optimistic concurrency: a change names the head version it was based on ({@code expectedVersion}); if another
 * change got in first it fails with a conflict that carries the current head, so no work is silently lost. The
 * head row is locked ({@code SELECT ... FOR UPDATE}) for the check, and the primary key (policy, version) of
 * versions makes a lost update impossible even without it.
 * <p>
 * Moments: a version's {@code createdAt} is taken after its policy's row is locked, so versions of one policy are
 * in time order; "as of T" means each policy's latest version created at or before T. All versions of one import
 * share one moment.
 */
@Component
@EnableConfigurationProperties({ YamlProperties.class, PolicyStore.Settings.class })
public class PolicyStore {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PolicyStore.class);

	private static final Pattern WORKSPACE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	private static final int BATCH = 1000;

	/** Imports writing at least this many versions refresh the planner's statistics. */
	private static final int ANALYZE_AFTER = 1000;

	private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
	};

	private static final String SUMMARY_COLUMNS = "p.kind, p.namespace, p.name, v.version, v.deleted, v.created_at, "
			+ "v.author, v.message, v.labels, v.content_hash, v.warnings";

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final AuditLog audit;

	private final Permissions permissions;

	private final JsonMapper json;

	private final YamlLimits policyLimits;

	private final YamlLimits bundleLimits;

	private final EnginePool engine;

	private final Map<String, Long> workspaceIds = new java.util.concurrent.ConcurrentHashMap<>();

	/** Reads {@code labels} jsonb; built once, as the list page reads fifty per request. */
	private final ObjectReader labelsReader;

	PolicyStore(DatabaseClient db, ReactiveTransactionManager transactions, AuditLog audit, Permissions permissions,
			JsonMapper json, YamlProperties yaml, Settings settings, EnginePool engine) {
		this.db = db;
		this.engine = engine;
		this.tx = TransactionalOperator.create(transactions);
		this.audit = audit;
		this.permissions = permissions;
		this.json = json;
		this.labelsReader = json.readerFor(LABELS);
		this.policyLimits = yaml.limits();
		this.bundleLimits = yaml.limits()
			.withMaxInputChars(settings.importMaxChars())
			.withMaxDocuments(settings.importMaxDocuments())
			.withMaxNodes(settings.importMaxNodes());
	}

	/**
	 * Limits of bundle imports ({@code portcullis.store.*}); single policies are held to {@code portcullis.yaml.*}.
	 *
	 * @param importMaxChars largest bundle, in characters (default 16 MiB, the API's body limit)
	 * @param importMaxDocuments most YAML documents in a bundle (default 50,000; a {@code kind: List} is one)
	 * @param importMaxNodes most YAML nodes in a bundle (default 5,000,000)
	 */
	@ConfigurationProperties("portcullis.store")
	public record Settings(@DefaultValue("16777216") int importMaxChars, @DefaultValue("50000") int importMaxDocuments,
			@DefaultValue("5000000") int importMaxNodes) {
	}

	// ---------------------------------------------------------------- workspaces

	/**
	 * Creates a workspace.
	 * @param name a DNS label (at most 63 lower-case letters, digits and '-', starting and ending with a letter or
	 * digit); {@link StoreException.BadRequest} otherwise, {@link StoreException.AlreadyExists} when taken
	 * @param description free text, may be empty
	 */
	public Mono<Workspace> createWorkspace(String name, String description, Requester by) {
		if (!by.actor().has(Role.AUTHOR)) {
			return this.permissions.refuse(by.actor(), by.address(), Role.AUTHOR, "workspace.create");
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
			.bind("by", by.actor().username())
			.map(PolicyStore::workspaceRow)
			.one()
			.switchIfEmpty(Mono.error(() -> new StoreException.AlreadyExists("A workspace named " + Quoted.of(name)
					+ " exists already.")))
			.flatMap((workspace) -> record(by, "workspace.create", name, name, Map.of()).thenReturn(workspace));
		return this.tx.transactional(create);
	}

	/** All workspaces, by name. */
	public Flux<Workspace> workspaces() {
		return this.db.sql("SELECT w.name, w.description, w.created_at, w.created_by, "
				+ "(SELECT count(*) FROM policy p WHERE p.workspace_id = w.id AND NOT p.head_deleted) AS policies "
				+ "FROM workspace w ORDER BY w.name")
			.map(PolicyStore::workspaceRow)
			.all();
	}

	/** The workspace, or empty when there is none by that name. */
	public Mono<Workspace> workspace(String name) {
		return this.db.sql("SELECT w.name, w.description, w.created_at, w.created_by, "
				+ "(SELECT count(*) FROM policy p WHERE p.workspace_id = w.id AND NOT p.head_deleted) AS policies "
				+ "FROM workspace w WHERE w.name = :name")
			.bind("name", name)
			.map(PolicyStore::workspaceRow)
			.one();
	}

	private static Workspace workspaceRow(Readable row) {
		return new Workspace(row.get("name", String.class), row.get("description", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("created_by", String.class),
				row.get("policies", Long.class));
	}

	/**
	 * The id of a workspace, or {@link StoreException.NotFound}. Ids are cached: a workspace is never renamed or
	 * removed, so a name, once found, names the same row for good.
	 */
	private Mono<Long> workspaceId(String name) {
		Long cached = this.workspaceIds.get(name);
		if (cached != null) {
			return Mono.just(cached);
		}
		return this.db.sql("SELECT id FROM workspace WHERE name = :name")
			.bind("name", name)
			.map((row) -> row.get("id", Long.class))
			.one()
			.doOnNext((id) -> this.workspaceIds.put(name, id))
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(name) + ".")));
	}

	// ---------------------------------------------------------------- reading

	/**
	 * A page of the policies of a workspace (each at its head, or as of {@link PolicyQuery#at()}), ordered by
	 * namespace, name, kind. Keyset pagination: a page's cursor continues after its last key, so inserts and deletes
	 * between pages neither repeat nor skip the policies that were there before.
	 */
	public Mono<Page<PolicySummary>> list(String workspace, PolicyQuery query) {
		PolicyKey after;
		LabelFilter label;
		try {
			after = (query.cursor() != null) ? decodeCursor(query.cursor()) : null;
			label = (query.label() != null) ? LabelFilter.parse(query.label()) : null;
		}
		catch (StoreException.BadRequest ex) {
			return Mono.error(ex);
		}
		return workspaceId(workspace).flatMap((id) -> {
			Map<String, Object> binds = new LinkedHashMap<>();
			binds.put("ws", id);
			StringBuilder sql = new StringBuilder();
			String labels;
			if (query.at() == null) {
				// the page is chosen on policy alone (its indexes), then joined with its head versions
				sql.append("SELECT p.kind, p.namespace, p.name, p.head_version AS version, false AS deleted, "
						+ "p.updated_at AS created_at, v.author, v.message, p.head_labels AS labels, "
						+ "p.head_hash AS content_hash, p.head_warnings AS warnings FROM (SELECT * FROM policy p WHERE p.workspace_id = :ws "
						+ "AND NOT p.head_deleted");
				labels = "p.head_labels";
			}
			else {
				sql.append("SELECT " + SUMMARY_COLUMNS + " FROM policy p CROSS JOIN LATERAL (SELECT * FROM "
						+ "policy_version v WHERE v.policy_id = p.id AND v.created_at <= :at ORDER BY v.created_at DESC, "
						+ "v.version DESC LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted");
				binds.put("at", query.at().atOffset(ZoneOffset.UTC));
				labels = "v.labels";
			}
			if (query.text() != null) {
				sql.append(" AND (p.name ILIKE :text OR p.namespace ILIKE :text)");
				binds.put("text", "%" + query.text().strip().replace("\\", "\\\\").replace("%", "\\%")
					.replace("_", "\\_") + "%");
			}
			if (query.kind() != null) {
				sql.append(" AND p.kind = :kind");
				binds.put("kind", query.kind().kindName());
			}
			if (query.namespace() != null) {
				sql.append(" AND p.namespace = :namespace");
				binds.put("namespace", query.namespace());
			}
			if (label != null) {
				if (label.value() != null) {
					sql.append(" AND ").append(labels).append(" @> :label");
					binds.put("label", Json.of(this.json.writeValueAsString(Map.of(label.key(), label.value()))));
				}
				else {
					sql.append(" AND ").append(labels).append(" ? :label");
					binds.put("label", label.key());
				}
			}
			if (after != null) {
				sql.append(" AND (p.namespace, p.name, p.kind) > (:afterNamespace, :afterName, :afterKind)");
				binds.put("afterNamespace", after.namespace());
				binds.put("afterName", after.name());
				binds.put("afterKind", after.kind().kindName());
			}
			sql.append(" ORDER BY p.namespace, p.name, p.kind LIMIT :limit");
			if (query.at() == null) {
				sql.append(") p JOIN policy_version v ON v.policy_id = p.id AND v.version = p.head_version "
						+ "ORDER BY p.namespace, p.name, p.kind");
			}
			binds.put("limit", query.limit() + 1);
			GenericExecuteSpec spec = this.db.sql(sql.toString());
			for (Map.Entry<String, Object> bind : binds.entrySet()) {
				spec = spec.bind(bind.getKey(), bind.getValue());
			}
			return spec.map(this::summaryRow).all().collectList()
				.map((rows) -> page(rows, query.limit(), (last) -> encodeCursor(last.key())));
		});
	}

	private static <T> Page<T> page(List<T> rows, int limit, Function<T, String> cursor) {
		if (rows.size() <= limit) {
			return new Page<>(rows, null);
		}
		List<T> items = rows.subList(0, limit);
		return new Page<>(items, cursor.apply(items.get(limit - 1)));
	}

	static String encodeCursor(PolicyKey key) {
		String raw = key.namespace() + "\u0000" + key.name() + "\u0000" + key.kind().kindName();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

	static PolicyKey decodeCursor(String cursor) {
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\u0000", -1);
			if (parts.length == 3) {
				return new PolicyKey(PolicyKey.kind(parts[2]), parts[0], parts[1]);
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new StoreException.BadRequest("The cursor " + Quoted.of(cursor) + " is not one this list gave out; start"
				+ " again from the first page.");
	}

	/** A label selector of the list: {@code key=value} or {@code key}. */
	record LabelFilter(String key, @Nullable String value) {

		static LabelFilter parse(String text) {
			String t = text.strip();
			int eq = t.indexOf('=');
			String key = (eq < 0) ? t : t.substring(0, eq).strip();
			String value = (eq < 0) ? null : t.substring(eq + 1).replaceFirst("^=", "").strip();
			if (key.isEmpty() || !key.matches("([a-z0-9.-]+/)?[A-Za-z0-9][-A-Za-z0-9_.]*")
					|| (value != null && !value.matches("[-A-Za-z0-9_.]*"))) {
				throw new StoreException.BadRequest("The label selector " + Quoted.of(text) + " is not valid: write key=value"
						+ " (label equals) or key (label present), for example app=web.");
			}
			return new LabelFilter(key, value);
		}

	}

	/** The id of a policy, or {@link StoreException.NotFound}. */
	private Mono<Long> policyId(String workspace, PolicyKey key) {
		return workspaceId(workspace).flatMap((ws) -> this.db
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
			return spec.bind("id", id).map(this::versionRow).one()
				.switchIfEmpty(Mono.error(() -> new StoreException.NotFound(key + " did not exist at " + at + ".")));
		});
	}

	/**
	 * The engine's warnings about a version's text, as its save gave them (a feature a later Cilium removed, an
	 * implicit namespace, ...), with lines and columns in that text; empty for a tombstone. The list shows only the
	 * count, stored with each version ({@link PolicySummary#warnings()}); this reads the one text a page shows.
	 */
	public Mono<List<Violation>> warnings(PolicyVersion version) {
		if (version.deleted() || version.yaml().isBlank()) {
			return Mono.just(List.of());
		}
		return this.engine.run(() -> PolicyText.one(version.yaml(), this.policyLimits).warnings())
			// a text stored under other rules (a later engine) may no longer pass: show its warnings, not an error
			.onErrorResume(StoreException.Invalid.class, (invalid) -> Mono.just(invalid.violations()
				.stream()
				.filter((violation) -> !violation.isError())
				.toList()));
	}

	/** One version of a policy. */
	public Mono<PolicyVersion> version(String workspace, PolicyKey key, int version) {
		return policyId(workspace, key).flatMap((id) -> versionOf(id, version))
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("Version " + version + " of " + key + " does not exist.")));
	}

	private Mono<PolicyVersion> versionOf(long policyId, int version) {
		return this.db.sql("SELECT " + SUMMARY_COLUMNS + ", v.yaml, v.canonical FROM policy p JOIN policy_version v "
				+ "ON v.policy_id = p.id WHERE p.id = :id AND v.version = :version")
			.bind("id", policyId)
			.bind("version", version)
			.map(this::versionRow)
			.one();
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
			.map(this::summaryRow)
			.all()
			.collectList()
			.map((rows) -> page(rows, limit, (last) -> Integer.toString(last.version()))));
	}

	/** The difference between two versions of a policy (either order; a tombstone compares as empty text). */
	public Mono<PolicyDiff> diff(String workspace, PolicyKey key, int fromVersion, int toVersion) {
		// "to" first: when both are missing (diff?to=99, from defaulting to 98) the one the user asked for is named
		return policyId(workspace, key).flatMap((id) -> versionOf(id, toVersion)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("Version " + toVersion + " of " + key
					+ " does not exist.")))
			.zipWhen((to) -> versionOf(id, fromVersion).switchIfEmpty(Mono.error(() -> new StoreException.NotFound(
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
		return workspaceId(workspace).flatMapMany((ws) -> this.db
			.sql("SELECT " + SUMMARY_COLUMNS + " FROM policy p CROSS JOIN LATERAL (SELECT * FROM policy_version v "
					+ "WHERE v.policy_id = p.id AND v.created_at <= :at ORDER BY v.created_at DESC, v.version DESC "
					+ "LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted")
			.bind("ws", ws)
			.bind("at", at.atOffset(ZoneOffset.UTC))
			.map(this::summaryRow)
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

	private PolicySummary summaryRow(Readable row) {
		PolicyKind kind = PolicyKey.kind(row.get("kind", String.class));
		return new PolicySummary(new PolicyKey(kind, row.get("namespace", String.class), row.get("name", String.class)),
				row.get("version", Integer.class), row.get("deleted", Boolean.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("author", String.class),
				row.get("message", String.class), labels(row.get("labels", Json.class)),
				row.get("content_hash", String.class), row.get("warnings", Integer.class));
	}

	private PolicyVersion versionRow(Readable row) {
		return new PolicyVersion(summaryRow(row), row.get("yaml", String.class), row.get("canonical", String.class));
	}

	private Map<String, String> labels(@Nullable Json json) {
		if (json == null) {
			return Map.of();
		}
		String text = json.asString();
		return "{}".equals(text) ? Map.of() : this.labelsReader.readValue(text);
	}

	private Json labelsJson(Map<String, String> labels) {
		return Json.of(labelsText(labels));
	}

	private String labelsText(Map<String, String> labels) {
		return labels.isEmpty() ? "{}" : this.json.writeValueAsString(new TreeMap<>(labels));
	}

	// ---------------------------------------------------------------- writing

	/** The head of a policy, locked for the transaction. */
	private record Head(long id, int version, boolean deleted, String hash) {
	}

	private Mono<Optional<Head>> lockHead(long workspaceId, PolicyKey key) {
		return this.db.sql("SELECT id, head_version, head_deleted, head_hash FROM policy WHERE workspace_id = :ws "
				+ "AND kind = :kind AND namespace = :namespace AND name = :name FOR UPDATE")
			.bind("ws", workspaceId)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.map((row) -> Optional.of(new Head(row.get("id", Long.class), row.get("head_version", Integer.class),
					row.get("head_deleted", Boolean.class), row.get("head_hash", String.class))))
			.one()
			.defaultIfEmpty(Optional.empty());
	}

	private Mono<StoreException.Conflict> conflict(String message, @Nullable Integer expected, long policyId,
			int headVersion) {
		return versionOf(policyId, headVersion)
			.map((head) -> new StoreException.Conflict(message, expected, head.summary()));
	}

	/** The content a new version gets; {@code warnings} null when unknown (restoring a version from before V006). */
	private record Content(String yaml, String canonical, String hash, Map<String, String> labels, boolean deleted,
			@Nullable Integer warnings) {

		static final Content TOMBSTONE = new Content("", "", Canonical.hash(""), Map.of(), true, 0);

		static Content of(Parsed parsed) {
			return new Content(parsed.yaml(), parsed.canonical(), parsed.hash(), parsed.labels(), false,
					parsed.warnings().size());
		}

		static Content of(PolicyVersion version) {
			return new Content(version.yaml(), version.canonicalYaml(), version.summary().contentHash(),
					version.summary().labels(), false, version.summary().warnings());
		}

	}

	/** Writes version {@code head + 1} of an existing policy and moves its head. */
	private Mono<PolicyVersion> append(Head head, PolicyKey key, Content content, String message, Requester by) {
		int version = head.version() + 1;
		return warnings(this.db
			.sql("INSERT INTO policy_version (policy_id, version, deleted, yaml, canonical, content_hash, labels, author, "
					+ "message, warnings, created_at) VALUES (:id, :version, :deleted, :yaml, :canonical, :hash, :labels, "
					+ ":author, :message, :warnings, clock_timestamp()) RETURNING created_at")
			.bind("id", head.id())
			.bind("version", version)
			.bind("deleted", content.deleted())
			.bind("yaml", content.yaml())
			.bind("canonical", content.canonical())
			.bind("hash", content.hash())
			.bind("labels", labelsJson(content.labels()))
			.bind("author", by.actor().username())
			.bind("message", message), content.warnings())
			.map((row) -> row.get("created_at", OffsetDateTime.class))
			.one()
			.flatMap((createdAt) -> warnings(this.db
				.sql("UPDATE policy SET head_version = :version, head_deleted = :deleted, head_labels = :labels, "
						+ "head_hash = :hash, head_warnings = :warnings, updated_at = :at WHERE id = :id "
						+ "AND head_version = :previous"), content.warnings())
				.bind("version", version)
				.bind("deleted", content.deleted())
				.bind("labels", labelsJson(content.labels()))
				.bind("hash", content.hash())
				.bind("at", createdAt)
				.bind("id", head.id())
				.bind("previous", head.version())
				.fetch()
				.rowsUpdated()
				.flatMap((updated) -> (updated == 1) ? Mono.just(createdAt)
						: Mono.error(new IllegalStateException("head of " + key + " moved under a lock"))))
			.map((createdAt) -> new PolicyVersion(new PolicySummary(key, version, content.deleted(),
					createdAt.toInstant(), by.actor().username(), message, content.labels(), content.hash(),
					content.warnings()), content.yaml(), content.canonical()));
	}

	/** Binds {@code :warnings}, which may be null (unknown). */
	private static GenericExecuteSpec warnings(GenericExecuteSpec spec, @Nullable Integer warnings) {
		return (warnings != null) ? spec.bind("warnings", warnings) : spec.bindNull("warnings", Integer.class);
	}

	/** Creates a policy with its first version; empty when another transaction created it first. */
	private Mono<PolicyVersion> create(long workspaceId, PolicyKey key, Content content, String message, Requester by) {
		return warnings(this.db
			.sql("INSERT INTO policy (workspace_id, kind, namespace, name, head_version, head_deleted, head_labels, "
					+ "head_hash, head_warnings, updated_at) VALUES (:ws, :kind, :namespace, :name, 1, false, :labels, "
					+ ":hash, :warnings, clock_timestamp()) ON CONFLICT ON CONSTRAINT policy_key DO NOTHING "
					+ "RETURNING id, updated_at"), content.warnings())
			.bind("ws", workspaceId)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.bind("labels", labelsJson(content.labels()))
			.bind("hash", content.hash())
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("updated_at", OffsetDateTime.class)))
			.one()
			.flatMap((created) -> warnings(this.db
				.sql("INSERT INTO policy_version (policy_id, version, deleted, yaml, canonical, content_hash, labels, "
						+ "author, message, warnings, created_at) VALUES (:id, 1, false, :yaml, :canonical, :hash, "
						+ ":labels, :author, :message, :warnings, :at)"), content.warnings())
				.bind("id", created.getKey())
				.bind("yaml", content.yaml())
				.bind("canonical", content.canonical())
				.bind("hash", content.hash())
				.bind("labels", labelsJson(content.labels()))
				.bind("author", by.actor().username())
				.bind("message", message)
				.bind("at", created.getValue())
				.then()
				.thenReturn(new PolicyVersion(new PolicySummary(key, 1, false, created.getValue().toInstant(),
						by.actor().username(), message, content.labels(), content.hash(), content.warnings()),
						content.yaml(), content.canonical())));
	}

	/**
	 * Validates one policy object with the engine and saves it as a new version.
	 * @param key when not null, the text must name this policy ({@link StoreException.BadRequest} otherwise)
	 * @param yaml one policy object, YAML or JSON, as the author wrote it; kept as written
	 * @param expectedVersion the head version this change is based on; null to create: then the policy must not exist
	 * or be deleted, else {@link StoreException.Conflict}
	 * @param message why, may be empty
	 * @return {@link SaveResult.Outcome#CREATED}, {@link SaveResult.Outcome#UPDATED}, or
	 * {@link SaveResult.Outcome#UNCHANGED} when the canonical form equals the head's (nothing written)
	 */
	public Mono<SaveResult> save(String workspace, @Nullable PolicyKey key, String yaml,
			@Nullable Integer expectedVersion, String message, Requester by) {
		if (!by.actor().has(Role.AUTHOR)) {
			return this.permissions.refuse(by.actor(), by.address(), Role.AUTHOR, "policy.save");
		}
		return saveOrRefuse(workspace, key, yaml, expectedVersion, message, by)
			.onErrorResume(StoreException.class, (refused) -> refused(by, "policy.save",
					(key != null) ? key : target(refused), workspace, expectedVersion, refused));
	}

	private Mono<SaveResult> saveOrRefuse(String workspace, @Nullable PolicyKey key, String yaml,
			@Nullable Integer expectedVersion, String message, Requester by) {
		if (yaml.length() > this.policyLimits.maxInputChars()) {
			return Mono.error(new StoreException.TooLarge("The policy has " + yaml.length() + " characters; at most "
					+ this.policyLimits.maxInputChars() + " are accepted (the Kubernetes API server refuses objects"
					+ " over 3 MiB)."));
		}
		return this.engine.run(() -> PolicyText.one(yaml, this.policyLimits))
			.flatMap((parsed) -> {
				if (key != null && !key.equals(parsed.key())) {
					return Mono.error(new StoreException.BadRequest("The text describes " + parsed.key()
							+ ", not " + key + ": kind, metadata.namespace and metadata.name must match the address."));
				}
				return this.tx.transactional(workspaceId(workspace)
					.flatMap((ws) -> saveLocked(ws, workspace, parsed, expectedVersion, message, by)));
			});
	}

	private Mono<SaveResult> saveLocked(long ws, String workspace, Parsed parsed, @Nullable Integer expected,
			String message, Requester by) {
		PolicyKey key = parsed.key();
		Content content = Content.of(parsed);
		return lockHead(ws, key).flatMap((found) -> {
			if (found.isEmpty()) {
				if (expected != null) {
					return Mono.error(new StoreException.Conflict(key + " does not exist, so it cannot be at version "
							+ expected + ".", expected, null));
				}
				return create(ws, key, content, message, by)
					.switchIfEmpty(Mono.defer(() -> lockHead(ws, key).flatMap((now) -> conflict(key
							+ " was created by someone else meanwhile.", null, now.orElseThrow().id(),
							now.orElseThrow().version())).flatMap(Mono::error)))
					.flatMap((version) -> saved(SaveResult.Outcome.CREATED, version, parsed, workspace, by));
			}
			Head head = found.get();
			if (expected == null && !head.deleted()) {
				return conflict(key + " exists (version " + head.version() + "); base the change on that version.",
						null, head.id(), head.version()).flatMap(Mono::error);
			}
			if (expected != null && expected != head.version()) {
				return conflict(key + " is at version " + head.version() + ", not " + expected
						+ ": someone else changed it. Review their change and try again.", expected, head.id(),
						head.version()).flatMap(Mono::error);
			}
			if (!head.deleted() && head.hash().equals(parsed.hash())) {
				return versionOf(head.id(), head.version())
					.map((current) -> new SaveResult(SaveResult.Outcome.UNCHANGED, current, parsed.warnings()));
			}
			SaveResult.Outcome outcome = head.deleted() ? SaveResult.Outcome.CREATED : SaveResult.Outcome.UPDATED;
			return append(head, key, content, message, by)
				.flatMap((version) -> saved(outcome, version, parsed, workspace, by));
		});
	}

	private Mono<SaveResult> saved(SaveResult.Outcome outcome, PolicyVersion version, Parsed parsed, String workspace,
			Requester by) {
		return record(by, "policy.save", version.key().toString(), workspace,
				Map.of("version", version.version(), "outcome", outcome.name()))
			.thenReturn(new SaveResult(outcome, version, parsed.warnings()));
	}

	/**
	 * The head of {@code key}, locked for this transaction; {@link StoreException.NotFound} when the policy does not
	 * exist, {@link StoreException.Conflict} when its head is not {@code expectedVersion}.
	 */
	private Mono<Head> lockedHeadAt(String workspace, PolicyKey key, int expectedVersion) {
		return workspaceId(workspace).flatMap((ws) -> lockHead(ws, key)).flatMap((found) -> {
			if (found.isEmpty()) {
				return Mono.error(new StoreException.NotFound("No policy " + key + " in workspace " + Quoted.of(workspace)
						+ "."));
			}
			Head head = found.get();
			if (expectedVersion != head.version()) {
				return conflict(key + " is at version " + head.version() + ", not " + expectedVersion
						+ ": someone else changed it. Review their change and try again.", expectedVersion, head.id(),
						head.version()).flatMap(Mono::<Head>error);
			}
			return Mono.just(head);
		});
	}

	/**
	 * Deletes a policy by writing a tombstone version. {@link StoreException.Conflict} when {@code expectedVersion}
	 * is not the head or the head is a tombstone already.
	 */
	public Mono<SaveResult> delete(String workspace, PolicyKey key, int expectedVersion, String message,
			Requester by) {
		if (!by.actor().has(Role.AUTHOR)) {
			return this.permissions.refuse(by.actor(), by.address(), Role.AUTHOR, "policy.delete");
		}
		return deleteOrRefuse(workspace, key, expectedVersion, message, by).onErrorResume(StoreException.class,
				(refused) -> refused(by, "policy.delete", key, workspace, expectedVersion, refused));
	}

	private Mono<SaveResult> deleteOrRefuse(String workspace, PolicyKey key, int expectedVersion, String message,
			Requester by) {
		return this.tx.transactional(lockedHeadAt(workspace, key, expectedVersion).flatMap((head) -> {
			if (head.deleted()) {
				return conflict(key + " is deleted already (version " + head.version() + ").", expectedVersion,
						head.id(), head.version()).flatMap(Mono::error);
			}
			return append(head, key, Content.TOMBSTONE, message, by)
				.flatMap((version) -> record(by, "policy.delete", key.toString(), workspace,
						Map.of("version", version.version()))
					.thenReturn(new SaveResult(SaveResult.Outcome.DELETED, version, List.of())));
		}));
	}

	/**
	 * Writes the content of an earlier version as a new version: undoes a delete, or rolls back a change.
	 * @param fromVersion the version whose content to restore; null for the latest version that is not a tombstone
	 * @param expectedVersion the head version this change is based on
	 */
	public Mono<SaveResult> restore(String workspace, PolicyKey key, @Nullable Integer fromVersion,
			int expectedVersion, String message, Requester by) {
		if (!by.actor().has(Role.AUTHOR)) {
			return this.permissions.refuse(by.actor(), by.address(), Role.AUTHOR, "policy.restore");
		}
		return restoreOrRefuse(workspace, key, fromVersion, expectedVersion, message, by).onErrorResume(
				StoreException.class, (refused) -> refused(by, "policy.restore", key, workspace, expectedVersion, refused));
	}

	private Mono<SaveResult> restoreOrRefuse(String workspace, PolicyKey key, @Nullable Integer fromVersion,
			int expectedVersion, String message, Requester by) {
		return this.tx.transactional(lockedHeadAt(workspace, key, expectedVersion).flatMap((head) -> {
			Mono<PolicyVersion> source = (fromVersion != null)
					? versionOf(head.id(), fromVersion).switchIfEmpty(Mono.error(() -> new StoreException.NotFound(
							"Version " + fromVersion + " of " + key + " does not exist.")))
					: this.db.sql("SELECT max(version) AS version FROM policy_version WHERE policy_id = :id AND NOT deleted")
						.bind("id", head.id())
						.map((row) -> Optional.ofNullable(row.get("version", Integer.class)))
						.one()
						.flatMap((latest) -> latest.map((n) -> versionOf(head.id(), n))
							.orElseGet(() -> Mono.error(new StoreException.BadRequest(key
									+ " has no version to restore."))));
			return source.flatMap((from) -> {
				if (from.deleted()) {
					return Mono.error(new StoreException.BadRequest("Version " + from.version() + " of " + key
							+ " is a deletion; restore a version with content."));
				}
				if (!head.deleted() && head.hash().equals(from.summary().contentHash())) {
					return versionOf(head.id(), head.version())
						.map((current) -> new SaveResult(SaveResult.Outcome.UNCHANGED, current, List.of()));
				}
				String why = message.isBlank() ? "Restore version " + from.version() : message;
				return append(head, key, Content.of(from), why, by)
					.flatMap((version) -> record(by, "policy.restore", key.toString(), workspace,
							Map.of("version", version.version(), "restoredFrom", from.version()))
						.thenReturn(new SaveResult(SaveResult.Outcome.RESTORED, version, List.of())));
			});
		}));
	}

	// ---------------------------------------------------------------- import and export

	/**
	 * Imports a bundle: a multi-document YAML stream, {@code kind: List} objects included (as
	 * {@code kubectl get cnp,ccnp,netpol -A -o yaml} writes), cluster-set fields stripped. All or nothing: when any
	 * object is invalid or a duplicate of another, nothing is written and {@link StoreException.ImportRefused}
	 * carries the report; otherwise every changed object gets a new version, in one transaction, and the report says
	 * what happened to each. Policies of the workspace that the bundle does not name are left as they are.
	 */
	public Mono<ImportReport> importBundle(String workspace, String yaml, String message, Requester by) {
		if (!by.actor().has(Role.AUTHOR)) {
			return this.permissions.refuse(by.actor(), by.address(), Role.AUTHOR, "bundle.import");
		}
		return importOrRefuse(workspace, yaml, message, by).onErrorResume(StoreException.class,
				(refused) -> refused(by, "bundle.import", null, workspace, null, refused));
	}

	private Mono<ImportReport> importOrRefuse(String workspace, String yaml, String message, Requester by) {
		return this.engine.run(() -> Bundle.read(yaml, this.bundleLimits))
			.flatMap((bundle) -> {
				if (!bundle.acceptable()) {
					return workspaceId(workspace)
						.flatMap((ws) -> heads(ws, bundle, false))
						.flatMap((heads) -> {
							ImportReport report = report(bundle, heads, false, Map.of());
							return Mono.error(new StoreException.ImportRefused(refusal(report), report));
						});
				}
				return this.tx.transactional(workspaceId(workspace)
					.flatMap((ws) -> heads(ws, bundle, true).flatMap((heads) -> write(ws, bundle, heads, message, by)))
					.flatMap((report) -> record(by, "bundle.import", null, workspace, AuditLog.Outcome.SUCCESS,
							counts(report)).thenReturn(report)))
					.flatMap((report) -> analyzeAfterLargeImport(report).thenReturn(report));
			});
	}

	/**
	 * Refreshes the planner's statistics after a large import, so that the list page's plans fit the new data at
	 * once rather than after autovacuum's next round. Best effort: without ownership of the tables PostgreSQL only
	 * warns.
	 */
	private Mono<Void> analyzeAfterLargeImport(ImportReport report) {
		long written = report.count(ImportReport.Outcome.CREATED) + report.count(ImportReport.Outcome.UPDATED);
		if (written < ANALYZE_AFTER) {
			return Mono.empty();
		}
		return this.db.sql("ANALYZE policy, policy_version").then().onErrorResume((ex) -> {
			log.warn("ANALYZE after an import of {} versions failed; plans catch up at autovacuum's next round: {}: {}",
					written, ex.getClass().getName(), ex.getMessage());
			return Mono.empty();
		});
	}

	private static String refusal(ImportReport report) {
		long bad = report.count(ImportReport.Outcome.INVALID) + report.count(ImportReport.Outcome.DUPLICATE);
		if (report.rows().isEmpty()) {
			return "Nothing was imported: " + report.problems().stream().filter(Violation::isError).findFirst()
				.map(Violation::message).orElse("the bundle could not be read.");
		}
		return "Nothing was imported: " + bad + " of " + Words.count(report.rows().size(), "object", "objects") + " "
				+ ((bad == 1) ? "is invalid or a duplicate" : "are invalid or duplicates") + "; each row names its problems.";
	}

	private static Map<String, Object> counts(ImportReport report) {
		Map<String, Object> counts = new LinkedHashMap<>();
		for (ImportReport.Outcome outcome : ImportReport.Outcome.values()) {
			counts.put(outcome.name().toLowerCase(java.util.Locale.ROOT), report.count(outcome));
		}
		counts.put("written", report.count(ImportReport.Outcome.CREATED) + report.count(ImportReport.Outcome.UPDATED));
		return counts;
	}

	/**
	 * The heads of the policies a bundle names (those that exist), by key, locked when {@code lock}, in id order so
	 * that concurrent imports lock in the same order.
	 */
	private Mono<Map<PolicyKey, Head>> heads(long ws, Bundle bundle, boolean lock) {
		List<PolicyKey> keys = bundle.entries().stream().filter((e) -> e.parsed() != null)
			.map((e) -> e.parsed().key()).distinct().toList();
		if (keys.isEmpty()) {
			return Mono.just(new HashMap<>());
		}
		return this.db.sql("SELECT p.id, p.kind, p.namespace, p.name, p.head_version, p.head_deleted, p.head_hash "
				+ "FROM policy p JOIN unnest(CAST(:kinds AS text[]), CAST(:namespaces AS text[]), CAST(:names AS text[])) "
				+ "AS k(kind, namespace, name) ON p.kind = k.kind AND p.namespace = k.namespace AND p.name = k.name "
				+ "WHERE p.workspace_id = :ws ORDER BY p.id" + (lock ? " FOR UPDATE OF p" : ""))
			.bind("ws", ws)
			.bind("kinds", keys.stream().map((k) -> k.kind().kindName()).toArray(String[]::new))
			.bind("namespaces", keys.stream().map(PolicyKey::namespace).toArray(String[]::new))
			.bind("names", keys.stream().map(PolicyKey::name).toArray(String[]::new))
			.map((row) -> Map.entry(new PolicyKey(PolicyKey.kind(row.get("kind", String.class)),
					row.get("namespace", String.class), row.get("name", String.class)),
					new Head(row.get("id", Long.class), row.get("head_version", Integer.class),
							row.get("head_deleted", Boolean.class), row.get("head_hash", String.class))))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
	}

	private static ImportReport.Outcome outcome(Bundle.Entry entry, Map<PolicyKey, Head> heads) {
		if (entry.parsed() == null) {
			return ImportReport.Outcome.INVALID;
		}
		if (entry.duplicateOf() != null) {
			return ImportReport.Outcome.DUPLICATE;
		}
		Head head = heads.get(entry.parsed().key());
		if (head == null || head.deleted()) {
			return ImportReport.Outcome.CREATED;
		}
		return head.hash().equals(entry.parsed().hash()) ? ImportReport.Outcome.UNCHANGED : ImportReport.Outcome.UPDATED;
	}

	private static ImportReport report(Bundle bundle, Map<PolicyKey, Head> heads, boolean accepted,
			Map<Integer, Integer> versions) {
		List<ImportReport.Row> rows = new ArrayList<>(bundle.entries().size());
		for (Bundle.Entry entry : bundle.entries()) {
			ImportReport.Outcome outcome = outcome(entry, heads);
			Integer version = versions.get(entry.index());
			if (version == null && outcome == ImportReport.Outcome.UNCHANGED) {
				version = heads.get(entry.parsed().key()).version();
			}
			rows.add(new ImportReport.Row(entry.index(), entry.document(), entry.item(), entry.kind(), entry.namespace(),
					entry.name(), outcome, version, entry.violations()));
		}
		return new ImportReport(accepted, rows, bundle.problems());
	}

	private Mono<ImportReport> write(long ws, Bundle bundle, Map<PolicyKey, Head> heads, String message, Requester by) {
		List<Bundle.Entry> created = new ArrayList<>();
		List<Bundle.Entry> revived = new ArrayList<>();
		List<Bundle.Entry> updated = new ArrayList<>();
		for (Bundle.Entry entry : bundle.entries()) {
			switch (outcome(entry, heads)) {
				case CREATED -> (heads.containsKey(entry.parsed().key()) ? revived : created).add(entry);
				case UPDATED -> updated.add(entry);
				default -> {
					// unchanged: nothing to write
				}
			}
		}
		Map<Integer, Integer> versions = new HashMap<>();
		return this.db.sql("SELECT clock_timestamp() AS now")
			.map((row) -> row.get("now", OffsetDateTime.class))
			.one()
			.flatMap((now) -> Flux.fromIterable(chunks(created))
				.concatMap((chunk) -> insertPolicies(ws, chunk, now).flatMap((ids) -> insertVersions(chunk,
						(e) -> ids.get(e.parsed().key()), (e) -> 1, now, message, by)))
				.thenMany(Flux.fromIterable(chunks(concat(revived, updated))).concatMap((chunk) -> insertVersions(chunk,
						(e) -> heads.get(e.parsed().key()).id(), (e) -> heads.get(e.parsed().key()).version() + 1, now,
						message, by)
					.then(moveHeads(chunk, heads, now))))
				.then(Mono.fromSupplier(() -> {
					created.forEach((e) -> versions.put(e.index(), 1));
					concat(revived, updated).forEach((e) -> versions.put(e.index(), heads.get(e.parsed().key()).version() + 1));
					return report(bundle, heads, true, versions);
				})));
	}

	private static Integer[] warningCounts(List<Bundle.Entry> chunk) {
		return chunk.stream().map((e) -> e.parsed().warnings().size()).toArray(Integer[]::new);
	}

	private static <T> List<T> concat(List<T> a, List<T> b) {
		List<T> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	private static <T> List<List<T>> chunks(List<T> items) {
		List<List<T>> chunks = new ArrayList<>();
		for (int i = 0; i < items.size(); i += BATCH) {
			chunks.add(items.subList(i, Math.min(items.size(), i + BATCH)));
		}
		return chunks;
	}

	private Mono<Map<PolicyKey, Long>> insertPolicies(long ws, List<Bundle.Entry> chunk, OffsetDateTime now) {
		return this.db
			.sql("INSERT INTO policy (workspace_id, kind, namespace, name, head_version, head_deleted, head_labels, "
					+ "head_hash, head_warnings, updated_at) SELECT :ws, k, ns, n, 1, false, l::jsonb, h, w, :now FROM "
					+ "unnest(CAST(:kinds AS text[]), CAST(:namespaces AS text[]), CAST(:names AS text[]), "
					+ "CAST(:labels AS text[]), CAST(:hashes AS text[]), CAST(:warnings AS integer[])) "
					+ "AS t(k, ns, n, l, h, w) "
					+ "ON CONFLICT ON CONSTRAINT policy_key DO NOTHING RETURNING id, kind, namespace, name")
			.bind("ws", ws)
			.bind("now", now)
			.bind("kinds", chunk.stream().map((e) -> e.parsed().key().kind().kindName()).toArray(String[]::new))
			.bind("namespaces", chunk.stream().map((e) -> e.parsed().key().namespace()).toArray(String[]::new))
			.bind("names", chunk.stream().map((e) -> e.parsed().key().name()).toArray(String[]::new))
			.bind("labels", chunk.stream().map((e) -> labelsText(e.parsed().labels())).toArray(String[]::new))
			.bind("hashes", chunk.stream().map((e) -> e.parsed().hash()).toArray(String[]::new))
			.bind("warnings", warningCounts(chunk))
			.map((row) -> Map.entry(new PolicyKey(PolicyKey.kind(row.get("kind", String.class)),
					row.get("namespace", String.class), row.get("name", String.class)), row.get("id", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap((ids) -> (ids.size() == chunk.size()) ? Mono.just(ids)
					: Mono.error(new StoreException.Conflict("Someone else created policies of this bundle while it was"
							+ " being imported; nothing was imported. Import it again.", null, null)));
	}

	private Mono<Void> insertVersions(List<Bundle.Entry> chunk, Function<Bundle.Entry, Long> policyId,
			Function<Bundle.Entry, Integer> version, OffsetDateTime now, String message, Requester by) {
		return this.db
			.sql("INSERT INTO policy_version (policy_id, version, deleted, yaml, canonical, content_hash, labels, author, "
					+ "message, warnings, created_at) SELECT id, v, false, y, c, h, l::jsonb, :author, :message, w, :now "
					+ "FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS integer[]), CAST(:yamls AS text[]), "
					+ "CAST(:canonicals AS text[]), CAST(:hashes AS text[]), CAST(:labels AS text[]), "
					+ "CAST(:warnings AS integer[])) AS t(id, v, y, c, h, l, w)")
			.bind("author", by.actor().username())
			.bind("message", message)
			.bind("now", now)
			.bind("ids", chunk.stream().map(policyId).toArray(Long[]::new))
			.bind("versions", chunk.stream().map(version).toArray(Integer[]::new))
			.bind("yamls", chunk.stream().map((e) -> e.parsed().yaml()).toArray(String[]::new))
			.bind("canonicals", chunk.stream().map((e) -> e.parsed().canonical()).toArray(String[]::new))
			.bind("hashes", chunk.stream().map((e) -> e.parsed().hash()).toArray(String[]::new))
			.bind("labels", chunk.stream().map((e) -> labelsText(e.parsed().labels())).toArray(String[]::new))
			.bind("warnings", warningCounts(chunk))
			.then();
	}

	private Mono<Void> moveHeads(List<Bundle.Entry> chunk, Map<PolicyKey, Head> heads, OffsetDateTime now) {
		return this.db
			.sql("UPDATE policy p SET head_version = t.v, head_deleted = false, head_labels = t.l::jsonb, head_hash = t.h, "
					+ "head_warnings = t.w, updated_at = :now FROM unnest(CAST(:ids AS bigint[]), "
					+ "CAST(:versions AS integer[]), CAST(:labels AS text[]), CAST(:hashes AS text[]), "
					+ "CAST(:warnings AS integer[])) AS t(id, v, l, h, w) "
					+ "WHERE p.id = t.id AND p.head_version = t.v - 1")
			.bind("now", now)
			.bind("ids", chunk.stream().map((e) -> heads.get(e.parsed().key()).id()).toArray(Long[]::new))
			.bind("versions", chunk.stream().map((e) -> heads.get(e.parsed().key()).version() + 1).toArray(Integer[]::new))
			.bind("labels", chunk.stream().map((e) -> labelsText(e.parsed().labels())).toArray(String[]::new))
			.bind("hashes", chunk.stream().map((e) -> e.parsed().hash()).toArray(String[]::new))
			.bind("warnings", warningCounts(chunk))
			.fetch()
			.rowsUpdated()
			.flatMap((n) -> (n == chunk.size()) ? Mono.<Void>empty()
					: Mono.error(new IllegalStateException("heads moved under a lock during an import")));
	}

	/**
	 * The workspace (now, or as of {@code at}) as one multi-document YAML stream that {@code kubectl apply -f}
	 * accepts: each live policy's canonical form, sorted by kind, namespace, name, separated by {@code ---}. The same
	 * state always gives the same bytes; an empty workspace gives an empty text. Audited as {@code workspace.export}.
	 */
	public Mono<String> export(String workspace, @Nullable Instant at, Requester by) {
		return workspaceId(workspace).flatMap((ws) -> {
			GenericExecuteSpec spec;
			if (at == null) {
				spec = this.db.sql("SELECT p.kind, p.namespace, p.name, v.canonical FROM policy p JOIN policy_version v "
						+ "ON v.policy_id = p.id AND v.version = p.head_version WHERE p.workspace_id = :ws AND NOT p.head_deleted");
			}
			else {
				spec = this.db.sql("SELECT p.kind, p.namespace, p.name, v.canonical FROM policy p CROSS JOIN LATERAL "
						+ "(SELECT * FROM policy_version v WHERE v.policy_id = p.id AND v.created_at <= :at "
						+ "ORDER BY v.created_at DESC, v.version DESC LIMIT 1) v WHERE p.workspace_id = :ws AND NOT v.deleted")
					.bind("at", at.atOffset(ZoneOffset.UTC));
			}
			return spec.bind("ws", ws)
				.map((row) -> Map.entry(new PolicyKey(PolicyKey.kind(row.get("kind", String.class)),
						row.get("namespace", String.class), row.get("name", String.class)),
						row.get("canonical", String.class)))
				.all()
				.collectList();
		}).flatMap((entries) -> {
			entries.sort(Map.Entry.comparingByKey());
			StringBuilder out = new StringBuilder();
			for (Map.Entry<PolicyKey, String> entry : entries) {
				if (out.length() > 0) {
					out.append("---\n");
				}
				out.append(entry.getValue());
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("policies", entries.size());
			if (at != null) {
				details.put("at", at.toString());
			}
			return record(by, "workspace.export", null, workspace, AuditLog.Outcome.SUCCESS, details)
				.thenReturn(out.toString());
		});
	}

	// ---------------------------------------------------------------- audit

	/**
	 * Audits a refused change (outcome FAILURE) with what was attempted and why it was refused, then passes the
	 * refusal on. Recorded on its own, after the change's transaction rolled back: nothing of the change was written,
	 * so the details count nothing as written.
	 */
	private <T> Mono<T> refused(Requester by, String action, @Nullable PolicyKey target, String workspace,
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
	private static @Nullable PolicyKey target(StoreException refusal) {
		return (refusal instanceof StoreException.Conflict conflict && conflict.current() != null)
				? conflict.current().key() : null;
	}

	private Mono<Void> record(Requester by, String action, @Nullable String target, String workspace,
			Map<String, Object> details) {
		return record(by, action, target, workspace, AuditLog.Outcome.SUCCESS, details);
	}

	private Mono<Void> record(Requester by, String action, @Nullable String target, String workspace,
			AuditLog.Outcome outcome, Map<String, Object> details) {
		return this.audit.record(new AuditLog.Event(by.actor(), action, outcome, target, workspace, by.address(),
				details));
	}

}
