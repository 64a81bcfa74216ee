package dev.portcullis.engine.match;

import java.util.Locale;

/**
 * IANA service names as named ports (pkg/iana/svcname.go, RFC 6335 §5.1): 1 to 15 characters of ASCII letters,
 * digits and hyphens, at least one letter, no leading, trailing or doubled hyphen. Cilium lower-cases them for
 * comparison, so {@code HTTP} and {@code http} name the same port. Note that {@code 0x10} is a name, not 16.
 */
public final class IanaServiceName {

	private IanaServiceName() {
	}

	public static boolean isValid(String name) {
		int length = name.length();
		if (length < 1 || length > 15 || name.charAt(0) == '-' || name.charAt(length - 1) == '-') {
			return false;
		}
		boolean letter = false;
		for (int i = 0; i < length; i++) {
			char c = name.charAt(i);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				letter = true;
			}
			else if (c == '-') {
				if (name.charAt(i - 1) == '-') {
					return false;
				}
			}
			else if (c < '0' || c > '9') {
				return false;
			}
		}
		return letter;
	}

	/** The form names are compared in (lower case). */
	public static String normalize(String name) {
		return name.toLowerCase(Locale.ROOT);
	}

}
