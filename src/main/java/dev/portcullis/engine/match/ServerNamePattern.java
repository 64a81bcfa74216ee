package dev.portcullis.engine.match;

import java.util.Locale;

import com.google.re2j.Pattern;

/**
 * A TLS {@code serverNames} entry: an exact name, {@code *.example.com} (exactly one label) or
 * {@code **.example.com} (one or more labels); case-insensitive.
 * <p>
 * A trailing dot on the pattern or the server name is ignored (an SNI never carries one). A wildcard label is
 * non-empty and has no dot: {@code *.example.com} matches {@code www.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}; {@code **.example.com} matches both {@code www.example.com} and
 * {@code a.b.example.com}, not {@code example.com}.
 */
public final class ServerNamePattern {

	private static final Pattern ALLOWED = Pattern.compile("^(\\*?\\*\\.)?([-a-zA-Z0-9_]+\\.?)+$");

	private final String source;

	/** The lower-cased name, or the suffix after the wildcard label(s) starting with its dot. */
	private final String suffix;

	/** 0 = exact, 1 = exactly one label, 2 = one or more labels. */
	private final int wildcard;

	private ServerNamePattern(String source, String suffix, int wildcard) {
		this.source = source;
		this.suffix = suffix;
		this.wildcard = wildcard;
	}

	/** @throws IllegalArgumentException when not {@code ^(\*?\*\.)?([-a-zA-Z0-9_]+\.?)+$} or over 255 */
	public static ServerNamePattern parse(String pattern) {
		if (pattern.length() > 255 || !ALLOWED.matches(pattern)) {
			throw new IllegalArgumentException("serverNames entry \"" + pattern + "\" is not allowed: use a DNS name"
					+ " (letters, digits, '-', '_', single dots), optionally starting with \"*.\" (one label) or"
					+ " \"**.\" (one or more labels), at most 255 characters");
		}
		String name = stripDot(pattern.toLowerCase(Locale.ROOT));
		if (name.startsWith("**.")) {
			return new ServerNamePattern(pattern, name.substring(2), 2);
		}
		if (name.startsWith("*.")) {
			return new ServerNamePattern(pattern, name.substring(1), 1);
		}
		return new ServerNamePattern(pattern, name, 0);
	}

	public boolean matches(String serverName) {
		String name = stripDot(serverName);
		if (this.wildcard == 0) {
			return name.equalsIgnoreCase(this.suffix);
		}
		int prefixLength = name.length() - this.suffix.length();
		if (prefixLength < 1 || !name.regionMatches(true, prefixLength, this.suffix, 0, this.suffix.length())) {
			return false;
		}
		if (name.charAt(0) == '.' || name.charAt(prefixLength - 1) == '.') {
			return false;
		}
		for (int i = 1; i < prefixLength; i++) {
			if (name.charAt(i) == '.') {
				if (this.wildcard == 1 || name.charAt(i - 1) == '.') {
					return false;
				}
			}
		}
		return true;
	}

	private static String stripDot(String name) {
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	/** The pattern as written. */
	@Override
	public String toString() {
		return this.source;
	}

}
