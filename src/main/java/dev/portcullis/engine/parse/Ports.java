package dev.portcullis.engine.parse;

import java.util.OptionalInt;

import com.google.re2j.Pattern;

/**
 * Port strings as Cilium reads them (pkg/policy/api/rule_validation.go {@code PortProtocol.sanitize},
 * pkg/iana/svcname.go).
 * <p>
 * A port is first tried as an IANA service name (1 to 15 letters, digits and single inner hyphens, at least one
 * letter), which names a container port; otherwise it is parsed like Go's {@code strconv.ParseUint(port, 0, 16)}:
 * decimal, or with a base prefix ({@code 0x}, {@code 0o}, {@code 0b}, or a leading {@code 0} for octal), with
 * underscores allowed between digits. So {@code "010"} is port 8, as in Cilium.
 */
final class Ports {

	/** The CRD's pattern for {@code port} (its alternation is anchored on one side each, as written there). */
	static final Pattern CRD_PATTERN = Pattern.compile(
			"^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$");

	private static final Pattern SERVICE_NAME = Pattern.compile("^([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$");

	private Ports() {
	}

	static boolean isServiceName(String port) {
		return !port.isEmpty() && port.length() <= 15 && SERVICE_NAME.matches(port);
	}

	/** The number Go's {@code ParseUint(text, 0, 16)} gives, or empty when it fails. */
	static OptionalInt parseNumber(String text) {
		if (text.isEmpty()) {
			return OptionalInt.empty();
		}
		int radix = 10;
		String digits = text;
		boolean prefixed = false;
		if (text.length() > 1 && text.charAt(0) == '0') {
			char marker = Character.toLowerCase(text.charAt(1));
			if (marker == 'x' || marker == 'o' || marker == 'b') {
				radix = (marker == 'x') ? 16 : (marker == 'o') ? 8 : 2;
				digits = text.substring(2);
				prefixed = true;
			}
			else {
				radix = 8;
				digits = text.substring(1);
				prefixed = true;
			}
		}
		if (text.indexOf('_') >= 0 && !underscoresOk(text)) {
			return OptionalInt.empty();
		}
		digits = digits.replace("_", "");
		if (digits.isEmpty()) {
			return prefixed && radix == 8 ? OptionalInt.of(0) : OptionalInt.empty();
		}
		long value = 0;
		for (int i = 0; i < digits.length(); i++) {
			int digit = Character.digit(digits.charAt(i), radix);
			if (digit < 0) {
				return OptionalInt.empty();
			}
			value = value * radix + digit;
			if (value > 65535) {
				return OptionalInt.empty();
			}
		}
		return OptionalInt.of((int) value);
	}

	/** Go's {@code underscoreOK}: underscores only between digits, or right after a base prefix. */
	private static boolean underscoresOk(String text) {
		char previous = '^';
		int i = 0;
		boolean hex = false;
		if (text.length() >= 2 && text.charAt(0) == '0'
				&& "xXoObB".indexOf(text.charAt(1)) >= 0) {
			hex = Character.toLowerCase(text.charAt(1)) == 'x';
			i = 2;
			previous = '0';
		}
		boolean sawDigit = false;
		for (; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean digit = Character.isDigit(c) || (hex && Character.digit(c, 16) >= 0);
			if (digit) {
				previous = '0';
				sawDigit = true;
			}
			else if (c == '_') {
				if (previous != '0') {
					return false;
				}
				previous = '_';
			}
			else {
				previous = '!';
			}
		}
		return sawDigit && previous != '_';
	}

}
