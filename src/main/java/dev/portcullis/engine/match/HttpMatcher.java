package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.portcullis.engine.api.PortRule.HeaderMatch;
import dev.portcullis.engine.api.PortRule.HttpRule;
import org.jspecify.annotations.Nullable;

/**
 * A compiled HTTP rule as Envoy applies it: {@code path}, {@code method}, {@code host} are RE2 regexes that must
 * match the whole {@code :path} (with its query string), {@code :method} and {@code :authority} (with its port,
 * if the request carries one); {@code headers} entries require presence or an exact value; {@code headerMatches}
 * compare exactly, and a mismatch fails the rule unless {@code mismatch} is LOG, ADD, DELETE or REPLACE. Header
 * names are case-insensitive. All set fields must match.
 * <p>
 * Details (pkg/envoy/xds_server.go {@code getHTTPRule}; cilium/proxy {@code cilium/network_policy.cc}):
 * <ul>
 * <li>an empty {@code path}, {@code method} or {@code host} is the same as an absent one.</li>
 * <li>regexes are case-sensitive: {@code method: GET} does not match {@code get}; an unescaped {@code .} is any
 * character ({@code foo.bar.com} matches {@code fooXbar.com}); {@code path: /public} does not match
 * {@code /public?x=1}.</li>
 * <li>a {@code headers} string is split at its first space: {@code "X-Token"} requires presence,
 * {@code "X-Token: abc"} (trailing colons trimmed from the name) or {@code "X-Token abc"} requires the value
 * {@code abc} exactly; {@code "X-A:1"} names a header {@code X-A:1}, which never occurs.</li>
 * <li>a {@code headers} string with an empty value ({@code "X-Token: "}) becomes Envoy's {@code string_match}
 * {@code exact: ""}, which matches only a header that is present with an empty value (Envoy's
 * {@code StringMatcherImpl}; the "empty exact matches any value" rule belonged to the deprecated
 * {@code exact_match} field, which Cilium does not use).</li>
 * <li>a {@code headerMatches} item without value and secret (or with {@code value: ""}) requires presence
 * (xds translator: a {@code present_match}, or a cilium {@code HeaderMatch} with an empty value, which
 * cilium/proxy treats as a presence match); with a value, the header's value (several occurrences joined with
 * {@code ,}) must equal it. A failed item fails the rule only when {@code mismatch} is unset; with LOG, ADD,
 * DELETE or REPLACE the proxy acts on the header and the rule still matches.</li>
 * <li>a {@code headerMatches} item with a {@code secret}: with a {@code value} too, the value is matched (with
 * secret sync, Cilium 1.19's default, pkg/envoy/policy/envoy_l7_rules_translator.go {@code getSecretString} falls
 * back to the value and never reads the secret). With only a secret, the proxy matches the secret's value, a secret
 * with an empty value is a presence match, and a missing secret fails the rule for every request whatever the
 * mismatch action (cilium/proxy cilium/network_policy.cc {@code HeaderMatch::allowed} returns false before the
 * mismatch action; without secret sync the translator adds an inverted exact-"" matcher instead, which matches only
 * a non-empty header). The engine cannot read Secrets and assumes the secret exists with a value it does not
 * know: with a mismatch action the item passes; without one the item fails (no request is known to carry the
 * value). {@link #secretHeaders()} lists such items so that explanations can say the result is uncertain.</li>
 * </ul>
 */
public final class HttpMatcher {

	/**
	 * A request header {@code {key, value}} as the matcher reads it; the flow reader's {@code Flow.Header} is one.
	 * Matchers know no flow type, so that the flow reader can validate with them.
	 */
	public interface Header {

		String key();

		String value();

	}

	/**
	 * The request as the proxy sees it.
	 *
	 * @param method {@code :method}
	 * @param path {@code :path}: path and query string
	 * @param authority {@code :authority} (the Host header), with its port if the client sent one
	 * @param headers the other headers
	 */
	public record Request(String method, String path, String authority, List<? extends Header> headers) {

		public Request {
			headers = List.copyOf(headers);
		}

