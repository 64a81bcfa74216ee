package dev.portcullis.identity;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;

/**
 * Who does something, as recorded in versions and the audit log.
 *
 * @param username the user's name ({@code system} for the application itself, {@code anonymous} before sign-in)
 * @param kind how they authenticated
 * @param role their role, null for anonymous
 * @param tokenName the API token's name when {@code kind} is TOKEN
 */
public record Actor(String username, Kind kind, @Nullable Role role, @Nullable String tokenName)
		implements AuditLog.Who {

	public static final Actor SYSTEM = new Actor("system", Kind.SYSTEM, Role.ADMIN, null);

	public static final Actor ANONYMOUS = new Actor("anonymous", Kind.ANONYMOUS, null, null);

	/** Whether this actor's role includes {@code required}; never for {@link #ANONYMOUS}. */
	public boolean has(Role required) {
		return this.role != null && this.role.includes(required);
	}

	public enum Kind {

		/** Signed in with a session (form or OIDC) or HTTP Basic. */
		USER,
		/** An API token. */
		TOKEN,
		/** The application itself (bootstrap, migrations). */
		SYSTEM,
		/** Not signed in. */
		ANONYMOUS

	}

}
