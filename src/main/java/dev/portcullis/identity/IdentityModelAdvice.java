package dev.portcullis.identity;

import reactor.core.publisher.Mono;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;

/**
 * Puts what every page needs from identity into its model: {@code _csrf} (the CSRF token; the layout declares
 * it in {@code <meta>} for htmx, and forms with {@code th:action} get a hidden field) and {@code currentUser}
 * (the {@link SignedInUser}; absent when nobody is signed in). Pages accept only sessions and HTTP Basic, whose
 * principal is always a {@code SignedInUser}. API requests get neither, so that they never start a session.
 */
@ControllerAdvice
class IdentityModelAdvice {

	@ModelAttribute("_csrf")
	Mono<CsrfToken> csrfToken(ServerWebExchange exchange) {
		Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
		if (token == null || isApi(exchange)) {
			return Mono.empty();
		}
		return token.doOnSuccess((value) -> {
			if (value != null) {
				exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, value);
			}
		});
	}

	@ModelAttribute("currentUser")
	Mono<SignedInUser> currentUser(ServerWebExchange exchange) {
		if (isApi(exchange)) {
			return Mono.empty();
		}
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.mapNotNull(SignedInUser::of);
	}

	private static boolean isApi(ServerWebExchange exchange) {
		return exchange.getRequest().getPath().value().startsWith("/api/v1/");
	}

}
