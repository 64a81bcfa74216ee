package dev.portcullis.flow.sources;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, capped: the n-th consecutive failure waits a random time in the upper half of
 * {@code min(max, initial × 2^(n-1))} (so that many Portcullis instances or sources that failed together do not
 * retry together). A follower that was connected and received flows starts again from the first wait.
 */
record Backoff(Duration initial, Duration max) {

	Duration delay(int failures) {
		long cap = this.max.toMillis();
		long base = this.initial.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
		long ceiling = Math.min(cap, (base <= 0) ? cap : base);
		long floor = ceiling / 2;
		return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1));
	}

}
