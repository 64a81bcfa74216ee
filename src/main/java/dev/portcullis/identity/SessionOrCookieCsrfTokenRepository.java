package dev.portcullis.identity;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.WebSessionServerCsrfTokenRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Where the CSRF token lives: in the session when the request has one (a signed-in user), else in an HttpOnly,
 * SameSite=Lax cookie {@code XSRF-TOKEN}. So an anonymous visitor of the sign-in page gets a token without a
 * server-side session (sessions are a bounded resource, {@link WebSessions}), and a signed-in user's token is
 * bound to their session and fresh after sign-in. Pages read the (masked) token from the model either way; the
 * header is {@code X-CSRF-TOKEN}, the form field {@code _csrf}. Saving a token to the session changes the
 * session's id (Spring's session repository does), so the sign-in creates the session's token at once
 * ({@code SecurityConfig}).
 */
final class SessionOrCookieCsrfTokenRepository implements ServerCsrfTokenRepository {

	static final String COOKIE = "XSRF-TOKEN";

	private final WebSessionServerCsrfTokenRepository session = new WebSessionServerCsrfTokenRepository();

	private final CookieServerCsrfTokenRepository cookie = new CookieServerCsrfTokenRepository();

	SessionOrCookieCsrfTokenRepository() {
		this.cookie.setCookieName(COOKIE);
		this.cookie.setHeaderName("X-CSRF-TOKEN");
		this.cookie.setCookieCustomizer((builder) -> builder.sameSite("Lax"));
	}

	@Override
	public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
		return inSession(exchange).flatMap((session) -> session ? this.session.generateToken(exchange)
				: this.cookie.generateToken(exchange));
	}

	@Override
	public Mono<Void> saveToken(ServerWebExchange exchange, @Nullable CsrfToken token) {
		if (token == null) {
			// a sign-out: an ended (or never started) session is left alone, since Spring's session repository
			// changes the session's id, which would put it back into the store under a new one
			return inSession(exchange)
				.flatMap((session) -> session ? this.session.saveToken(exchange, null) : Mono.<Void>empty())
				.then(this.cookie.saveToken(exchange, null));
		}
		return inSession(exchange).flatMap((session) -> {
			if (!session) {
				return this.cookie.saveToken(exchange, token);
			}
			// the sign-in page's cookie token is not needed once the session holds one
			Mono<Void> clearCookie = exchange.getRequest().getCookies().containsKey(COOKIE)
					? this.cookie.saveToken(exchange, null) : Mono.empty();
			return this.session.saveToken(exchange, token).then(clearCookie);
		});
	}

	@Override
	public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
		return inSession(exchange).flatMap((session) -> session ? this.session.loadToken(exchange)
				: this.cookie.loadToken(exchange));
	}

	private static Mono<Boolean> inSession(ServerWebExchange exchange) {
		return exchange.getSession().map(WebSession::isStarted).defaultIfEmpty(false);
	}

}
