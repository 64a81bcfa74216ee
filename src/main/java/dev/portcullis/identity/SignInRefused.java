package dev.portcullis.identity;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.AuthenticationException;

/**
 * A refused sign-in or API credential. Its message is written for the client: it never says whether a username
 * exists, and never quotes a secret.
 */
final class SignInRefused extends AuthenticationException {

	/** Why. */
	enum Reason {

		/** Unknown user or wrong password: the client is told only that the pair is wrong. */
		BAD_CREDENTIALS,
		/** Right password, but an administrator disabled the account. */
		DISABLED,
		/** Too many failures for the username or the client address. */
		THROTTLED,
		/** An API token that is unknown, revoked or expired, or whose owner is disabled. */
		BAD_TOKEN,
		/** An {@code Authorization} header that cannot be read. */
		MALFORMED,
		/** Right password, but the session store holds {@code max-sessions} live sessions ({@link SessionAdmission}). */
		SESSIONS_FULL

	}

	private final Reason reason;

	private final @Nullable Instant retryAfter;

	SignInRefused(Reason reason, String detail, @Nullable Instant retryAfter) {
		super(detail);
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	static SignInRefused badCredentials() {
		return new SignInRefused(Reason.BAD_CREDENTIALS, "Wrong username or password.", null);
	}

	static SignInRefused disabled() {
		return new SignInRefused(Reason.DISABLED, "This account is disabled. Ask an administrator.", null);
	}

	static SignInRefused throttled(Instant until) {
		return new SignInRefused(Reason.THROTTLED,
				"Too many failed sign-ins. Try again after " + until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
						+ ".", until);
	}

	static SignInRefused sessionsFull() {
		return new SignInRefused(Reason.SESSIONS_FULL,
				"Too many people are signed in right now. Try again in a few minutes.", null);
	}

	static SignInRefused malformed(String detail) {
		return new SignInRefused(Reason.MALFORMED, detail, null);
	}

	static SignInRefused badToken(String detail) {
		return new SignInRefused(Reason.BAD_TOKEN, detail, null);
	}

	Reason reason() {
		return this.reason;
	}

	@Nullable Instant retryAfter() {
		return this.retryAfter;
	}

}
