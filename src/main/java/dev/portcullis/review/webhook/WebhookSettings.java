package dev.portcullis.review.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Outgoing webhooks' settings ({@code portcullis.webhooks.*}, README "Webhooks").
 *
 * @param deliver whether this instance's worker sends deliveries (default true); off, deliveries wait for another
 *        instance
 * @param poll how often the worker looks for due deliveries (1s)
 * @param batchSize how many deliveries one look claims at most (20)
 * @param maxAttempts attempts before a delivery is FAILED (8: about an hour and a half with the default backoff)
 * @param backoffInitial the wait after the first failed attempt (10s); each further failure doubles it
 * @param backoffMax the longest wait (30m); each wait is drawn at random from its upper half (jitter)
 * @param connectTimeout how long connecting may take (5s)
 * @param timeout how long the whole request, answer included, may take (10s)
 * @param maxResponseBytes how much of an answer is read (64KB); the rest is not, and the connection is closed
 * @param allowLinkLocal whether URLs may reach link-local addresses (169.254.0.0/16, fe80::/10, where cloud metadata
 *        services answer); off by default
 */
@ConfigurationProperties("portcullis.webhooks")
record WebhookSettings(@DefaultValue("true") boolean deliver, @DefaultValue("1s") Duration poll,
		@DefaultValue("20") int batchSize, @DefaultValue("8") int maxAttempts, @DefaultValue("10s") Duration backoffInitial,
		@DefaultValue("30m") Duration backoffMax, @DefaultValue("5s") Duration connectTimeout,
		@DefaultValue("10s") Duration timeout, @DefaultValue("64KB") DataSize maxResponseBytes,
		@DefaultValue("false") boolean allowLinkLocal) {

	WebhookSettings {
		if (batchSize < 1 || maxAttempts < 1 || poll.isNegative() || poll.isZero()) {
			throw new IllegalArgumentException("portcullis.webhooks: batch-size and max-attempts must be 1 or more and"
					+ " poll positive");
		}
		if (backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
			throw new IllegalArgumentException("portcullis.webhooks.backoff-max must be at least backoff-initial");
		}
	}

	/**
	 * How long a claimed delivery is its worker's before another may send it again: well past the longest
	 * attempt, so that only a crashed worker's claim is taken over.
	 */
	Duration lease() {
		return this.connectTimeout.plus(this.timeout).multipliedBy(2).plusSeconds(30);
	}

	/** The wait after failed attempt number {@code attempt} (1-based) before the next, with jitter in [w/2, w]. */
	Duration backoff(int attempt, double random) {
		long initial = this.backoffInitial.toMillis();
		long max = this.backoffMax.toMillis();
		long wait = (attempt >= 40) ? max : Math.min(max, initial << Math.max(0, attempt - 1));
		if (wait < 0) {
			wait = max;
		}
		return Duration.ofMillis(wait / 2 + (long) (random * (wait - wait / 2)));
	}

}
