package dev.portcullis.identity;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code app_user}.
 *
 * @param passwordHash the encoded password ({@code {argon2@SpringSecurity_v5_8}...}); null when the user
 *        signs in only through OpenID Connect
 * @param sessionEpoch moves on whenever the password, the role or being enabled changes (a trigger does it, V008);
 *        a session signed in at another epoch has ended
 */
record UserRow(long id, String username, String displayName, @Nullable String passwordHash, Role role,
		boolean enabled, Instant createdAt, @Nullable String oidcIssuer, @Nullable String oidcSubject,
		long sessionEpoch) {

	static final String COLUMNS = "id, username, display_name, password_hash, role, enabled, created_at, oidc_issuer, "
			+ "oidc_subject, session_epoch";

	static UserRow of(Readable row) {
		return new UserRow(row.get("id", Long.class), row.get("username", String.class),
				row.get("display_name", String.class), row.get("password_hash", String.class),
				Role.valueOf(row.get("role", String.class)), row.get("enabled", Boolean.class),
				row.get("created_at", OffsetDateTime.class).toInstant(), row.get("oidc_issuer", String.class),
				row.get("oidc_subject", String.class), row.get("session_epoch", Long.class));
	}

	/** This row with another display name, role, enabled flag and password hash. */
	UserRow with(String displayName, Role role, boolean enabled, @Nullable String passwordHash) {
		return new UserRow(this.id, this.username, displayName, passwordHash, role, enabled, this.createdAt,
				this.oidcIssuer, this.oidcSubject, this.sessionEpoch);
	}

	SignedInUser toSignedIn() {
		return new SignedInUser(this.id, this.username, this.displayName, this.role, this.sessionEpoch);
	}

}
