package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Counts failed password sign-ins per username and per client address and locks either when it had too many
 * within the window (see {@link IdentitySettings.SignIn}). In memory, per application instance: a restart
 * forgets the counts (docs/adr/006).
 */
@Component
class SignInThrottle {

	private static final int MAX_TRACKED = 100_000;

	private final IdentitySettings.SignIn settings;

	private final Clock clock;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	@Autowired
	SignInThrottle(IdentitySettings.SignIn settings) {
		this(settings, Clock.systemUTC());
	}

	SignInThrottle(IdentitySettings.SignIn settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
	}

	/** Until when sign-ins for this username or from this address are refused; null when they are not. */
	@Nullable Instant lockedUntil(String username, String address) {
		Instant now = this.clock.instant();
		Instant byUser = lockedUntil(userKey(username), now);
		Instant byAddress = lockedUntil(addressKey(address), now);
		if (byUser == null) {
			return byAddress;
		}
		return (byAddress == null || byUser.isAfter(byAddress)) ? byUser : byAddress;
	}

	/** Counts a failed sign-in for this username from this address. */
	void failed(String username, String address) {
		Instant now = this.clock.instant();
		if (this.failures.size() > MAX_TRACKED) {
			this.failures.values().removeIf((f) -> f.idleSince(now, this.settings.window(), this.settings.lockout()));
		}
		count(userKey(username), this.settings.maxFailures(), now);
		count(addressKey(address), this.settings.maxFailuresPerAddress(), now);
	}

	/** Forgets the failures of this username after it signed in. The address keeps its count. */
	void succeeded(String username) {
		this.failures.remove(userKey(username));
	}

	/** Forgets everything (tests). */
	void reset() {
		this.failures.clear();
	}

	private void count(String key, int max, Instant now) {
		this.failures.computeIfAbsent(key, (k) -> new Failures()).add(now, max, this.settings.window(),
				this.settings.lockout());
	}

	private @Nullable Instant lockedUntil(String key, Instant now) {
		Failures entry = this.failures.get(key);
		return (entry != null) ? entry.lockedUntil(now) : null;
	}

	private static String userKey(String username) {
		return "user:" + username.toLowerCase(Locale.ROOT);
	}

	private static String addressKey(String address) {
		return "addr:" + address;
	}

	/** The recent failures of one key and its lock. */
	private static final class Failures {

		private final ArrayDeque<Instant> times = new ArrayDeque<>();

		private @Nullable Instant lockedUntil;

		synchronized void add(Instant now, int max, Duration window, Duration lockout) {
			if (this.lockedUntil != null && now.isBefore(this.lockedUntil)) {
				return;
			}
			this.times.addLast(now);
			while (!this.times.isEmpty() && this.times.peekFirst().isBefore(now.minus(window))) {
				this.times.removeFirst();
			}
			if (this.times.size() >= max) {
				this.lockedUntil = now.plus(lockout);
				this.times.clear();
			}
		}

		synchronized @Nullable Instant lockedUntil(Instant now) {
			return (this.lockedUntil != null && now.isBefore(this.lockedUntil)) ? this.lockedUntil : null;
		}

		synchronized boolean idleSince(Instant now, Duration window, Duration lockout) {
			Instant last = this.times.peekLast();
			boolean recentFailure = last != null && last.isAfter(now.minus(window));
			return !recentFailure && lockedUntil(now) == null;
		}

	}

}
