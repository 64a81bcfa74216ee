package dev.portcullis.engine.match;

import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 prefix ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare address is a host prefix
 * (/32 or /128). Parsed without any name resolution. IPv4-mapped IPv6 addresses are not IPv4.
 * <p>
 * Follows Go's {@code netip.ParsePrefix} as Cilium uses it (pkg/labels/cidr.go {@code IPStringToLabel},
 * pkg/policy/api/rule_validation.go): the prefix length is decimal without sign or leading zeros and within the
 * family's bit length; host bits may be set ({@code 10.1.2.3/8}) and are masked away, so the address of a parsed
 * prefix is always its network address ({@code 10.0.0.0/8}). Use {@link #hasHostBits(String)} to lint them.
 */
public record Cidr(IpAddress address, int prefixLength) {

	public Cidr {
		if (prefixLength < 0 || prefixLength > address.bitLength()) {
			throw new IllegalArgumentException("Prefix length " + prefixLength + " is outside 0.."
					+ address.bitLength() + " for " + address);
		}
		address = mask(address, prefixLength);
	}

	/**
	 * Parses prefix notation or a bare address.
	 * @throws IllegalArgumentException with a message quoting the text and saying what is allowed
	 */
	public static Cidr parse(String text) {
		Cidr cidr = tryParse(text);
		if (cidr == null) {
			throw new IllegalArgumentException(describeInvalid(text));
		}
		return cidr;
	}

	/** The prefix, or null when {@code text} is neither prefix notation nor a bare address. */
	public static @Nullable Cidr tryParse(String text) {
		int slash = text.indexOf('/');
		if (slash < 0) {
			IpAddress address = IpAddress.tryParse(text);
			return (address != null) ? new Cidr(address, address.bitLength()) : null;
		}
		IpAddress address = IpAddress.tryParse(text.substring(0, slash));
		int bits = parseBits(text, slash + 1);
		if (address == null || bits < 0 || bits > address.bitLength()) {
			return null;
		}
		return new Cidr(address, bits);
	}

	private static String describeInvalid(String text) {
		int slash = text.indexOf('/');
		String address = (slash < 0) ? text : text.substring(0, slash);
		if (address.indexOf('%') >= 0) {
			return "\"" + text + "\" is not a CIDR: zones (\"%...\") are not allowed";
		}
		if (IpAddress.tryParse(address) == null) {
			return "\"" + text + "\" is not a CIDR: \"" + address
					+ "\" is not an IPv4 (10.0.0.0) or IPv6 (2001:db8::) address";
		}
		return "\"" + text + "\" is not a CIDR: the prefix length after \"/\" must be a decimal number without"
				+ " leading zeros, 0..32 for IPv4 and 0..128 for IPv6";
	}

	/** Parses decimal digits without sign or leading zero up to the end; -1 when invalid. */
	private static int parseBits(String text, int from) {
		int length = text.length() - from;
		if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
			return -1;
		}
		int value = 0;
		for (int i = from; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

	/** Whether {@code text} was in prefix notation ({@code a/n}); toCIDRSet's {@code cidr} requires it. */
	public static boolean isPrefixNotation(String text) {
		return text.indexOf('/') >= 0;
	}

	/**
	 * Whether {@code text} parses as a prefix whose address has bits set beyond the prefix length
	 * ({@code 10.1.2.3/8}); Cilium accepts and masks them, a linter may warn.
	 */
	public static boolean hasHostBits(String text) {
		int slash = text.indexOf('/');
		Cidr cidr = tryParse(text);
		if (slash < 0 || cidr == null) {
			return false;
		}
		return !cidr.address().equals(IpAddress.tryParse(text.substring(0, slash)));
	}

	public boolean contains(IpAddress ip) {
		return ip.ipv6() == this.address.ipv6() && mask(ip, this.prefixLength).equals(this.address);
	}

	/** Whether {@code other} lies wholly inside this prefix (same family). */
	public boolean contains(Cidr other) {
		return other.prefixLength >= this.prefixLength && contains(other.address);
	}

	/** Whether the two prefixes share at least one address. */
	public boolean overlaps(Cidr other) {
		return contains(other) || other.contains(this);
	}

	static IpAddress mask(IpAddress address, int bits) {
		if (!address.ipv6()) {
			long mask = (bits == 0) ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
			long low = address.low() & mask;
			return (low == address.low()) ? address : new IpAddress(false, 0, low);
		}
		long highMask = (bits >= 64) ? -1L : ((bits == 0) ? 0 : -1L << (64 - bits));
		long lowMask = (bits <= 64) ? 0 : ((bits == 128) ? -1L : -1L << (128 - bits));
		long high = address.high() & highMask;
		long low = address.low() & lowMask;
		return (high == address.high() && low == address.low()) ? address : new IpAddress(true, high, low);
	}

	/** Prefix notation with the network address, for example {@code 10.0.0.0/8}. */
	@Override
	public String toString() {
		return this.address + "/" + this.prefixLength;
	}

}
