package dev.portcullis.engine.match;

/**
 * An IPv4 or IPv6 prefix ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a host prefix
 * (/32 or /128). Parsed without any name resolution. IPv4-mapped IPv6 addresses are not IPv4.
 */
public record Cidr(IpAddress address, int prefixLength) {

	/**
	 * Parses prefix notation or a bare address.
	 * @throws IllegalArgumentException with a message quoting the text and saying what is allowed
	 */
	public static Cidr parse(String text) {
		throw new UnsupportedOperationException("TODO");
	}

	/** Whether {@code text} was in prefix notation ({@code a/n}); toCIDRSet's {@code cidr} requires it. */
	public static boolean isPrefixNotation(String text) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean contains(IpAddress ip) {
		throw new UnsupportedOperationException("TODO");
	}

	/** Whether {@code other} lies wholly inside this prefix (same family). */
	public boolean contains(Cidr other) {
		throw new UnsupportedOperationException("TODO");
	}

}
