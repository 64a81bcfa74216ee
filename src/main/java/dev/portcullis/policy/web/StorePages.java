package dev.portcullis.policy.web;

import java.util.function.Function;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * What every store page shares: the model attributes {@code links}, {@code moments}, {@code diffRows}, {@code canWrite} (whether
 * to show write buttons) and {@code canAdmin} (whether to offer the agent settings' form; the server checks the role
 * on every request regardless), and how a page answers a full
 * request, an htmx request and a redirect.
 */
@ControllerAdvice(basePackageClasses = StorePages.class)
class StorePages {

	@ModelAttribute("links")
	Links links() {
		return Links.INSTANCE;
	}

	@ModelAttribute("moments")
	Moments moments() {
		return Moments.INSTANCE;
	}

	@ModelAttribute("diffRows")
	DiffRows diffRows() {
		return DiffRows.INSTANCE;
	}

	@ModelAttribute("canWrite")
	Mono<Boolean> canWrite(ServerWebExchange exchange) {
		return Actor.current(exchange).map((actor) -> actor.has(Role.AUTHOR));
	}

	/** Whether to show the agent settings' edit form (an administrator's); the server checks again. */
	@ModelAttribute("canAdmin")
	Mono<Boolean> canAdmin(ServerWebExchange exchange) {
		return Actor.current(exchange).map((actor) -> actor.has(Role.ADMIN));
	}

	/**
	 * The view for this request: the whole template, or for an htmx request one fragment of it. Either way the
	 * response varies on {@code HX-Request}.
	 */
	static Rendering.Builder<?> view(ServerWebExchange exchange, String template, String fragment) {
		Htmx.varyOnRequest(exchange);
		return Rendering.view(Htmx.isPartial(exchange) ? template + " :: " + fragment : template);
	}

	/**
	 * Sends the browser to {@code location} after a change: a 303 for a plain form, {@code HX-Redirect} for htmx
	 * (which would otherwise swap the followed page into the form).
	 */
	static Rendering redirect(ServerWebExchange exchange, String location) {
		if ("true".equals(exchange.getRequest().getHeaders().getFirst(Htmx.REQUEST))) {
			exchange.getResponse().getHeaders().add("HX-Redirect", location);
			return Rendering.view("policies/redirect").build();
		}
		return Rendering.redirectTo(location).status(HttpStatus.SEE_OTHER).build();
	}

	/**
	 * Turns the store's "no such workspace, policy or version" into the 404 page, which says which ("Version 99 of
	 * CiliumNetworkPolicy/shop/web does not exist.").
	 */
	static Function<Throwable, Throwable> notFound() {
		return (error) -> (error instanceof StoreException.NotFound missing)
				? new PageError(HttpStatus.NOT_FOUND, missing.getMessage()) : error;
	}

	/**
	 * The policy named by a page URL's segments ({@code _} as the namespace of cluster-wide kinds).
	 * @throws ResponseStatusException 404 when the kind is unknown or the namespace does not fit it
	 */
	static PolicyKey key(String kind, String namespace, String name) {
		try {
			return PolicyKey.parse(kind, namespace, name);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, ex.getMessage());
		}
	}

}
