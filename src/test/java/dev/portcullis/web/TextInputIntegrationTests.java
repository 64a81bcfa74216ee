package dev.portcullis.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text PostgreSQL cannot store (a NUL character) and moments it cannot store (or that are missing) are refused
 * with 400 naming the field, on the API and the pages, never a 500.
 */
class TextInputIntegrationTests extends IntegrationTest {

	private static final String POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: web, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: web}}
			  ingress: [{}]
			""";

	private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	@org.springframework.boot.test.web.server.LocalServerPort
	int port;

	/** An absolute URI as written (a relative one would be encoded again by the client). */
	URI raw(String pathAndQuery) {
		return URI.create("http://localhost:" + this.port + pathAndQuery.replace("{ws}", ws));
	}

	/** The workspace every row works in, with the policy shop/web at version 1. */
	static String ws;

	@BeforeEach
	void workspace() {
		if (ws == null) {
			ws = "text-" + UUID.randomUUID().toString().substring(0, 8);
			as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
			as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web", ws)
				.contentType(YAML).bodyValue(POLICY).exchange().expectStatus().isCreated();
		}
	}

	/** A request of one row: made by the test, given the test's clients. */
	interface Call extends Function<TextInputIntegrationTests, WebTestClient.ResponseSpec> {
	}

	private static Arguments row(String where, String field, Call call) {
		return Arguments.of(where, field, call);
	}

	private WebTestClient.ResponseSpec get(Role role, String uri) {
		return as(role).get().uri(raw(uri)).exchange();
	}

	private WebTestClient.ResponseSpec json(Role role, String method, String uri, Object body) {
		return as(role).method(org.springframework.http.HttpMethod.valueOf(method)).uri(raw(uri))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
	}

	private WebTestClient.ResponseSpec form(Role role, String uri, String... pairs) {
		org.springframework.util.LinkedMultiValueMap<String, String> form = new org.springframework.util.LinkedMultiValueMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			form.add(pairs[i], pairs[i + 1]);
		}
		return as(role).post().uri(raw(uri)).body(BodyInserters.fromFormData(form)).exchange();
	}

	private WebTestClient.ResponseSpec basic(String uri, String username) {
		String credentials = Base64.getEncoder().encodeToString((username + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
		return anonymous().get().uri(raw(uri)).header("Authorization", "Basic " + credentials).exchange();
	}

	static Stream<Arguments> nulFields() {
		String nul = "a\u0000b";
		return Stream.of(
				row("API workspace description", "description",
						(t) -> t.json(Role.AUTHOR, "POST", "/api/v1/workspaces", Map.of("name", "nul-ws", "description", nul))),
				row("API user display name", "displayName", (t) -> t.json(Role.ADMIN, "POST", "/api/v1/users",
						Map.of("username", "nul-user", "displayName", nul, "role", "VIEWER"))),
				row("API user display name (change)", "displayName", (t) -> t.json(Role.ADMIN, "PATCH",
						"/api/v1/users/" + t.username(Role.VIEWER), Map.of("displayName", nul))),
				row("API token name", "name", (t) -> t.json(Role.VIEWER, "POST", "/api/v1/tokens", Map.of("name", nul))),
				row("API version message (query)", "message", (t) -> t.as(Role.AUTHOR).put()
					.uri(t.raw("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web?message=a%00b"))
					.header("If-Match", "\"1\"").contentType(YAML).bodyValue(POLICY).exchange()),
				row("API version message (JSON)", "message", (t) -> t.as(Role.AUTHOR).put()
					.uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web", ws).header("If-Match", "\"1\"")
					.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("yaml", POLICY, "message", nul)).exchange()),
				row("API import message", "message", (t) -> t.as(Role.AUTHOR).post()
					.uri(t.raw("/api/v1/workspaces/{ws}/import?message=a%00b")).contentType(YAML)
					.bodyValue(POLICY).exchange()),
				row("API search", "q", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies?q=a%00b")),
				row("API namespace", "namespace", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies?namespace=%00")),
				row("API cursor", "cursor", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies?cursor=a%00")),
				row("API history cursor", "cursor",
						(t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/versions?cursor=%00")),
				row("API audit actor", "actor", (t) -> t.get(Role.ADMIN, "/api/v1/audit?actor=a%00b")),
				row("API audit action", "action", (t) -> t.get(Role.ADMIN, "/api/v1/audit?action=auth.%00")),
				row("API audit workspace", "workspace", (t) -> t.get(Role.ADMIN, "/api/v1/audit?workspace=%00")),
				row("API audit text", "q", (t) -> t.get(Role.ADMIN, "/api/v1/audit?q=%00")),
				row("API path", "path", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/a%00b")),
				row("API Basic username", "username", (t) -> t.basic("/api/v1/workspaces", "a\u0000b")),
				row("page Basic username", "username", (t) -> t.basic("/", "a\u0000b")),
				row("page workspace description", "description",
						(t) -> t.form(Role.AUTHOR, "/workspaces", "name", "nul-page-ws", "description", nul)),
				row("page version message", "message",
						(t) -> t.form(Role.AUTHOR, "/workspaces/{ws}/policies/new", "yaml", POLICY, "message", nul)),
				row("page import message", "message", (t) -> {
					MultipartBodyBuilder parts = new MultipartBodyBuilder();
					parts.part("bundle", POLICY);
					parts.part("message", nul);
					return t.as(Role.AUTHOR).post().uri("/workspaces/{ws}/import", ws)
						.body(BodyInserters.fromMultipartData(parts.build())).exchange();
				}),
				row("page token name", "name", (t) -> t.form(Role.VIEWER, "/settings/tokens", "name", nul, "expires", "30")),
				row("page user display name", "displayName", (t) -> t.form(Role.ADMIN, "/admin/users", "username",
						"nul-page-user", "displayName", nul, "role", "VIEWER")),
				row("page search", "q", (t) -> t.get(Role.VIEWER, "/workspaces/{ws}?q=%00")),
				row("page namespace", "namespace", (t) -> t.get(Role.VIEWER, "/workspaces/{ws}?namespace=%00")),
				row("page cursor", "cursor", (t) -> t.get(Role.VIEWER, "/workspaces/{ws}?cursor=%00")),
				row("page audit filter", "actor", (t) -> t.get(Role.ADMIN, "/admin/audit?actor=%00")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("nulFields")
	void nulCharacterShouldBeRefusedWith400NamingTheField(String where, String field, Call call) {
		EntityExchangeResult<String> result = call.apply(this).expectBody(String.class).returnResult();
		assertThat(result.getStatus().value()).as(where).isEqualTo(400);
		if (where.startsWith("API")) {
			assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(result.getResponseBody()).contains("\"type\":\"/problems/nul-character\"",
					"The field \\\"" + field + "\\\"");
		}
		else {
			assertThat(result.getResponseBody()).contains("The field &quot;" + field + "&quot;");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("nulFields")
	void nulCharacterShouldNeverReachTheDatabaseOrWriteAnything(String where, String field, Call call) {
		call.apply(this).expectStatus().isBadRequest();
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web/versions", ws)
			.exchange().expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
	}

	/** The sign-in form reaches no database either: a NUL there is a failed sign-in. */
	@org.junit.jupiter.api.Test
	void nulCharacterInTheSignInFormShouldBeAFailedSignIn() {
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectBody(String.class)
			.returnResult();
		String token = login.getResponseBody().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");
		WebTestClient.RequestBodySpec post = anonymous().post().uri("/login");
		for (var cookie : login.getResponseCookies().values().stream().flatMap(List::stream).toList()) {
			post = post.cookie(cookie.getName(), cookie.getValue());
		}
		post.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("username=a%00b&password=whatever&_csrf=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8))
			.exchange()
			.expectStatus().isFound()
			.expectHeader().location("/login?error");
	}

	static Stream<Arguments> moments() {
		String far = "%2B999999999-12-31T23:59:59Z";
		String farLocal = "%2B999999999-12-31T23:59";
		return Stream.of(row("API list at", "at", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies?at=" + far)),
				row("API list at (empty)", "at", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies?at=")),
				row("API policy at", "at",
						(t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/shop/web?at=" + far)),
				row("API snapshot at", "at", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/snapshot?at=" + far)),
				row("API snapshot at (empty)", "at", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/snapshot?at=")),
				row("API snapshot at (before 1970)", "at",
						(t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/snapshot?at=-000001-01-01T00:00:00Z")),
				row("API compare from (empty)", "from", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/compare?from=")),
				row("API compare from", "from", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/compare?from=" + far)),
				row("API compare to", "to", (t) -> t.get(Role.VIEWER,
						"/api/v1/workspaces/{ws}/compare?from=2026-01-01T00:00:00Z&to=" + far)),
				row("API compare to (empty)", "to",
						(t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/compare?from=2026-01-01T00:00:00Z&to=")),
				row("API export at", "at", (t) -> t.get(Role.VIEWER, "/api/v1/workspaces/{ws}/export?at=" + far)),
				row("API audit since", "since", (t) -> t.get(Role.ADMIN, "/api/v1/audit?since=" + far)),
				row("API audit until", "until", (t) -> t.get(Role.ADMIN, "/api/v1/audit?until=" + far)),
				row("API token expiresAt", "expiresAt", (t) -> t.json(Role.VIEWER, "POST", "/api/v1/tokens",
						Map.of("name", "far future", "expiresAt", "+999999999-12-31T23:59:59Z"))),
				row("page list at", "moment", (t) -> t.get(Role.VIEWER, "/workspaces/{ws}?at=" + farLocal)),
				row("page compare from", "moment",
						(t) -> t.get(Role.VIEWER, "/workspaces/{ws}/compare?from=" + farLocal + "&to=2026-01-01T00:00")),
				row("page export at", "moment", (t) -> t.get(Role.VIEWER, "/workspaces/{ws}/export?at=" + farLocal)),
				row("page audit since", "since", (t) -> t.get(Role.ADMIN, "/admin/audit?since=" + farLocal)),
				row("page audit until", "until", (t) -> t.get(Role.ADMIN, "/admin/audit?until=" + far)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("moments")
	void extremeOrEmptyMomentsShouldBeRefusedNamingTheParameter(String where, String parameter, Call call) {
		EntityExchangeResult<String> result = call.apply(this).expectBody(String.class).returnResult();
		if (where.startsWith("API")) {
			assertThat(result.getStatus().value()).as(where).isEqualTo(400);
			assertThat(result.getResponseBody()).as(where).contains(parameter);
		}
		else {
			assertThat(result.getStatus().value()).as(where).isIn(400, 422);
			assertThat(result.getResponseBody()).as(where).containsIgnoringCase(parameter).contains("9999");
		}
	}

}
