package dev.portcullis.identity;

import java.net.URI;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

/**
 * Whether a sign-in may start a session, decided before anything is signed in: the store ({@link WebSessions})
 * holds at most {@code server.reactive.session.max-sessions} live sessions.
 * <p>
 * {@link #admit} answers {@code true} when the request's session already is in the store, or when, after
 * expired sessions are swept out (the store sweeps only lazily, once a minute), there is room; the session is
 * then saved at once, so that it holds its slot and the save when the response is sent cannot fail. It answers
 * {@code false} when the store is full: the session is left unstarted (no cookie, nothing stored). Two
 * sign-ins taking the last slot at the same moment may both get in (the store's count and its insert are not
 * one step), so the cap can be passed by the number of simultaneous sign-ins; it is never a 500.
 * <p>
 * Callers: the password sign-in form ({@link PasswordSignIn#formSignIn()}) and the start of an OpenID Connect
 * sign-in ({@link #oidcStart}), whose authorization request is kept in the session. Requests authenticated by
 * their own {@code Authorization} header never start a session and never ask.
 */
@Component
class SessionAdmission {

	/** The audited reason of a sign-in refused for a full store. */
	static final String FULL = "session store full";

	private final InMemoryWebSessionStore store;

	SessionAdmission(WebSessionManager sessions) {
		this.store = ((WebSessions.PollAwareSessionManager) sessions).store();
	}

	/** Whether this request's session may be (or already is) one of the store's live sessions; see the class. */
	Mono<Boolean> admit(ServerWebExchange exchange) {
		return exchange.getSession().flatMap(this::admit);
	}

	private Mono<Boolean> admit(WebSession session) {
		if (this.store.getSessions().containsKey(session.getId()) && !session.isExpired()) {
			return Mono.just(true);
		}
		if (full()) {
			return Mono.just(false);
		}
		session.start();
		// the store refuses (throws) when another sign-in took the last slot since full() was asked
		return Mono.defer(session::save)
			.thenReturn(true)
			.onErrorResume(IllegalStateException.class, (ex) -> session.invalidate().thenReturn(false));
	}

	/** Full once expired sessions are swept out: only then is the (whole-store) sweep worth its cost. */
	private boolean full() {
		if (this.store.getSessions().size() < this.store.getMaxSessions()) {
			return false;
		}
		this.store.removeExpiredSessions();
		return this.store.getSessions().size() >= this.store.getMaxSessions();
	}

	/**
	 * Before the start of an OpenID Connect sign-in ({@code GET /oauth2/authorization/{registrationId}}, which
	 * keeps its authorization request in a new session): when the store is full, back to {@code /login?full},
	 * audited as a refused {@code auth.signin} (method {@code oidc}, reason {@value #FULL}).
	 */
	WebFilter oidcStart(AuditLog audit) {
		ServerWebExchangeMatcher start = new PathPatternParserServerWebExchangeMatcher(
				"/oauth2/authorization/{registrationId}", HttpMethod.GET);
		DefaultServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();
		return (exchange, chain) -> start.matches(exchange).flatMap((match) -> {
			if (!match.isMatch()) {
				return chain.filter(exchange);
			}
			return admit(exchange).flatMap((admitted) -> admitted ? chain.filter(exchange)
					: audit.record(new AuditLog.Event(Actor.ANONYMOUS, "auth.signin", AuditLog.Outcome.FAILURE,
							"oidc/" + shortened(String.valueOf(match.getVariables().get("registrationId"))), null,
							Actor.clientAddress(exchange), Map.of("method", "oidc", "reason", FULL)))
						.then(redirects.sendRedirect(exchange, URI.create("/login?full"))));
		});
	}

	private static String shortened(String text) {
		return (text.length() > 64) ? text.substring(0, 64) + "…" : text;
	}

}
