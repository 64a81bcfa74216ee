package dev.portcullis.identity;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in lockout under concurrency: bursts of parallel attempts never get more passwords checked than the
 * limits (5 per username, 20 per address); every checked password that fails is audited with the reason
 * {@code bad credentials}, so the audit log counts the checks.
 */
class SignInThrottleIntegrationTests extends IntegrationTest {

	@Autowired
	DatabaseClient db;

	@Autowired
	SignInThrottle throttle;

	@LocalServerPort
	int port;

	@BeforeEach
	@AfterEach
	void forgetFailures() {
		// every request of the suite comes from 127.0.0.1: never leave it locked for the next test
		this.throttle.reset();
	}

	@Test
	void aBurstOfBasicRequestsForOneUserShouldCheckAtMostFivePasswordsAndThenRefuseTheRightOne() {
		String username = "burst-basic-" + suffix();
		createUser(username, Role.VIEWER);
		List<Integer> statuses = Flux.range(0, 24)
			.flatMap((i) -> basic(username, "wrong password " + i), 24)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).hasSize(24).containsOnly(401, 429);
		assertThat(statuses).filteredOn((status) -> status == 401).hasSize(5);
		assertThat(checkedPasswords("user/" + username)).isEqualTo(5);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists("Retry-After")
			.expectBody().jsonPath("$.type").isEqualTo("/problems/too-many-sign-in-failures");
		assertThat(checkedPasswords("user/" + username)).isEqualTo(5);
	}

	@Test
	void aLockedUsernameShouldBeRefusedEvenWithBasicCredentialsThatJustSucceeded() {
		String username = "remembered-" + suffix();
		createUser(username, Role.VIEWER);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		for (int i = 0; i < 5; i++) {
			as(username, "wrong password " + i).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
		}
		assertThat(checkedPasswords("user/" + username)).isEqualTo(5);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isEqualTo(429)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/too-many-sign-in-failures");
	}

	@Test
	void aBurstOfFormSignInsForOneUserShouldCheckAtMostFivePasswordsAndThenRefuseTheRightOne() {
		String username = "burst-form-" + suffix();
		createUser(username, Role.VIEWER);
		FormToken form = formToken();
		List<String> locations = Flux.range(0, 16)
			.flatMap((i) -> signIn(form, username, "wrong password " + i), 16)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(locations).hasSize(16).containsOnly("/login?error", "/login?locked");
		assertThat(locations).filteredOn("/login?error"::equals).hasSize(5);
		assertThat(checkedPasswords("user/" + username)).isEqualTo(5);
		assertThat(signIn(formToken(), username, PASSWORD).block(Duration.ofSeconds(30))).isEqualTo("/login?locked");
		assertThat(checkedPasswords("user/" + username)).isEqualTo(5);
	}

	@Test
	void aBurstFromOneAddressShouldCheckAtMostTwentyPasswordsAndThenRefuseEveryUser() {
		String prefix = "burst-spray-" + suffix() + "-";
		List<Integer> statuses = Flux.range(0, 40)
			.flatMap((i) -> basic(prefix + i, "guess"), 40)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).hasSize(40).containsOnly(401, 429);
		assertThat(statuses).filteredOn((status) -> status == 401).hasSize(20);
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.signin' "
				+ "AND target LIKE :t AND details->>'reason' = 'bad credentials'")
			.bind("t", "user/" + prefix + "%")
			.map((row) -> row.get("n", Long.class))
			.one()
			.block()).isEqualTo(20L);
		as(Role.VIEWER).get().uri("/api/v1/tokens").exchange().expectStatus().isEqualTo(429);
	}

	@Test
	void parallelRequestsWithTheRightPasswordShouldAllSucceed() {
		// more than the limit at once: the ones without a slot wait for one instead of being refused
		String username = "parallel-" + suffix();
		createUser(username, Role.VIEWER);
		List<Integer> statuses = Flux.range(0, 12)
			.flatMap((i) -> basic(username, PASSWORD), 12)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).hasSize(12).containsOnly(200);
	}

	private reactor.core.publisher.Mono<Integer> basic(String username, String password) {
		return client().get()
			.uri("/api/v1/tokens")
			.headers((headers) -> headers.setBasicAuth(username, password))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()));
	}

	private reactor.core.publisher.Mono<String> signIn(FormToken form, String username, String password) {
		return client().post()
			.uri("/login")
			.cookies((cookies) -> cookies.addAll(form.cookies()))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", username).with("password", password).with("_csrf", form.token()))
			.exchangeToMono((response) -> response.releaseBody()
				.thenReturn(String.valueOf(response.headers().asHttpHeaders().getLocation())));
	}

	/** The cookies and the form's CSRF token of a fresh sign-in page. */
	private record FormToken(MultiValueMap<String, String> cookies, String token) {
	}

	private FormToken formToken() {
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult();
		MultiValueMap<String, String> cookies = new LinkedMultiValueMap<>();
		for (List<ResponseCookie> values : login.getResponseCookies().values()) {
			values.forEach((cookie) -> cookies.add(cookie.getName(), cookie.getValue()));
		}
		String html = login.getResponseBody();
		int start = html.indexOf("name=\"_csrf\" value=\"") + "name=\"_csrf\" value=\"".length();
		return new FormToken(cookies, html.substring(start, html.indexOf('"', start)));
	}

	private WebClient client() {
		return WebClient.create("http://localhost:" + this.port);
	}

	private long checkedPasswords(String target) {
		return this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.signin' AND target = :t "
				+ "AND details->>'reason' = 'bad credentials'")
			.bind("t", target)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block();
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
