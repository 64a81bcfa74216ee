package dev.portcullis.policy;

import java.util.Set;

import dev.portcullis.identity.Actor;
import dev.portcullis.policy.StoreApi.SettingsView;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import static dev.portcullis.policy.StoreApi.etag;
import static dev.portcullis.policy.StoreApi.readJson;
import static dev.portcullis.policy.StoreApi.weak;

/**
 * A workspace's agent settings, {@code /api/v1/workspaces/{workspace}/settings}: read (any role) and replaced (ADMIN),
 * versioned with {@code ETag}/{@code If-Match} like a policy; {@code openapi/settings.yaml} is its contract.
 */
@RestController
class SettingsController {

	private final WorkspaceSettings settings;

	private final JsonMapper json;

	SettingsController(WorkspaceSettings settings, JsonMapper json) {
		this.settings = settings;
		this.json = json;
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/settings", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SettingsView>> settings(@PathVariable String workspace) {
		return this.settings.current(workspace).map(SettingsController::answer);
	}

	/**
	 * Replaces every setting: a member the body leaves out is Cilium's default. Changing settings that were changed
	 * before needs {@code If-Match} with their ETag (428 without, 412 when stale); the defaults (version 0) can be
	 * changed without.
	 */
	@PutMapping(path = "/api/v1/workspaces/{workspace}/settings", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SettingsView>> change(@PathVariable String workspace,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		JsonNode request = readJson(this.json, body);
		AgentSettings.Reading reading = AgentSettings.read(request, AgentSettings.DEFAULTS, "", Set.of());
		Integer expected = expectedVersion(ifMatch);
		return Actor.current(exchange).flatMap((by) -> this.settings.change(workspace, reading, expected, by))
			.map(SettingsController::answer);
	}

	/**
	 * The version {@code If-Match} names: null without one, -1 (matches no version) for a weak tag, which never matches
	 * (RFC 9110 compares If-Match strongly).
	 */
	private static @Nullable Integer expectedVersion(@Nullable String ifMatch) {
		if (ifMatch == null) {
			return null;
		}
		if (weak(ifMatch)) {
			return -1;
		}
		String v = ifMatch.strip();
		if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
			v = v.substring(1, v.length() - 1);
		}
		if (!v.matches("[0-9]{1,9}")) {
			throw ApiProblem.badRequest("invalid-precondition", "Invalid precondition", "If-Match must be the ETag of"
					+ " the settings your change is based on, for example \"3\", not " + Quoted.of(ifMatch) + ".");
		}
		return Integer.parseInt(v);
	}

	private static ResponseEntity<SettingsView> answer(WorkspaceSettings.Version version) {
		return ResponseEntity.ok().eTag(etag(version.version())).body(SettingsView.of(version));
	}

	@ExceptionHandler(StoreException.class)
	ResponseEntity<ProblemDetail> storeProblem(StoreException ex, ServerWebExchange exchange) {
		return StoreApi.problem(ex).response(exchange);
	}

}
