package dev.portcullis.identity;

import java.io.Serializable;
import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * The principal of a password (form or HTTP Basic) or OpenID Connect sign-in, as kept in the session, and the
 * signed-in user the pages show ({@code currentUser} in templates, {@link IdentityModelAdvice}). The role and
 * display name are re-read from the database on every request ({@link FreshSessionContextRepository}).
 *
 * @param sessionEpoch the user's {@code session_epoch} when they signed in: the session ends when it moves on
 */
public record SignedInUser(long id, String username, String displayName, Role role, long sessionEpoch)
		implements Principal, Serializable {

	@Override
	public String getName() {
		return this.username;
	}

	/** Whether the user is an administrator: the layout shows the administration pages ({@code currentUser.admin}). */
	public boolean admin() {
		return this.role.includes(Role.ADMIN);
	}

	/** The signed-in user behind an authentication, or null for tokens, anonymous and unknown kinds. */
	static @Nullable SignedInUser of(@Nullable Authentication authentication) {
		if (authentication == null) {
			return null;
		}
		Object principal = authentication.getPrincipal();
		if (principal instanceof SignedInUser user) {
			return user;
		}
		if (principal instanceof OidcSignIn.OidcAccount account) {
			return account.user();
		}
		return null;
	}

}
