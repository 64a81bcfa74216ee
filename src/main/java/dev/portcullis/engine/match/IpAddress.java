package dev.portcullis.engine.match;

/**
 * An IPv4 or IPv6 address as two longs (IPv4 in the low 32 bits of {@code low}, {@code high} 0), parsed from
 * text without name resolution.
 */
public record IpAddress(boolean ipv6, long high, long low) {

	/** @throws IllegalArgumentException when the text is not an IPv4 or IPv6 literal */
	public static IpAddress parse(String text) {
		throw new UnsupportedOperationException("TODO");
	}

}
