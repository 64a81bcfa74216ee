package dev.portcullis.replay;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Replay's settings ({@code portcullis.replay.*}, README "Replay").
 *
 * @param maxFlows the most stored flows (rows) one replay or rule-hits count may read (default 5,000,000); a wider
 *        window is refused with 422 {@code /problems/too-many-flows}, naming the limit and the count, so that the
 *        user narrows it
 */
@ConfigurationProperties("portcullis.replay")
public record ReplaySettings(@DefaultValue("5000000") long maxFlows) {

	public ReplaySettings {
		if (maxFlows < 1) {
			throw new IllegalArgumentException("portcullis.replay.max-flows must be 1 or more");
		}
	}

}