		/**
		 * The request of a Hubble {@code l7.http} record, whose {@code url} is absolute
		 * ({@code http://productpage:9080/reviews/0?x=1}: authority {@code productpage:9080}, path
		 * {@code /reviews/0?x=1}) or just a path (then the authority comes from a {@code Host} or {@code :authority}
		 * header, or is empty). A fragment is dropped; an empty path is {@code /}.
		 */
		public static Request ofHubble(String method, String url, List<? extends Header> headers) {
			int fragment = url.indexOf('#');
			String target = (fragment >= 0) ? url.substring(0, fragment) : url;
			int scheme = target.indexOf("://");
			String authority;
			String path;
			if (scheme >= 0 && target.lastIndexOf('/', scheme) < 0 && target.lastIndexOf('?', scheme) < 0) {
				int start = scheme + 3;
				int end = start;
				while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
					end++;
				}
				authority = target.substring(start, end);
				path = target.substring(end);
			}
			else {
				String host = headerValue(headers, ":authority");
				if (host == null) {
					host = headerValue(headers, "host");
				}
				authority = (host != null) ? host : "";
				path = target;
			}
			if (path.isEmpty() || path.charAt(0) == '?') {
				path = "/" + path;
			}
			return new Request(method, path, authority, headers);
		}

	}

	private final @Nullable ValueMatcher path;

	private final @Nullable ValueMatcher method;

	private final @Nullable ValueMatcher host;

	/** Lower-cased header names that must be present or have {@link #headerValues} (null = presence). */
	private final String[] headerNames;

	private final @Nullable String[] headerValues;

	private final List<String> secretHeaders;

	private HttpMatcher(@Nullable ValueMatcher path, @Nullable ValueMatcher method, @Nullable ValueMatcher host,
			String[] headerNames, @Nullable String[] headerValues, List<String> secretHeaders) {
		this.path = path;
		this.method = method;
		this.host = host;
		this.headerNames = headerNames;
		this.headerValues = headerValues;
		this.secretHeaders = List.copyOf(secretHeaders);
	}

	/**
	 * The {@code headerMatches} items whose outcome depends on a Secret the engine cannot read (a secret and no
	 * value), described as {@code header X-Token against secret ns/name (mismatch LOG)}; empty for most rules.
	 */
	public List<String> secretHeaders() {
		return this.secretHeaders;
	}

	/** Compiles a rule the parser has validated (its regexes compile). */
	public static HttpMatcher compile(HttpRule rule) {
		List<String> names = new ArrayList<>();
		List<@Nullable String> values = new ArrayList<>();
		for (String header : rule.headers()) {
			int space = header.indexOf(' ');
			if (space >= 0) {
				names.add(trimTrailingColons(header.substring(0, space)).toLowerCase(Locale.ROOT));
				values.add(header.substring(space + 1));
			}
			else {
				names.add(header.toLowerCase(Locale.ROOT));
				values.add(null);
			}
		}
		List<String> secrets = new ArrayList<>();
		boolean never = false;
		for (HeaderMatch match : rule.headerMatches()) {
			boolean secretOnly = (match.value() == null || match.value().isEmpty()) && match.secretName() != null
					&& !match.secretName().isEmpty();
			if (secretOnly) {
				secrets.add("header " + match.name() + " against secret "
						+ ((match.secretNamespace() != null) ? match.secretNamespace() + "/" : "") + match.secretName()
						+ ((match.mismatch() != null) ? " (mismatch " + match.mismatch() + ")" : " (fail on mismatch)"));
			}
			if (isNonFailingMismatch(match.mismatch())) {
				continue;
			}
			String name = match.name().toLowerCase(Locale.ROOT);
			if (match.value() != null && !match.value().isEmpty()) {
				names.add(name);
				values.add(match.value());
			}
			else if (!secretOnly) {
				names.add(name);
				values.add(null);
			}
			else {
				// a secret value we cannot know: no request is known to carry it, so the rule does not match
				never = true;
			}
		}
		if (never) {
			return new HttpMatcher(ValueMatcher.NEVER, null, null, new String[0], new String[0], secrets);
		}
		return new HttpMatcher(ValueMatcher.of(rule.path()), ValueMatcher.of(rule.method()),
				ValueMatcher.of(rule.host()), names.toArray(new String[0]), values.toArray(new String[0]), secrets);
	}

	/** Whether a {@code mismatch} action keeps the rule matching when the header does not match. */
	static boolean isNonFailingMismatch(@Nullable String mismatch) {
		return mismatch != null && (mismatch.equals("LOG") || mismatch.equals("ADD") || mismatch.equals("DELETE")
				|| mismatch.equals("REPLACE"));
	}

	private static String trimTrailingColons(String name) {
		int end = name.length();
		while (end > 0 && name.charAt(end - 1) == ':') {
			end--;
		}
		return name.substring(0, end);
	}

	public boolean matches(Request request) {
		if (this.path != null && !this.path.matches(request.path())) {
			return false;
		}
		if (this.method != null && !this.method.matches(request.method())) {
			return false;
		}
		if (this.host != null && !this.host.matches(request.authority())) {
			return false;
		}
		for (int i = 0; i < this.headerNames.length; i++) {
			String actual = headerValue(request.headers(), this.headerNames[i]);
			if (actual == null) {
				return false;
			}
			String expected = this.headerValues[i];
			if (expected != null && !expected.equals(actual)) {
				return false;
			}
		}
		return true;
	}

	/** The value of a header (several occurrences joined with {@code ,} as Envoy does), or null when absent. */
	static @Nullable String headerValue(List<? extends Header> headers, String lowerName) {
		String value = null;
		StringBuilder joined = null;
		for (int i = 0; i < headers.size(); i++) {
			Header header = headers.get(i);
			if (!header.key().equalsIgnoreCase(lowerName)) {
				continue;
			}
			if (value == null) {
				value = header.value();
			}
			else {
				if (joined == null) {
					joined = new StringBuilder(value);
				}
				joined.append(',').append(header.value());
			}
		}
		return (joined != null) ? joined.toString() : value;
	}

	/** The RE2 syntax error of {@code regex}, quoting it, or empty when it compiles. */
	public static Optional<String> regexError(String regex) {
		try {
			Pattern.compile(regex);
			return Optional.empty();
		}
		catch (PatternSyntaxException ex) {
			return Optional.of("\"" + regex + "\" is not a valid RE2 regular expression: " + ex.getDescription()
					+ ((ex.getPattern() != null && !ex.getPattern().isEmpty()) ? " at \"" + ex.getPattern() + "\""
							: ""));
		}
	}

	/** A full-match regex, with fast paths for literals and {@code literal.*}. */
	private abstract static class ValueMatcher {

		static final ValueMatcher NEVER = new ValueMatcher() {
			@Override
			boolean matches(String value) {
				return false;
			}
		};

		abstract boolean matches(String value);

		static @Nullable ValueMatcher of(@Nullable String regex) {
			if (regex == null || regex.isEmpty()) {
				// Cilium translates only non-empty path/method/host (xds_server.go getHTTPRule)
				return null;
			}
			if (isLiteral(regex)) {
				return new ValueMatcher() {
					@Override
					boolean matches(String value) {
						return value.equals(regex);
					}
				};
			}
			if (regex.endsWith(".*") && isLiteral(regex.substring(0, regex.length() - 2))) {
				String prefix = regex.substring(0, regex.length() - 2);
				return new ValueMatcher() {
					@Override
					boolean matches(String value) {
						// RE2's '.' does not match a newline
						return value.startsWith(prefix) && value.indexOf('\n', prefix.length()) < 0;
					}
				};
			}
			Pattern pattern = Pattern.compile(regex);
			return new ValueMatcher() {
				@Override
				boolean matches(String value) {
					return pattern.matches(value);
				}
			};
		}

		private static boolean isLiteral(String regex) {
			for (int i = 0; i < regex.length(); i++) {
				if ("\\.+*?()|[]{}^$".indexOf(regex.charAt(i)) >= 0) {
					return false;
				}
			}
			return true;
		}

	}

}
