package dev.portcullis.engine.match;

import java.util.List;

import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.flow.Flow.Kafka;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaMatcherTests {

	private static KafkaRule rule(@Nullable String role, @Nullable String apiKey, @Nullable String apiVersion,
			@Nullable String clientId, @Nullable String topic) {
		return new KafkaRule(role, apiKey, apiVersion, clientId, topic);
	}

	private static Kafka request(String apiKey, int version, @Nullable String clientId, String... topics) {
		return new Kafka(apiKey, version, clientId, List.of(topics));
	}

	@Test
	void allowsWhenRuleIsEmptyShouldAllowEverything() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule(null, null, null, null, null)));
		assertThat(matcher.allows(request("produce", 3, "c", "t"))).isTrue();
		assertThat(matcher.allows(request("metadata", 0, null))).isTrue();
		assertThat(matcher.allows(request("describeacls", 0, null))).isTrue();
	}

	@Test
	void allowsWhenNoRulesShouldDeny() {
		assertThat(KafkaMatcher.compile(List.of()).allows(request("produce", 0, null, "t"))).isFalse();
	}

	/** Columns: request API key; whether role produce allows it; whether role consume allows it. */
	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			produce         ; true  ; false
			fetch           ; false ; true
			offsets         ; false ; true
			metadata        ; true  ; true
			offsetcommit    ; false ; true
			offsetfetch     ; false ; true
			findcoordinator ; false ; true
			joingroup       ; false ; true
			heartbeat       ; false ; true
			leavegroup      ; false ; true
			syncgroup       ; false ; true
			apiversions     ; true  ; true
			createtopics    ; false ; false
			describegroups  ; false ; false
			PRODUCE         ; true  ; false
			0               ; true  ; false
			""")
	void allowsWhenRoleShouldExpandToItsApiKeys(String apiKey, boolean produce, boolean consume) {
		Kafka request = request(apiKey, 0, null, "t");
		assertThat(KafkaMatcher.compile(List.of(rule("produce", null, null, null, null))).allows(request))
			.isEqualTo(produce);
		assertThat(KafkaMatcher.compile(List.of(rule("Consume", null, null, null, null))).allows(request))
			.isEqualTo(consume);
	}

	@Test
	void allowsShouldCheckApiKeyVersionAndClientIdExactly() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule(null, "Fetch", "4", "app", null)));
		assertThat(matcher.allows(request("fetch", 4, "app", "t"))).isTrue();
		assertThat(matcher.allows(request("fetch", 5, "app", "t"))).isFalse();
		assertThat(matcher.allows(request("fetch", 4, "App", "t"))).isFalse();
		assertThat(matcher.allows(request("fetch", 4, null, "t"))).isFalse();
		assertThat(matcher.allows(request("produce", 4, "app", "t"))).isFalse();
	}

	@Test
	void allowsWhenRequestHasSeveralTopicsShouldRequireEachToBeMatched() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule("produce", null, null, null, "a"),
				rule("produce", null, null, null, "b")));
		assertThat(matcher.allows(request("produce", 0, null, "a"))).isTrue();
		assertThat(matcher.allows(request("produce", 0, null, "a", "b"))).isTrue();
		assertThat(matcher.allows(request("produce", 0, null, "a", "b", "a"))).isTrue();
		assertThat(matcher.allows(request("produce", 0, null, "a", "c"))).isFalse();
		assertThat(matcher.allows(request("produce", 0, null, "A"))).isFalse();
	}

	@Test
	void allowsWhenTopicRuleMatchesOtherKeyShouldNotTickTopic() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule(null, "produce", null, null, "a"),
				rule(null, "fetch", null, null, "b")));
		assertThat(matcher.allows(request("produce", 0, null, "a", "b"))).isFalse();
	}

	@Test
	void allowsWhenApiKeyCarriesNoTopicsShouldIgnoreRuleTopic() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule("consume", null, null, null, "orders")));
		assertThat(matcher.allows(request("heartbeat", 0, null))).isTrue();
		assertThat(matcher.allows(request("joingroup", 0, null))).isTrue();
		assertThat(matcher.allows(request("findcoordinator", 0, null))).isTrue();
		assertThat(matcher.allows(request("fetch", 0, null, "orders"))).isTrue();
		assertThat(matcher.allows(request("fetch", 0, null, "payments"))).isFalse();
	}

	@Test
	void allowsWhenTopicRequestNamesNoTopicShouldNeedRuleWithoutTopic() {
		Kafka allTopicsMetadata = request("metadata", 1, null);
		assertThat(KafkaMatcher.compile(List.of(rule("produce", null, null, null, "a"))).allows(allTopicsMetadata))
			.isFalse();
		assertThat(KafkaMatcher.compile(List.of(rule("produce", null, null, null, null))).allows(allTopicsMetadata))
			.isTrue();
	}

	@Test
	void allowsWhenRuleWithoutTopicMatchesShouldAllowEveryTopic() {
		KafkaMatcher matcher = KafkaMatcher.compile(List.of(rule(null, "produce", null, null, "a"),
				rule(null, "produce", null, "trusted", null)));
		assertThat(matcher.allows(request("produce", 2, "trusted", "x", "y"))).isTrue();
		assertThat(matcher.allows(request("produce", 2, "other", "a", "y"))).isFalse();
	}

	@Test
	void allowsWhenRequestIsVersionZeroShouldSeeNoClientId() {
		KafkaMatcher withClient = KafkaMatcher.compile(List.of(rule(null, "produce", null, "trusted", null)));
		assertThat(withClient.allows(request("produce", 1, "trusted", "t"))).isTrue();
		assertThat(withClient.allows(request("produce", 0, "trusted", "t"))).isFalse();
		KafkaMatcher anyClient = KafkaMatcher.compile(List.of(rule(null, "produce", null, null, null)));
		assertThat(anyClient.allows(request("produce", 0, "trusted", "t"))).isTrue();
	}

	/** Columns: API key; whether Cilium's parser reads its topics (then a topic rule can allow it). */
	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			produce         ; true
			fetch           ; true
			offsets         ; true
			metadata        ; true
			offsetcommit    ; true
			offsetfetch     ; true
			createtopics    ; false
			deletetopics    ; false
			deleterecords   ; false
			leaderandisr    ; false
			txnoffsetcommit ; false
			""")
	void allowsWhenTopicsAreNotParsedShouldNeverMatchTopicRule(String apiKey, boolean parsed) {
		int key = KafkaMatcher.apiKey(apiKey).getAsInt();
		assertThat(KafkaMatcher.isTopicApiKey(key)).isTrue();
		assertThat(KafkaMatcher.hasParsedTopics(key)).isEqualTo(parsed);
		assertThat(KafkaMatcher.compile(List.of(rule(null, apiKey, null, null, "orders")))
			.allows(request(apiKey, 1, null, "orders"))).isEqualTo(parsed);
		assertThat(KafkaMatcher.compile(List.of(rule(null, apiKey, null, null, null)))
			.allows(request(apiKey, 1, null, "orders"))).isTrue();
	}

	@Test
	void allowsWhenRequestApiKeyIsUnknownShouldOnlyMatchRulesWithoutKeys() {
		assertThat(KafkaMatcher.compile(List.of(rule("produce", null, null, null, null)))
			.allows(request("bogus", 0, null))).isFalse();
		assertThat(KafkaMatcher.compile(List.of(rule(null, null, null, null, "a"))).allows(request("bogus", 0, null)))
			.isTrue();
	}

	@Test
	void apiKeyShouldResolveNamesCaseInsensitively() {
		assertThat(KafkaMatcher.apiKey("produce")).hasValue(0);
		assertThat(KafkaMatcher.apiKey("OffsetForLeaderEpoch")).hasValue(23);
		assertThat(KafkaMatcher.apiKey("alterconfigs")).hasValue(33);
		assertThat(KafkaMatcher.apiKey("createtopic")).isEmpty();
		assertThat(KafkaMatcher.apiKeyNames()).hasSize(34).first().isEqualTo("addoffsetstotxn");
		assertThat(KafkaMatcher.apiKeyName(18)).isEqualTo("apiversions");
		assertThat(KafkaMatcher.apiKeyName(37)).isEqualTo("37");
	}

	@Test
	void roleHelpersShouldDescribeRoles() {
		assertThat(KafkaMatcher.isValidRole("produce")).isTrue();
		assertThat(KafkaMatcher.isValidRole("CONSUME")).isTrue();
		assertThat(KafkaMatcher.isValidRole("admin")).isFalse();
		assertThat(KafkaMatcher.roleApiKeys("produce")).containsExactly(0, 3, 18);
		assertThat(KafkaMatcher.roleApiKeys("consume")).containsExactly(1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "7", "32767", "+3" })
	void isValidApiVersionWhenInRangeShouldAccept(String version) {
		assertThat(KafkaMatcher.isValidApiVersion(version)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "-1", "32768", "1.0", "v1", "+", " 1" })
	void isValidApiVersionWhenOutOfRangeShouldReject(String version) {
		assertThat(KafkaMatcher.isValidApiVersion(version)).isFalse();
	}

	@Test
	void isValidTopicShouldFollowCharsetAndLength() {
		assertThat(KafkaMatcher.isValidTopic("orders.v1_x-y")).isTrue();
		assertThat(KafkaMatcher.isValidTopic("back\\slash")).isTrue();
		assertThat(KafkaMatcher.isValidTopic("t".repeat(255))).isTrue();
		assertThat(KafkaMatcher.isValidTopic("t".repeat(256))).isFalse();
		assertThat(KafkaMatcher.isValidTopic("")).isFalse();
		assertThat(KafkaMatcher.isValidTopic("a b")).isFalse();
		assertThat(KafkaMatcher.isValidTopic("a*")).isFalse();
	}

	@Test
	void isTopicApiKeyShouldFollowKafkalib() {
		assertThat(KafkaMatcher.isTopicApiKey(0)).isTrue();
		assertThat(KafkaMatcher.isTopicApiKey(37)).isTrue();
		assertThat(KafkaMatcher.isTopicApiKey(12)).isFalse();
		assertThat(KafkaMatcher.isTopicApiKey(-1)).isFalse();
	}

}
