package dev.portcullis.identity;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a request whose {@code Authorization} header is malformed with 401 problem+json (audited as a failed
 * {@code auth.signin}), before CSRF is checked and before any authentication: such a request must never fall
 * back to the session, whose writes would then skip CSRF (a Basic header exempts a request from it).
 * <p>
 * Malformed: more than one {@code Authorization} header; {@code Basic} whose credentials are not base64 of
 * {@code username:password}; on the API also {@code Bearer} without a single token, and any other scheme (the
 * API accepts only these two). Pages accept only Basic; another scheme there is left alone, so that the request
 * is treated as a session request and needs the CSRF token.
 */
final class AuthorizationHeaderFilter implements WebFilter {

	private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

	private final boolean api;

	private final SecurityResponses responses;

	private final AuditLog audit;

	AuthorizationHeaderFilter(boolean api, SecurityResponses responses, AuditLog audit) {
		this.api = api;
		this.responses = responses;
		this.audit = audit;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		List<String> values = exchange.getRequest().getHeaders().getOrEmpty(HttpHeaders.AUTHORIZATION);
		if (values.isEmpty()) {
			return chain.filter(exchange);
		}
		String problem = (values.size() > 1) ? "send one Authorization header, not " + values.size() + "."
				: problem(values.get(0));
		if (problem == null) {
			return chain.filter(exchange);
		}
		String scheme = values.get(0).strip().split("\\s", 2)[0].toLowerCase(Locale.ROOT);
		String method = switch (scheme) {
			case "basic", "bearer" -> scheme;
			default -> "other";
		};
		return this.audit
			.record(new AuditLog.Event(Actor.ANONYMOUS, "auth.signin", AuditLog.Outcome.FAILURE, null, null,
					Actor.clientAddress(exchange),
					Map.of("method", method, "reason", "malformed Authorization header")))
			.then(this.responses.unauthenticated(exchange,
					SignInRefused.malformed("The Authorization header is malformed: " + problem)));
	}

	/** What is wrong with the header, or null when it is well-formed (or none of this filter's business). */
	private @Nullable String problem(String header) {
		// the same reading as Spring Security's Basic converter, which ignores (falls through on) what it cannot read
		if (header.regionMatches(true, 0, "basic", 0, 5)) {
			return basicProblem((header.length() > 6) ? header.substring(6) : "");
		}
		if (!this.api) {
			return null;
		}
		if (header.regionMatches(true, 0, "bearer ", 0, 7)) {
			return TOKEN68.matcher(header.substring(7).strip()).matches() ? null
					: "Bearer needs one API token (\"Authorization: Bearer pcl_...\").";
		}
		return "the API accepts the schemes Bearer (API tokens) and Basic only.";
	}

	private static @Nullable String basicProblem(String credentials) {
		try {
			String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
			if (!credentials.isEmpty() && decoded.contains(":")) {
				return null;
			}
		}
		catch (IllegalArgumentException ex) {
			// not base64
		}
		return "Basic needs base64 of \"username:password\".";
	}

}
