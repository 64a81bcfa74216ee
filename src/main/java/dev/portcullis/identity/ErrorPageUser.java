package dev.portcullis.identity;

import dev.portcullis.web.ErrorPageAttributes;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * When a page request ends in an error, leaves the signed-in user and the CSRF token in the exchange's attributes
 * ({@link ErrorPageAttributes}), so that the error page shows the navigation, the user and sign-out like every other
 * page. It wraps the security filters, so a refusal by role (403) gets them too; the user is read from the session
 * (browsers sign in with one), as {@link SecurityResponses} does for denials.
 */
@Component
class ErrorPageUser implements WebFilter, Ordered {

	/** Just outside Spring Security's filter chain (order -100). */
	static final int ORDER = -101;

	private final FreshSessionContextRepository sessions;

	ErrorPageUser(FreshSessionContextRepository sessions) {
		this.sessions = sessions;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange).onErrorResume((error) -> remember(exchange).then(Mono.error(error)));
	}

	private Mono<Void> remember(ServerWebExchange exchange) {
		if (exchange.getRequest().getPath().value().startsWith("/api/")) {
			return Mono.empty();
		}
		return this.sessions.load(exchange)
			.mapNotNull(SecurityContext::getAuthentication)
			.mapNotNull(SignedInUser::of)
			.flatMap((user) -> {
				exchange.getAttributes().put(ErrorPageAttributes.CURRENT_USER, user);
				Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
				return (token != null)
						? token.doOnNext((value) -> exchange.getAttributes().put(ErrorPageAttributes.CSRF, value)).then()
						: Mono.<Void>empty();
			})
			// the error page is shown without the user rather than not at all
			.onErrorResume((ignored) -> Mono.empty())
			.then();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
