package dev.portcullis.replay.recommend;

import java.util.regex.Pattern;

import dev.portcullis.simulation.Suggestions;

/**
 * HTTP paths with identifiers generalised to an RE2 regex that Envoy matches against the whole {@code :path}:
 * a segment of digits becomes {@code [0-9]+}, a UUID {@code [0-9a-fA-F]{8}-...-[0-9a-fA-F]{12}}, a run of at least
 * eight hex digits holding a digit {@code [0-9a-fA-F]+}; every other character is matched literally
 * ({@link Suggestions#anchored}). A query string is allowed as {@code (\?.*)?}, since Envoy's {@code :path} carries
 * it and its values are rarely the same twice. {@code /orders/1234/items?limit=5} becomes
 * {@code /orders/[0-9]+/items(\?.*)?}.
 */
final class PathPatterns {

	static final String DIGITS = "[0-9]+";

	static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

	static final String HEX = "[0-9a-fA-F]+";

	static final String QUERY = "(\\?.*)?";

	private static final Pattern IS_DIGITS = Pattern.compile("[0-9]+");

	private static final Pattern IS_UUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	private static final Pattern IS_HEX = Pattern.compile("(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}");

	private PathPatterns() {
	}

	/**
	 * The pattern of a request.
	 *
	 * @param regex the RE2 regex for the rule's {@code path}
	 * @param generalised whether an identifier or a query string was generalised (else it matches one path only)
	 */
	record PathPattern(String regex, boolean generalised) {
	}

	/** The path (and query) of a Hubble URL: {@code http://host:80/a?b} is {@code /a?b}, as Envoy's :path. */
	static String pathOf(String url) {
		int fragment = url.indexOf('#');
		String target = (fragment >= 0) ? url.substring(0, fragment) : url;
		int scheme = target.indexOf("://");
		String path = target;
		if (scheme >= 0 && target.lastIndexOf('/', scheme) < 0 && target.lastIndexOf('?', scheme) < 0) {
			int end = scheme + 3;
			while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
				end++;
			}
			path = target.substring(end);
		}
		if (path.isEmpty() || path.charAt(0) == '?') {
			path = "/" + path;
		}
		return path;
	}

	/** The generalised pattern of a URL's path. */
	static PathPattern of(String url) {
		String full = pathOf(url);
		int query = full.indexOf('?');
		String path = (query >= 0) ? full.substring(0, query) : full;
		StringBuilder regex = new StringBuilder();
		boolean generalised = query >= 0;
		String[] segments = path.split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			if (i > 0) {
				regex.append('/');
			}
			String segment = segments[i];
			if (IS_DIGITS.matcher(segment).matches()) {
				regex.append(DIGITS);
				generalised = true;
			}
			else if (IS_UUID.matcher(segment).matches()) {
				regex.append(UUID);
				generalised = true;
			}
			else if (IS_HEX.matcher(segment).matches()) {
				regex.append(HEX);
				generalised = true;
			}
			else {
				regex.append(Suggestions.anchored(segment));
			}
		}
		if (query >= 0) {
			regex.append(QUERY);
		}
		return new PathPattern(regex.toString(), generalised);
	}

}
