package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.engine.api.PortRule.DnsRule;
import dev.portcullis.engine.api.PortRule.HeaderMatch;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.KafkaMatcher;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.CiliumVersion.V1_20;
import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.orEmpty;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.problem;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates the L7 rules of a port rule ({@code rules}: http, dns and, before Cilium 1.20, kafka and
 * generic l7proto/l7) and the DNS names shared by DNS rules and {@code toFQDNs}. Stateless apart from the shared
 * {@link Reading}.
 */
final class L7Reader {

	private static final Pattern KAFKA_TOPIC = Pattern.compile("^[a-zA-Z0-9\\\\._\\-]+$");

	private final Reading reading;

	L7Reader(Reading reading) {
		this.reading = reading;
	}

	@Nullable L7Rules l7Rules(MapNode portRule, String path) {
		MapNode rules = this.reading.object(portRule, "rules", path);
		if (rules == null) {
			return null;
		}
		String rulesPath = child(path, "rules");
		boolean legacy = this.reading.target.isBefore(V1_20);
		Set<String> known = legacy ? Set.of("http", "kafka", "dns", "l7proto", "l7") : Set.of("http", "dns");
		Map<String, String> fatal = new LinkedHashMap<>();
		if (!legacy) {
			String removed = "Kafka and generic L7 (l7proto/l7) rules were removed in Cilium 1.20 (with proxylib);"
					+ " the CRD prunes the field and the rules then match neither http nor dns.";
			fatal.put("kafka", removed);
			fatal.put("l7proto", removed);
			fatal.put("l7", removed);
		}
		this.reading.knownFields(rules, rulesPath, known, fatal, true);
		List<String> kinds = new ArrayList<>();
		for (String kindName : legacy ? List.of("http", "kafka", "dns", "l7proto") : List.of("http", "dns")) {
			if (present(rules, kindName)) {
				kinds.add(kindName);
			}
		}
		if (kinds.size() != 1 && fatal.keySet().stream().noneMatch(rules.entries()::containsKey)) {
			this.reading.error(rulesPath, portRule.keyPosition("rules"), (kinds.isEmpty())
					? "rules needs exactly one of " + String.join(", ", legacy ? List.of("http", "kafka", "dns",
							"l7proto") : List.of("http", "dns"))
							+ " (field names are case-sensitive); omit rules for a plain L4 rule."
					: "Multiple L7 protocol rule types specified in single rule: " + String.join(" and ", kinds)
							+ "; use one per port rule.");
		}
		List<HttpRule> http = httpRules(rules, rulesPath);
		List<KafkaRule> kafka = legacy ? orEmpty(this.reading.objects(rules, "kafka", rulesPath, this::kafkaRule))
				: List.<KafkaRule>of();
		List<DnsRule> dns = orEmpty(this.reading.objects(rules, "dns", rulesPath, this::dnsRule));
		String l7proto = legacy ? this.reading.string(rules, "l7proto", rulesPath) : null;
		List<Map<String, String>> l7 = new ArrayList<>();
		if (legacy) {
			List<Node> l7Items = this.reading.array(rules, "l7", rulesPath);
			if (l7Items != null) {
				if (l7proto == null && !l7Items.isEmpty()) {
					this.reading.error(child(rulesPath, "l7"), rules.keyPosition("l7"),
							"'l7' may only be specified when a 'l7proto' is also specified.");
				}
				l7.addAll(Reading.each(l7Items, child(rulesPath, "l7"), (node, itemPath) -> {
					MapNode entry = this.reading.object(node, itemPath);
					return (entry != null) ? l7Entry(entry, itemPath) : null;
				}));
			}
			if (l7proto != null || present(rules, "kafka")) {
				String feature = (l7proto != null) ? "Generic L7 rules (l7proto/l7)" : "Kafka rules";
				this.reading.warning(child(rulesPath, (l7proto != null) ? "l7proto" : "kafka"),
						rules.keyPosition((l7proto != null) ? "l7proto" : "kafka"), feature
								+ " are deprecated and were removed in Cilium 1.20 (proxylib removal); they are read"
								+ " for Cilium " + this.reading.target + " but must go before upgrading.");
			}
		}
		return new L7Rules(http, kafka, dns, l7proto, l7);
	}

	private List<HttpRule> httpRules(MapNode rules, String rulesPath) {
		return orEmpty(this.reading.objects(rules, "http", rulesPath, this::httpRule));
	}

	private HttpRule httpRule(MapNode entry, String itemPath) {
		this.reading.knownFields(entry, itemPath, Set.of("path", "method", "host", "headers", "headerMatches"));
		String path = regex(entry, "path", itemPath);
		String method = regex(entry, "method", itemPath);
		String host = regex(entry, "host", itemPath);
		List<String> headers = this.reading.strings(entry, "headers", itemPath);
		if (headers != null) {
			for (String header : headers) {
				int space = header.indexOf(' ');
				String name = (space < 0) ? header : header.substring(0, space);
				if (space < 0 && name.indexOf(':') > 0) {
					// Cilium splits at the first space only (xds getHTTPRule): "X-A:1" and "X-A:" name headers
					// that contain a colon, which no request carries
					this.reading.warning(child(itemPath, "headers"), at(entry, "headers"), "The header "
							+ quote(header) + " has no space after ':', so it names a header called "
							+ quote(name) + " that never exists; write \"Name\" to require the header or"
							+ " \"Name: value\" to require a value.");
				}
			}
		}
		List<HeaderMatch> headerMatches = orEmpty(this.reading.objects(entry, "headerMatches", itemPath,
				this::headerMatch));
		return new HttpRule(path, method, host, orEmpty(headers), headerMatches);
	}

