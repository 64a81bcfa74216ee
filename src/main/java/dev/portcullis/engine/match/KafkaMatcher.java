package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import dev.portcullis.engine.api.PortRule.KafkaRule;
import org.jspecify.annotations.Nullable;

/**
 * Kafka rules as cilium/proxy's kafkalib applies them: a request is allowed when some rule matches its API key
 * (role {@code produce}/{@code consume} expands to a key set), version, client ID, and, for API keys that carry
 * topics, every topic of the request is matched by some rule.
 * <p>
 * The request is taken as Cilium's parser sees it (cilium/proxy proxylib/kafka/kafkalib/request.go
 * {@code ReadRequest}): a request of API version 0 has no client ID ({@code extractClientID} returns "" for
 * version 0), so a rule with {@code clientID} never matches it; topics are parsed only for Produce, Fetch,
 * ListOffsets, Metadata, OffsetCommit and OffsetFetch ({@code setTopics}), so for the other API keys that carry
 * topics (CreateTopics, DeleteTopics, DeleteRecords, LeaderAndIsr, ...) the request names no topic and a rule with
 * a {@code topic} can never match them, whatever topics the flow lists.
 * <p>
 * Precisely (proxylib/kafka/kafkalib/policy.go {@code Rule.Matches}, pkg/policy/api/kafka): a rule matches the
 * request's key when it has neither {@code apiKey} nor {@code role}, or the key is in its set; {@code apiVersion}
 * (when set) must equal the request's version; {@code clientID} (when set) must equal the request's client ID. A
 * matching rule without {@code topic}, or any matching rule when the API key carries no topics (for example
 * {@code heartbeat}, {@code joingroup}, {@code apiversions}), allows the request. Matching rules with a
 * {@code topic} each tick off that topic; the request is allowed once every topic it names is ticked off. So a
 * topic-carrying request that names no topic (a Metadata request for all topics) is allowed only by a rule
 * without {@code topic}. The request's API key may be a name ({@code produce}, case-insensitive) or a number.
 */
public final class KafkaMatcher {

	/**
	 * A Kafka request as the matcher reads it; the flow reader's {@code Flow.Kafka} is one. Matchers know no flow
	 * type, so that the flow reader can validate with them.
	 */
	public interface Request {

		/** The API key: a name such as {@code produce} (case-insensitive) or a number. */
		String apiKey();

		int apiVersion();

		/** The client ID as sent; the matcher ignores it for API version 0, as Cilium's parser does. */
		@Nullable String clientId();

		/** The topics the request names; empty for a request for all topics or an API key without topics. */
		List<String> topics();

	}

	private static final Map<String, Integer> API_KEYS = apiKeyTable();

	private static final long PRODUCE_KEYS = bits(0, 3, 18);

	private static final long CONSUME_KEYS = bits(1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18);

	private static final long TOPIC_KEYS = bits(0, 1, 2, 3, 4, 5, 6, 8, 9, 19, 20, 21, 23, 24, 27, 28, 34, 35, 37);

	/** API keys whose requests kafkalib parses for topics ({@code RequestMessage.setTopics}). */
	private static final long PARSED_TOPIC_KEYS = bits(0, 1, 2, 3, 8, 9);

	private static final int MAX_TOPIC_LENGTH = 255;

	private final CompiledRule[] rules;

	private KafkaMatcher(CompiledRule[] rules) {
		this.rules = rules;
	}

	/** Compiles the union of the rules that apply to one (port, peer). */
	public static KafkaMatcher compile(List<KafkaRule> rules) {
		CompiledRule[] compiled = new CompiledRule[rules.size()];
		for (int i = 0; i < compiled.length; i++) {
			compiled[i] = CompiledRule.of(rules.get(i));
		}
		return new KafkaMatcher(compiled);
	}

	public boolean allows(Request request) {
		int key = apiKeyOf(request.apiKey());
		String clientId = (request.clientId() != null && request.apiVersion() != 0) ? request.clientId() : "";
		boolean topicKey = isTopicApiKey(key);
		List<String> topics = hasParsedTopics(key) ? request.topics() : List.of();
		boolean[] ticked = null;
		int remaining = 0;
		for (CompiledRule rule : this.rules) {
			if (!rule.matchesKey(key) || (rule.apiVersion >= 0 && rule.apiVersion != request.apiVersion())
					|| (rule.clientId != null && !rule.clientId.equals(clientId))) {
				continue;
			}
			if (rule.topic == null || !topicKey) {
				return true;
			}
			if (ticked == null) {
				ticked = new boolean[topics.size()];
				remaining = distinctCount(topics);
			}
			boolean found = false;
			for (int i = 0; i < topics.size(); i++) {
				if (!ticked[i] && topics.get(i).equals(rule.topic)) {
					ticked[i] = true;
					found = true;
				}
			}
			if (found && --remaining == 0) {
				return true;
			}
		}
		return false;
	}

	private static int distinctCount(List<String> topics) {
		return (topics.size() <= 1) ? topics.size() : Set.copyOf(topics).size();
	}

	/** The numeric API key for a (case-insensitive) name such as {@code produce}, or empty when unknown. */
	public static OptionalInt apiKey(String name) {
		Integer key = API_KEYS.get(name.toLowerCase(Locale.ROOT));
		return (key != null) ? OptionalInt.of(key) : OptionalInt.empty();
	}

	/** The API key names a rule's {@code apiKey} accepts, sorted. */
	public static Set<String> apiKeyNames() {
		return Collections.unmodifiableSet(new TreeMap<>(API_KEYS).keySet());
	}

	/** The name of a numeric API key ({@code produce} for 0), or the number as text when it has none. */
	public static String apiKeyName(int key) {
		for (Map.Entry<String, Integer> entry : API_KEYS.entrySet()) {
			if (entry.getValue() == key) {
				return entry.getKey();
			}
		}
		return Integer.toString(key);
	}

