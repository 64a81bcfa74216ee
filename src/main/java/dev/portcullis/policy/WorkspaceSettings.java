package dev.portcullis.policy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The agent settings of each workspace ({@link AgentSettings}): read now or as of a moment, and changed. Versioned
 * like policies (table {@code workspace_settings}, append-only): version 0 is Cilium's defaults, which a workspace
 * has until an administrator first changes them. Every validation and evaluation of a workspace's policies uses the
 * settings in force: {@link PolicyChanges} and {@link BundleImport} validate with its Cilium version.
 * <p>
 * A change needs the ADMIN role ({@link dev.portcullis.identity.Forbidden} otherwise, audited as
 * {@code auth.denied}), is audited as {@code workspace.settings} with the changed settings before and after, and is
 * refused (audited with outcome FAILURE, nothing written) with {@link StoreException.InvalidSettings} when a setting
 * is bad, {@link StoreException.SettingsConflict} when the settings are no longer at the expected version, and
 * {@link StoreException.NotFound} for an unknown workspace.
 */
@Component
public class WorkspaceSettings {

	private static final Logger log = LoggerFactory.getLogger(WorkspaceSettings.class);

	static final String ACTION = "workspace.settings";

	private final DatabaseClient db;

	private final TransactionalOperator tx;

	private final Workspaces workspaces;

	private final StoreAudit audit;

	private final Permissions permissions;

	private final JsonMapper json;

