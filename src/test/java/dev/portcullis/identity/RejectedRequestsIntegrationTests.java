package dev.portcullis.identity;

import java.net.URI;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Requests the firewall refuses, and over-long URIs and headers, answer problem+json with the same security
 * headers as every other response.
 */
class RejectedRequestsIntegrationTests extends IntegrationTest {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/workspaces/%2e%2e/admin/users", "/api/v1/workspaces/%2E%2E/tokens", "/login;jsessionid=x",
			"/api/v1/tokens;x=1", "/assets%5Capp.css", "/api/v1/workspaces/a%2Fb", "/api/v1/a%252e", "//login" })
	void pathsTheFirewallRefusesShouldGetAProblemWithSecurityHeaders(String path) {
		WebTestClient.ResponseSpec response = anonymous().get().uri(URI.create("http://localhost:" + this.port + path))
			.exchange()
			.expectStatus().isBadRequest();
		securityHeaders(response)
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/rejected-request")
			.jsonPath("$.status").isEqualTo(400)
			.jsonPath("$.instance").doesNotExist();
	}

	@ParameterizedTest
	@ValueSource(ints = { 5_000, 20_000 })
	void overLongUrisShouldGetA414Problem(int length) {
		String path = "/api/v1/workspaces?q=" + "a".repeat(length);
		securityHeaders(anonymous().get().uri(URI.create("http://localhost:" + this.port + path)).exchange()
			.expectStatus().isEqualTo(414))
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/uri-too-long")
			.jsonPath("$.detail").value((String detail) -> org.assertj.core.api.Assertions.assertThat(detail)
				.doesNotContain("aaaa"));
	}

	@Test
	void overLargeHeadersShouldGetA431Problem() {
		securityHeaders(anonymous().get().uri("/login").header("X-Padding", "p".repeat(12_000)).exchange()
			.expectStatus().isEqualTo(431))
			.expectBody()
			.jsonPath("$.type").isEqualTo("/problems/request-headers-too-large");
	}

	private static WebTestClient.ResponseSpec securityHeaders(WebTestClient.ResponseSpec response) {
		return response.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader().valueEquals("X-Frame-Options", "DENY")
			.expectHeader().exists("Cache-Control");
	}

}
