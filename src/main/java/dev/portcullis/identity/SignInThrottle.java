package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Limits password checks per username and per client address (see {@link IdentitySettings.SignIn}).
 * <p>
 * A password is checked only under a reserved {@link Attempt}. A key (a username, whatever its case, or an
 * address) grants a reservation only while its failures within the window plus its reservations in flight are
 * below its limit, so however many requests arrive at once, no more than {@code maxFailures} passwords of one
 * username (and {@code maxFailuresPerAddress} from one address) can fail within the window. Reaching the limit
 * locks the key for the lockout; a locked key is refused without checking anything. A request that finds every
 * slot in flight waits for one ({@link #acquire}) up to {@link #MAX_WAIT}.
 * <p>
 * A success frees its slot but does not forget earlier failures: they age out of the window. (Forgetting them
 * would let a guesser who races a legitimate user's sign-ins make {@code maxFailures} guesses per success.)
 * <p>
 * Counts live in memory, per application instance, in a bounded Caffeine cache (docs/adr/009): a restart
 * forgets them, and with several instances each counts its own.
 */
@Component
class SignInThrottle {

	/** How many usernames and addresses are tracked at most; the least valuable entries are dropped beyond. */
	static final int MAX_TRACKED = 100_000;

	/** How long a request waits for a slot while others of the same key are being checked. */
	static final Duration MAX_WAIT = Duration.ofSeconds(10);

	private final IdentitySettings.SignIn settings;

	private final Clock clock;

	private final Cache<String, Entry> entries;

	@Autowired
	SignInThrottle(IdentitySettings.SignIn settings) {
		this(settings, Clock.systemUTC());
	}

	SignInThrottle(IdentitySettings.SignIn settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
		Duration remembered = settings.window().compareTo(settings.lockout()) > 0 ? settings.window()
				: settings.lockout();
		// every change is a write: an entry is kept while a failure in it can count or its lock can hold
		this.entries = Caffeine.newBuilder()
			.maximumSize(MAX_TRACKED)
			.expireAfterWrite(remembered)
			.ticker(() -> this.clock.instant().toEpochMilli() * 1_000_000L)
			.build();
	}

	/**
	 * Reserves the check of one password for this username from this address, waiting while every slot is in
	 * flight. Errors with {@link SignInRefused#throttled} when either is locked, or when no slot frees up within
	 * {@link #MAX_WAIT}.
	 */
	Mono<Attempt> acquire(String username, String address) {
		return Mono.fromCallable(() -> reserve(username, address))
			.flatMap((reservation) -> {
				if (reservation.attempt() != null) {
					return Mono.just(reservation.attempt());
				}
				if (reservation.lockedUntil() != null) {
					return Mono.error(SignInRefused.throttled(reservation.lockedUntil()));
				}
				return Mono.error(new Busy());
			})
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(20))
				.maxBackoff(Duration.ofMillis(250))
				.filter(Busy.class::isInstance)
				.onRetryExhaustedThrow((spec, signal) -> signal.failure()))
			.timeout(MAX_WAIT, Mono.defer(() -> Mono.error(SignInRefused.throttled(this.clock.instant()
				.plusSeconds(1)))))
			.onErrorMap(Busy.class, (busy) -> SignInRefused.throttled(this.clock.instant().plusSeconds(1)));
	}

	/**
	 * Tries to reserve one password check at once: an attempt, or the end of the lock that refuses it, or
	 * neither when every remaining slot is in flight.
	 */
	Reservation reserve(String username, String address) {
		Instant now = this.clock.instant();
		String user = userKey(username);
		String addr = addressKey(address);
		Slot byUser = reserve(user, this.settings.maxFailures(), now);
		if (!byUser.granted()) {
			return new Reservation(null, byUser.lockedUntil());
		}
		Slot byAddress = reserve(addr, this.settings.maxFailuresPerAddress(), now);
		if (!byAddress.granted()) {
			release(user, false);
			return new Reservation(null, byAddress.lockedUntil());
		}
		return new Reservation(new Attempt(user, addr), null);
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

	/** Forgets everything (tests). */
	void reset() {
		this.entries.invalidateAll();
	}

	private Slot reserve(String key, int max, Instant now) {
		Slot[] outcome = new Slot[1];
		this.entries.asMap().compute(key, (k, entry) -> {
			Entry current = (entry != null) ? entry.pruned(now, this.settings.window()) : Entry.EMPTY;
			if (current.lockedUntil() != null) {
				outcome[0] = new Slot(false, current.lockedUntil());
				return current;
			}
			if (current.failures().size() + current.inFlight() >= max) {
				outcome[0] = new Slot(false, null);
				return current;
			}
			outcome[0] = new Slot(true, null);
			return new Entry(current.failures(), current.inFlight() + 1, null);
		});
		return outcome[0];
	}

	private void release(String key, boolean failed) {
		int max = key.startsWith("user:") ? this.settings.maxFailures() : this.settings.maxFailuresPerAddress();
		Instant now = this.clock.instant();
		this.entries.asMap().compute(key, (k, entry) -> {
			Entry current = (entry != null) ? entry.pruned(now, this.settings.window()) : Entry.EMPTY;
			int inFlight = Math.max(0, current.inFlight() - 1);
			if (!failed || current.lockedUntil() != null) {
				return new Entry(current.failures(), inFlight, current.lockedUntil());
			}
			List<Instant> failures = new ArrayList<>(current.failures());
			failures.add(now);
			if (failures.size() >= max) {
				return new Entry(List.of(), inFlight, now.plus(this.settings.lockout()));
			}
			return new Entry(List.copyOf(failures), inFlight, null);
		});
	}

	private @Nullable Instant lockedUntil(String key, Instant now) {
		Entry entry = this.entries.getIfPresent(key);
		return (entry != null) ? entry.pruned(now, this.settings.window()).lockedUntil() : null;
	}

	private static String userKey(String username) {
		return "user:" + username.toLowerCase(Locale.ROOT);
	}

	private static String addressKey(String address) {
		return "addr:" + address;
	}

	/** Whether one key granted a slot, else until when it is locked (null: every slot is in flight). */
	private record Slot(boolean granted, @Nullable Instant lockedUntil) {
	}

	/** The outcome of {@link #reserve(String, String)}: an attempt, or the lock that refused it, or neither. */
	record Reservation(@Nullable Attempt attempt, @Nullable Instant lockedUntil) {
	}

	/**
	 * The right to check one password. Ends once: {@link #failed()} counts a failure for the username and the
	 * address; {@link #succeeded()} and {@link #abandoned()} free the slots without counting; later calls do
	 * nothing.
	 */
	final class Attempt {

		private final String userKey;

		private final String addressKey;

		private final AtomicBoolean open = new AtomicBoolean(true);

		private Attempt(String userKey, String addressKey) {
			this.userKey = userKey;
			this.addressKey = addressKey;
		}

		/** The password did not match (or its check was cancelled midway): a failure for both keys. */
		void failed() {
			end(true);
		}

		/** The password matched. */
		void succeeded() {
			end(false);
		}

		/** Nothing was decided (an error before the check): the slots are freed. */
		void abandoned() {
			end(false);
		}

		private void end(boolean failure) {
			if (this.open.compareAndSet(true, false)) {
				release(this.userKey, failure);
				release(this.addressKey, failure);
			}
		}

	}

	/**
	 * The failures within the window (oldest first), the reservations in flight, and the lock of one key.
	 */
	private record Entry(List<Instant> failures, int inFlight, @Nullable Instant lockedUntil) {

		static final Entry EMPTY = new Entry(List.of(), 0, null);

		Entry pruned(Instant now, Duration window) {
			Instant lock = (this.lockedUntil != null && now.isBefore(this.lockedUntil)) ? this.lockedUntil : null;
			Instant since = now.minus(window);
			List<Instant> recent = this.failures.stream().filter((time) -> time.isAfter(since)).toList();
			return new Entry(recent, this.inFlight, lock);
		}

	}

	/** Every slot of a key is in flight. */
	private static final class Busy extends RuntimeException {

		Busy() {
			super(null, null, false, false);
		}

	}

}
