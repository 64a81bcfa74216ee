package dev.portcullis.engine.match;

import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address as two longs (IPv4 in the low 32 bits of {@code low}, {@code high} 0), parsed from
 * text without name resolution.
 * <p>
 * Parsing follows Go's {@code netip.ParseAddr}, which Cilium uses for policy CIDRs: IPv4 is exactly four decimal
 * octets without leading zeros ({@code 010.0.0.1} is rejected); IPv6 has up to eight groups of one to four hex
 * digits, at most one {@code ::}, and may end in an embedded IPv4 address ({@code ::ffff:1.2.3.4}, which stays an
 * IPv6 address). Zones ({@code fe80::1%eth0}), brackets and surrounding spaces are rejected.
 * {@link #toString()} prints the canonical form (RFC 5952, as Go prints it).
 */
public record IpAddress(boolean ipv6, long high, long low) {

	public IpAddress {
		if (!ipv6 && (high != 0 || (low >>> 32) != 0)) {
			throw new IllegalArgumentException("An IPv4 address has only 32 bits");
		}
	}

	/** @throws IllegalArgumentException when the text is not an IPv4 or IPv6 literal */
	public static IpAddress parse(String text) {
		IpAddress address = tryParse(text);
		if (address == null) {
			throw new IllegalArgumentException(describeInvalid(text));
		}
		return address;
	}

	/** The address, or null when {@code text} is not an IPv4 or IPv6 literal. */
	public static @Nullable IpAddress tryParse(String text) {
		if (text.indexOf(':') >= 0) {
			return parseIpv6(text);
		}
		long v4 = parseIpv4(text, 0);
		return (v4 >= 0) ? new IpAddress(false, 0, v4) : null;
	}

	/** An IPv4 address from its 32 bits. */
	public static IpAddress ipv4(int bits) {
		return new IpAddress(false, 0, bits & 0xFFFF_FFFFL);
	}

	static String describeInvalid(String text) {
		if (text.indexOf('%') >= 0) {
			return "\"" + text + "\" is not an IP address: zones (\"%...\") are not allowed";
		}
		return "\"" + text + "\" is not an IP address: expected an IPv4 (10.0.0.1) or IPv6 (2001:db8::1) literal";
	}

	/** 32 for IPv4, 128 for IPv6. */
	public int bitLength() {
		return this.ipv6 ? 128 : 32;
	}

	/** Parses a dotted quad starting at {@code from} to the end of {@code s}; -1 when invalid. */
	private static long parseIpv4(String s, int from) {
		long result = 0;
		int fields = 0;
		int i = from;
		int length = s.length();
		while (true) {
			int start = i;
			int value = 0;
			while (i < length && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
				value = value * 10 + (s.charAt(i) - '0');
				i++;
				if (i - start > 3) {
					return -1;
				}
			}
			int digits = i - start;
			if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
				return -1;
			}
			result = (result << 8) | value;
			fields++;
			if (i == length) {
				break;
			}
			if (s.charAt(i) != '.' || fields == 4) {
				return -1;
			}
			i++;
		}
		return (fields == 4) ? result : -1;
	}

	private static @Nullable IpAddress parseIpv6(String s) {
		int[] groups = new int[8];
		int count = 0;
		int ellipsis = -1;
		int length = s.length();
		int i = 0;
		if (length >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
			ellipsis = 0;
			i = 2;
			if (i == length) {
				return fromGroups(groups);
			}
		}
		while (i < length) {
			if (count == 8) {
				return null;
			}
			int start = i;
			int value = 0;
			while (i < length && hexValue(s.charAt(i)) >= 0) {
				if (i - start == 4) {
					return null;
				}
				value = (value << 4) | hexValue(s.charAt(i));
				i++;
			}
			if (i < length && s.charAt(i) == '.') {
				if ((ellipsis < 0 && count != 6) || count > 6) {
					return null;
				}
				long v4 = parseIpv4(s, start);
				if (v4 < 0) {
					return null;
				}
				groups[count++] = (int) (v4 >>> 16);
				groups[count++] = (int) (v4 & 0xFFFF);
				i = length;
				break;
			}
			if (i == start) {
				return null;
			}
			groups[count++] = value;
			if (i == length) {
				break;
			}
			if (s.charAt(i) != ':') {
				return null;
			}
			i++;
			if (i == length) {
				return null;
			}
			if (s.charAt(i) == ':') {
				if (ellipsis >= 0) {
					return null;
				}
				ellipsis = count;
				i++;
				if (i == length) {
					break;
				}
			}
		}
		if (ellipsis < 0) {
			return (count == 8) ? fromGroups(groups) : null;
		}
		int shift = 8 - count;
		for (int j = count - 1; j >= ellipsis; j--) {
			groups[j + shift] = groups[j];
		}
		for (int j = ellipsis; j < ellipsis + shift; j++) {
			groups[j] = 0;
		}
		return fromGroups(groups);
	}

	private static IpAddress fromGroups(int[] groups) {
		long high = 0;
		long low = 0;
		for (int j = 0; j < 4; j++) {
			high = (high << 16) | groups[j];
			low = (low << 16) | groups[j + 4];
		}
		return new IpAddress(true, high, low);
	}

	private static int hexValue(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		return -1;
	}

	private int group(int index) {
		long word = (index < 4) ? this.high : this.low;
		return (int) ((word >>> (16 * (3 - (index & 3)))) & 0xFFFF);
	}

	@Override
	public String toString() {
		if (!this.ipv6) {
			return (this.low >>> 24) + "." + ((this.low >>> 16) & 0xFF) + "." + ((this.low >>> 8) & 0xFF) + "."
					+ (this.low & 0xFF);
		}
		if (this.high == 0 && (this.low >>> 32) == 0xFFFFL) {
			return "::ffff:" + ipv4((int) this.low);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int j = 0; j < 8;) {
			if (group(j) != 0) {
				j++;
				continue;
			}
			int start = j;
			while (j < 8 && group(j) == 0) {
				j++;
			}
			if (j - start > bestLength) {
				bestStart = start;
				bestLength = j - start;
			}
		}
		StringBuilder text = new StringBuilder(39);
		for (int j = 0; j < 8; j++) {
			if (j == bestStart) {
				text.append("::");
				j += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(group(j)));
		}
		return text.toString();
	}

}
