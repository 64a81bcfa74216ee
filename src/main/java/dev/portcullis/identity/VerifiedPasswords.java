package dev.portcullis.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Remembers, for a few minutes, which username and password HTTP Basic has just verified, so that a client that
 * sends the same credentials with every request pays the Argon2id hash once per {@link #TTL}, not once per
 * request (docs/adr/020).
 * <p>
 * An entry is keyed by HMAC-SHA-256 of the lower-cased username and the password under a key drawn at random when
 * the application starts and never stored; it holds the user's id, {@code session_epoch} and password hash as they
 * were when the password was verified. It counts only while the user's current row still has that id, epoch and
 * hash and is enabled: a password change, a role change or a disabling moves {@code session_epoch} on (the V008
 * trigger), so the next request with the old credentials is checked in full, at once, not after the TTL. Only
 * successes are remembered; a wrong password is never a hit (its HMAC differs) and goes through
 * {@link SignInThrottle} and the hash as before. At most {@link #MAX_ENTRIES} entries are kept, in memory, per
 * application instance.
 */
@Component
class VerifiedPasswords {

	/** How long a verified password is remembered. */
	static final Duration TTL = Duration.ofMinutes(5);

	/** How many verified credentials are remembered at most. */
	static final int MAX_ENTRIES = 10_000;

	private final SecretKeySpec key;

	private final ThreadLocal<Mac> macs;

	private final Cache<String, Verified> verified = Caffeine.newBuilder()
		.maximumSize(MAX_ENTRIES)
		.expireAfterWrite(TTL)
		.build();

	VerifiedPasswords() {
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
		this.macs = ThreadLocal.withInitial(this::newMac);
	}

	/** The cache key of these credentials: an HMAC, so that neither the password nor a fast hash of it is kept. */
	String key(String username, String password) {
		Mac mac = this.macs.get();
		mac.update(username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
		mac.update((byte) 0);
		return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * Whether the credentials of {@code key} were verified against this very row: same user, same
	 * {@code session_epoch}, same password hash, and the user is enabled. A remembered entry that no longer matches
	 * is forgotten.
	 */
	boolean verified(String key, UserRow user) {
		Verified entry = this.verified.getIfPresent(key);
		if (entry == null) {
			return false;
		}
		if (entry.userId() == user.id() && entry.sessionEpoch() == user.sessionEpoch() && user.enabled()
				&& user.passwordHash() != null && Objects.equals(entry.passwordHash(), user.passwordHash())) {
			return true;
		}
		this.verified.invalidate(key);
		return false;
	}

	/** Whether anything is remembered for {@code key} (a hint that the row lookup may make the hash unnecessary). */
	boolean remembers(String key) {
		return this.verified.getIfPresent(key) != null;
	}

	/** Remembers that the credentials of {@code key} matched this enabled user's password hash. */
	void remember(String key, UserRow user) {
		if (user.enabled() && user.passwordHash() != null) {
			this.verified.put(key, new Verified(user.id(), user.sessionEpoch(), user.passwordHash()));
		}
	}

	/** Forgets everything (tests). */
	void reset() {
		this.verified.invalidateAll();
	}

	private Mac newMac() {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/** What was verified: the user's id, their {@code session_epoch} and password hash at that moment. */
	private record Verified(long userId, long sessionEpoch, @Nullable String passwordHash) {
	}

}
