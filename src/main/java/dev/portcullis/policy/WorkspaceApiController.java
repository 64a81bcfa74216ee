package dev.portcullis.policy;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import dev.portcullis.identity.Actor;
import dev.portcullis.policy.StoreApi.PageView;
import dev.portcullis.policy.StoreApi.SummaryView;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import static dev.portcullis.policy.StoreApi.YAML;
import static dev.portcullis.policy.StoreApi.instant;
import static dev.portcullis.policy.StoreApi.readJson;

/**
 * The store's REST API for whole workspaces, {@code /api/v1/workspaces} and {@code /api/v1/workspaces/{workspace}}
 * with its {@code /snapshot}, {@code /compare}, {@code /import} and {@code /export}; {@code openapi/policies.yaml}
 * is its contract. Single policies are {@link PolicyApiController}'s.
 */
@RestController
@RequestMapping("/api/v1/workspaces")
class WorkspaceApiController {

	private final Workspaces workspaces;

	private final Policies policies;

	private final BundleImport imports;

	private final BundleExport exports;

	private final JsonMapper json;

	WorkspaceApiController(Workspaces workspaces, Policies policies, BundleImport imports, BundleExport exports,
			JsonMapper json) {
		this.workspaces = workspaces;
		this.policies = policies;
		this.imports = imports;
		this.exports = exports;
		this.json = json;
	}

	// ---------------------------------------------------------------- views

	record CompareView(Instant from, Instant to, List<CompareEntry> changes) {
	}

	record CompareEntry(String kind, String namespace, String name, WorkspaceComparison.Change change,
			@Nullable Integer fromVersion, @Nullable Integer toVersion) {
	}

	record SnapshotView(Instant at, List<SummaryView> items) {
	}

	record WorkspaceRequest(@Nullable String name, @Nullable String description) {
	}

	// ---------------------------------------------------------------- workspaces

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<PageView<Workspace>> workspaces() {
		return this.workspaces.all().collectList().map((all) -> new PageView<>(all, null));
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Workspace>> createWorkspace(@RequestBody(required = false) @Nullable String body,
			ServerWebExchange exchange) {
		JsonNode request = readJson(this.json, body);
		JsonNode name = request.get("name");
		JsonNode description = request.get("description");
		if (name == null || !name.isString()) {
			return Mono.error(ApiProblem.badRequest("invalid-request", "Invalid request",
					"The body must be a JSON object {\"name\": \"<workspace>\", \"description\": \"...\"}."));
		}
		NulCharacters.refuse("name", name.asString());
		if (description != null && description.isString()) {
			NulCharacters.refuse("description", description.asString());
		}
		return Actor.current(exchange)
			.flatMap((by) -> this.workspaces.create(name.asString(),
					(description != null && description.isString()) ? description.asString() : "", by))
			.map((ws) -> ResponseEntity.created(URI.create("/api/v1/workspaces/" + ws.name())).body(ws));
	}

	@GetMapping(path = "/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Workspace> workspace(@PathVariable String workspace) {
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(workspace) + ".")));
	}

	// ---------------------------------------------------------------- moments, import, export

	@GetMapping(path = "/{workspace}/snapshot", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<SnapshotView> snapshot(@PathVariable String workspace, @RequestParam(required = false) @Nullable String at) {
		Instant moment = (at != null) ? instant("at", at) : Instant.now();
		return this.policies.snapshot(workspace, moment).map(SummaryView::of).collectList()
			.map((items) -> new SnapshotView(moment, items));
	}

	@GetMapping(path = "/{workspace}/compare", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<CompareView> compare(@PathVariable String workspace, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to) {
		if (from == null) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
					"Name the moments: ?from=<ISO-8601 instant>[&to=<instant>, default now].");
		}
		Instant start = instant("from", from);
		Instant end = (to != null) ? instant("to", to) : Instant.now();
		return this.policies.compare(workspace, start, end)
			.map((c) -> new CompareView(c.from(), c.to(), c.changes().stream().map((e) -> new CompareEntry(
					e.key().kind().kindName(), e.key().namespace(), e.key().name(), e.change(), e.fromVersion(),
					e.toVersion())).toList()));
	}

	@PostMapping(path = "/{workspace}/import",
			consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain" },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ImportReport> importBundle(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange).flatMap((body) -> importBundle(workspace, message, body, exchange));
	}

	private Mono<ImportReport> importBundle(String workspace, @Nullable String message, String body,
			ServerWebExchange exchange) {
		if (body.isBlank()) {
			throw ApiProblem.badRequest("empty-body", "Empty body",
					"Send the bundle as the body (application/yaml): one or more policy objects or a kind: List.");
		}
		return Actor.current(exchange)
			.flatMap((by) -> this.imports.run(workspace, body, (message != null) ? message : "", by))
			.onErrorMap(StoreException.Conflict.class, (conflict) -> ApiProblem.of(HttpStatus.CONFLICT,
					"import-conflict", "Import conflict", conflict.getMessage()));
	}

	@GetMapping(path = "/{workspace}/export", produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	Mono<ResponseEntity<Flux<String>>> export(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at, ServerWebExchange exchange) {
		Instant moment = instant("at", at);
		return Actor.current(exchange)
			.flatMap((by) -> this.exports.export(workspace, moment, by))
			.map((text) -> ResponseEntity.ok()
				.contentType(YAML)
				.header(HttpHeaders.CONTENT_DISPOSITION,
						ContentDisposition.attachment().filename(workspace + ".yaml").build().toString())
				.body(text));
	}

	// ---------------------------------------------------------------- errors

	@ExceptionHandler(StoreException.class)
	ResponseEntity<ProblemDetail> storeProblem(StoreException ex, ServerWebExchange exchange) {
		return StoreApi.problem(ex).response(exchange);
	}

}
