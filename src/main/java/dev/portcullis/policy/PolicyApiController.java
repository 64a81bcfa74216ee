package dev.portcullis.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.StoreApi.PageView;
import dev.portcullis.policy.StoreApi.PreconditionRequired;
import dev.portcullis.policy.StoreApi.SummaryView;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import static dev.portcullis.policy.StoreApi.YAML;
import static dev.portcullis.policy.StoreApi.etag;
import static dev.portcullis.policy.StoreApi.instant;
import static dev.portcullis.policy.StoreApi.readJson;
import static dev.portcullis.policy.StoreApi.weak;

/**
 * The store's REST API for single policies, {@code /api/v1/workspaces/{workspace}/policies/**};
 * {@code openapi/policies.yaml} is its contract, and whole workspaces are {@link WorkspaceApiController}'s.
 * Policies are addressed as {@code /policies/{kind}/{namespace}/{name}} with {@code _} as the namespace of
 * cluster-wide kinds. Versioned resources carry {@code ETag: "<version>"}; changes of an existing policy need
 * {@code If-Match} (428 without, 412 when stale).
 */
@RestController
@RequestMapping("/api/v1/workspaces")
class PolicyApiController {

	static final String POLICY = "/{workspace}/policies/{kind}/{namespace}/{name}";

	private final Workspaces workspaces;

	private final Policies policies;

	private final PolicyChanges changes;

	private final JsonMapper json;

	PolicyApiController(Workspaces workspaces, Policies policies, PolicyChanges changes, JsonMapper json) {
		this.workspaces = workspaces;
		this.policies = policies;
		this.changes = changes;
		this.json = json;
	}

	// ---------------------------------------------------------------- views


	/** A policy version with its text. */
	record PolicyView(String kind, String namespace, String name, int version, boolean deleted, Instant createdAt,
			String author, String message, Map<String, String> labels, String contentHash, String yaml,
			String canonicalYaml) {

		static PolicyView of(PolicyVersion v) {
			PolicySummary s = v.summary();
			return new PolicyView(s.key().kind().kindName(), s.key().namespace(), s.key().name(), s.version(),
					s.deleted(), s.createdAt(), s.author(), s.message(), s.labels(), s.contentHash(), v.yaml(),
					v.canonicalYaml());
		}

	}

	record SaveView(SaveResult.Outcome outcome, PolicyView policy, List<Violation> warnings) {

		static SaveView of(SaveResult result) {
			return new SaveView(result.outcome(), PolicyView.of(result.version()), result.warnings());
		}

	}

	record DiffView(String kind, String namespace, String name, SummaryView from, SummaryView to, boolean identical,
			String unified, List<PolicyDiff.Line> lines, List<PolicyDiff.Change> changes) {
	}

	// ---------------------------------------------------------------- policies

