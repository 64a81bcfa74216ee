package dev.portcullis.identity;

import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/** Administrators manage users through {@code /api/v1/users} and {@code /admin/users}. */
class UserAdministrationIntegrationTests extends IntegrationTest {

	@Autowired
	DatabaseClient db;

	@Autowired
	PasswordEncoder encoder;

	@Test
	void adminShouldCreateAUserWhoCanThenSignInWithAnArgon2HashedPassword() {
		String username = "Ada-" + suffix();
		as(Role.ADMIN).post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username, "displayName", "Ada Lovelace", "role", "author", "password",
					"analytical engine"))
			.exchange()
			.expectStatus().isCreated()
			.expectHeader().location("/api/v1/users/" + username)
			.expectBody()
			.jsonPath("$.username").isEqualTo(username)
			.jsonPath("$.role").isEqualTo("AUTHOR")
			.jsonPath("$.enabled").isEqualTo(true)
			.jsonPath("$.hasPassword").isEqualTo(true)
			.jsonPath("$.password").doesNotExist();
		String hash = this.db.sql("SELECT password_hash FROM app_user WHERE username = :u").bind("u", username)
			.map((row) -> row.get("password_hash", String.class)).one().block();
		assertThat(hash).startsWith("{argon2@SpringSecurity_v5_8}$argon2id$").doesNotContain("analytical engine");
		// usernames ignore case when signing in and when looking up
		as(username.toLowerCase(), "analytical engine").get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		as(Role.ADMIN).get().uri("/api/v1/users/" + username.toUpperCase()).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.username").isEqualTo(username);
		assertThat(this.db.sql("SELECT actor FROM audit_event WHERE action = 'user.create' AND target = :t")
			.bind("t", "user/" + username).map((row) -> row.get("actor", String.class)).one().block())
			.isEqualTo(username(Role.ADMIN));
	}

	@Test
	void takenUsernameShouldGet409WhateverItsCase() {
		String username = "dup-" + suffix();
		createUser(username, Role.VIEWER);
		as(Role.ADMIN).post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", username.toUpperCase(), "role", "VIEWER", "password", "long enough password"))
			.exchange()
			.expectStatus().isEqualTo(409)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/username-taken");
	}

	@Test
	void invalidUserShouldGet400NamingEveryBadField() {
		as(Role.ADMIN).post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "no spaces allowed", "role", "VIEWER", "password", "short")).exchange()
			.expectStatus().isBadRequest()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/invalid-user")
			.jsonPath("$.violations[0].path").isEqualTo("username")
			.jsonPath("$.violations[1].path").isEqualTo("password");
		as(Role.ADMIN).post().uri("/api/v1/users").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "x" + suffix(), "role", "OWNER", "password", "long enough password"))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.violations[0].message").value((String m) -> assertThat(m).contains("OWNER"));
	}

	@Test
	void changingRoleAndDisablingShouldApplyAtOnceAndBeAudited() {
		String username = "change-" + suffix();
		createUser(username, Role.VIEWER);
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("role", "REVIEWER", "displayName", "Changed")).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.role").isEqualTo("REVIEWER").jsonPath("$.displayName").isEqualTo("Changed");
		as(username, PASSWORD).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{}").exchange().expectStatus().value((status) -> assertThat(status).isNotEqualTo(403));
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", false)).exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.enabled").isEqualTo(false);
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
		assertThat(this.db.sql("SELECT details::text AS d FROM audit_event WHERE action = 'user.update' AND target = :t "
				+ "ORDER BY id").bind("t", "user/" + username).map((row) -> row.get("d", String.class)).all()
			.collectList().block()).hasSize(2).first().asString().contains("VIEWER -> REVIEWER");
	}

	@Test
	void passwordChangeShouldReplaceTheHashAndNeverBeRecorded() {
		String username = "pw-" + suffix();
		createUser(username, Role.VIEWER);
		as(Role.ADMIN).patch().uri("/api/v1/users/" + username).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("password", "a brand new password")).exchange().expectStatus().isOk();
		as(username, "a brand new password").get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE details::text LIKE '%brand new%'")
			.map((row) -> row.get("n", Long.class)).one().block()).isZero();
	}

	@Test
	void unknownUserShouldGet404() {
		as(Role.ADMIN).get().uri("/api/v1/users/nobody-" + suffix()).exchange().expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("/problems/not-found");
		as(Role.ADMIN).patch().uri("/api/v1/users/nobody-" + suffix()).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("role", "ADMIN")).exchange().expectStatus().isNotFound();
	}

	@Test
	void usersShouldPageByUsername() {
		for (int i = 0; i < 3; i++) {
			createUser("page-" + i, Role.VIEWER);
		}
		String next = as(Role.ADMIN).get().uri("/api/v1/users?limit=1&after=page-0").exchange().expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody().get("next").toString();
		assertThat(next).isEqualTo("page-1");
		as(Role.ADMIN).get().uri("/api/v1/users?limit=0").exchange().expectStatus().isBadRequest();
	}

	@Test
	void nonAdminsShouldNotReachUsers() {
		as(Role.REVIEWER).get().uri("/api/v1/users").exchange().expectStatus().isForbidden();
		as(Role.REVIEWER).get().uri("/admin/users").exchange().expectStatus().isForbidden();
	}

	@Test
	void usersPageShouldCreateAUserShowTheGeneratedPasswordOnceAndChangeRoles() {
		Session admin = session(Role.ADMIN);
		String username = "paged-" + suffix();
		// the answer to the POST shows the password (never kept in the session: SessionEndingIntegrationTests)
		String created = admin.client().post().uri("/admin/users").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", username).with("displayName", "Paged").with("role", "AUTHOR"))
			.exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(created).contains("id=\"new-password\"", "Password for <span>" + username + "</span>");
		String password = between(created, "id=\"new-password-value\">", "<");
		as(username, password).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		assertThat(admin.client().get().uri("/admin/users").exchange().expectBody(String.class).returnResult()
			.getResponseBody()).doesNotContain(password);

		admin.client().post().uri("/admin/users/" + username).contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("role", "REVIEWER")).exchange()
			.expectStatus().isSeeOther().expectHeader().location("/admin/users?updated=" + username);
		assertThat(this.db.sql("SELECT role FROM app_user WHERE username = :u").bind("u", username)
			.map((row) -> row.get("role", String.class)).one().block()).isEqualTo("REVIEWER");

		String invalid = admin.client().post().uri("/admin/users").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", username).with("role", "VIEWER")).exchange()
			.expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
		assertThat(invalid).contains("id=\"create-errors\"", "is taken");
	}

	@Test
	void userShouldChangeTheirOwnPasswordOnlyKnowingTheCurrentOne() {
		String username = "self-" + suffix();
		createUser(username, Role.VIEWER);
		Session session = session(username, PASSWORD);
		String refused = session.client().post().uri("/settings/password")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("currentPassword", "guessed wrong").with("newPassword", "my own new password")
				.with("confirmPassword", "my own new password"))
			.exchange().expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
		assertThat(refused).contains("id=\"password-error\"", "not your current password");
		session.client().post().uri("/settings/password").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("currentPassword", PASSWORD).with("newPassword", "short")
				.with("confirmPassword", "short"))
			.exchange().expectStatus().isEqualTo(422);
		session.client().post().uri("/settings/password").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("currentPassword", PASSWORD).with("newPassword", "my own new password")
				.with("confirmPassword", "my own new password"))
			.exchange().expectStatus().isSeeOther().expectHeader().location("/settings/password?changed");
		as(username, "my own new password").get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		as(username, PASSWORD).get().uri("/api/v1/tokens").exchange().expectStatus().isUnauthorized();
		assertThat(this.db.sql("SELECT actor FROM audit_event WHERE action = 'user.update' AND target = :t")
			.bind("t", "user/" + username).map((row) -> row.get("actor", String.class)).one().block())
			.isEqualTo(username);
	}

	private static String between(String text, String start, String end) {
		int from = text.indexOf(start) + start.length();
		return text.substring(from, text.indexOf(end, from));
	}

	private static String suffix() {
		return UUID.randomUUID().toString().substring(0, 8);
	}

}
