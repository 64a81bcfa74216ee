package dev.portcullis.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.secrets.SecretBox;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A workspace's targets ({@code publish_target}): read, saved after the adapter's {@link TargetAdapter#check} passed,
 * deleted; every change audited ({@code target.create}, {@code target.update}, {@code target.delete}) with the names
 * of the credentials replaced, never their values. Credentials are one JSON object sealed with {@link SecretBox},
 * bound to the workspace and the target's name.
 */
@Component
class Targets {

	private static final Logger log = LoggerFactory.getLogger(Targets.class);

	static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

	/**
	 * A Git target's forge (docs/adr/045): {@code none}, {@code github} or {@code gitlab}; its API's base URL
	 * (default {@code https://api.github.com} or {@code https://gitlab.com/api/v4}); the project
	 * ({@code owner/repo}, {@code group/sub/project}; default the repository URL's path); whether publications are
	 * proposed as pull requests ({@code true}/{@code false}); whether the {@code portcullis/impact} commit status is
	 * set. In the API they are the members of {@code forge}.
	 */
	static final String FORGE_KIND = "forge.kind";

	static final String FORGE_API_URL = "forge.apiUrl";

	static final String FORGE_PROJECT = "forge.project";

	static final String FORGE_PULL_REQUEST = "forge.pullRequest";

	static final String FORGE_COMMIT_STATUS = "forge.commitStatus";

	private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+");

	/** Settings per type (besides {@code auth.type}). */
	static final Map<String, List<String>> SETTINGS = Map.of("git", List.of("url", "branch", "path", FORGE_KIND,
			FORGE_API_URL, FORGE_PROJECT, FORGE_PULL_REQUEST, FORGE_COMMIT_STATUS), "kubernetes",
			List.of("server", "caData"));

	/** Authentication kinds per type, and the credentials each may carry. */
	static final Map<String, Map<String, List<String>>> AUTH = Map.of("git",
			Map.of("none", List.of(), "token", List.of("token", "username"), "ssh-key",
					List.of("privateKey", "passphrase", "knownHosts")),
			"kubernetes",
			Map.of("token", List.of("token"), "clientCertificate", List.of("clientCertificate", "clientKey"),
					"serviceAccount", List.of()));

	private static final String COLUMNS = "t.id, t.workspace_id, w.name AS workspace, t.name, t.type, t.settings,"
			+ " t.credentials_sealed, t.created_by, t.created_at, t.updated_by, t.updated_at, t.drift,"
			+ " t.drift_checked_at, t.drift_error, t.drift_proposed";

	private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
	};

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final SecretBox secrets;

	private final Adapters adapters;

	private final AuditLog audit;

	private final TransactionalOperator transaction;

	private final JsonMapper json;

	Targets(DatabaseClient db, Workspaces workspaces, SecretBox secrets, Adapters adapters, AuditLog audit,
			ReactiveTransactionManager transactions, JsonMapper json) {
		this.db = db;
		this.workspaces = workspaces;
		this.secrets = secrets;
		this.adapters = adapters;
		this.audit = audit;
		this.transaction = TransactionalOperator.create(transactions);
		this.json = json;
	}

	/** The workspace's id, or {@link PublishRefused} NOT_FOUND. */
	Mono<Long> workspaceId(String workspace) {
		return this.workspaces.findId(workspace)
			.switchIfEmpty(Mono.error(() -> PublishRefused.notFound("There is no workspace " + workspace + ".")));
	}

	/** The workspace's targets by name. */
	Flux<TargetRow> of(String workspace) {
		return workspaceId(workspace).flatMapMany((ws) -> this.db
			.sql("SELECT " + COLUMNS + " FROM publish_target t JOIN workspace w ON w.id = t.workspace_id"
					+ " WHERE t.workspace_id = :ws ORDER BY t.name")
			.bind("ws", ws)
			.map(this::row)
			.all());
	}

	/** The target, or {@link PublishRefused} NOT_FOUND. */
	Mono<TargetRow> find(String workspace, String name) {
		return workspaceId(workspace).flatMap((ws) -> this.db
			.sql("SELECT " + COLUMNS + " FROM publish_target t JOIN workspace w ON w.id = t.workspace_id"
					+ " WHERE t.workspace_id = :ws AND t.name = :name")
			.bind("ws", ws)
			.bind("name", name)
			.map(this::row)
			.one())
			.switchIfEmpty(Mono.error(() -> PublishRefused
				.notFound("There is no target " + name + " in workspace " + workspace + ".")));
	}

	/** The target as adapters see it, with its credentials opened. Keep it no longer than the call that needs it. */
	Mono<Target> open(TargetRow row) {
		return this.db.sql("SELECT credentials_sealed FROM publish_target WHERE id = :id")
			.bind("id", row.id())
			.map((r) -> java.util.Optional.ofNullable(r.get("credentials_sealed", byte[].class)))
			.one()
			.map((sealed) -> new Target(row.id(), row.workspace(), row.name(), row.type(), row.settings(),
					sealed.map((s) -> credentials(row.workspaceId(), row.name(), s)).orElse(Map.of())));
	}

	/**
	 * What a client asks to save.
	 *
	 * @param settings the type's settings and {@code auth.type}
	 * @param credentials credentials to replace: a value sets it, null removes it; absent ones are kept (an
	 *        authentication kind that no longer uses a credential drops it)
	 */
	record Form(String name, String type, Map<String, String> settings, Map<String, @Nullable String> credentials) {
	}

	/**
	 * Creates ({@code create}) or replaces a target after its adapter's check passed on the adapters' executor.
	 * {@link PublishRefused}: INVALID for bad settings, CHECK_FAILED with the adapter's words, CONFLICT for a name in
	 * use (create) or a change by someone else meanwhile, NOT_FOUND for an unknown workspace or target (replace).
	 */
	Mono<TargetRow> save(String workspace, Form form, boolean create, Actor by) {
		validate(form);
		Mono<@Nullable TargetRow> existing = create ? Mono.empty() : find(workspace, form.name());
		return workspaceId(workspace).flatMap((ws) -> existing.map(java.util.Optional::of)
			.defaultIfEmpty(java.util.Optional.empty())
			.flatMap((before) -> {
				if (before.isPresent() && !before.get().type().equals(form.type())) {
					return Mono.error(PublishRefused.invalid("type", "The type of a target cannot change; delete it and"
							+ " add a new one."));
				}
				Mono<Map<String, String>> kept = before.isPresent()
						? open(before.get()).map(Target::credentials) : Mono.just(Map.of());
				return kept.flatMap((old) -> {
					Map<String, String> credentials = merged(form, old);
					Target target = new Target(before.map(TargetRow::id).orElse(0L), workspace, form.name(),
							form.type(), form.settings(), credentials);
					return this.adapters.run(() -> {
						this.adapters.of(form.type()).check(target);
						return target;
					})
						.onErrorMap(PublishFailure.class,
								(ex) -> new PublishRefused(PublishRefused.Reason.CHECK_FAILED, null, ex.getMessage()))
						.flatMap((checked) -> write(ws, workspace, form, credentials, before.orElse(null), by));
				});
			}));
	}

	private Mono<TargetRow> write(long ws, String workspace, Form form, Map<String, String> credentials,
			@Nullable TargetRow before, Actor by) {
		byte[] sealed = credentials.isEmpty() ? null
				: this.secrets.seal(context(ws, form.name()), this.json.writeValueAsString(new TreeMap<>(credentials)));
		Json settings = Json.of(this.json.writeValueAsString(new TreeMap<>(form.settings())));
		Mono<Long> written;
		if (before == null) {
			DatabaseClient.GenericExecuteSpec insert = this.db
				.sql("INSERT INTO publish_target (workspace_id, name, type, settings, credentials_sealed, created_by,"
						+ " updated_by) VALUES (:ws, :name, :type, :settings, :sealed, :by, :by)"
						+ " ON CONFLICT (workspace_id, name) DO NOTHING")
				.bind("ws", ws)
				.bind("name", form.name())
				.bind("type", form.type())
				.bind("settings", settings)
				.bind("by", by.username());
			written = ((sealed != null) ? insert.bind("sealed", sealed) : insert.bindNull("sealed", byte[].class))
				.fetch()
				.rowsUpdated();
		}
		else {
			DatabaseClient.GenericExecuteSpec update = this.db
				.sql("UPDATE publish_target SET settings = :settings, credentials_sealed = :sealed, updated_by = :by,"
						+ " updated_at = clock_timestamp() WHERE id = :id AND updated_at = :seen")
				.bind("id", before.id())
				.bind("settings", settings)
				.bind("by", by.username())
				.bind("seen", OffsetDateTime.ofInstant(before.updatedAt(), java.time.ZoneOffset.UTC));
			written = ((sealed != null) ? update.bind("sealed", sealed) : update.bindNull("sealed", byte[].class))
				.fetch()
				.rowsUpdated();
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("type", form.type());
		details.put("settings", new TreeMap<>(form.settings()));
		details.put("credentialsReplaced", form.credentials().keySet().stream().sorted().toList());
		return written.flatMap((count) -> {
			if (count == 0) {
				return Mono.error(PublishRefused.conflict((before == null)
						? "There is already a target " + form.name() + " in workspace " + workspace + "."
						: "Someone else changed target " + form.name() + " meanwhile; load it again."));
			}
			return this.audit.record(new AuditLog.Event(by, (before == null) ? "target.create" : "target.update",
					AuditLog.Outcome.SUCCESS, form.name(), workspace, by.address(), details));
		}).as(this.transaction::transactional).then(find(workspace, form.name()));
	}

	/**
	 * Deletes a target; its publications stay (naming it), those still waiting are FAILED with "the target was
	 * deleted". A publication running now is let finish. After the commit, the adapter drops what it keeps for the
	 * target ({@link TargetAdapter#forget}: the Git clone).
	 */
	Mono<Void> delete(String workspace, String name, Actor by) {
		return find(workspace, name).flatMap((row) -> this.db
			.sql("UPDATE publication SET status = 'FAILED', error = 'The target was deleted before this publication"
					+ " ran.', finished_at = clock_timestamp() WHERE target_id = :id AND status = 'PENDING'")
			.bind("id", row.id())
			.fetch()
			.rowsUpdated()
			.then(this.db.sql("DELETE FROM publish_target WHERE id = :id").bind("id", row.id()).fetch().rowsUpdated())
			.then(this.audit.record(new AuditLog.Event(by, "target.delete", AuditLog.Outcome.SUCCESS, name, workspace,
					by.address(), Map.of("type", row.type()))))
			.as(this.transaction::transactional)
			.then(this.adapters.run(() -> {
				this.adapters.of(row.type())
					.forget(new Target(row.id(), workspace, name, row.type(), row.settings(), Map.of()));
				return true;
			}).onErrorResume((ex) -> {
				log.warn("publishing: cannot drop what this server keeps for deleted target {}: {}", row.id(),
						ex.getMessage());
				return Mono.just(false);
			}))
			.then());
	}

	/** Records a drift check's result on the target (null drift and an error when the check failed). */
	Mono<Void> drifted(long id, @Nullable String driftJson, @Nullable String error) {
		return drifted(id, null, driftJson, error).then();
	}

	/** Records a failed drift check, or one without proposals (see the five-argument form). */
	Mono<Boolean> drifted(long id, @Nullable String owner, @Nullable String driftJson, @Nullable String error) {
		return drifted(id, owner, driftJson, null, error);
	}

	/**
	 * Records a drift check's result; with an {@code owner} (the drift worker) only while the target's drift lease is
	 * still the owner's, and gives the lease back. True when it was recorded.
	 */
	Mono<Boolean> drifted(long id, @Nullable String owner, @Nullable String driftJson, @Nullable String proposedJson,
			@Nullable String error) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE publish_target SET drift = :drift, drift_error = :error, drift_checked_at = clock_timestamp(),"
					+ " drift_proposed = :proposed"
					+ ((owner != null) ? ", drift_claimed_by = NULL, drift_claimed_until = NULL WHERE id = :id"
							+ " AND drift_claimed_by = :owner" : " WHERE id = :id"))
			.bind("id", id);
		spec = (owner != null) ? spec.bind("owner", owner) : spec;
		spec = (driftJson != null) ? spec.bind("drift", Json.of(driftJson)) : spec.bindNull("drift", Json.class);
		spec = (error != null) ? spec.bind("error", error) : spec.bindNull("error", String.class);
		spec = (proposedJson != null) ? spec.bind("proposed", Json.of(proposedJson))
				: spec.bindNull("proposed", Json.class);
		return spec.fetch().rowsUpdated().map((count) -> count > 0);
	}

	/**
	 * Claims the target whose drift check is most overdue (never checked first), if any: one whose last check is at
	 * least {@code interval} old and that no other instance holds, locked with {@code FOR UPDATE SKIP LOCKED} and held
	 * for {@code lease}. {@code workspaceId} limits the claim to one workspace (tests); null: every workspace.
	 */
	Mono<TargetRow> claimDrift(String owner, Duration interval, Duration lease, @Nullable Long workspaceId) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("UPDATE publish_target SET drift_claimed_by = :owner, drift_claimed_until = clock_timestamp()"
					+ " + make_interval(secs => :lease) WHERE id = (SELECT id FROM publish_target"
					+ " WHERE (drift_checked_at IS NULL OR drift_checked_at <= clock_timestamp()"
					+ " - make_interval(secs => :interval))"
					+ " AND (drift_claimed_until IS NULL OR drift_claimed_until < clock_timestamp())"
					+ ((workspaceId != null) ? " AND workspace_id = :ws" : "")
					+ " ORDER BY drift_checked_at NULLS FIRST, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id")
			.bind("owner", owner)
			.bind("lease", lease.toMillis() / 1000.0)
			.bind("interval", interval.toMillis() / 1000.0);
		spec = (workspaceId != null) ? spec.bind("ws", workspaceId) : spec;
		return spec.map((r) -> r.get("id", Long.class))
			.one()
			.flatMap((id) -> this.db
				.sql("SELECT " + COLUMNS + " FROM publish_target t JOIN workspace w ON w.id = t.workspace_id"
						+ " WHERE t.id = :id")
				.bind("id", id)
				.map(this::row)
				.one());
	}

	private static void validate(Form form) {
		if (!NAME.matcher(form.name()).matches()) {
			throw PublishRefused.invalid("name", "A target's name is 1 to 63 lower-case letters, digits and dashes,"
					+ " starting and ending with a letter or digit.");
		}
		List<String> allowed = SETTINGS.get(form.type());
		if (allowed == null) {
			throw PublishRefused.invalid("type", "The type must be git or kubernetes.");
		}
		Map<String, List<String>> auth = AUTH.get(form.type());
		String authType = form.settings().getOrDefault("auth.type", "none");
		if (!auth.containsKey(authType)) {
			throw PublishRefused.invalid("auth.type", "A " + form.type() + " target's auth.type is one of "
					+ String.join(", ", new java.util.TreeSet<>(auth.keySet())) + ".");
		}
		for (String key : form.settings().keySet()) {
			if (!key.equals("auth.type") && !allowed.contains(key)) {
				throw PublishRefused.invalid(key, "A " + form.type() + " target has no setting " + key + "; it has "
						+ String.join(", ", allowed) + ".");
			}
			if (form.settings().get(key).length() > 64 * 1024) {
				throw PublishRefused.invalid(key, "must be at most 65536 characters");
			}
		}
		validateForge(form);
		for (Map.Entry<String, @Nullable String> credential : form.credentials().entrySet()) {
			if (!auth.get(authType).contains(credential.getKey())) {
				throw PublishRefused.invalid("auth." + credential.getKey(), "auth.type " + authType + " takes "
						+ (auth.get(authType).isEmpty() ? "no credentials"
								: "only " + String.join(", ", auth.get(authType))) + ".");
			}
			if (credential.getValue() != null && credential.getValue().length() > 64 * 1024) {
				throw PublishRefused.invalid("auth." + credential.getKey(), "must be at most 65536 characters");
			}
		}
	}

	/** A Git target's forge settings: known values, an API URL, and what pull requests and statuses need. */
	private static void validateForge(Form form) {
		Map<String, String> settings = form.settings();
		String kind = settings.getOrDefault(FORGE_KIND, "none");
		if (!List.of("none", "github", "gitlab").contains(kind)) {
			throw PublishRefused.invalid(FORGE_KIND, "The forge is none, github or gitlab.");
		}
		for (String flag : List.of(FORGE_PULL_REQUEST, FORGE_COMMIT_STATUS)) {
			String value = settings.get(flag);
			if (value != null && !value.equals("true") && !value.equals("false")) {
				throw PublishRefused.invalid(flag, "must be true or false");
			}
		}
		boolean wants = "true".equals(settings.get(FORGE_PULL_REQUEST))
				|| "true".equals(settings.get(FORGE_COMMIT_STATUS));
		if (kind.equals("none")) {
			if (wants) {
				throw PublishRefused.invalid(FORGE_KIND, "Pull requests and commit statuses need a forge: github or"
						+ " gitlab.");
			}
			return;
		}
		String api = settings.get(FORGE_API_URL);
		if (api != null && !api.isBlank()) {
			java.net.URI uri;
			try {
				uri = new java.net.URI(api.strip());
			}
			catch (java.net.URISyntaxException ex) {
				throw PublishRefused.invalid(FORGE_API_URL, "The forge's API URL is not a URL: " + ex.getReason() + ".");
			}
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(java.util.Locale.ROOT) : "";
			if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
				throw PublishRefused.invalid(FORGE_API_URL, "The forge's API URL starts with https:// and names a host,"
						+ " for example https://github.example.com/api/v3 or https://gitlab.example.com/api/v4.");
			}
			if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
				throw PublishRefused.invalid(FORGE_API_URL, "The forge's API URL must not carry a user, a query or a"
						+ " fragment: the token belongs in auth.token.");
			}
		}
		String project = settings.get(FORGE_PROJECT);
		if (project != null && !project.isBlank() && !PROJECT.matcher(project.strip()).matches()) {
			throw PublishRefused.invalid(FORGE_PROJECT, "The project is its path on the forge: owner/repository"
					+ " (GitHub) or group/project (GitLab).");
		}
		if (wants && !"token".equals(settings.getOrDefault("auth.type", "none"))) {
			throw PublishRefused.invalid("auth.type", "Pull requests and commit statuses use the target's token: choose"
					+ " token authentication with an HTTPS repository URL.");
		}
	}

	/** The stored credentials with the form's changes, keeping only those the authentication kind uses. */
	private static Map<String, String> merged(Form form, Map<String, String> old) {
		List<String> used = AUTH.get(form.type()).get(form.settings().getOrDefault("auth.type", "none"));
		Map<String, String> out = new TreeMap<>();
		for (String name : used) {
			if (form.credentials().containsKey(name)) {
				String value = form.credentials().get(name);
				if (value != null && !value.isBlank()) {
					out.put(name, value);
				}
			}
			else if (old.containsKey(name)) {
				out.put(name, old.get(name));
			}
		}
		return out;
	}

	private Map<String, String> credentials(long ws, String name, byte[] sealed) {
		return this.json.readValue(this.secrets.open(context(ws, name), sealed), STRINGS);
	}

	private static String context(long ws, String name) {
		return "publish-target:" + ws + ":" + name;
	}

	private TargetRow row(Readable r) {
		Map<String, String> settings = this.json.readValue(r.get("settings", Json.class).asString(), STRINGS);
		byte[] sealed = r.get("credentials_sealed", byte[].class);
		long ws = r.get("workspace_id", Long.class);
		String name = r.get("name", String.class);
		Set<String> names;
		try {
			names = (sealed != null) ? credentials(ws, name, sealed).keySet() : Set.of();
		}
		catch (SecretBox.CannotOpen ex) {
			names = Set.of();
		}
		Json drift = r.get("drift", Json.class);
		Json proposed = r.get("drift_proposed", Json.class);
		OffsetDateTime checked = r.get("drift_checked_at", OffsetDateTime.class);
		return new TargetRow(r.get("id", Long.class), ws, r.get("workspace", String.class), name,
				r.get("type", String.class), settings, names, r.get("created_by", String.class),
				r.get("created_at", OffsetDateTime.class).toInstant(), r.get("updated_by", String.class),
				r.get("updated_at", OffsetDateTime.class).toInstant(), (drift != null) ? drift.asString() : null,
				(checked != null) ? checked.toInstant() : null, r.get("drift_error", String.class),
				(proposed != null) ? proposed.asString() : null);
	}

	static String utf8(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
