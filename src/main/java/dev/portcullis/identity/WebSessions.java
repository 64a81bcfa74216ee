package dev.portcullis.identity;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionIdResolver;
import org.springframework.web.server.session.WebSessionManager;

/**
 * Server-side sessions: in memory, per instance, as Spring Boot would set them up ({@code server.reactive.session.*}:
 * the idle timeout, the cookie, and the cap {@code max-sessions}), except that the polls a page makes by itself
 * ({@link PollAwareSessionManager#PASSIVE_PATHS}) read the session without touching it, so that an idle open tab
 * still lets its session expire.
 * <p>
 * Only signed-in users hold a session: the sign-in page keeps its CSRF token in a cookie
 * ({@link SessionOrCookieCsrfTokenRepository}) and the page asked for before sign-in is remembered in a cookie
 * too. When the store holds {@code max-sessions} live sessions (expired ones swept out first), a new sign-in is
 * refused with {@code /login?full} until one ends ({@link SessionAdmission}); signed-in users and requests with
 * their own {@code Authorization} header are not affected (docs/adr/009).
 */
@Configuration(proxyBeanMethods = false)
class WebSessions {

	@Bean(WebHttpHandlerBuilder.WEB_SESSION_MANAGER_BEAN_NAME)
	PollAwareSessionManager webSessionManager(ServerProperties server, ObjectProvider<WebSessionIdResolver> resolver) {
		InMemoryWebSessionStore store = new InMemoryWebSessionStore();
		store.setDefaultMaxIdleTime(server.getReactive().getSession().getTimeout());
		store.setMaxSessions(server.getReactive().getSession().getMaxSessions());
		PollAwareSessionManager manager = new PollAwareSessionManager(store);
		resolver.ifAvailable(manager::setSessionIdResolver);
		return manager;
	}

	/**
	 * Spring's session manager, except for {@code GET} requests to {@link #PASSIVE_PATHS}: they get the live
	 * session of their cookie as it is (its last access time stays), or a new session that is never saved.
	 */
	static final class PollAwareSessionManager extends DefaultWebSessionManager {

		/** Requests a page repeats on a timer: the footer's database badge. */
		static final Set<String> PASSIVE_PATHS = Set.of("/status/database");

		private final InMemoryWebSessionStore store;

		PollAwareSessionManager(InMemoryWebSessionStore store) {
			this.store = store;
			setSessionStore(store);
		}

		InMemoryWebSessionStore store() {
			return this.store;
		}

		@Override
		public Mono<WebSession> getSession(ServerWebExchange exchange) {
			if (exchange.getRequest().getMethod() != HttpMethod.GET
					|| !PASSIVE_PATHS.contains(exchange.getRequest().getPath().pathWithinApplication().value())) {
				return super.getSession(exchange);
			}
			return Mono.defer(() -> {
				for (String id : getSessionIdResolver().resolveSessionIds(exchange)) {
					WebSession session = this.store.getSessions().get(id);
					if (session != null && !session.isExpired()) {
						return Mono.just(session);
					}
				}
				// never saved: nothing registers it to be saved when the response is sent
				return this.store.createWebSession();
			});
		}

	}

}
