package dev.portcullis.identity;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP Basic and bearer API tokens on {@code /api/v1}; role checks; what a refusal looks like. */
class ApiAuthenticationIntegrationTests extends IntegrationTest {

	@Autowired
	DatabaseClient db;

	@Autowired
	JsonMapper json;

	@Autowired
	PasswordEncoder encoder;

	@Test
	void missingCredentialsShouldGet401ProblemWithABearerChallenge() {
		anonymous().get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\"")
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/unauthenticated")
			.jsonPath("$.status").isEqualTo(401)
			.jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("Authorization: Bearer"));
	}

	@Test
	void wrongBasicPasswordShouldGet401Problem() {
		createUser(username(Role.VIEWER), Role.VIEWER);
		as(username(Role.VIEWER), "not the password").get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.detail").isEqualTo("Wrong username or password.");
	}

	@Test
	void basicShouldAuthenticateWithoutStartingASession() {
		as(Role.VIEWER).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isOk()
			.expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);
	}

	@Test
	void basicAfterARememberedSuccessShouldStillRefuseAWrongPassword() {
		String username = "again-" + suffix();
		createUser(username, Role.VIEWER);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		as(username, PASSWORD + " ").get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.detail").isEqualTo("Wrong username or password.");
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
	}

	@Test
	void basicShouldRefuseTheOldPasswordAtOnceAfterAPasswordChange() {
		String username = "changed-" + suffix();
		createUser(username, Role.VIEWER);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		this.db.sql("UPDATE app_user SET password_hash = :hash WHERE username = :u")
			.bind("hash", this.encoder.encode("the new password 2"))
			.bind("u", username)
			.then()
			.block();
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.detail").isEqualTo("Wrong username or password.");
		as(username, "the new password 2").get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
	}

	@Test
	void basicShouldRefuseADisabledUserAtOnceAfterARememberedSuccess() {
		String username = "disabled-" + suffix();
		createUser(username, Role.VIEWER);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		this.db.sql("UPDATE app_user SET enabled = false WHERE username = :u").bind("u", username).then().block();
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void basicShouldActWithTheCurrentRoleAfterARememberedSuccess() {
		String username = "demoted-" + suffix();
		createUser(username, Role.ADMIN);
		as(username, PASSWORD).get().uri("/api/v1/users").exchange().expectStatus().isOk();
		this.db.sql("UPDATE app_user SET role = 'VIEWER' WHERE username = :u").bind("u", username).then().block();
		as(username, PASSWORD).get().uri("/api/v1/users").exchange().expectStatus().isForbidden();
	}

	@Test
	void tokenShouldBeShownOnceStoredHashedAndAuthenticateWithTheOwnersRole() {
		String username = "bearer-" + suffix();
		createUser(username, Role.AUTHOR);
		JsonNode created = createToken(as(username, PASSWORD), "ci " + username);
		String token = created.get("token").asString();
		assertThat(token).startsWith("pcl_").hasSize(47);
		assertThat(created.get("hint").asString()).isEqualTo(token.substring(0, 10));

		// stored hashed: no column of the row holds the token
		Map<String, Object> row = this.db.sql("SELECT * FROM api_token WHERE id = :id")
			.bind("id", created.get("id").asLong()).fetch().one().block();
		row.values().forEach((value) -> assertThat(String.valueOf(value)).doesNotContain(token.substring(4)));
		assertThat(HexFormat.of().formatHex(bytes(row.get("secret_sha256"))))
			.isEqualTo(HexFormat.of().formatHex(ApiTokens.sha256(token)));

		// the list never shows it again
		String list = as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(list).contains("ci " + username).doesNotContain(token.substring(10));

		WebTestClient bearer = bearer(token);
		bearer.get().uri("/api/v1/tokens").exchange().expectStatus().isOk()
			.expectHeader().doesNotExist(HttpHeaders.SET_COOKIE)
			.expectBody().jsonPath("$.items[0].lastUsedAt").isNotEmpty();
		// AUTHOR may not manage users
		bearer.get().uri("/api/v1/users").exchange().expectStatus().isForbidden();
		assertThat(this.db.sql("SELECT actor_kind FROM audit_event WHERE action = 'auth.denied' AND actor = :u "
				+ "ORDER BY id DESC LIMIT 1").bind("u", username).map((r) -> r.get("actor_kind", String.class)).one()
			.block()).isEqualTo("TOKEN");
	}

	@Test
	void revokingShouldStopTheTokenAndBeAudited() {
		String username = "revoke-" + suffix();
		createUser(username, Role.VIEWER);
		JsonNode created = createToken(as(username, PASSWORD), "short-lived");
		String token = created.get("token").asString();
		bearer(token).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		bearer(token).delete().uri("/api/v1/tokens/" + created.get("id").asLong()).exchange()
			.expectStatus().isNoContent();
		bearer(token).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\", error=\"invalid_token\"")
			.expectBody().jsonPath("$.type").isEqualTo("/problems/unauthenticated")
			.jsonPath("$.detail").isEqualTo("The API token \"short-lived\" was revoked.");
		assertThat(this.db.sql("SELECT action FROM audit_event WHERE target = :t ORDER BY id")
			.bind("t", "token/" + created.get("id").asLong()).map((r) -> r.get("action", String.class)).all()
			.collectList().block()).containsExactly("token.create", "token.revoke");
		// someone else's token or none: 404
		as(Role.VIEWER).delete().uri("/api/v1/tokens/" + created.get("id").asLong()).exchange()
			.expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void databaseShouldKeepARevokedTokenRevokedAndItsSecretAndOwnerFixed() {
		String username = "fixed-" + suffix();
		createUser(username, Role.VIEWER);
		long id = createToken(as(username, PASSWORD), "fixed").get("id").asLong();
		for (String change : List.of("name = 'renamed'", "user_id = user_id + 1", "secret_sha256 = sha256('x')",
				"expires_at = now() + interval '10 years'")) {
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.db
				.sql("UPDATE api_token SET " + change + " WHERE id = :id").bind("id", id).then().block())
				.hasMessageContaining("only revoked_at");
		}
		this.db.sql("UPDATE api_token SET revoked_at = now() WHERE id = :id").bind("id", id).then().block();
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.db
			.sql("UPDATE api_token SET revoked_at = NULL WHERE id = :id").bind("id", id).then().block())
			.hasMessageContaining("only revoked_at");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> this.db
			.sql("INSERT INTO app_user (username, display_name, role) VALUES (:u, 'x', 'VIEWER')")
			.bind("u", username.toUpperCase()).then().block())
			.isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
	}

	@Test
	void expiredTokenShouldGet401SayingSo() {
		String username = "expired-" + suffix();
		createUser(username, Role.VIEWER);
		String token = ApiTokens.PREFIX + "x".repeat(43);
		this.db.sql("INSERT INTO api_token (user_id, name, secret_sha256, hint, created_at, expires_at) "
				+ "SELECT id, 'old', :hash, 'pcl_xxxxxx', now() - interval '2 days', now() - interval '1 day' "
				+ "FROM app_user WHERE username = :u ON CONFLICT (secret_sha256) DO NOTHING")
			.bind("hash", ApiTokens.sha256(token)).bind("u", username).then().block();
		bearer(token).get().uri("/api/v1/tokens").exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("expired at"));
	}

	@Test
	void unknownOrMalformedTokenShouldGet401() {
		for (String token : List.of("pcl_" + "A".repeat(43), "nonsense", "")) {
			bearer(token).get().uri("/api/v1/tokens").exchange()
				.expectStatus().isUnauthorized()
				.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
	}

	@Test
	void tokenOfADisabledUserShouldStopWorking() {
		String username = "gone-" + suffix();
		createUser(username, Role.VIEWER);
		String token = createToken(as(username, PASSWORD), "gone").get("token").asString();
		this.db.sql("UPDATE app_user SET enabled = false WHERE username = :u").bind("u", username).then().block();
		bearer(token).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.detail").isEqualTo("The API token's owner is disabled.");
	}

	@Test
	void aTokenShouldNotCreateTokens() {
		String username = "minter-" + suffix();
		createUser(username, Role.ADMIN);
		String token = createToken(as(username, PASSWORD), "minter").get("token").asString();
		bearer(token).post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "child")).exchange()
			.expectStatus().isForbidden()
			.expectBody().jsonPath("$.type").isEqualTo("/problems/forbidden");
	}

	@Test
	void viewersWriteShouldBeRefusedWith403AuditedAndChangeNothing() {
		String username = "intruder-" + suffix();
		as(Role.VIEWER).post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "role", "ADMIN", "password", "a long enough password")).exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/forbidden")
			.jsonPath("$.detail").isEqualTo("Your role does not allow this.");
		assertThat(this.db.sql("SELECT count(*) AS n FROM app_user WHERE username = :u").bind("u", username)
			.map((r) -> r.get("n", Long.class)).one().block()).isZero();
		Map<String, Object> denial = this.db.sql("SELECT * FROM audit_event WHERE action = 'auth.denied' "
				+ "AND actor = :actor ORDER BY id DESC LIMIT 1").bind("actor", username(Role.VIEWER)).fetch().one().block();
		assertThat(denial).containsEntry("outcome", "DENIED").containsEntry("target", "POST /api/v1/users")
			.containsEntry("actor_kind", "USER");
		assertThat(denial.get("remote_address")).isNotNull();
		// a viewer may read but not write anywhere in the store's API either
		as(Role.VIEWER).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange().expectStatus().isForbidden();
		as(Role.VIEWER).delete().uri("/api/v1/workspaces/x").exchange().expectStatus().isForbidden();
	}

	@Test
	void anonymousWriteShouldGet401AndChangeNothing() {
		anonymous().post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "x")).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void sessionCallsToTheApiShouldNeedTheCsrfHeaderForWrites() {
		Session session = session(Role.VIEWER);
		session.cookieOnly().get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		session.cookieOnly().post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "forged")).exchange()
			.expectStatus().isForbidden()
			.expectBody().jsonPath("$.detail").value((String detail) -> assertThat(detail).contains("CSRF"));
		session.client().post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "from swagger")).exchange().expectStatus().isCreated();
	}

	@Test
	void badTokenRequestsShouldGetClearProblems() {
		as(Role.VIEWER).post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", " ")).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.type").isEqualTo("/problems/invalid-request")
			.jsonPath("$.violations[0].path").isEqualTo("name");
		as(Role.VIEWER).post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "past", "expiresAt", "2001-01-01T00:00:00Z")).exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.violations[0].path").isEqualTo("expiresAt");
		as(Role.VIEWER).post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{not json").exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private JsonNode createToken(WebTestClient client, String name) {
		byte[] body = client.post().uri("/api/v1/tokens").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name)).exchange()
			.expectStatus().isCreated()
			.expectHeader().exists(HttpHeaders.LOCATION)
			.expectBody().returnResult().getResponseBody();
		return this.json.readTree(body);
	}

	private WebTestClient bearer(String token) {
		return anonymous().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
	}

	private static byte[] bytes(Object value) {
		if (value instanceof ByteBuffer buffer) {
			byte[] bytes = new byte[buffer.remaining()];
			buffer.duplicate().get(bytes);
			return bytes;
		}
		return (byte[]) value;
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
