package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignInThrottleTests {

	final MutableClock clock = new MutableClock();

	final SignInThrottle throttle = new SignInThrottle(
			new IdentitySettings.SignIn(3, 5, Duration.ofMinutes(15), Duration.ofMinutes(10)), this.clock);

	@Test
	void failuresBelowTheLimitShouldNotLock() {
		this.throttle.failed("ada", "10.0.0.1");
		this.throttle.failed("ada", "10.0.0.1");
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.1")).isNull();
	}

	@Test
	void reachingTheLimitShouldLockTheUsernameWhateverItsCaseForTheLockout() {
		for (int i = 0; i < 3; i++) {
			this.throttle.failed("Ada", "10.0.0." + i);
		}
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.9")).isEqualTo(this.clock.now.plus(Duration.ofMinutes(10)));
		assertThat(this.throttle.lockedUntil("grace", "10.0.0.9")).isNull();
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(10));
		assertThat(this.throttle.lockedUntil("ada", "10.0.0.9")).isNull();
	}

	@Test
	void failuresOutsideTheWindowShouldNotCount() {
		this.throttle.failed("ada", "a");
		this.throttle.failed("ada", "b");
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(16));
		this.throttle.failed("ada", "c");
		assertThat(this.throttle.lockedUntil("ada", "d")).isNull();
	}

	@Test
	void manyUsernamesFromOneAddressShouldLockTheAddress() {
		for (int i = 0; i < 5; i++) {
			this.throttle.failed("user" + i, "10.6.6.6");
		}
		assertThat(this.throttle.lockedUntil("someone-else", "10.6.6.6")).isNotNull();
		assertThat(this.throttle.lockedUntil("someone-else", "10.0.0.1")).isNull();
	}

	@Test
	void successShouldForgetTheUsernamesFailures() {
		this.throttle.failed("ada", "a");
		this.throttle.failed("ada", "a");
		this.throttle.succeeded("ADA");
		this.throttle.failed("ada", "a");
		assertThat(this.throttle.lockedUntil("ada", "b")).isNull();
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
