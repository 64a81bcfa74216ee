package dev.portcullis.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionManager;

import static org.assertj.core.api.Assertions.assertThat;

/** Server-side sessions: only signed-in users hold one, the store has a cap, and the badge poll leaves it be. */
class WebSessionsIntegrationTests extends IntegrationTest {

	@Autowired
	WebSessionManager sessionManager;

	@Test
	void anonymousVisitorsShouldStartNoSession() {
		InMemoryWebSessionStore store = store();
		Set<String> before = new HashSet<>(store.getSessions().keySet());
		for (int i = 0; i < 50; i++) {
			anonymous().get().uri("/login").exchange().expectStatus().isOk().expectCookie().doesNotExist(SESSION_COOKIE);
			anonymous().get().uri("/workspaces").accept(MediaType.TEXT_HTML).exchange().expectStatus().isFound();
			anonymous().get().uri("/status/database").header("HX-Request", "true").exchange()
				.expectStatus().isUnauthorized();
		}
		Set<String> started = new HashSet<>(store.getSessions().keySet());
		started.removeAll(before);
		assertThat(started).isEmpty();
	}

	@Test
	void theSessionStoreShouldHaveTheConfiguredCapAndTimeout() {
		assertThat(store().getMaxSessions()).isEqualTo(10_000);
		assertThat(store().getDefaultMaxIdleTime()).isEqualTo(Duration.ofMinutes(30));
	}

	@Test
	void aSessionThatOnlyPollsTheBadgeShouldExpire() {
		InMemoryWebSessionStore store = store();
		Clock original = store.getClock();
		Session polling = session(Role.VIEWER);
		Session working = session(Role.VIEWER);
		WebSession pollingSession = store.getSessions().get(polling.sessionId());
		WebSession workingSession = store.getSessions().get(working.sessionId());
		Instant signedIn = pollingSession.getLastAccessTime();
		try {
			Instant later = signedIn.plus(Duration.ofMinutes(20));
			store.setClock(Clock.fixed(later, ZoneOffset.UTC));
			polling.client().get().uri("/status/database").header("HX-Request", "true").exchange()
				.expectStatus().isOk()
				.expectBody(String.class).value((html) -> assertThat(html).contains("id=\"db-status\""));
			working.client().get().uri("/").exchange().expectStatus().isOk();
			assertThat(pollingSession.getLastAccessTime()).isEqualTo(signedIn);
			assertThat(workingSession.getLastAccessTime()).isEqualTo(later);

			store.setClock(Clock.fixed(signedIn.plus(Duration.ofMinutes(31)), ZoneOffset.UTC));
			polling.client().get().uri("/status/database").header("HX-Request", "true").exchange()
				.expectStatus().isUnauthorized()
				.expectHeader().valueEquals("HX-Redirect", "/login");
			polling.client().get().uri("/").exchange().expectStatus().isFound().expectHeader().location("/login");
			working.client().get().uri("/").exchange().expectStatus().isOk();
		}
		finally {
			store.setClock(original);
		}
	}

	private InMemoryWebSessionStore store() {
		return ((WebSessions.PollAwareSessionManager) this.sessionManager).store();
	}

}
