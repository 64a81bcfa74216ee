package dev.portcullis.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The flow log's settings ({@code portcullis.flows.*}, README "Flow log").
 *
 * @param maxUploadSize the largest NDJSON upload, counted after gzip is undone (default 16GB); larger uploads are
 *        cut there and the rest reported as rejected
 * @param maxFuture how far a flow's time may lie ahead of the server's clock (default 1h); later flows are rejected
 * @param maxDaysPerIngest how many distinct UTC days one ingest may write (default 62, each is a partition);
 *        flows on further days are rejected
 * @param rawDays the default retention of raw flows in days (default 8)
 * @param rollupDays the default retention of the per-minute edge rollups in days (default 30)
 * @param retentionInterval how often retention runs and partitions for the coming days are made (default 1h)
 */
@ConfigurationProperties("portcullis.flows")
public record FlowSettings(@DefaultValue("16GB") DataSize maxUploadSize, @DefaultValue("1h") Duration maxFuture,
		@DefaultValue("62") int maxDaysPerIngest, @DefaultValue("8") int rawDays, @DefaultValue("30") int rollupDays,
		@DefaultValue("1h") Duration retentionInterval) {

	public FlowSettings {
		if (rawDays < 1 || rollupDays < 1 || maxDaysPerIngest < 1) {
			throw new IllegalArgumentException("portcullis.flows.raw-days, rollup-days and max-days-per-ingest must be"
					+ " 1 or more");
		}
	}

}