	@GetMapping(path = "/{workspace}/policies", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<PageView<SummaryView>> policies(@PathVariable String workspace, @RequestParam(required = false) @Nullable String q,
			@RequestParam(required = false) @Nullable String kind,
			@RequestParam(required = false) @Nullable String namespace,
			@RequestParam(required = false) @Nullable String label, @RequestParam(required = false) @Nullable String at,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable String limit) {
		PolicyQuery query = new PolicyQuery(q, (kind != null && !kind.isBlank()) ? kind(kind) : null,
				(namespace == null) ? null : PolicyKey.NO_NAMESPACE_SEGMENT.equals(namespace) ? "" : namespace, label,
				instant("at", at), (cursor != null && !cursor.isBlank()) ? cursor : null, limit(limit));
		return this.policies.list(workspace, query)
			.map((page) -> new PageView<>(page.items().stream().map(SummaryView::of).toList(), page.nextCursor()));
	}

	@GetMapping(path = POLICY, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<PolicyView>> policy(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestParam(required = false) @Nullable String at) {
		return this.policies.get(workspace, key(kind, namespace, name), instant("at", at))
			.map((version) -> ResponseEntity.ok().eTag(etag(version.version())).body(PolicyView.of(version)));
	}

	@GetMapping(path = POLICY, produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	Mono<ResponseEntity<String>> policyYaml(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestParam(required = false) @Nullable String at) {
		return this.policies.get(workspace, key(kind, namespace, name), instant("at", at)).map(this::yaml);
	}

	private ResponseEntity<String> yaml(PolicyVersion version) {
		if (version.deleted()) {
			throw ApiProblem.of(HttpStatus.GONE, "policy-deleted", "Policy deleted", version.key()
					+ " was deleted by version " + version.version() + "; restore it or ask for an earlier version.");
		}
		return ResponseEntity.ok().contentType(YAML).eTag(etag(version.version())).body(version.yaml());
	}

	@PutMapping(path = POLICY, consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain",
			MediaType.APPLICATION_JSON_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SaveView>> save(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) @Nullable String ifNoneMatch,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		PolicyKey key = key(kind, namespace, name);
		return RequestBodyLimits.text(exchange)
			.flatMap((body) -> save(workspace, key, ifMatch, ifNoneMatch, message, body, exchange));
	}

	private Mono<ResponseEntity<SaveView>> save(String workspace, PolicyKey key, @Nullable String ifMatch,
			@Nullable String ifNoneMatch, @Nullable String message, String body, ServerWebExchange exchange) {
		String yaml = body;
		String why = message;
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		if (type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
			JsonNode request = readJson(this.json, body);
			JsonNode text = request.get("yaml");
			if (text == null || !text.isString()) {
				throw ApiProblem.badRequest("invalid-request", "Invalid request",
						"A JSON body must be {\"yaml\": \"<the policy>\", \"message\": \"why\"}.");
			}
			yaml = text.asString();
			JsonNode m = request.get("message");
			if (m != null && m.isString()) {
				NulCharacters.refuse("message", m.asString());
				why = m.asString();
			}
		}
		if (yaml == null || yaml.isBlank()) {
			throw ApiProblem.badRequest("empty-body", "Empty body", "Send the policy as the body (application/yaml).");
		}
		if (ifMatch != null && ifNoneMatch != null) {
			throw ApiProblem.badRequest("invalid-preconditions", "Invalid preconditions",
					"Send If-Match (to update) or If-None-Match: * (to create), not both.");
		}
		if (ifNoneMatch != null && !"*".equals(ifNoneMatch.strip())) {
			throw ApiProblem.badRequest("invalid-preconditions", "Invalid preconditions",
					"If-None-Match must be *: it means \"create only\".");
		}
		if (weak(ifMatch)) {
			return weakTagRefused(workspace, key, ifMatch);
		}
		Integer expected = (ifMatch != null) ? StoreApi.version(ifMatch) : null;
		boolean createOnly = ifNoneMatch != null;
		String text = yaml;
		String reason = (why != null) ? why : "";
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.save(workspace, key, text, expected, reason, by))
			.onErrorMap(StoreException.Conflict.class, (conflict) -> (ifMatch == null && !createOnly
					&& conflict.current() != null) ? StoreApi.preconditionRequired(conflict.current()) : conflict)
			.map((result) -> ResponseEntity.status((result.outcome() == SaveResult.Outcome.CREATED) ? HttpStatus.CREATED
					: HttpStatus.OK).eTag(etag(result.version().version())).body(SaveView.of(result)));
	}

	@DeleteMapping(path = POLICY, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SaveView>> delete(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		PolicyKey key = key(kind, namespace, name);
		return changeOfHead(workspace, key, ifMatch, exchange,
				(expected, by) -> this.changes.delete(workspace, key, expected, (message != null) ? message : "", by));
	}

	@PostMapping(path = POLICY + "/restore", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SaveView>> restore(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestParam(required = false) @Nullable String version,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		PolicyKey key = key(kind, namespace, name);
		Integer from = (version != null) ? number("version", version) : null;
		return changeOfHead(workspace, key, ifMatch, exchange, (expected, by) -> this.changes.restore(workspace, key,
				from, expected, (message != null) ? message : "", by));
	}

	/**
	 * A change of an existing policy's head (delete, restore): it needs a strong {@code If-Match} naming the head
	 * (428 with the current version without one, 412 for a weak tag); answers 200 with the new version's ETag.
	 */
	private Mono<ResponseEntity<SaveView>> changeOfHead(String workspace, PolicyKey key, @Nullable String ifMatch,
			ServerWebExchange exchange, java.util.function.BiFunction<Integer, Actor, Mono<SaveResult>> change) {
		if (ifMatch == null) {
			return this.policies.get(workspace, key, null)
				.flatMap((head) -> Mono.error(StoreApi.preconditionRequired(head.summary())));
		}
		if (weak(ifMatch)) {
			return weakTagRefused(workspace, key, ifMatch);
		}
		int expected = StoreApi.version(ifMatch);
		return Actor.current(exchange).flatMap((by) -> change.apply(expected, by))
			.map((result) -> ResponseEntity.ok().eTag(etag(result.version().version())).body(SaveView.of(result)));
	}

	@GetMapping(path = POLICY + "/versions", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<PageView<SummaryView>> versions(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable String limit) {
		return this.policies.history(workspace, key(kind, namespace, name),
				(cursor != null && !cursor.isBlank()) ? cursor : null, limit(limit))
			.map((page) -> new PageView<>(page.items().stream().map(SummaryView::of).toList(), page.nextCursor()));
	}

	@GetMapping(path = POLICY + "/versions/{version}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<PolicyView>> version(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name, @PathVariable String version) {
		return this.policies.version(workspace, key(kind, namespace, name), number("version", version))
			.map((v) -> ResponseEntity.ok().eTag(etag(v.version())).body(PolicyView.of(v)));
	}

	@GetMapping(path = POLICY + "/versions/{version}", produces = { "application/yaml", "application/x-yaml",
			"text/yaml" })
	Mono<ResponseEntity<String>> versionYaml(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name, @PathVariable String version) {
		return this.policies.version(workspace, key(kind, namespace, name), number("version", version)).map(this::yaml);
	}

	@GetMapping(path = POLICY + "/diff", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<DiffView> diff(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to) {
		if (from == null || to == null) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
					"Name both versions: ?from=<version>&to=<version>.");
		}
		return this.policies.diff(workspace, key(kind, namespace, name), number("from", from), number("to", to))
			.map((d) -> new DiffView(d.key().kind().kindName(), d.key().namespace(), d.key().name(),
					SummaryView.of(d.from()), SummaryView.of(d.to()), d.identical(), d.unified(), d.lines(),
					d.changes()));
	}

	// ---------------------------------------------------------------- errors

	@ExceptionHandler(StoreException.class)
	ResponseEntity<ProblemDetail> storeProblem(StoreException ex, ServerWebExchange exchange) {
		return StoreApi.problem(ex).response(exchange);
	}

	@ExceptionHandler(PreconditionRequired.class)
	ResponseEntity<ProblemDetail> preconditionRequired(PreconditionRequired ex, ServerWebExchange exchange) {
		return StoreApi.problem(ex).response(exchange);
	}

	/** The 412 for a weak {@code If-Match}: with the current version when the policy exists, 404 without workspace. */
	private <T> Mono<T> weakTagRefused(String workspace, PolicyKey key, String ifMatch) {
		String message = "If-Match " + Quoted.of(ifMatch.strip()) + " is a weak entity tag, which never matches"
				+ " (RFC 9110 compares If-Match strongly): send the ETag as it was given, for example \"3\".";
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(workspace) + ".")))
			.then(this.policies.get(workspace, key, null)
				.map((head) -> Optional.of(head.summary()))
				.onErrorResume(StoreException.NotFound.class, (ex) -> Mono.just(Optional.empty())))
			.flatMap((current) -> Mono.error(new StoreException.Conflict(message, null, current.orElse(null))));
	}

	// ---------------------------------------------------------------- parameters

	private static PolicyKey key(String kind, String namespace, String name) {
		try {
			return PolicyKey.parse(kind, namespace, name);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-policy-address", "Invalid policy address", ex.getMessage() + ".");
		}
	}

	private static PolicyKind kind(String kind) {
		try {
			return PolicyKey.kind(kind);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", ex.getMessage() + ".");
		}
	}

	private static int number(String parameter, String text) {
		try {
			int n = Integer.parseInt(text.strip());
			if (n >= 1) {
				return n;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
				parameter + " must be a version number (1 or more), not " + Quoted.of(text) + ".");
	}

	private static int limit(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return PolicyQuery.DEFAULT_LIMIT;
		}
		try {
			int n = Integer.parseInt(text.strip());
			if (n >= 1 && n <= PolicyQuery.MAX_LIMIT) {
				return n;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
				"limit must be a number from 1 to " + PolicyQuery.MAX_LIMIT + ", not " + Quoted.of(text) + ".");
	}

}
