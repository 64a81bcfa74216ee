package dev.portcullis.replay.run;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.policy.StoreException;
import dev.portcullis.replay.ReplayProgress;
import dev.portcullis.replay.ReplayRequests;
import dev.portcullis.replay.Replays;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;

/**
 * Replay runs for pipelines ({@code openapi/replay.yaml}): {@code POST /api/v1/workspaces/{ws}/replay/runs} takes the
 * body of {@code POST .../replay}, makes both states at once (the same 400, 404 and 422 answers) and answers 202 with
 * the queued run; {@code GET .../replay/runs/{id}} answers its status and progress, and once SUCCEEDED the report,
 * byte for byte what {@code POST .../replay} answers for the same window and states; {@code POST .../cancel} stops
 * it. A run is its caller's: another user's id answers 404 as an unknown one does.
 */
@RestController
class ReplayRunApiController {

	private final JsonMapper json;

	private final EnginePool engine;

	private final Replays replays;

	private final ReplayRuns runs;

	ReplayRunApiController(JsonMapper json, EnginePool engine, Replays replays, ReplayRuns runs) {
		this.json = json;
		this.engine = engine;
		this.replays = replays;
		this.runs = runs;
	}

	/**
	 * A run as the API shows it.
	 *
	 * @param id its id
	 * @param status {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
	 * @param requestedAt when it was asked for
	 * @param startedAt when a worker first took it, absent before
	 * @param finishedAt when it ended, absent before
	 * @param progress how far it is
	 * @param report the report once SUCCEEDED, else absent
	 * @param error why it FAILED, else absent
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record RunBody(UUID id, String status, Instant requestedAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, Progress progress, @JsonRawValue @Nullable String report,
			@Nullable Failure error) {

		static RunBody of(ReplayRun run) {
			return new RunBody(run.id(), run.status(), run.requestedAt(), run.startedAt(), run.finishedAt(),
					new Progress(run.step(), run.storedFlows(), run.tuples(), run.decided(), run.cancelRequested()),
					run.report(), (run.error() != null)
							? new Failure("/problems/" + run.errorType(), run.error()) : null);
		}

	}

	/**
	 * @param step {@code STATES}, {@code COUNTING}, {@code GROUPING}, {@code DECIDING}, {@code DONE}
	 * @param storedFlows the window's stored flows, -1 before they are counted
	 * @param tuples the distinct tuples to decide, 0 before grouping ended
	 * @param decided the tuples decided so far
	 * @param cancelRequested whether cancelling was asked for
	 */
	record Progress(ReplayProgress.Step step, long storedFlows, int tuples, int decided, boolean cancelRequested) {
	}

	/**
	 * @param type the problem type the synchronous replay would have answered
	 * @param detail what went wrong, in words
	 */
	record Failure(String type, String detail) {
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/replay/runs", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<RunBody>> start(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.utf8(exchange)
			.flatMap((body) -> this.engine.run(() -> ReplayRequests.parse(body, this.json)))
			.flatMap((request) -> this.replays.prepare(workspace, request))
			.zipWith(user(exchange))
			.flatMap((found) -> this.runs.start(found.getT2(), found.getT1(), null))
			.map((run) -> ResponseEntity.status(HttpStatus.ACCEPTED)
				.location(URI.create("/api/v1/workspaces/" + UriUtils.encodePathSegment(workspace,
						StandardCharsets.UTF_8) + "/replay/runs/" + run.id()))
				.body(RunBody.of(run)))
			.onErrorMap(StoreException.NotFound.class,
					(ex) -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage()));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/replay/runs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RunBody> get(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		return user(exchange).flatMap((user) -> this.runs.find(workspace, user, uuid(id)))
			.map(RunBody::of)
			.switchIfEmpty(Mono.error(() -> notFound(workspace, id)));
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/replay/runs/{id}/cancel",
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RunBody> cancel(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		return user(exchange).flatMap((user) -> this.runs.cancel(workspace, user, uuid(id)))
			.map(RunBody::of)
			.switchIfEmpty(Mono.error(() -> notFound(workspace, id)));
	}

	private static UUID uuid(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			// no run has it
			return new UUID(0, 0);
		}
	}

	private static ApiProblem notFound(String workspace, String id) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "There is no replay run " + id
				+ " of yours in workspace " + workspace + " (runs are kept a day after they end).");
	}

	private static Mono<String> user(ServerWebExchange exchange) {
		return exchange.getPrincipal().map(Principal::getName).defaultIfEmpty("");
	}

}