	private @Nullable String regex(MapNode entry, String key, String itemPath) {
		String value = this.reading.string(entry, key, itemPath);
		if (value == null) {
			return null;
		}
		var error = this.reading.check("regex", value, HttpMatcher::regexError);
		if (error.isPresent()) {
			this.reading.error(child(itemPath, key), at(entry, key), "Invalid regular expression for " + key + ": "
					+ error.get());
			return null;
		}
		return value;
	}

	private @Nullable HeaderMatch headerMatch(MapNode match, String matchPath) {
		this.reading.knownFields(match, matchPath, Set.of("name", "value", "secret", "mismatch"));
		String name = this.reading.string(match, "name", matchPath);
		if (name == null || name.isEmpty()) {
			this.reading.error(child(matchPath, "name"), match.position(), "A header match needs a non-empty name.");
			return null;
		}
		String value = this.reading.string(match, "value", matchPath);
		String mismatch = this.reading.enumeration(match, "mismatch", matchPath,
				List.of("LOG", "ADD", "DELETE", "REPLACE"));
		MapNode secret = this.reading.object(match, "secret", matchPath);
		SecretRef ref = (secret != null) ? secretRef(secret, child(matchPath, "secret")) : SecretRef.NONE;
		return new HeaderMatch(name, value, ref.namespace(), ref.name(), mismatch);
	}

	/** The {@code secret} of a header match, as written. */
	private record SecretRef(@Nullable String namespace, @Nullable String name) {

		static final SecretRef NONE = new SecretRef(null, null);

	}

	/** The namespace and name of a header match's {@code secret}; the name is required. */
	private SecretRef secretRef(MapNode secret, String secretPath) {
		this.reading.knownFields(secret, secretPath, Set.of("name", "namespace"));
		String name = this.reading.string(secret, "name", secretPath);
		String namespace = this.reading.string(secret, "namespace", secretPath);
		if (name == null) {
			this.reading.error(secretPath, secret.position(), "The secret needs a name.");
		}
		return new SecretRef(namespace, name);
	}

	private @Nullable KafkaRule kafkaRule(MapNode entry, String itemPath) {
		this.reading.knownFields(entry, itemPath, Set.of("role", "apiKey", "apiVersion", "clientID", "topic"));
		String role = this.reading.enumeration(entry, "role", itemPath, List.of("produce", "consume"));
		String apiKey = this.reading.string(entry, "apiKey", itemPath);
		String apiVersion = this.reading.string(entry, "apiVersion", itemPath);
		String clientId = this.reading.string(entry, "clientID", itemPath);
		String topic = this.reading.string(entry, "topic", itemPath);
		boolean valid = true;
		if (role != null && apiKey != null) {
			this.reading.error(itemPath, entry.position(), "cannot set both Role " + quote(role) + " and APIKey "
					+ quote(apiKey) + " together: a role stands for a set of API keys; keep one of them.");
			valid = false;
		}
		if (apiKey != null && KafkaMatcher.apiKey(apiKey).isEmpty()) {
			this.reading.error(child(itemPath, "apiKey"), at(entry, "apiKey"), "invalid Kafka APIKey :"
					+ quote(apiKey) + ": use a Kafka API name such as produce, fetch, offsets, metadata,"
					+ " createtopics, deletetopics.");
			valid = false;
		}
		if (apiVersion != null) {
			Long version = Reading.parseInt(apiVersion);
			if (version == null || version < 0 || version > 32767) {
				this.reading.error(child(itemPath, "apiVersion"), at(entry, "apiVersion"),
						"invalid Kafka APIVersion :" + quote(apiVersion) + ": use a number from 0 to 32767.");
				valid = false;
			}
		}
		if (topic != null && (topic.length() > 255 || !KAFKA_TOPIC.matches(topic))) {
			this.reading.error(child(itemPath, "topic"), at(entry, "topic"), "invalid Kafka Topic name "
					+ quote(topic) + ": at most 255 letters, digits, '.', '_' and '-'.");
			valid = false;
		}
		return valid ? new KafkaRule(role, apiKey, apiVersion, clientId, topic) : null;
	}

	/** An item of a generic {@code l7} list: its string fields (others are errors and left out). */
	private Map<String, String> l7Entry(MapNode entry, String itemPath) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String key : entry.entries().keySet()) {
			String value = this.reading.string(entry, key, itemPath);
			if (value != null) {
				values.put(key, value);
			}
		}
		return values;
	}

	/**
	 * {@code matchName} / {@code matchPattern} of a DNS rule or toFQDNs item, validated; null when invalid.
	 */
	@Nullable DnsRule dnsRule(MapNode entry, String itemPath) {
		this.reading.knownFields(entry, itemPath, Set.of("matchName", "matchPattern"));
		boolean hasName = present(entry, "matchName");
		boolean hasPattern = present(entry, "matchPattern");
		if (hasName == hasPattern) {
			this.reading.error(itemPath, entry.position(),
					"Exactly one of matchName and matchPattern is needed" + (hasName ? ", not both." : "."));
			return null;
		}
		String name = this.reading.string(entry, "matchName", itemPath);
		String pattern = this.reading.string(entry, "matchPattern", itemPath);
		Optional<String> problem = (name != null)
				? this.reading.check("matchName", name, (v) -> problem(() -> DnsPattern.matchName(v)))
				: (pattern != null)
						? this.reading.check("matchPattern", pattern, (v) -> problem(() -> DnsPattern.matchPattern(v)))
						: Optional.<String>empty();
		if (problem.isPresent()) {
			String key = (name != null) ? "matchName" : "matchPattern";
			this.reading.error(child(itemPath, key), at(entry, key), problem.get());
			return null;
		}
		if (name == null && pattern == null) {
			return null;
		}
		return new DnsRule(name, pattern);
	}

}
