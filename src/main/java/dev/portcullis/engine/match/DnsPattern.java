package dev.portcullis.engine.match;

/**
 * A DNS name matcher: {@code matchName} (exact, case-insensitive, trailing dot optional) or
 * {@code matchPattern} (pkg/fqdn/matchpattern, v1.19.4: {@code *} = zero or more DNS characters within a label,
 * a leading {@code **.} = one or more whole labels, a pattern of only stars = every name). Compiled once to an
 * anchored RE2J regex; names are lower-cased and dot-terminated before matching.
 */
public final class DnsPattern {

	/** @throws IllegalArgumentException when the name is not allowed ({@code ^([-a-zA-Z0-9_]+[.]?)+$}, ≤255) */
	public static DnsPattern matchName(String name) {
		throw new UnsupportedOperationException("TODO");
	}

	/** @throws IllegalArgumentException when the pattern is not allowed ({@code ^([-a-zA-Z0-9_*]+[.]?)+$}, ≤255) */
	public static DnsPattern matchPattern(String pattern) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean matches(String dnsName) {
		throw new UnsupportedOperationException("TODO");
	}

	/** The anchored regex this compiles to, as Cilium would build it. */
	public String regex() {
		throw new UnsupportedOperationException("TODO");
	}

}
