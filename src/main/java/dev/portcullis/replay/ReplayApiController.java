package dev.portcullis.replay;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.RequestBodyLimits;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/replay}: a window of stored flows decided under a baseline and a
 * candidate state, answered with what changes ({@link ReplayReport}). See {@code openapi/replay.yaml}.
 */
@RestController
class ReplayApiController {

	private final JsonMapper json;

	private final EnginePool engine;

	private final Replays replays;

	ReplayApiController(JsonMapper json, EnginePool engine, Replays replays) {
		this.json = json;
		this.engine = engine;
		this.replays = replays;
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/replay", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ReplayReport> replay(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.utf8(exchange)
			.flatMap((body) -> this.engine.run(() -> ReplayRequests.parse(body, this.json)))
			.flatMap((request) -> this.replays.replay(workspace, request))
			.onErrorMap(StoreException.NotFound.class,
					(ex) -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage()));
	}

}
