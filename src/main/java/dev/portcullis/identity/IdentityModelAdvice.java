package dev.portcullis.identity;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
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
 * (absent when nobody is signed in). API requests get neither, so that they never start a session.
 */
@ControllerAdvice
class IdentityModelAdvice {

	/**
	 * The signed-in user as the layout shows them.
	 *
	 * @param admin whether the user may see the administration pages
	 */
	record CurrentUser(String username, String displayName, Role role, boolean admin) {

		static @Nullable CurrentUser of(Authentication authentication) {
			Actor actor = CurrentActor.of(authentication);
			if (actor.kind() == Actor.Kind.ANONYMOUS || actor.role() == null) {
				return null;
			}
			SignedInUser user = SignedInUser.of(authentication);
			String displayName = (user != null) ? user.displayName() : actor.username();
			return new CurrentUser(actor.username(), displayName, actor.role(), actor.role().includes(Role.ADMIN));
		}

	}

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
	Mono<CurrentUser> currentUser(ServerWebExchange exchange) {
		if (isApi(exchange)) {
			return Mono.empty();
		}
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.mapNotNull(CurrentUser::of);
	}

	private static boolean isApi(ServerWebExchange exchange) {
		return exchange.getRequest().getPath().value().startsWith("/api/v1/");
	}

}
