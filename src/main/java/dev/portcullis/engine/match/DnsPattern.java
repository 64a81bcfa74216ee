package dev.portcullis.engine.match;

import java.util.Locale;

import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A DNS name matcher: {@code matchName} (exact, case-insensitive, trailing dot optional) or
 * {@code matchPattern} (pkg/fqdn/matchpattern, v1.19.4: {@code *} = zero or more DNS characters within a label,
 * a leading {@code **.} = one or more whole labels, a pattern of only stars = every name). Compiled once to an
 * anchored RE2J regex; names are lower-cased and dot-terminated before matching.
 * <p>
 * The pattern conversion, for a pattern trimmed and lower-cased: only stars, optionally followed by one dot
 * ({@code *}, {@code **}, {@code *.}) matches every well-formed name and the root:
 * {@code (^([-a-zA-Z0-9_]+[.])+$)|(^[.]$)}. Otherwise a trailing dot is added; a leading run of two or more stars
 * followed by a dot becomes {@code ([-a-zA-Z0-9_]+([.][-a-zA-Z0-9_]+){0,})[.]}; every other run of stars becomes
 * {@code [-a-zA-Z0-9_]*} (so a non-leading {@code **} is a single-label wildcard); each dot becomes {@code [.]};
 * the whole is anchored {@code ^...$}. Examples: {@code *.cilium.io} matches {@code sub.cilium.io} but neither
 * {@code cilium.io} nor {@code a.b.cilium.io}; {@code **.cilium.io} matches {@code a.b.cilium.io}.
 */
public final class DnsPattern {

	static final String DNS_CHARS = "[-a-zA-Z0-9_]";

	static final String MATCH_ALL_REGEX = "(^(" + DNS_CHARS + "+[.])+$)|(^[.]$)";

	static final String SUBDOMAINS_REGEX = "(" + DNS_CHARS + "+([.]" + DNS_CHARS + "+){0,})[.]";

	private static final Pattern ALLOWED_NAME = Pattern.compile("^([-a-zA-Z0-9_]+[.]?)+$");

	private static final Pattern ALLOWED_PATTERN = Pattern.compile("^([-a-zA-Z0-9_*]+[.]?)+$");

	private static final int MAX_LENGTH = 255;

	private final String source;

	private final String regex;

	/** The normalized name of a {@code matchName}; null for a pattern. */
	private final @Nullable String exactName;

	private final @Nullable Pattern pattern;

	private DnsPattern(String source, String regex, @Nullable String exactName) {
		this.source = source;
		this.regex = regex;
		this.exactName = exactName;
		this.pattern = (exactName != null) ? null : Pattern.compile(regex);
	}

	/** @throws IllegalArgumentException when the name is not allowed ({@code ^([-a-zA-Z0-9_]+[.]?)+$}, ≤255) */
	public static DnsPattern matchName(String name) {
		if (name.length() > MAX_LENGTH || !ALLOWED_NAME.matches(name)) {
			throw new IllegalArgumentException("matchName \"" + name + "\" is not allowed: use labels of letters,"
					+ " digits, '-' and '_' separated by single dots (an optional trailing dot), at most 255"
					+ " characters");
		}
		String normalized = normalize(name);
		return new DnsPattern(name, toRegex(normalized), normalized);
	}

	/** @throws IllegalArgumentException when the pattern is not allowed ({@code ^([-a-zA-Z0-9_*]+[.]?)+$}, ≤255) */
	public static DnsPattern matchPattern(String pattern) {
		if (pattern.length() > MAX_LENGTH || !ALLOWED_PATTERN.matches(pattern)) {
			throw new IllegalArgumentException("matchPattern \"" + pattern + "\" is not allowed: use labels of"
					+ " letters, digits, '-', '_' and '*' separated by single dots (an optional trailing dot), at most"
					+ " 255 characters");
		}
		return new DnsPattern(pattern, toRegex(pattern), null);
	}

	/** Whether a query name or learned name ({@code destination_names}) matches; case and trailing dot ignored. */
	public boolean matches(String dnsName) {
		String name = normalize(dnsName);
		if (this.exactName != null) {
			return this.exactName.equals(name);
		}
		return this.pattern.matches(name);
	}

	/** The anchored regex this compiles to, as Cilium would build it. */
	public String regex() {
		return this.regex;
	}

	/** The name or pattern as written. */
	@Override
	public String toString() {
		return this.source;
	}

	/** The DNS proxy's normalization: lower case and a trailing dot ({@code strings.ToLower(dns.Fqdn(name))}). */
	static String normalize(String name) {
		String lower = name;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c >= 'A' && c <= 'Z' || c > 0x7F) {
				lower = name.toLowerCase(Locale.ROOT);
				break;
			}
		}
		return lower.endsWith(".") ? lower : lower + ".";
	}

	/** The v1.19.4 conversion of a (not validated) matchPattern to its anchored regex. */
	static String toRegex(String rawPattern) {
		String pattern = rawPattern.strip().toLowerCase(Locale.ROOT);
		if (isOnlyStars(pattern)) {
			return MATCH_ALL_REGEX;
		}
		if (!pattern.endsWith(".")) {
			pattern = pattern + ".";
		}
		StringBuilder regex = new StringBuilder(pattern.length() * 4).append('^');
		int i = 0;
		int leadingStars = 0;
		while (leadingStars < pattern.length() && pattern.charAt(leadingStars) == '*') {
			leadingStars++;
		}
		if (leadingStars >= 2 && leadingStars < pattern.length() && pattern.charAt(leadingStars) == '.') {
			regex.append(SUBDOMAINS_REGEX);
			i = leadingStars + 1;
		}
		while (i < pattern.length()) {
			char c = pattern.charAt(i);
			if (c == '*') {
				while (i < pattern.length() && pattern.charAt(i) == '*') {
					i++;
				}
				regex.append(DNS_CHARS).append('*');
				continue;
			}
			if (c == '.') {
				regex.append("[.]");
			}
			else {
				regex.append(c);
			}
			i++;
		}
		return regex.append('$').toString();
	}

	/** Only {@code *} characters, optionally followed by a single dot. */
	private static boolean isOnlyStars(String pattern) {
		int stars = 0;
		while (stars < pattern.length() && pattern.charAt(stars) == '*') {
			stars++;
		}
		return stars > 0 && (stars == pattern.length() || (stars == pattern.length() - 1 && pattern.endsWith(".")));
	}

}
