package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.eval.CompiledEntry.PortL7;
import dev.portcullis.engine.eval.CompiledPolicies.Match;
import dev.portcullis.engine.eval.CompiledPolicies.Reason;
import dev.portcullis.engine.eval.CompiledPolicies.Trace;
import dev.portcullis.engine.eval.Decision.L7Denial;
import dev.portcullis.engine.eval.Decision.SideDecision;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.KafkaMatcher;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.eval.CompiledPolicies.traced;

/**
 * The L7 decision of a side whose matching allows all carry L7 rules: whether an allow without L7 rules lifts them,
 * what the proxy decides about the flow's request (TLS SNI, HTTP, gRPC, Kafka, DNS), and what the client sees when it
 * denies. Stateless; allocates only what a decision that reaches the proxy needs.
 */
final class L7Decisions {

	/** Kafka API keys the proxy answers with TOPIC_AUTHORIZATION_FAILED when it denies them. */
	private static final int[] KAFKA_KEYS_WITH_ERROR_RESPONSE = { 0, 1, 2, 3, 8, 9, 10 };

	private L7Decisions() {
	}

	/**
	 * Whether an allow without L7 rules for the same peer lets every request through the proxy of the L7 matches.
	 * Envoy (HTTP, TLS) evaluates the port's rules and the wildcard-port rules of L3-only allows together
	 * (cilium/proxy cilium/network_policy.cc {@code PortPolicy::forRange}; pkg/envoy/xds_server.go
	 * {@code getWildcardNetworkPolicyRules}), so any such allow lifts the L7 rules. Kafka's parser (proxylib
	 * proxylib/policymap.go {@code PortNetworkPolicies.Matches}) looks up the exact port, then port 0: an L3-only
	 * allow, an all-ports allow or one for that single port lifts, a port range does not. The DNS proxy receives only
	 * the rules of the redirect's own port filter (pkg/proxy/proxy.go {@code UpdateRules} with
	 * {@code GetPerSelectorPolicies}; pkg/fqdn/dnsproxy/proxy.go {@code setPortRulesForID}, where a selector
	 * without L7 rules matches every name): only an allow written for the same port and protocol lifts DNS rules;
	 * an L3-only allow does not (the redirect still wins in the datapath: a redirect entry has the higher
	 * precedence, pkg/policy/types/entry.go).
	 */
	static boolean lifts(Match plain, @Nullable List<Match> otherPlains, List<Match> l7Matches, Flow flow) {
		if (lifts(plain, l7Matches, flow)) {
			return true;
		}
		if (otherPlains != null) {
			for (Match other : otherPlains) {
				if (lifts(other, l7Matches, flow)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean lifts(Match plain, List<Match> l7Matches, Flow flow) {
		for (Match l7Match : l7Matches) {
			PortL7 l7 = l7Match.l7();
			if (!l7.dns().isEmpty()) {
				if (plain.l4() >= 0 && plain.l4() < CompiledEntry.ICMP_OFFSET) {
					CompiledEntry.PortEntry own = plain.entry().ports.get(plain.l4());
					CompiledEntry.PortEntry dns = l7Match.entry().ports.get(l7Match.l4());
					if (own.port() == dns.port() && own.endPort() == dns.endPort()
							&& Objects.equals(own.name(), dns.name())) {
						return true;
					}
				}
			}
			else if (l7.kafka() != null || l7.l7proto() != null) {
				if (plain.l4() == CompiledEntry.L3_ONLY) {
					return true;
				}
				if (plain.l4() >= 0 && plain.l4() < CompiledEntry.ICMP_OFFSET) {
					// a single port (or a named one, or all ports): proxylib finds it by the flow's port or port 0
					if (plain.entry().ports.get(plain.l4()).endPort() == 0) {
						return true;
					}
				}
			}
			else {
				return true;
			}
		}
		return false;
	}

	static SideResult decide(Flow flow, List<Match> matches, @Nullable Trace trace, EngineOptions options) {
		String sni = flow.tlsServerName();
		Match firstSniAllowed = null;
		for (Match match : matches) {
			if (match.l7().serverNameAllowed(sni)) {
				firstSniAllowed = match;
				break;
			}
		}
		if (firstSniAllowed == null) {
			if (trace != null) {
				trace.decided = matches.get(0);
			}
			return traced(trace, Reason.TLS_DENIED, new SideResult(SideDecision.L7_DENIED, L7Denial.tls()));
		}
		L7Request request = flow.l7();
		if (request == null) {
			if (trace != null) {
				trace.decided = firstSniAllowed;
			}
			return traced(trace, Reason.L7_NO_REQUEST, SideResult.ALLOWED_PROXIED);
		}
		HttpMatcher.Request httpRequest = (request instanceof Http http) ? httpRequest(http) : null;
		List<KafkaRule> kafkaRules = null;
		Match firstKafka = null;
		KafkaMatcher onlyKafka = null;
		for (Match match : matches) {
			PortL7 l7 = match.l7();
			if (!l7.serverNameAllowed(sni)) {
				continue;
			}
			if (!l7.hasL7Rules() || requestMatches(l7, request, httpRequest)) {
				if (trace != null) {
					trace.decided = match;
				}
				return traced(trace, Reason.L7_ALLOWED, SideResult.ALLOWED_PROXIED);
			}
			if (request instanceof Kafka && l7.kafka() != null) {
				if (firstKafka == null) {
					firstKafka = match;
					onlyKafka = l7.kafka();
					kafkaRules = new ArrayList<>(l7.kafkaRules());
				}
				else {
					onlyKafka = null;
					kafkaRules.addAll(l7.kafkaRules());
				}
			}
		}
		if (firstKafka != null) {
			// Kafka topics of one request may be allowed by rules of different port rules: match the union.
			KafkaMatcher union = (onlyKafka != null) ? onlyKafka : KafkaMatcher.compile(kafkaRules);
			if (union.allows((Kafka) request)) {
				if (trace != null) {
					trace.decided = firstKafka;
				}
				return traced(trace, Reason.L7_ALLOWED, SideResult.ALLOWED_PROXIED);
			}
		}
		if (trace != null) {
			trace.decided = firstSniAllowed;
		}
		return traced(trace, Reason.L7_DENIED, new SideResult(SideDecision.L7_DENIED, denial(request, options)));
	}

	/**
	 * An HTTP verdict that an HTTP rule matching a header against a Secret could change is uncertain: the engine
	 * cannot read Secrets (see {@link HttpMatcher}); the verdict stays the one it assumes.
	 */
	static SideResult withSecretUncertainty(SideResult result, List<Match> matches) {
		if (result.uncertain() != null) {
			return result;
		}
		for (Match match : matches) {
			for (HttpMatcher http : match.l7().http()) {
				if (!http.secretHeaders().isEmpty()) {
					return new SideResult(result.decision(), result.l7(), "an HTTP rule of " + match.entry().rule.policy
							+ " matches " + http.secretHeaders().get(0) + ", a Secret the engine cannot read");
				}
			}
		}
		return result;
	}

	private static L7Denial denial(L7Request request, EngineOptions options) {
		if (request instanceof Http http) {
			return isGrpc(http) ? L7Denial.grpc() : L7Denial.http();
		}
		if (request instanceof Kafka kafka) {
			int key = kafkaApiKey(kafka.apiKey());
			for (int withResponse : KAFKA_KEYS_WITH_ERROR_RESPONSE) {
				if (withResponse == key) {
					return L7Denial.kafka(true);
				}
			}
			return L7Denial.kafka(false);
		}
		return L7Denial.dns(options.dnsRejectResponse());
	}

	static int kafkaApiKey(String name) {
		if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 6) {
			return Integer.parseInt(name);
		}
		OptionalInt key = KafkaMatcher.apiKey(name);
		return key.isPresent() ? key.getAsInt() : -1;
	}

	private static boolean requestMatches(PortL7 l7, L7Request request, HttpMatcher.@Nullable Request http) {
		if (http != null) {
			for (HttpMatcher matcher : l7.http()) {
				if (matcher.matches(http)) {
					return true;
				}
			}
			return false;
		}
		if (request instanceof Flow.Dns dns) {
			for (DnsPattern pattern : l7.dns()) {
				if (pattern.matches(dns.query())) {
					return true;
				}
			}
			return false;
		}
		if (request instanceof Kafka kafka && l7.kafka() != null) {
			return l7.kafka().allows(kafka);
		}
		return false;
	}

	/** gRPC: an HTTP/2 request with {@code content-type: application/grpc...} (Documentation/security/grpc.rst). */
	static boolean isGrpc(Http http) {
		if (http.protocol() == null || !http.protocol().toUpperCase(Locale.ROOT).startsWith("HTTP/2")) {
			return false;
		}
		for (Header header : http.headers()) {
			if (header.key().equalsIgnoreCase("content-type")
					&& header.value().toLowerCase(Locale.ROOT).startsWith("application/grpc")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The request as Envoy sees it: {@code :path} is the URL's path with its query (a URL that is not absolute is
	 * taken as the path), {@code :authority} the {@code :authority} or {@code Host} header, else the URL's
	 * authority (with its port).
	 */
	static HttpMatcher.Request httpRequest(Http http) {
		String url = http.url();
		String authority = "";
		String path = url;
		int scheme = url.indexOf("://");
		if (scheme > 0 && url.indexOf('/') > scheme) {
			int start = scheme + 3;
			int slash = url.indexOf('/', start);
			int query = url.indexOf('?', start);
			int end = (slash < 0) ? ((query < 0) ? url.length() : query) : ((query < 0) ? slash : Math.min(slash, query));
			authority = url.substring(start, end);
			path = url.substring(end);
			if (path.isEmpty() || path.charAt(0) == '?') {
				path = "/" + path;
			}
		}
		for (Header header : http.headers()) {
			if (header.key().equalsIgnoreCase(":authority") || header.key().equalsIgnoreCase("host")) {
				authority = header.value();
				break;
			}
		}
		return new HttpMatcher.Request(http.method(), path, authority, http.headers());
	}

}
