package dev.portcullis.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Htmx;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CsrfException;
import org.springframework.security.web.server.savedrequest.CookieServerRequestCache;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a refused request gets. The API ({@code /api/v1/**}, {@code /actuator/**}) answers
 * {@code application/problem+json}: 401 {@code /problems/unauthenticated} with {@code WWW-Authenticate}, 429
 * {@code /problems/too-many-sign-in-failures} with {@code Retry-After}, 403 {@code /problems/forbidden}. Pages
 * redirect to {@code /login} (an htmx request gets 401 and {@code HX-Redirect}) and show the 403 error page.
 * Every 403 is audited as {@code auth.denied}.
 */
@Component
class SecurityResponses {

	static final String WWW_AUTHENTICATE = "Bearer realm=\"portcullis\"";

	private final JsonMapper json;

	private final AuditLog audit;

	private final ServerSecurityContextRepository sessions;

	private final RedirectServerAuthenticationEntryPoint loginRedirect = new RedirectServerAuthenticationEntryPoint("/login");

	SecurityResponses(JsonMapper json, AuditLog audit, FreshSessionContextRepository sessions) {
		this.json = json;
		this.audit = audit;
		this.sessions = sessions;
		// the page asked for is remembered in a cookie: an anonymous request never starts a session
		this.loginRedirect.setRequestCache(new CookieServerRequestCache());
	}

	/** 401 (or 429 when throttled) for the API. */
	ServerAuthenticationEntryPoint apiEntryPoint() {
		return (exchange, ex) -> unauthenticated(exchange, ex);
	}

	Mono<Void> unauthenticated(ServerWebExchange exchange, AuthenticationException ex) {
		if (ex instanceof SignInRefused refused && refused.reason() == SignInRefused.Reason.THROTTLED
				&& refused.retryAfter() != null) {
			long seconds = Math.max(1, Duration.between(Instant.now(), refused.retryAfter()).toSeconds());
			return write(exchange, ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "too-many-sign-in-failures",
					"Too many failed sign-ins", refused.getMessage())
				.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
		}
		String detail;
		String challenge = WWW_AUTHENTICATE;
		if (ex instanceof SignInRefused refused) {
			detail = refused.getMessage();
			if (refused.reason() == SignInRefused.Reason.BAD_TOKEN) {
				challenge += ", error=\"invalid_token\"";
			}
			else if (refused.reason() == SignInRefused.Reason.MALFORMED) {
				challenge += ", error=\"invalid_request\"";
			}
		}
		else {
			detail = "Authentication required: send \"Authorization: Bearer <API token>\" (create one at "
					+ "/settings/tokens) or HTTP Basic credentials.";
		}
		return write(exchange, ApiProblem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", detail)
			.header(HttpHeaders.WWW_AUTHENTICATE, challenge));
	}

	/** The sign-in page for a browser; 401 with {@code HX-Redirect} for htmx, which cannot follow to a page. */
	ServerAuthenticationEntryPoint pageEntryPoint() {
		return (exchange, ex) -> {
			if ("true".equals(exchange.getRequest().getHeaders().getFirst(Htmx.REQUEST))) {
				exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
				exchange.getResponse().getHeaders().set("HX-Redirect", "/login");
				return exchange.getResponse().setComplete();
			}
			return this.loginRedirect.commence(exchange, ex);
		};
	}

	/** Audits the denial, then answers 403: problem+json for the API, the error page for pages. */
	ServerAccessDeniedHandler accessDenied(boolean api) {
		return (exchange, denied) -> actor(exchange)
			.flatMap((actor) -> this.audit.record(new AuditLog.Event(actor, "auth.denied", AuditLog.Outcome.DENIED,
					exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath().value(), null,
					Actor.clientAddress(exchange),
					Map.of("reason", (denied instanceof CsrfException) ? "csrf" : "role"))))
			.then(Mono.defer(() -> {
				String detail = (denied instanceof CsrfException)
						? "The CSRF token is missing or invalid. Reload the page and try again; API clients "
								+ "authenticate with an Authorization header instead of a session."
						: "Your role does not allow this.";
				if (api) {
					return write(exchange, ApiProblem.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail));
				}
				return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN));
			}));
	}

	/**
	 * The actor of a refused request. CSRF is checked before the security context is loaded, so the session is
	 * read here when the context holder is still empty.
	 */
	private Mono<Actor> actor(ServerWebExchange exchange) {
		return Actor.current(exchange)
			.filter((actor) -> actor.kind() != Actor.Kind.ANONYMOUS)
			.switchIfEmpty(Mono.defer(() -> this.sessions.load(exchange)
				.map(SecurityContext::getAuthentication)
				.map(Actor::of)
				.defaultIfEmpty(Actor.ANONYMOUS)));
	}

	/** Writes {@code problem} as the answer to {@code exchange}. */
	Mono<Void> write(ServerWebExchange exchange, ApiProblem problem) {
		return problem.write(exchange, this.json);
	}

}
