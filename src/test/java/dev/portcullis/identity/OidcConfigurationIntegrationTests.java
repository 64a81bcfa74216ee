package dev.portcullis.identity;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With an OAuth2 client registration configured, the sign-in page offers the provider and the app redirects to
 * it with a proper authorization request. The provider is fictitious (no IdP runs here), so the round trip ends
 * at the redirect.
 */
@TestPropertySource(properties = {
		"spring.security.oauth2.client.registration.corp.client-id=portcullis",
		"spring.security.oauth2.client.registration.corp.client-secret=secret",
		"spring.security.oauth2.client.registration.corp.client-name=Corp SSO",
		"spring.security.oauth2.client.registration.corp.scope=openid,profile,groups",
		"spring.security.oauth2.client.registration.corp.authorization-grant-type=authorization_code",
		"spring.security.oauth2.client.registration.corp.redirect-uri={baseUrl}/login/oauth2/code/{registrationId}",
		"spring.security.oauth2.client.provider.corp.authorization-uri=https://idp.example.com/authorize",
		"spring.security.oauth2.client.provider.corp.token-uri=https://idp.example.com/token",
		"spring.security.oauth2.client.provider.corp.jwk-set-uri=https://idp.example.com/jwks",
		"portcullis.oidc.role-mapping.AUTHOR=netpol-authors" })
class OidcConfigurationIntegrationTests extends IntegrationTest {

	@Test
	void signInPageShouldOfferTheProviderAndRedirectToIt() {
		String html = anonymous().get().uri("/login").exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult().getResponseBody();
		assertThat(html).contains("href=\"/oauth2/authorization/corp\"", "Sign in with Corp SSO");
		String location = anonymous().get().uri("/oauth2/authorization/corp").exchange()
			.expectStatus().is3xxRedirection()
			.expectBody().returnResult().getResponseHeaders().getLocation().toString();
		assertThat(location).startsWith("https://idp.example.com/authorize?")
			.contains("client_id=portcullis", "response_type=code", "state=", "nonce=", "scope=openid")
			.contains("redirect_uri=http://localhost");
	}

	@Test
	void passwordSignInShouldStillWork() {
		as(Role.VIEWER).get().uri("/api/v1/tokens").exchange().expectStatus().isOk();
		session(Role.VIEWER).client().get().uri("/").exchange().expectStatus().isOk();
	}

	@Test
	void failedProviderCallbackShouldComeBackToTheSignInPage() {
		anonymous().get().uri("/login/oauth2/code/corp?code=x&state=unknown").exchange()
			.expectStatus().is3xxRedirection()
			.expectHeader().valueMatches("Location", ".*/login\\?oidc");
	}

}
