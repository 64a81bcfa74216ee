package dev.portcullis.flow.sources;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The live flow sources' settings ({@code portcullis.flows.sources.*}, README "Flow log").
 *
 * @param enabled whether this instance follows sources at all (default true); off, it still serves their settings
 * @param lease how long a claimed source stays this instance's without a renewal (default 30s); another instance
 *        takes it over that long after this one stops renewing
 * @param tick how often this instance claims free sources, renews its leases and notices changed settings (5s)
 * @param backoffInitial the first wait before reconnecting to a Relay (1s); each failure doubles it
 * @param backoffMax the longest wait (60s); each wait is drawn at random from its upper half (jitter)
 * @param filesPoll how often an exporter directory is looked at for new lines (1s)
 * @param batchSize how many flows at most one ingest call stores (500)
 * @param fileRoots the directories (and their subdirectories) that exporter-file sources may name; others are
 *        refused, so that an administrator cannot make the server read arbitrary files (default
 *        {@code /var/run/cilium/hubble})
 * <p>
 * Client keys are sealed by {@code secrets.SecretBox}, which still reads this prefix's older {@code secret-key} and
 * {@code key-file} when {@code portcullis.secrets.*} is not set.
 */
@ConfigurationProperties("portcullis.flows.sources")
record SourceSettings(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration lease,
		@DefaultValue("5s") Duration tick, @DefaultValue("1s") Duration backoffInitial,
		@DefaultValue("60s") Duration backoffMax, @DefaultValue("1s") Duration filesPoll,
		@DefaultValue("500") int batchSize, @DefaultValue("/var/run/cilium/hubble") List<String> fileRoots) {

	SourceSettings {
		if (lease.compareTo(tick.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("portcullis.flows.sources.lease must be at least twice the tick");
		}
		if (batchSize < 1 || backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
			throw new IllegalArgumentException("portcullis.flows.sources: batch-size must be 1 or more and"
					+ " backoff-max at least backoff-initial");
		}
	}

}
