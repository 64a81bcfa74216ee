package dev.portcullis.web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/** Bodies are small except where policy text is meant to arrive; nobody anonymous makes the server read a body. */
class RequestBodyLimitsIntegrationTests extends IntegrationTest {

	@LocalServerPort
	int port;

	/**
	 * An anonymous visitor with the cookies the sign-in page gave (the CSRF filter has an expected token then)
	 * announces a 64 MiB multipart body, sends its first 512 KiB and waits: the server must answer without the rest,
	 * which never comes, so it cannot have read the body. The CSRF field is at the end of the body, where a reader
	 * looking for it would have to go.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/workspaces/anything/import", "/workspaces/anything/policies/new" })
	void anonymousMultipartPostShouldBeRefusedWithoutReadingItsBody(String path) throws Exception {
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult();
		String cookies = login.getResponseCookies().values().stream().flatMap(List::stream)
			.map((c) -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
		String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
		String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"\r\n\r\n";
		String headers = "POST " + path + " HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nCookie: " + cookies
				+ "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: "
				+ (64L * 1024 * 1024) + "\r\n\r\n";
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(60_000); // a hang guard: a server that waits for the body never answers
			OutputStream out = socket.getOutputStream();
			out.write(headers.getBytes(StandardCharsets.US_ASCII));
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write("# x\n".repeat(128 * 1024).getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			assertThat(status).matches("HTTP/1\\.1 40[13] .*");
		}
	}

	@Test
	void largeJsonToAnEndpointThatTakesSmallBodiesShouldBe413() {
		String description = "x".repeat(1024 * 1024);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "too-large", "description", description))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("/problems/body-too-large");
	}

	@Test
	void largePolicyTextShouldBeAcceptedWhereItIsMeantOnTheApiAndThePages() {
		String ws = "bodies-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		String comment = "# " + "x".repeat(1024 * 1024) + "\n";
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/api", ws)
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(comment + policy("api"))
			.exchange().expectStatus().isCreated();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/import", ws)
			.contentType(MediaType.parseMediaType("application/yaml")).bodyValue(comment + policy("bundle"))
			.exchange().expectStatus().isOk();
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("yaml", comment + policy("page"));
		form.add("message", "large");
		as(Role.AUTHOR).post().uri("/workspaces/{ws}/policies/new", ws).body(BodyInserters.fromFormData(form))
			.exchange().expectStatus().isSeeOther();
		MultiValueMap<String, String> bundle = new LinkedMultiValueMap<>();
		bundle.add("bundle", comment + policy("pasted"));
		as(Role.AUTHOR).post().uri("/workspaces/{ws}/import", ws).body(BodyInserters.fromFormData(bundle))
			.exchange().expectStatus().isOk();
		org.springframework.http.client.MultipartBodyBuilder parts = new org.springframework.http.client.MultipartBodyBuilder();
		parts.part("bundle", "");
		parts.part("file", (comment + policy("uploaded")).getBytes(StandardCharsets.UTF_8))
			.filename("bundle.yaml").contentType(MediaType.parseMediaType("application/yaml"));
		as(Role.AUTHOR).post().uri("/workspaces/{ws}/import", ws).body(BodyInserters.fromMultipartData(parts.build()))
			.exchange().expectStatus().isOk();
	}


	private static String policy(String name) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: %s, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: %s}}
				  ingress: [{}]
				""".formatted(name, name);
	}

}
