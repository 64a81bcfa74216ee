package dev.portcullis.replay.recommend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Recommendation settings ({@code portcullis.recommend.*}, README "Recommendations").
 *
 * @param maxFlows the most stored flows one recommendation reads (default 5,000,000); a wider window is refused
 *        with a problem naming the limit and the count, asking for a narrower one
 */
@ConfigurationProperties("portcullis.recommend")
public record RecommendSettings(@DefaultValue("5000000") long maxFlows) {

	public RecommendSettings {
		if (maxFlows < 1) {
			throw new IllegalArgumentException("portcullis.recommend.max-flows must be 1 or more");
		}
	}

}
