package dev.portcullis.engine.match;

import java.util.Locale;

import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A TLS {@code serverNames} entry: an exact name, {@code *.example.com} (exactly one label) or
 * {@code **.example.com} (one or more labels); case-insensitive.
 * <p>
 * Follows the bundled cilium.io/v2 CRD ({@code ServerName}: pattern {@code ^([-a-zA-Z0-9_*]+[.]?)+$}, at most 255
 * characters) and cilium/cilium#43674 (cilium/proxy SNI patterns, backported to the proxy 1.19 uses), which give
 * server names the {@link DnsPattern} wildcard rules: {@code *} matches zero or more DNS characters anywhere
 * within one label ({@code *cilium.io} matches {@code cilium.io} and {@code subcilium.io}, not
 * {@code www.cilium.io}); a leading {@code **.} matches one or more labels; a pattern of only stars matches every
 * well-formed name. The prefix-only forms of earlier releases ({@code *.x.y}, {@code **.x.y}) keep their meaning. A
 * trailing dot on the pattern or the server name is ignored (an SNI never carries one).
 * <p>
 * Which spellings a policy may use depends on its Cilium version: the 1.18/1.19 CRD accepts a wildcard only as a
 * leading {@code *.} or {@code **.} (pkg/policy/api/l4.go {@code ServerName} pattern
 * {@code ^(\*?\*\.)?([-a-zA-Z0-9_]+\.?)+$}), the 1.20 CRD a {@code *} anywhere; the parser checks the
 * target version, this class matches every accepted form.
 */
public final class ServerNamePattern {

	private static final Pattern ALLOWED = Pattern.compile("^([-a-zA-Z0-9_*]+[.]?)+$");

	private final String source;

	/** The lower-cased name without trailing dot when the pattern has no wildcard. */
	private final @Nullable String exactName;

	private final @Nullable Pattern pattern;

	private ServerNamePattern(String source, @Nullable String exactName, @Nullable Pattern pattern) {
		this.source = source;
		this.exactName = exactName;
		this.pattern = pattern;
	}

	/** @throws IllegalArgumentException when not {@code ^([-a-zA-Z0-9_*]+[.]?)+$} or over 255 characters */
	public static ServerNamePattern parse(String pattern) {
		if (pattern.length() > 255 || !ALLOWED.matches(pattern)) {
			throw new IllegalArgumentException("serverNames entry \"" + pattern + "\" is not allowed: use labels of"
					+ " letters, digits, '-', '_' and '*' separated by single dots (\"*\" matches within a label,"
					+ " a leading \"**.\" one or more labels), at most 255 characters");
		}
		if (pattern.indexOf('*') < 0) {
			String name = pattern.toLowerCase(Locale.ROOT);
			return new ServerNamePattern(pattern, stripDot(name), null);
		}
		return new ServerNamePattern(pattern, null, Pattern.compile(DnsPattern.toRegex(pattern)));
	}

	public boolean matches(String serverName) {
		if (this.exactName != null) {
			return stripDot(serverName).equalsIgnoreCase(this.exactName);
		}
		return this.pattern.matches(DnsPattern.normalize(serverName));
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
