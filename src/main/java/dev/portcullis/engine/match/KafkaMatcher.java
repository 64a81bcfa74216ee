package dev.portcullis.engine.match;

import java.util.List;
import java.util.OptionalInt;

import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.flow.Flow.Kafka;

/**
 * Kafka rules as cilium/proxy's kafkalib applies them: a request is allowed when some rule matches its API key
 * (role {@code produce}/{@code consume} expands to a key set), version, client ID, and, for API keys that carry
 * topics, every topic of the request is matched by some rule.
 */
public final class KafkaMatcher {

	/** Compiles the union of the rules that apply to one (port, peer). */
	public static KafkaMatcher compile(List<KafkaRule> rules) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean allows(Kafka request) {
		throw new UnsupportedOperationException("TODO");
	}

	/** The numeric API key for a (case-insensitive) name such as {@code produce}, or empty when unknown. */
	public static OptionalInt apiKey(String name) {
		throw new UnsupportedOperationException("TODO");
	}

}
