package dev.portcullis.identity;

import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed {@code Authorization} header is a 401 problem, never a fall-back to the session (whose writes would
 * then skip CSRF, since a Basic header exempts a request from it).
 */
class AuthorizationHeaderIntegrationTests extends IntegrationTest {

	/** {@code Basic} + base64 of "nocolon". */
	static final String NO_COLON = "Basic bm9jb2xvbg==";

	@Autowired
	DatabaseClient db;

	@ParameterizedTest
	@ValueSource(strings = { "Basic xyz", "Basic !!!not base64!!!", "Basic", "Basic ", "basic Zm9v", "BasicZm9vOmJhcg==",
			"Basic Zm9v OmJhcg==", NO_COLON })
	void malformedBasicWithASessionCookieShouldBe401OnPages(String authorization) {
		String username = "malformed-page-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		session.cookieOnly().post().uri("/settings/tokens").header(HttpHeaders.AUTHORIZATION, authorization)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("name=forged&expires=30").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\", error=\"invalid_request\"")
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/unauthenticated")
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).startsWith("The Authorization header is malformed"));
		assertThat(tokens(username)).isZero();
		// the session itself is fine
		session.client().get().uri("/settings/tokens").exchange().expectStatus().isOk();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Basic xyz", "Basic", NO_COLON, "Bearer", "Bearer ", "Bearer a b", "Digest username=\"x\"",
			"Token abc", "pcl_abc" })
	void malformedOrUnknownAuthorizationWithASessionCookieShouldBe401OnTheApi(String authorization) {
		String username = "malformed-api-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		for (var client : java.util.List.of(session.cookieOnly(), session.client())) {
			client.post().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, authorization)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "forged")).exchange()
				.expectStatus().isUnauthorized()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody().jsonPath("$.type").isEqualTo("/problems/unauthenticated");
		}
		assertThat(tokens(username)).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Basic xyz", "Digest username=\"x\"" })
	void malformedAuthorizationWithoutASessionShouldBe401OnTheApiAndBeAudited(String authorization) {
		long before = malformedAudits();
		anonymous().get().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, authorization).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(malformedAudits()).isEqualTo(before + 1);
	}

	private long tokens(String username) {
		return this.db.sql("SELECT count(*) AS n FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = :u")
			.bind("u", username)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block();
	}

	private long malformedAudits() {
		return this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.signin' "
				+ "AND details->>'reason' = 'malformed Authorization header'")
			.map((row) -> row.get("n", Long.class))
			.one()
			.block();
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
