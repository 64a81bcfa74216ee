package dev.portcullis.identity;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;

/** An unchecked {@code Authorization: Bearer <token>} from a request; {@link ApiTokens} checks it. */
final class BearerToken extends AbstractAuthenticationToken {

	private final String token;

	private BearerToken(String token) {
		super(List.of());
		this.token = token;
	}

	String token() {
		return this.token;
	}

	@Override
	public Object getCredentials() {
		return this.token;
	}

	@Override
	public Object getPrincipal() {
		return "";
	}

	/** The header's value after {@code Bearer }, or null when the request has no bearer header. */
	static @Nullable String header(ServerWebExchange exchange) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return authorization.substring(7).trim();
	}

	static Mono<Authentication> from(ServerWebExchange exchange) {
		String token = header(exchange);
		return (token != null) ? Mono.just(new BearerToken(token)) : Mono.empty();
	}

	@Override
	public String toString() {
		return "BearerToken[redacted]";
	}

}
