package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignInThrottleTests {

	final MutableClock clock = new MutableClock();

	final SignInThrottle throttle = new SignInThrottle(
			new IdentitySettings.SignIn(3, 5, Duration.ofMinutes(15), Duration.ofMinutes(10)), this.clock);

	@Test
	void failuresBelowTheLimitShouldNotLock() {
		fail("ada", "10.0.0.1");
		fail("ada", "10.0.0.1");
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.1")).isNull();
	}

	@Test
	void reachingTheLimitShouldLockTheUsernameWhateverItsCaseForTheLockout() {
		for (int i = 0; i < 3; i++) {
			fail("Ada", "10.0.0." + i);
		}
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.9")).isEqualTo(this.clock.now.plus(Duration.ofMinutes(10)));
		assertThat(this.throttle.lockedUntil("grace", "10.0.0.9")).isNull();
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(10));
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.9")).isNull();
	}

	@Test
	void failuresOutsideTheWindowShouldNotCount() {
		fail("ada", "a");
		fail("ada", "b");
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(16));
		fail("ada", "c");
		assertThat(this.throttle.lockedUntil("ada", "d")).isNull();
	}

	@Test
	void manyUsernamesFromOneAddressShouldLockTheAddress() {
		for (int i = 0; i < 5; i++) {
			fail("user" + i, "10.6.6.6");
		}
		assertThat(this.throttle.lockedUntil("someone-else", "10.6.6.6")).isNotNull();
		assertThat(this.throttle.lockedUntil("someone-else", "10.0.0.1")).isNull();
	}

	@Test
	void successShouldNotForgetEarlierFailuresWithinTheWindow() {
		fail("ada", "a");
		fail("ada", "a");
		this.throttle.reserve("ADA", "a").attempt().succeeded();
		// two failures still count: one more locks (forgetting them would give a racing guesser 3 more)
		fail("ada", "a");
		assertThat(this.throttle.lockedUntil("ada", "b")).isNotNull();
	}

	@Test
	void reservationsShouldNeverExceedTheLimitWhileChecksAreInFlight() {
		SignInThrottle.Attempt first = this.throttle.reserve("ada", "a").attempt();
		SignInThrottle.Attempt second = this.throttle.reserve("ada", "b").attempt();
		SignInThrottle.Attempt third = this.throttle.reserve("ada", "c").attempt();
		assertThat(List.of(first, second, third)).doesNotContainNull();
		SignInThrottle.Reservation fourth = this.throttle.reserve("Ada", "d");
		// every slot is in flight: refused for now, but not locked
		assertThat(fourth.attempt()).isNull();
		assertThat(fourth.lockedUntil()).isNull();
		first.failed();
		second.failed();
		third.failed();
		SignInThrottle.Reservation afterTheLock = this.throttle.reserve("ada", "e");
		assertThat(afterTheLock.attempt()).isNull();
		assertThat(afterTheLock.lockedUntil()).isEqualTo(this.clock.now.plus(Duration.ofMinutes(10)));
	}

	@Test
	void aSuccessInTheBurstShouldFreeOnlyItsOwnSlot() {
		SignInThrottle.Attempt first = this.throttle.reserve("ada", "a").attempt();
		SignInThrottle.Attempt second = this.throttle.reserve("ada", "a").attempt();
		SignInThrottle.Attempt right = this.throttle.reserve("ada", "a").attempt();
		right.succeeded();
		right.failed(); // an attempt ends once
		SignInThrottle.Attempt third = this.throttle.reserve("ada", "a").attempt();
		assertThat(third).isNotNull();
		assertThat(this.throttle.reserve("ada", "a").attempt()).isNull();
		first.failed();
		second.failed();
		third.failed();
		assertThat(this.throttle.lockedUntil("ada", "z")).isNotNull();
	}

	@Test
	void abandonedAttemptsShouldFreeTheirSlotsWithoutCounting() {
		for (int i = 0; i < 10; i++) {
			this.throttle.reserve("ada", "a").attempt().abandoned();
		}
		assertThat(this.throttle.lockedUntil("ada", "a")).isNull();
		assertThat(this.throttle.reserve("ada", "a").attempt()).isNotNull();
	}

	@Test
	void anAddressWithoutSlotsShouldNotKeepTheUsernamesSlot() {
		for (int i = 0; i < 5; i++) {
			assertThat(this.throttle.reserve("user" + i, "10.6.6.6").attempt()).isNotNull();
		}
		for (int i = 0; i < 5; i++) {
			assertThat(this.throttle.reserve("ada", "10.6.6.6").attempt()).isNull();
		}
		// the refused reservations gave back ada's slot each time
		assertThat(this.throttle.reserve("ada", "10.0.0.1").attempt()).isNotNull();
		assertThat(this.throttle.reserve("ada", "10.0.0.1").attempt()).isNotNull();
		assertThat(this.throttle.reserve("ada", "10.0.0.1").attempt()).isNotNull();
	}

	@Test
	void racingThreadsShouldNeverReserveMoreThanTheLimit() throws Exception {
		int threads = 32;
		AtomicInteger granted = new AtomicInteger();
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				done.add(pool.submit(() -> {
					start.await();
					for (int round = 0; round < 10; round++) {
						SignInThrottle.Attempt attempt = this.throttle.reserve("ada", "10.0.0.1").attempt();
						if (attempt != null) {
							granted.incrementAndGet();
							attempt.failed();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(granted).hasValue(3);
		assertThat(this.throttle.lockedUntil("ada", "elsewhere")).isNotNull();
	}

	@Test
	void acquireShouldWaitForASlotAndFailWhenTheKeyLocks() {
		SignInThrottle.Attempt first = this.throttle.reserve("ada", "a").attempt();
		SignInThrottle.Attempt second = this.throttle.reserve("ada", "a").attempt();
		SignInThrottle.Attempt third = this.throttle.reserve("ada", "a").attempt();
		reactor.test.StepVerifier.create(this.throttle.acquire("ada", "a"))
			.then(first::succeeded)
			.assertNext(SignInThrottle.Attempt::failed)
			.verifyComplete();
		reactor.test.StepVerifier.create(this.throttle.acquire("ada", "a"))
			.then(() -> {
				second.failed();
				third.failed();
			})
			.expectErrorSatisfies((error) -> assertThat(((SignInRefused) error).retryAfter())
				.isEqualTo(this.clock.now.plus(Duration.ofMinutes(10))))
			.verify(Duration.ofSeconds(10));
	}

	private void fail(String username, String address) {
		SignInThrottle.Reservation reservation = this.throttle.reserve(username, address);
		assertThat(reservation.attempt()).as("a slot for %s from %s", username, address).isNotNull();
		reservation.attempt().failed();
	}

	static final class MutableClock extends Clock {

		Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