	WorkspaceSettings(DatabaseClient db, ReactiveTransactionManager transactions, Workspaces workspaces,
			StoreAudit audit, Permissions permissions, JsonMapper json) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.workspaces = workspaces;
		this.audit = audit;
		this.permissions = permissions;
		this.json = json;
	}

	/**
	 * A workspace's settings as one version of them.
	 *
	 * @param settings the settings
	 * @param version 0 for Cilium's defaults (never changed), else the number of changes so far; the API's ETag
	 * @param changedAt when this version was written; null for version 0
	 * @param changedBy who wrote it; null for version 0
	 */
	public record Version(AgentSettings settings, int version, @Nullable Instant changedAt, @Nullable String changedBy) {

		static final Version DEFAULTS = new Version(AgentSettings.DEFAULTS, 0, null, null);

	}

	/** The settings in force now; {@link StoreException.NotFound} for an unknown workspace. */
	public Mono<Version> current(String workspace) {
		return this.workspaces.id(workspace).flatMap(this::current);
	}

	private Mono<Version> current(long workspaceId) {
		return this.db.sql("SELECT version, settings, author, created_at FROM workspace_settings "
				+ "WHERE workspace_id = :ws ORDER BY version DESC LIMIT 1")
			.bind("ws", workspaceId)
			.map(this::row)
			.one()
			.defaultIfEmpty(Version.DEFAULTS);
	}

	/**
	 * The settings that were in force at {@code moment} (Cilium's defaults before the first change);
	 * {@link StoreException.NotFound} for an unknown workspace.
	 */
	public Mono<AgentSettings> at(String workspace, Instant moment) {
		return this.workspaces.id(workspace)
			.flatMap((ws) -> this.db.sql("SELECT version, settings, author, created_at FROM workspace_settings "
					+ "WHERE workspace_id = :ws AND created_at <= :at ORDER BY created_at DESC, version DESC LIMIT 1")
				.bind("ws", ws)
				.bind("at", moment.atOffset(ZoneOffset.UTC))
				.map(this::row)
				.one()
				.defaultIfEmpty(Version.DEFAULTS))
			.map(Version::settings);
	}

	private Version row(Readable row) {
		String text = row.get("settings", Json.class).asString();
		AgentSettings.Reading reading = AgentSettings.read(this.json.readTree(text), AgentSettings.DEFAULTS, "",
				Set.of());
		if (!reading.isValid()) {
			// written by this code, so only a later engine that dropped a setting can get here: keep the rest
			log.warn("Stored agent settings have members this version does not read (they count as Cilium's"
					+ " defaults): {}", reading.violations());
		}
		return new Version(reading.settings(), row.get("version", Integer.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("author", String.class));
	}

	/**
	 * Replaces a workspace's settings, all of them: what {@code reading} does not name is Cilium's default.
	 * @param reading the settings as {@link AgentSettings#read} made them of the request (with
	 *        {@link AgentSettings#DEFAULTS} as the base); refused when it has violations
	 * @param expectedVersion the version the change is based on (0: Cilium's defaults; a negative number matches none);
	 *        null when the caller names none, which is refused (as a conflict without an expected version) once the
	 *        settings were changed
	 * @return the new version, or the current one when nothing changed (then nothing is written or audited)
	 */
	public Mono<Version> change(String workspace, AgentSettings.Reading reading, @Nullable Integer expectedVersion,
			Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, ACTION);
		}
		return changeOrRefuse(workspace, reading, expectedVersion, by)
			.onErrorResume(StoreException.class, (refused) -> refused(by, workspace, expectedVersion, refused));
	}

	private Mono<Version> changeOrRefuse(String workspace, AgentSettings.Reading reading,
			@Nullable Integer expectedVersion, Actor by) {
		if (!reading.isValid()) {
			return Mono.error(new StoreException.InvalidSettings(Words.count(reading.violations().size(), "setting is",
					"settings are") + " not valid; each violation names its setting.", reading.violations()));
		}
		AgentSettings settings = reading.settings();
		return this.tx.transactional(this.workspaces.id(workspace).flatMap((ws) -> current(ws).flatMap((current) -> {
			if ((expectedVersion == null) ? current.version() != 0 : expectedVersion != current.version()) {
				return Mono.error(conflict(workspace, expectedVersion, current));
			}
			if (current.settings().equals(settings)) {
				return Mono.just(current);
			}
			int version = current.version() + 1;
			return this.db.sql("INSERT INTO workspace_settings (workspace_id, version, settings, author) "
					+ "VALUES (:ws, :version, :settings, :author) ON CONFLICT DO NOTHING RETURNING created_at")
				.bind("ws", ws)
				.bind("version", version)
				.bind("settings", Json.of(this.json.writeValueAsString(settings.toJson())))
				.bind("author", by.username())
				.map((row) -> row.get("created_at", OffsetDateTime.class))
				.one()
				// another change wrote this version first, after this one read the current version
				.switchIfEmpty(Mono.defer(() -> current(ws).flatMap((now) -> Mono.error(conflict(workspace,
						current.version(), now)))))
				.flatMap((createdAt) -> {
					Map<String, Object> details = new LinkedHashMap<>();
					details.put("version", version);
					details.putAll(current.settings().changesTo(settings));
					return this.audit.record(by, ACTION, "settings", workspace, details)
						.thenReturn(new Version(settings, version, createdAt.toInstant(), by.username()));
				});
		})));
	}

	private static StoreException.SettingsConflict conflict(String workspace, @Nullable Integer expected,
			Version current) {
		String at = "The settings of workspace " + Quoted.of(workspace) + " are at version " + current.version();
		if (expected == null) {
			return new StoreException.SettingsConflict(at + ": send If-Match: \"" + current.version()
					+ "\" with the version your change is based on.", null, current);
		}
		if (expected < 0) {
			return new StoreException.SettingsConflict(at + "; a weak entity tag never matches (RFC 9110 compares"
					+ " If-Match strongly): send the ETag as it was given, for example \"" + current.version() + "\".",
					expected, current);
		}
		return new StoreException.SettingsConflict(at + ", not " + expected + ": someone else changed them. Review"
				+ " their change and try again.", expected, current);
	}

	/** Audits a refused change (outcome FAILURE, after its transaction rolled back) and passes the refusal on. */
	private <T> Mono<T> refused(Actor by, String workspace, @Nullable Integer expectedVersion,
			StoreException refusal) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("refused", refusal.getClass().getSimpleName());
		details.put("reason", refusal.getMessage());
		if (expectedVersion != null && expectedVersion >= 0) {
			details.put("expectedVersion", expectedVersion);
		}
		if (refusal instanceof StoreException.SettingsConflict conflict) {
			details.put("currentVersion", conflict.current().version());
		}
		if (refusal instanceof StoreException.InvalidSettings invalid) {
			details.put("fields", invalid.violations().stream().map(FieldViolation::path).toList());
		}
		return this.audit.record(by, ACTION, "settings", workspace, AuditLog.Outcome.FAILURE, details)
			.then(Mono.error(refusal));
	}

}
