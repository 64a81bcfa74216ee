package dev.portcullis.policy;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Bulk import of a bundle into a workspace, all or nothing, in batches of {@value #BATCH} rows per statement.
 * Needs the AUTHOR role ({@link dev.portcullis.identity.Forbidden} otherwise, docs/adr/010); a refusal
 * ({@link StoreException.ImportRefused} with the per-document report, {@link StoreException.Conflict},
 * {@link StoreException.NotFound}, {@link StoreException.TooLarge}) writes nothing and is audited with outcome
 * FAILURE, as is {@link StoreException.Protected} for a protected workspace (docs/adr/031);
 * {@link dev.portcullis.compute.EngineBusy} when the engine pool has no room to parse the bundle. All
 * versions of one import share one moment.
 */
@Component
@EnableConfigurationProperties({ YamlProperties.class, BundleImport.Settings.class })
public class BundleImport {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BundleImport.class);

	private static final int BATCH = 1000;

	/** Imports writing at least this many versions refresh the planner's statistics. */
	private static final int ANALYZE_AFTER = 1000;

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Workspaces workspaces;

	private final PolicyRows rows;

	private final StoreAudit audit;

	private final Permissions permissions;

	private final EnginePool engine;

	private final YamlLimits bundleLimits;

	private final WorkspaceSettings workspaceSettings;

	private final ProtectedWorkspaces protection;

	BundleImport(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces, PolicyRows rows,
			StoreAudit audit, Permissions permissions, EnginePool engine, YamlProperties yaml, Settings settings,
			WorkspaceSettings workspaceSettings, ProtectedWorkspaces protection) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.workspaces = workspaces;
		this.rows = rows;
		this.audit = audit;
		this.permissions = permissions;
		this.engine = engine;
		this.bundleLimits = yaml.limits()
			.withMaxInputChars(settings.importMaxChars())
			.withMaxDocuments(settings.importMaxDocuments())
			.withMaxNodes(settings.importMaxNodes());
		this.workspaceSettings = workspaceSettings;
		this.protection = protection;
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

	/**
	 * Imports a bundle: a multi-document YAML stream, {@code kind: List} objects included (as
	 * {@code kubectl get cnp,ccnp,netpol -A -o yaml} writes), cluster-set fields stripped, validated for the
	 * workspace's Cilium version ({@link WorkspaceSettings}). All or nothing: when any
	 * object is invalid or a duplicate of another, nothing is written and {@link StoreException.ImportRefused}
	 * carries the report; otherwise every changed object gets a new version, in one transaction, and the report says
	 * what happened to each. Policies of the workspace that the bundle does not name are left as they are.
	 */
	public Mono<ImportReport> run(String workspace, String yaml, String message, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "bundle.import");
		}
		return importOrRefuse(workspace, yaml, message, by).onErrorResume(StoreException.class,
				(refused) -> this.audit.refused(by, "bundle.import", null, workspace, null, refused));
	}

	private Mono<ImportReport> importOrRefuse(String workspace, String yaml, String message, Actor by) {
		// validated against the workspace's Cilium version
		return this.workspaceSettings.current(workspace)
			.flatMap((current) -> this.engine.run(() -> Bundle.read(yaml, this.bundleLimits,
					current.settings().ciliumVersion())))
			.flatMap((bundle) -> {
				if (!bundle.acceptable()) {
					return this.workspaces.id(workspace)
						.flatMap((ws) -> heads(ws, bundle, false))
						.flatMap((heads) -> {
							ImportReport report = report(bundle, heads, false, Map.of());
							return Mono.error(new StoreException.ImportRefused(refusal(report), report));
						});
				}
				return this.tx.transactional(this.workspaces.id(workspace)
					.flatMap((ws) -> this.protection.refuseDirectChange(ws, workspace)
						.then(heads(ws, bundle, true))
						.flatMap((heads) -> write(ws, bundle, heads, message, by)))
					.flatMap((report) -> this.audit.record(by, "bundle.import", null, workspace, AuditLog.Outcome.SUCCESS,
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
	private Mono<Map<PolicyKey, PolicyHead>> heads(long ws, Bundle bundle, boolean lock) {
		List<PolicyKey> keys = bundle.entries().stream().filter((e) -> e.parsed() != null)
			.map((e) -> e.parsed().key()).distinct().toList();
		return PolicyHead.of(this.db, ws, keys, lock);
	}

	private static ImportReport.Outcome outcome(Bundle.Entry entry, Map<PolicyKey, PolicyHead> heads) {
		if (entry.parsed() == null) {
			return ImportReport.Outcome.INVALID;
		}
		if (entry.duplicateOf() != null) {
			return ImportReport.Outcome.DUPLICATE;
		}
		PolicyHead head = heads.get(entry.parsed().key());
		if (head == null || head.deleted()) {
			return ImportReport.Outcome.CREATED;
		}
		return head.hash().equals(entry.parsed().hash()) ? ImportReport.Outcome.UNCHANGED : ImportReport.Outcome.UPDATED;
	}

	private static ImportReport report(Bundle bundle, Map<PolicyKey, PolicyHead> heads, boolean accepted,
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

	private Mono<ImportReport> write(long ws, Bundle bundle, Map<PolicyKey, PolicyHead> heads, String message, Actor by) {
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
			.bind("labels", chunk.stream().map((e) -> this.rows.labelsText(e.parsed().labels())).toArray(String[]::new))
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
			Function<Bundle.Entry, Integer> version, OffsetDateTime now, String message, Actor by) {
		return this.db
			.sql("INSERT INTO policy_version (policy_id, version, deleted, yaml, canonical, content_hash, labels, author, "
					+ "message, warnings, created_at) SELECT id, v, false, y, c, h, l::jsonb, :author, :message, w, :now "
					+ "FROM unnest(CAST(:ids AS bigint[]), CAST(:versions AS integer[]), CAST(:yamls AS text[]), "
					+ "CAST(:canonicals AS text[]), CAST(:hashes AS text[]), CAST(:labels AS text[]), "
					+ "CAST(:warnings AS integer[])) AS t(id, v, y, c, h, l, w)")
			.bind("author", by.username())
			.bind("message", message)
			.bind("now", now)
			.bind("ids", chunk.stream().map(policyId).toArray(Long[]::new))
			.bind("versions", chunk.stream().map(version).toArray(Integer[]::new))
			.bind("yamls", chunk.stream().map((e) -> e.parsed().yaml()).toArray(String[]::new))
			.bind("canonicals", chunk.stream().map((e) -> e.parsed().canonical()).toArray(String[]::new))
			.bind("hashes", chunk.stream().map((e) -> e.parsed().hash()).toArray(String[]::new))
			.bind("labels", chunk.stream().map((e) -> this.rows.labelsText(e.parsed().labels())).toArray(String[]::new))
			.bind("warnings", warningCounts(chunk))
			.then();
	}

	private Mono<Void> moveHeads(List<Bundle.Entry> chunk, Map<PolicyKey, PolicyHead> heads, OffsetDateTime now) {
		return this.db
			.sql("UPDATE policy p SET head_version = t.v, head_deleted = false, head_labels = t.l::jsonb, head_hash = t.h, "
					+ "head_warnings = t.w, updated_at = :now FROM unnest(CAST(:ids AS bigint[]), "
					+ "CAST(:versions AS integer[]), CAST(:labels AS text[]), CAST(:hashes AS text[]), "
					+ "CAST(:warnings AS integer[])) AS t(id, v, l, h, w) "
					+ "WHERE p.id = t.id AND p.head_version = t.v - 1")
			.bind("now", now)
			.bind("ids", chunk.stream().map((e) -> heads.get(e.parsed().key()).id()).toArray(Long[]::new))
			.bind("versions", chunk.stream().map((e) -> heads.get(e.parsed().key()).version() + 1).toArray(Integer[]::new))
			.bind("labels", chunk.stream().map((e) -> this.rows.labelsText(e.parsed().labels())).toArray(String[]::new))
			.bind("hashes", chunk.stream().map((e) -> e.parsed().hash()).toArray(String[]::new))
			.bind("warnings", warningCounts(chunk))
			.fetch()
			.rowsUpdated()
			.flatMap((n) -> (n == chunk.size()) ? Mono.<Void>empty()
					: Mono.error(new IllegalStateException("heads moved under a lock during an import")));
	}

}
