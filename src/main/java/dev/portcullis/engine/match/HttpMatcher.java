package dev.portcullis.engine.match;

import java.util.List;
import java.util.Optional;

import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.flow.Flow.Header;

/**
 * A compiled HTTP rule as Envoy applies it: {@code path}, {@code method}, {@code host} are RE2 regexes that must
 * match the whole {@code :path} (with its query string), {@code :method} and {@code :authority} (with its port,
 * if the request carries one); {@code headers} entries require presence or an exact value; {@code headerMatches}
 * compare exactly, and a mismatch fails the rule unless {@code mismatch} is LOG, ADD, DELETE or REPLACE. Header
 * names are case-insensitive. All set fields must match.
 */
public final class HttpMatcher {

	/** The request as the proxy sees it. */
	public record Request(String method, String path, String authority, List<Header> headers) {
	}

	/** Compiles a rule the parser has validated (its regexes compile). */
	public static HttpMatcher compile(HttpRule rule) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean matches(Request request) {
		throw new UnsupportedOperationException("TODO");
	}

	/** The RE2 syntax error of {@code regex}, quoting it, or empty when it compiles. */
	public static Optional<String> regexError(String regex) {
		throw new UnsupportedOperationException("TODO");
	}

}
