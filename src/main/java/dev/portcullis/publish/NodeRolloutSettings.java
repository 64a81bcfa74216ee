package dev.portcullis.publish;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How "policy updated on N of M nodes" is followed after an apply to a Kubernetes target
 * ({@code portcullis.publish.node-rollout.*}, README "Publishing", docs/adr/046).
 *
 * @param enabled whether the nodes are asked at all (default true); they are asked where the outbox worker runs
 * @param every how often the nodes are asked again while some lack the changes (default 5s)
 * @param duration for how long after the apply ended (default 2m); the last reading is kept
 * @param timeout how long one call to the Relay or to a node may take (default 5s); a node that does not answer in
 *        time counts as missing, with that reason
 */
@ConfigurationProperties("portcullis.publish.node-rollout")
record NodeRolloutSettings(@DefaultValue("true") boolean enabled, @DefaultValue("5s") Duration every,
		@DefaultValue("2m") Duration duration, @DefaultValue("5s") Duration timeout) {

	NodeRolloutSettings {
		if (every.compareTo(Duration.ofSeconds(1)) < 0 || duration.isNegative() || timeout.compareTo(Duration.ofMillis(100)) < 0) {
			throw new IllegalArgumentException("portcullis.publish.node-rollout: every must be at least 1s, duration 0"
					+ " or more and timeout at least 100ms");
		}
	}

}
