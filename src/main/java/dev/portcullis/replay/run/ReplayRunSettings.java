package dev.portcullis.replay.run;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The replay runs' settings ({@code portcullis.replay.runs.*}, README "Replay").
 *
 * @param worker whether this instance runs replays (default true); off, it still takes them, and another instance
 *        runs them
 * @param tick how often the worker looks for replays to run and renews its leases (default 500ms)
 * @param lease how long a claimed replay stays this instance's without a renewal (default 30s); after that another
 *        instance takes it over and runs it again from the start
 * @param threads how many replays this instance runs at once (default 2; their engine work shares the engine pool)
 * @param progressEvery how often a running replay's progress is written (default 500ms)
 * @param retention how long an ended run (its report) is kept to be fetched (default 1d)
 * @param attempts how many times a run is started before it fails (default 3): a run whose instances keep stopping
 *        does not keep taking them down
 */
@ConfigurationProperties("portcullis.replay.runs")
record ReplayRunSettings(@DefaultValue("true") boolean worker, @DefaultValue("500ms") Duration tick,
		@DefaultValue("30s") Duration lease, @DefaultValue("2") int threads,
		@DefaultValue("500ms") Duration progressEvery, @DefaultValue("1d") Duration retention,
		@DefaultValue("3") int attempts) {

	ReplayRunSettings {
		if (lease.compareTo(tick.multipliedBy(3)) < 0 || lease.compareTo(progressEvery.multipliedBy(3)) < 0) {
			throw new IllegalArgumentException("portcullis.replay.runs.lease must be at least three ticks and three"
					+ " progress writes");
		}
		if (threads < 1 || attempts < 1) {
			throw new IllegalArgumentException("portcullis.replay.runs.threads and attempts must be 1 or more");
		}
	}

}
