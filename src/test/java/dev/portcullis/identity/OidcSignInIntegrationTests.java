package dev.portcullis.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.audit.AuditLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an OpenID Connect sign-in does to users, with a provider that has no user-info endpoint (the ID token
 * carries the claims), so that no identity provider is needed. The browser redirect round trip itself is
 * Spring Security's and is not exercised here.
 */
class OidcSignInIntegrationTests extends IntegrationTest {

	static final IdentitySettings.Oidc SETTINGS = new IdentitySettings.Oidc("groups",
			Map.of(Role.ADMIN, List.of("platform-admins"), Role.AUTHOR, List.of("netpol-authors")), null);

	@Autowired
	Users users;

	@Autowired
	AuditLog audit;

	@Autowired
	DatabaseClient db;

	OidcSignIn oidc;

	String issuer;

	@BeforeEach
	void provider() {
		this.oidc = new OidcSignIn(this.users, this.audit, SETTINGS);
		this.issuer = "https://idp-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
	}

	@Test
	void firstSignInShouldCreateTheUserWithTheMappedRoleAndLaterOnesFollowTheProvider() {
		String subject = UUID.randomUUID().toString();
		String username = "oidc-" + subject.substring(0, 8);
		OidcUser first = signIn(subject, username, "Olivia Oidc", List.of("netpol-authors", "marketing"));
		assertThat(first.getName()).isEqualTo(username);
		assertThat(Actor.highestRole(first.getAuthorities())).isEqualTo(Role.AUTHOR);
		UserRow row = this.users.findByOidcSubject(this.issuer, subject).block();
		assertThat(row.username()).isEqualTo(username);
		assertThat(row.role()).isEqualTo(Role.AUTHOR);
		assertThat(row.passwordHash()).isNull();
		assertThat(row.displayName()).isEqualTo("Olivia Oidc");

		OidcUser second = signIn(subject, "renamed-at-idp", "Olivia O.", List.of("platform-admins"));
		assertThat(second.getName()).isEqualTo(username);
		UserRow again = this.users.findByOidcSubject(this.issuer, subject).block();
		assertThat(again.id()).isEqualTo(row.id());
		assertThat(again.role()).isEqualTo(Role.ADMIN);
		assertThat(again.displayName()).isEqualTo("Olivia O.");
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'auth.signin' AND target = :t "
				+ "AND outcome = 'SUCCESS' AND details->>'method' = 'oidc'").bind("t", "user/" + username)
			.map((r) -> r.get("n", Long.class)).one().block()).isEqualTo(2L);
	}

	@Test
	void userInNoMappedGroupShouldBeRefusedAndAudited() {
		String subject = UUID.randomUUID().toString();
		assertThatThrownBy(() -> signIn(subject, "nogroup-" + subject.substring(0, 8), "No Group", List.of("sales")))
			.isInstanceOf(OAuth2AuthenticationException.class);
		assertThat(this.users.findByOidcSubject(this.issuer, subject).block()).isNull();
		assertThat(this.db.sql("SELECT outcome FROM audit_event WHERE target = :t").bind("t", "oidc/" + subject)
			.map((r) -> r.get("outcome", String.class)).one().block()).isEqualTo("FAILURE");
	}

	@Test
	void aLocalUsersNameShouldNeverBeTakenOver() {
		String local = "local-" + UUID.randomUUID().toString().substring(0, 8);
		createUser(local, Role.ADMIN);
		assertThatThrownBy(() -> signIn(UUID.randomUUID().toString(), local, "Impostor", List.of("platform-admins")))
			.isInstanceOf(OAuth2AuthenticationException.class);
		assertThat(this.users.findByUsername(local).block().oidcSubject()).isNull();
	}

	@Test
	void disabledUserShouldBeRefused() {
		String subject = UUID.randomUUID().toString();
		String username = "oidc-off-" + subject.substring(0, 8);
		signIn(subject, username, "Off", List.of("netpol-authors"));
		this.db.sql("UPDATE app_user SET enabled = false WHERE username = :u").bind("u", username).then().block();
		assertThatThrownBy(() -> signIn(subject, username, "Off", List.of("netpol-authors")))
			.isInstanceOf(OAuth2AuthenticationException.class);
	}

	@Test
	void concurrentFirstSignInsOfOneUserShouldAllSignInAsOneNewUser() {
		for (int round = 0; round < 10; round++) {
			String subject = UUID.randomUUID().toString();
			String username = "oidc-race-" + subject.substring(0, 8);
			List<OidcUser> signedIn = Flux.range(0, 8)
				.flatMap((i) -> Mono.defer(() -> this.oidc.loadUser(request(subject, username, "Racing", List.of("netpol-authors"))))
					.subscribeOn(Schedulers.boundedElastic()))
				.collectList()
				.block(java.time.Duration.ofSeconds(60));
			assertThat(signedIn).hasSize(8).allSatisfy((user) -> assertThat(user.getName()).isEqualTo(username));
			assertThat(this.db.sql("SELECT count(*) AS n FROM app_user WHERE oidc_issuer = :i AND oidc_subject = :s")
				.bind("i", this.issuer).bind("s", subject).map((r) -> r.get("n", Long.class)).one().block()).isEqualTo(1L);
		}
	}

	@Test
	void anotherProviderUserWithATakenUsernameShouldBeRefusedNotFail() {
		String username = "oidc-same-" + UUID.randomUUID().toString().substring(0, 8);
		signIn(UUID.randomUUID().toString(), username, "First", List.of("netpol-authors"));
		assertThatThrownBy(() -> signIn(UUID.randomUUID().toString(), username, "Second", List.of("netpol-authors")))
			.isInstanceOf(OAuth2AuthenticationException.class)
			.hasMessageContaining("belongs to another user");
	}

	private OidcUser signIn(String subject, String preferredUsername, String name, List<String> groups) {
		return this.oidc.loadUser(request(subject, preferredUsername, name, groups)).block();
	}

	private OidcUserRequest request(String subject, String preferredUsername, String name, List<String> groups) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("test")
			.clientId("portcullis")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
			.authorizationUri(this.issuer + "/authorize")
			.tokenUri(this.issuer + "/token")
			.scope("openid")
			.build();
		Instant now = Instant.now();
		OidcIdToken idToken = OidcIdToken.withTokenValue("id-token")
			.issuer(this.issuer)
			.subject(subject)
			.issuedAt(now)
			.expiresAt(now.plusSeconds(300))
			.audience(List.of("portcullis"))
			.claim("preferred_username", preferredUsername)
			.claim("name", name)
			.claim("groups", groups)
			.build();
		OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access",
				now, now.plusSeconds(300));
		return new OidcUserRequest(registration, accessToken, idToken);
	}

}
