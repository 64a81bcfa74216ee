package dev.portcullis.publish;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Publishing's settings ({@code portcullis.publish.*}, README "Publishing").
 *
 * @param worker whether this instance runs the outbox worker (default true); off, it still takes publications, and
 *        another instance publishes them
 * @param tick how often the worker looks for publications to run and renews its leases (default 2s)
 * @param lease how long a claimed publication stays this instance's without a renewal (default 60s); after that
 *        another instance takes it over (and the adapter converges on what was already applied)
 * @param attempts how many times a publication is tried before it is FAILED (default 5)
 * @param backoffInitial the wait before the second attempt (default 10s); each further attempt doubles it
 * @param backoffMax the longest wait between attempts (default 10m)
 * @param threads how many publications this instance runs at once, each to another target (default 2)
 * @param driftInterval how often each target's drift is checked in the background (default 10m; 0 turns the checks
 *        off); they run where the worker runs, one target at a time per instance, each target claimed by one instance
 */
@ConfigurationProperties("portcullis.publish")
record PublishSettings(@DefaultValue("true") boolean worker, @DefaultValue("2s") Duration tick,
		@DefaultValue("60s") Duration lease, @DefaultValue("5") int attempts, @DefaultValue("10s") Duration backoffInitial,
		@DefaultValue("10m") Duration backoffMax, @DefaultValue("2") int threads,
		@DefaultValue("10m") Duration driftInterval) {

	PublishSettings {
		if (lease.compareTo(tick.multipliedBy(3)) < 0) {
			throw new IllegalArgumentException("portcullis.publish.lease must be at least three ticks");
		}
		if (driftInterval.isNegative()) {
			throw new IllegalArgumentException("portcullis.publish.drift-interval must be 0 (off) or more");
		}
		if (attempts < 1 || threads < 1) {
			throw new IllegalArgumentException("portcullis.publish.attempts and threads must be 1 or more");
		}
	}

	/** The wait after the {@code attempt}-th failed attempt. */
	Duration backoff(int attempt) {
		Duration wait = this.backoffInitial.multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
		return (wait.compareTo(this.backoffMax) > 0) ? this.backoffMax : wait;
	}

}