	/** Whether {@code role} is {@code produce} or {@code consume} (case-insensitive, as the Go code compares). */
	public static boolean isValidRole(String role) {
		String lower = role.toLowerCase(Locale.ROOT);
		return lower.equals("produce") || lower.equals("consume");
	}

	/** The API keys a role expands to, ascending; empty for an unknown role. */
	public static List<Integer> roleApiKeys(String role) {
		String lower = role.toLowerCase(Locale.ROOT);
		long keys = lower.equals("produce") ? PRODUCE_KEYS : lower.equals("consume") ? CONSUME_KEYS : 0;
		List<Integer> result = new ArrayList<>();
		for (int key = 0; key < 64; key++) {
			if ((keys & (1L << key)) != 0) {
				result.add(key);
			}
		}
		return result;
	}

	/** Whether an {@code apiVersion} is a decimal in 0..32767 (a leading {@code +} is accepted, as Go's ParseInt does). */
	public static boolean isValidApiVersion(String apiVersion) {
		return parseApiVersion(apiVersion) >= 0;
	}

	/** Whether a {@code topic} is 1..255 characters of letters, digits, {@code .}, {@code _}, {@code -} or {@code \}. */
	public static boolean isValidTopic(String topic) {
		if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
			return false;
		}
		for (int i = 0; i < topic.length(); i++) {
			char c = topic.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == '-' || c == '\\';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether Cilium's parser reads the topics of requests of this API key (Produce, Fetch, ListOffsets, Metadata,
	 * OffsetCommit, OffsetFetch: kafkalib {@code RequestMessage.setTopics}); for the other keys it sees none.
	 */
	public static boolean hasParsedTopics(int key) {
		return key >= 0 && key < 64 && (PARSED_TOPIC_KEYS & (1L << key)) != 0;
	}

	/** Whether requests of this API key carry topics (kafkalib {@code isTopicAPIKey}). */
	public static boolean isTopicApiKey(int key) {
		return key >= 0 && key < 64 && (TOPIC_KEYS & (1L << key)) != 0;
	}

	/** The API key of a request: a name or a decimal number; -1 when neither. */
	static int apiKeyOf(String apiKey) {
		OptionalInt named = apiKey(apiKey);
		if (named.isPresent()) {
			return named.getAsInt();
		}
		if (apiKey.isEmpty() || apiKey.length() > 5) {
			return -1;
		}
		int value = 0;
		for (int i = 0; i < apiKey.length(); i++) {
			char c = apiKey.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= Short.MAX_VALUE) ? value : -1;
	}

	/** Parses an apiVersion (Go {@code strconv.ParseInt(v, 10, 16)}, then 0..32767); -1 when invalid. */
	static int parseApiVersion(String text) {
		int start = (text.startsWith("+")) ? 1 : 0;
		if (start >= text.length() || text.length() - start > 5) {
			return -1;
		}
		int value = 0;
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= Short.MAX_VALUE) ? value : -1;
	}

	private static long bits(int... keys) {
		long result = 0;
		for (int key : keys) {
			result |= 1L << key;
		}
		return result;
	}

	private static Map<String, Integer> apiKeyTable() {
		String[] names = { "produce", "fetch", "offsets", "metadata", "leaderandisr", "stopreplica",
				"updatemetadata", "controlledshutdown", "offsetcommit", "offsetfetch", "findcoordinator", "joingroup",
				"heartbeat", "leavegroup", "syncgroup", "describegroups", "listgroups", "saslhandshake",
				"apiversions", "createtopics", "deletetopics", "deleterecords", "initproducerid",
				"offsetforleaderepoch", "addpartitionstotxn", "addoffsetstotxn", "endtxn", "writetxnmarkers",
				"txnoffsetcommit", "describeacls", "createacls", "deleteacls", "describeconfigs", "alterconfigs" };
		Map<String, Integer> table = new java.util.HashMap<>();
		for (int i = 0; i < names.length; i++) {
			table.put(names[i], i);
		}
		return Map.copyOf(table);
	}

	/** One rule: key set ({@code allKeys} = no apiKey/role), version (-1 = any), client ID and topic (null = any). */
	private record CompiledRule(boolean allKeys, long keys, int apiVersion, @Nullable String clientId,
			@Nullable String topic) {

		static CompiledRule of(KafkaRule rule) {
			boolean allKeys = isBlank(rule.apiKey()) && isBlank(rule.role());
			long keys = 0;
			if (!isBlank(rule.apiKey())) {
				OptionalInt key = apiKey(rule.apiKey());
				keys = key.isPresent() ? 1L << key.getAsInt() : 0;
			}
			else if (!isBlank(rule.role())) {
				String role = rule.role().toLowerCase(Locale.ROOT);
				keys = role.equals("produce") ? PRODUCE_KEYS : role.equals("consume") ? CONSUME_KEYS : 0;
			}
			int version = isBlank(rule.apiVersion()) ? -1 : parseApiVersion(rule.apiVersion());
			if (!isBlank(rule.apiVersion()) && version < 0) {
				// an invalid version (the parser reports it) must not widen the rule to every version
				return new CompiledRule(false, 0, -1, null, null);
			}
			return new CompiledRule(allKeys, keys, version, isBlank(rule.clientID()) ? null : rule.clientID(),
					isBlank(rule.topic()) ? null : rule.topic());
		}

		boolean matchesKey(int key) {
			return this.allKeys || (key >= 0 && key < 64 && (this.keys & (1L << key)) != 0);
		}

		private static boolean isBlank(@Nullable String text) {
			return text == null || text.isEmpty();
		}

	}

}
