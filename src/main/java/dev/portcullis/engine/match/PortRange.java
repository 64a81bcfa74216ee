package dev.portcullis.engine.match;

import java.util.OptionalInt;

/**
 * An inclusive port range a {@code toPorts} entry covers; {@code 0..65535} is every port.
 * <p>
 * Built from {@code port}/{@code endPort} as Cilium's datapath does (pkg/policy/portrange.go
 * {@code PortRangeToMaskedPorts}, used by pkg/policy/l4.go {@code toMapState}): port 0 with endPort 0 (or 65535)
 * is every port; port 0 with another endPort is {@code 0..endPort}, not every port; an {@code endPort} of 0 or not
 * above {@code port} means the single {@code port} (so {@code port: 90, endPort: 80} covers only 90, it is not an
 * error and not a reversed range). A named port's {@code endPort} applies the same way to the port the name
 * resolves to.
 */
public record PortRange(int from, int to) {

	/** Every port. */
	public static final PortRange ALL = new PortRange(0, 65535);

	public PortRange {
		if (from < 0 || to > 65535 || from > to) {
			throw new IllegalArgumentException("Port range " + from + "-" + to + " is not within 0..65535");
		}
	}

	/** The range for a numeric {@code port} (0..65535) and {@code endPort} (0 = none). */
	public static PortRange of(int port, int endPort) {
		if (port == 0 && (endPort == 0 || endPort == 65535)) {
			return ALL;
		}
		if (endPort <= port) {
			return new PortRange(port, port);
		}
		return new PortRange(port, Math.min(endPort, 65535));
	}

	/**
	 * A numeric {@code port} string as Cilium reads it ({@code strconv.ParseUint(port, 0, 16)} after
	 * {@link IanaServiceName#isValid(String)} says it is not a name): decimal, or octal with a leading {@code 0}
	 * ({@code "010"} is port 8), digits optionally separated by single underscores; empty when not a number in
	 * 0..65535 (then it is a named port or invalid).
	 */
	public static OptionalInt parsePort(String text) {
		if (text.isEmpty() || IanaServiceName.isValid(text)) {
			return OptionalInt.empty();
		}
		int radix = 10;
		int start = 0;
		if (text.length() > 1 && text.charAt(0) == '0') {
			radix = 8;
			start = 1;
			if (text.charAt(1) == '_') {
				start = 2;
			}
		}
		if (start >= text.length()) {
			return OptionalInt.empty();
		}
		long value = 0;
		boolean lastUnderscore = false;
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '_') {
				if (lastUnderscore || i == start || i == text.length() - 1) {
					return OptionalInt.empty();
				}
				lastUnderscore = true;
				continue;
			}
			lastUnderscore = false;
			int digit = c - '0';
			if (digit < 0 || digit >= radix) {
				return OptionalInt.empty();
			}
			value = value * radix + digit;
			if (value > 65535) {
				return OptionalInt.empty();
			}
		}
		return OptionalInt.of((int) value);
	}

	public boolean contains(int port) {
		return port >= this.from && port <= this.to;
	}

	public boolean isSinglePort() {
		return this.from == this.to;
	}

	public boolean isAll() {
		return this.from == 0 && this.to == 65535;
	}

	/** {@code 80}, {@code 8000-8080}, or {@code 0-65535}. */
	@Override
	public String toString() {
		return (this.from == this.to) ? Integer.toString(this.from) : this.from + "-" + this.to;
	}

}
