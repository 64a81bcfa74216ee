package dev.portcullis.identity;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/** The {@code app_user} table. Usernames compare case-insensitively; the stored spelling is kept. */
@Component
class Users {

	private final DatabaseClient db;

	Users(DatabaseClient db) {
		this.db = db;
	}

	Mono<UserRow> findByUsername(String username) {
		return this.db.sql("SELECT " + UserRow.COLUMNS + " FROM app_user WHERE lower(username) = lower(:username)")
			.bind("username", username)
			.map(UserRow::of)
			.one();
	}

	/**
	 * The user with this username, its row locked until the transaction ends; call it inside a transaction, after
	 * {@link #lockEnabledAdmins()} when both are needed (that order, always, so that two changes cannot deadlock).
	 */
	Mono<UserRow> findByUsernameForUpdate(String username) {
		return this.db.sql("SELECT " + UserRow.COLUMNS + " FROM app_user WHERE lower(username) = lower(:username) "
				+ "FOR UPDATE")
			.bind("username", username)
			.map(UserRow::of)
			.one();
	}

	Mono<UserRow> findById(long id) {
		return this.db.sql("SELECT " + UserRow.COLUMNS + " FROM app_user WHERE id = :id")
			.bind("id", id)
			.map(UserRow::of)
			.one();
	}

	Mono<UserRow> findByOidcSubject(String issuer, String subject) {
		return this.db.sql("SELECT " + UserRow.COLUMNS
				+ " FROM app_user WHERE oidc_issuer = :issuer AND oidc_subject = :subject")
			.bind("issuer", issuer)
			.bind("subject", subject)
			.map(UserRow::of)
			.one();
	}

	/** Users ordered by lower-case username, starting after {@code after} (exclusive) when given. */
	Flux<UserRow> list(@Nullable String after, int limit) {
		DatabaseClient.GenericExecuteSpec spec = this.db.sql("SELECT " + UserRow.COLUMNS + " FROM app_user"
				+ ((after != null) ? " WHERE lower(username) > lower(:after)" : "")
				+ " ORDER BY lower(username) LIMIT :limit")
			.bind("limit", limit);
		if (after != null) {
			spec = spec.bind("after", after);
		}
		return spec.map(UserRow::of).all();
	}

	/** Inserts a user; errors with {@code DataIntegrityViolationException} when the username is taken. */
	Mono<UserRow> insert(String username, String displayName, @Nullable String passwordHash, Role role,
			@Nullable String oidcIssuer, @Nullable String oidcSubject) {
		return insert(username, displayName, passwordHash, role, oidcIssuer, oidcSubject, "");
	}

	/**
	 * Inserts a user unless the username or the OIDC issuer and subject are taken; empty then. It waits for a
	 * concurrent insert of the same values to commit or roll back, so empty means "taken by a committed row".
	 */
	Mono<UserRow> insertIfAbsent(String username, String displayName, @Nullable String passwordHash, Role role,
			@Nullable String oidcIssuer, @Nullable String oidcSubject) {
		return insert(username, displayName, passwordHash, role, oidcIssuer, oidcSubject, " ON CONFLICT DO NOTHING");
	}

	private Mono<UserRow> insert(String username, String displayName, @Nullable String passwordHash, Role role,
			@Nullable String oidcIssuer, @Nullable String oidcSubject, String onConflict) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO app_user (username, display_name, password_hash, role, oidc_issuer, oidc_subject) "
					+ "VALUES (:username, :displayName, :hash, :role, :issuer, :subject)" + onConflict + " RETURNING "
					+ UserRow.COLUMNS)
			.bind("username", username)
			.bind("displayName", displayName)
			.bind("role", role.name());
		spec = bind(spec, "hash", passwordHash);
		spec = bind(spec, "issuer", oidcIssuer);
		spec = bind(spec, "subject", oidcSubject);
		return spec.map(UserRow::of).one();
	}

	/**
	 * Writes display name, role, enabled flag and password hash of the user with this id. A change of password,
	 * role or a disabling moves {@code session_epoch} on (the V008 trigger), which ends the user's sessions; the
	 * answer carries the new epoch.
	 */
	Mono<UserRow> update(UserRow user) {
		return bind(this.db.sql("UPDATE app_user SET display_name = :displayName, role = :role, enabled = :enabled, "
				+ "password_hash = :hash WHERE id = :id RETURNING " + UserRow.COLUMNS)
			.bind("id", user.id())
			.bind("displayName", user.displayName())
			.bind("role", user.role().name())
			.bind("enabled", user.enabled()), "hash", user.passwordHash())
			.map(UserRow::of)
			.one();
	}

	/**
	 * The ids of the enabled administrators, their rows locked until the transaction ends. A concurrent change
	 * that demoted or disabled one of them is waited for and then seen (PostgreSQL re-checks a locked row that
	 * changed meanwhile), so the answer is the committed set of administrators, which nobody else can shrink until
	 * this transaction ends. Call it inside a transaction.
	 */
	Mono<java.util.List<Long>> lockEnabledAdmins() {
		return this.db.sql("SELECT id FROM app_user WHERE role = 'ADMIN' AND enabled ORDER BY id FOR UPDATE")
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList();
	}

	private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable String value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
	}

}
