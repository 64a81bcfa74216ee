package dev.portcullis.identity;

import java.io.Serializable;
import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * The principal of a password or OpenID Connect sign-in, as kept in the session. The role is re-read from the
 * database on every request ({@link FreshSessionContextRepository}).
 *
 * @param sessionEpoch the user's {@code session_epoch} when they signed in: the session ends when it moves on
 */
public record SignedInUser(long id, String username, String displayName, Role role, long sessionEpoch)
		implements Principal, Serializable {

	@Override
	public String getName() {
		return this.username;
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
