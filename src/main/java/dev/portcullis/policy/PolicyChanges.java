package dev.portcullis.policy;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyText.Parsed;
import dev.portcullis.web.Quoted;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Changing one policy: save (create or update), delete (a tombstone version) and restore (an earlier version's
 * content as a new version). Every change writes a new version and an audit event in one transaction; nothing is
 * ever overwritten or removed.
 * <p>
 * Errors arrive as {@link StoreException}s in the returned publisher: {@link StoreException.NotFound} for an unknown
 * workspace, policy or version; {@link StoreException.Invalid} with the engine's violations;
 * {@link StoreException.Conflict} when the expected version is not the head; {@link StoreException.Protected} when
 * the workspace is protected (docs/adr/031: its policies change only through {@link ChangeSets#merge}); {@link StoreException.TooLarge} for a
 * policy over {@code portcullis.yaml.max-input-chars}; {@link StoreException.BadRequest} for other bad input;
 * {@link dev.portcullis.identity.Forbidden} when the actor's role is below AUTHOR (every change checks it first,
 * docs/adr/010); {@link dev.portcullis.compute.EngineBusy} when the engine pool has no room for the parsing a save
 * needs. A refused change writes nothing, and a {@link StoreException} refusal is audited with outcome FAILURE.
 * <p>
 * Optimistic concurrency: a change names the head version it was based on ({@code expectedVersion}); if another
 * change got in first it fails with a conflict that carries the current head, so no work is silently lost. The
 * head row is locked ({@code SELECT ... FOR UPDATE}) for the check, and the primary key (policy, version) of
 * versions makes a lost update impossible even without it. A version's {@code createdAt} is taken after the lock,
 * so versions of one policy are in time order.
 */
@Component
@EnableConfigurationProperties(YamlProperties.class)
public class PolicyChanges {

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Workspaces workspaces;

	private final PolicyRows rows;

	private final StoreAudit audit;

	private final Permissions permissions;

	private final EnginePool engine;

	private final YamlLimits policyLimits;

	private final WorkspaceSettings settings;

	private final ProtectedWorkspaces protection;

	PolicyChanges(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces, PolicyRows rows,
			StoreAudit audit, Permissions permissions, EnginePool engine, YamlProperties yaml,
			WorkspaceSettings settings, ProtectedWorkspaces protection) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.workspaces = workspaces;
		this.rows = rows;
		this.audit = audit;
		this.permissions = permissions;
		this.engine = engine;
		this.policyLimits = yaml.limits();
		this.settings = settings;
		this.protection = protection;
	}

	Mono<Optional<PolicyHead>> lockHead(long workspaceId, PolicyKey key) {
		return this.db.sql("SELECT id, head_version, head_deleted, head_hash FROM policy WHERE workspace_id = :ws "
				+ "AND kind = :kind AND namespace = :namespace AND name = :name FOR UPDATE")
			.bind("ws", workspaceId)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.map((row) -> Optional.of(new PolicyHead(row.get("id", Long.class), row.get("head_version", Integer.class),
					row.get("head_deleted", Boolean.class), row.get("head_hash", String.class))))
			.one()
			.defaultIfEmpty(Optional.empty());
	}

	Mono<StoreException.Conflict> conflict(String message, @Nullable Integer expected, long policyId,
			int headVersion) {
		return this.rows.versionOf(policyId, headVersion)
			.map((head) -> new StoreException.Conflict(message, expected, head.summary()));
	}

	/** The content a new version gets; {@code warnings} null when unknown (restoring a version from before V006). */
	record Content(String yaml, String canonical, String hash, Map<String, String> labels, boolean deleted,
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

		/** This content as version {@code version} of {@code key}, written at {@code createdAt}. */
		PolicyVersion as(PolicyKey key, int version, OffsetDateTime createdAt, Actor by, String message) {
			return new PolicyVersion(new PolicySummary(key, version, this.deleted, createdAt.toInstant(), by.username(),
					message, this.labels, this.hash, this.warnings), this.yaml, this.canonical);
		}

	}

	/**
	 * Inserts version {@code version} of the policy {@code policyId}, created at {@code at} (null: the clock, now) and
	 * answers that moment.
	 */
	private Mono<OffsetDateTime> insertVersion(long policyId, int version, Content content, String message, Actor by,
			@Nullable OffsetDateTime at, @Nullable Long changeRequest) {
		GenericExecuteSpec insert = warnings(this.db
			.sql("INSERT INTO policy_version (policy_id, version, deleted, yaml, canonical, content_hash, labels, author, "
					+ "message, warnings, change_request_id, created_at) VALUES (:id, :version, :deleted, :yaml, :canonical, "
					+ ":hash, :labels, :author, :message, :warnings, :changeRequest, "
					+ ((at != null) ? ":at" : "clock_timestamp()") + ") RETURNING created_at"), content.warnings())
			.bind("id", policyId)
			.bind("version", version)
			.bind("deleted", content.deleted())
			.bind("yaml", content.yaml())
			.bind("canonical", content.canonical())
			.bind("hash", content.hash())
			.bind("labels", this.rows.labelsJson(content.labels()))
			.bind("author", by.username())
			.bind("message", message);
		insert = (changeRequest != null) ? insert.bind("changeRequest", changeRequest)
				: insert.bindNull("changeRequest", Long.class);
		return ((at != null) ? insert.bind("at", at) : insert).map((row) -> row.get("created_at", OffsetDateTime.class))
			.one();
	}

	/** Writes version {@code head + 1} of an existing policy and moves its head. */
	private Mono<PolicyVersion> append(PolicyHead head, PolicyKey key, Content content, String message, Actor by) {
		return append(head, key, content, message, by, null);
	}

	/**
	 * Writes version {@code head + 1} of an existing policy and moves its head; the version records the change request
	 * whose merge wrote it, when there is one.
	 */
	Mono<PolicyVersion> append(PolicyHead head, PolicyKey key, Content content, String message, Actor by,
			@Nullable Long changeRequest) {
		int version = head.version() + 1;
		return insertVersion(head.id(), version, content, message, by, null, changeRequest)
			.flatMap((createdAt) -> warnings(this.db
				.sql("UPDATE policy SET head_version = :version, head_deleted = :deleted, head_labels = :labels, "
						+ "head_hash = :hash, head_warnings = :warnings, updated_at = :at WHERE id = :id "
						+ "AND head_version = :previous"), content.warnings())
				.bind("version", version)
				.bind("deleted", content.deleted())
				.bind("labels", this.rows.labelsJson(content.labels()))
				.bind("hash", content.hash())
				.bind("at", createdAt)
				.bind("id", head.id())
				.bind("previous", head.version())
				.fetch()
				.rowsUpdated()
				.flatMap((updated) -> (updated == 1) ? Mono.just(createdAt)
						: Mono.error(new IllegalStateException("head of " + key + " moved under a lock"))))
			.map((createdAt) -> content.as(key, version, createdAt, by, message));
	}

	/** Binds {@code :warnings}, which may be null (unknown). */
	private static GenericExecuteSpec warnings(GenericExecuteSpec spec, @Nullable Integer warnings) {
		return (warnings != null) ? spec.bind("warnings", warnings) : spec.bindNull("warnings", Integer.class);
	}

	/** Creates a policy with its first version; empty when another transaction created it first. */
	private Mono<PolicyVersion> create(long workspaceId, PolicyKey key, Content content, String message, Actor by) {
		return create(workspaceId, key, content, message, by, null);
	}

	/**
	 * Creates a policy with its first version, linked to the change request whose merge wrote it when there is one;
	 * empty when another transaction created it first.
	 */
	Mono<PolicyVersion> create(long workspaceId, PolicyKey key, Content content, String message, Actor by,
			@Nullable Long changeRequest) {
		return warnings(this.db
			.sql("INSERT INTO policy (workspace_id, kind, namespace, name, head_version, head_deleted, head_labels, "
					+ "head_hash, head_warnings, updated_at) VALUES (:ws, :kind, :namespace, :name, 1, false, :labels, "
					+ ":hash, :warnings, clock_timestamp()) ON CONFLICT ON CONSTRAINT policy_key DO NOTHING "
					+ "RETURNING id, updated_at"), content.warnings())
			.bind("ws", workspaceId)
			.bind("kind", key.kind().kindName())
			.bind("namespace", key.namespace())
			.bind("name", key.name())
			.bind("labels", this.rows.labelsJson(content.labels()))
			.bind("hash", content.hash())
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("updated_at", OffsetDateTime.class)))
			.one()
			.flatMap((created) -> insertVersion(created.getKey(), 1, content, message, by, created.getValue(),
					changeRequest))
			.map((createdAt) -> content.as(key, 1, createdAt, by, message));
	}

	/**
	 * Validates one policy object with the engine, for the workspace's Cilium version ({@link WorkspaceSettings}), and
	 * saves it as a new version.
	 * @param key when not null, the text must name this policy ({@link StoreException.BadRequest} otherwise)
	 * @param yaml one policy object, YAML or JSON, as the author wrote it; kept as written
	 * @param expectedVersion the head version this change is based on; null to create: then the policy must not exist
	 * or be deleted, else {@link StoreException.Conflict}
	 * @param message why, may be empty
	 * @return {@link SaveResult.Outcome#CREATED}, {@link SaveResult.Outcome#UPDATED}, or
	 * {@link SaveResult.Outcome#UNCHANGED} when the canonical form equals the head's (nothing written)
	 */
	public Mono<SaveResult> save(String workspace, @Nullable PolicyKey key, String yaml,
			@Nullable Integer expectedVersion, String message, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "policy.save");
		}
		return saveOrRefuse(workspace, key, yaml, expectedVersion, message, by)
			.onErrorResume(StoreException.class, (refused) -> this.audit.refused(by, "policy.save",
					(key != null) ? key : StoreAudit.target(refused), workspace, expectedVersion, refused));
	}

	private Mono<SaveResult> saveOrRefuse(String workspace, @Nullable PolicyKey key, String yaml,
			@Nullable Integer expectedVersion, String message, Actor by) {
		if (yaml.length() > this.policyLimits.maxInputChars()) {
			return Mono.error(new StoreException.TooLarge("The policy has " + yaml.length() + " characters; at most "
					+ this.policyLimits.maxInputChars() + " are accepted (the Kubernetes API server refuses objects"
					+ " over 3 MiB)."));
		}
		// validated against the workspace's Cilium version
		return this.settings.current(workspace)
			.flatMap((current) -> this.engine.run(() -> PolicyText.one(yaml, this.policyLimits,
					current.settings().ciliumVersion())))
			.flatMap((parsed) -> {
				if (key != null && !key.equals(parsed.key())) {
					return Mono.error(new StoreException.BadRequest("The text describes " + parsed.key()
							+ ", not " + key + ": kind, metadata.namespace and metadata.name must match the address."));
				}
				return this.tx.transactional(this.workspaces.id(workspace)
					.flatMap((ws) -> this.protection.refuseDirectChange(ws, workspace)
						.then(saveLocked(ws, workspace, parsed, expectedVersion, message, by))));
			});
	}

	private Mono<SaveResult> saveLocked(long ws, String workspace, Parsed parsed, @Nullable Integer expected,
			String message, Actor by) {
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
			PolicyHead head = found.get();
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
				return this.rows.versionOf(head.id(), head.version())
					.map((current) -> new SaveResult(SaveResult.Outcome.UNCHANGED, current, parsed.warnings()));
			}
			SaveResult.Outcome outcome = head.deleted() ? SaveResult.Outcome.CREATED : SaveResult.Outcome.UPDATED;
			return append(head, key, content, message, by)
				.flatMap((version) -> saved(outcome, version, parsed, workspace, by));
		});
	}

	private Mono<SaveResult> saved(SaveResult.Outcome outcome, PolicyVersion version, Parsed parsed, String workspace,
			Actor by) {
		return this.audit.record(by, "policy.save", version.key().toString(), workspace,
				Map.of("version", version.version(), "outcome", outcome.name()))
			.thenReturn(new SaveResult(outcome, version, parsed.warnings()));
	}

	/**
	 * The head of {@code key}, locked for this transaction; {@link StoreException.NotFound} when the policy does not
	 * exist, {@link StoreException.Conflict} when its head is not {@code expectedVersion}.
	 */
	private Mono<PolicyHead> lockedHeadAt(String workspace, PolicyKey key, int expectedVersion) {
		return this.workspaces.id(workspace)
			.flatMap((ws) -> this.protection.refuseDirectChange(ws, workspace).then(lockHead(ws, key)))
			.flatMap((found) -> {
			if (found.isEmpty()) {
				return Mono.error(new StoreException.NotFound("No policy " + key + " in workspace " + Quoted.of(workspace)
						+ "."));
			}
			PolicyHead head = found.get();
			if (expectedVersion != head.version()) {
				return conflict(key + " is at version " + head.version() + ", not " + expectedVersion
						+ ": someone else changed it. Review their change and try again.", expectedVersion, head.id(),
						head.version()).flatMap(Mono::<PolicyHead>error);
			}
			return Mono.just(head);
		});
	}

	/**
	 * Deletes a policy by writing a tombstone version. {@link StoreException.Conflict} when {@code expectedVersion}
	 * is not the head or the head is a tombstone already.
	 */
	public Mono<SaveResult> delete(String workspace, PolicyKey key, int expectedVersion, String message,
			Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "policy.delete");
		}
		return deleteOrRefuse(workspace, key, expectedVersion, message, by).onErrorResume(StoreException.class,
				(refused) -> this.audit.refused(by, "policy.delete", key, workspace, expectedVersion, refused));
	}

	private Mono<SaveResult> deleteOrRefuse(String workspace, PolicyKey key, int expectedVersion, String message,
			Actor by) {
		return this.tx.transactional(lockedHeadAt(workspace, key, expectedVersion).flatMap((head) -> {
			if (head.deleted()) {
				return conflict(key + " is deleted already (version " + head.version() + ").", expectedVersion,
						head.id(), head.version()).flatMap(Mono::error);
			}
			return append(head, key, Content.TOMBSTONE, message, by)
				.flatMap((version) -> this.audit.record(by, "policy.delete", key.toString(), workspace,
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
			int expectedVersion, String message, Actor by) {
		if (!by.has(Role.AUTHOR)) {
			return this.permissions.refuse(by, Role.AUTHOR, "policy.restore");
		}
		return restoreOrRefuse(workspace, key, fromVersion, expectedVersion, message, by).onErrorResume(
				StoreException.class, (refused) -> this.audit.refused(by, "policy.restore", key, workspace, expectedVersion,
						refused));
	}

	private Mono<SaveResult> restoreOrRefuse(String workspace, PolicyKey key, @Nullable Integer fromVersion,
			int expectedVersion, String message, Actor by) {
		return this.tx.transactional(lockedHeadAt(workspace, key, expectedVersion).flatMap((head) -> {
			Mono<PolicyVersion> source = (fromVersion != null)
					? this.rows.versionOf(head.id(), fromVersion).switchIfEmpty(Mono.error(() -> new StoreException.NotFound(
							"Version " + fromVersion + " of " + key + " does not exist.")))
					: this.db.sql("SELECT max(version) AS version FROM policy_version WHERE policy_id = :id AND NOT deleted")
						.bind("id", head.id())
						.map((row) -> Optional.ofNullable(row.get("version", Integer.class)))
						.one()
						.flatMap((latest) -> latest.map((n) -> this.rows.versionOf(head.id(), n))
							.orElseGet(() -> Mono.error(new StoreException.BadRequest(key
									+ " has no version to restore."))));
			return source.flatMap((from) -> {
				if (from.deleted()) {
					return Mono.error(new StoreException.BadRequest("Version " + from.version() + " of " + key
							+ " is a deletion; restore a version with content."));
				}
				if (!head.deleted() && head.hash().equals(from.summary().contentHash())) {
					return this.rows.versionOf(head.id(), head.version())
						.map((current) -> new SaveResult(SaveResult.Outcome.UNCHANGED, current, List.of()));
				}
				String why = message.isBlank() ? "Restore version " + from.version() : message;
				return append(head, key, Content.of(from), why, by)
					.flatMap((version) -> this.audit.record(by, "policy.restore", key.toString(), workspace,
							Map.of("version", version.version(), "restoredFrom", from.version()))
						.thenReturn(new SaveResult(SaveResult.Outcome.RESTORED, version, List.of())));
			});
		}));
	}

}
