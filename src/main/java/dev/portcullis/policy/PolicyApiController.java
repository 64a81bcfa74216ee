package dev.portcullis.policy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.CurrentActor;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ContentDisposition;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The policy store's REST API, {@code /api/v1/workspaces/**}; {@code openapi/policies.yaml} is its contract.
 * Policies are addressed as {@code /policies/{kind}/{namespace}/{name}} with {@code _} as the namespace of
 * cluster-wide kinds. Versioned resources carry {@code ETag: "<version>"}; changes of an existing policy need
 * {@code If-Match} (428 without, 412 when stale).
 */
@RestController
@RequestMapping("/api/v1/workspaces")
class PolicyApiController {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	static final String POLICY = "/{workspace}/policies/{kind}/{namespace}/{name}";

	private final Workspaces workspaces;

	private final Policies policies;

	private final PolicyChanges changes;

	private final BundleImport imports;

	private final BundleExport exports;

	private final JsonMapper json;

	PolicyApiController(Workspaces workspaces, Policies policies, PolicyChanges changes, BundleImport imports,
			BundleExport exports, JsonMapper json) {
		this.workspaces = workspaces;
		this.policies = policies;
		this.changes = changes;
		this.imports = imports;
		this.exports = exports;
		this.json = json;
	}

	// ---------------------------------------------------------------- views

	/** A policy version's metadata as the API shows it. */
	record SummaryView(String kind, String namespace, String name, int version, boolean deleted, Instant createdAt,
			String author, String message, Map<String, String> labels, String contentHash) {

		static SummaryView of(PolicySummary s) {
			return new SummaryView(s.key().kind().kindName(), s.key().namespace(), s.key().name(), s.version(),
					s.deleted(), s.createdAt(), s.author(), s.message(), s.labels(), s.contentHash());
		}

	}

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

	record PageView<T>(List<T> items, @Nullable String nextCursor) {
	}

	record SaveView(SaveResult.Outcome outcome, PolicyView policy, List<Violation> warnings) {

		static SaveView of(SaveResult result) {
			return new SaveView(result.outcome(), PolicyView.of(result.version()), result.warnings());
		}

	}

	record CompareView(Instant from, Instant to, List<CompareEntry> changes) {
	}

	record CompareEntry(String kind, String namespace, String name, WorkspaceComparison.Change change,
			@Nullable Integer fromVersion, @Nullable Integer toVersion) {
	}

	record DiffView(String kind, String namespace, String name, SummaryView from, SummaryView to, boolean identical,
			String unified, List<PolicyDiff.Line> lines, List<PolicyDiff.Change> changes) {
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
		JsonNode request = readJson(body);
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
		return requester(exchange)
			.flatMap((by) -> this.workspaces.create(name.asString(),
					(description != null && description.isString()) ? description.asString() : "", by))
			.map((ws) -> ResponseEntity.created(URI.create("/api/v1/workspaces/" + ws.name())).body(ws));
	}

	@GetMapping(path = "/{workspace}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Workspace> workspace(@PathVariable String workspace) {
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(workspace) + ".")));
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
			JsonNode request = readJson(body);
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
		Integer expected = (ifMatch != null) ? version(ifMatch) : null;
		boolean createOnly = ifNoneMatch != null;
		String text = yaml;
		String reason = (why != null) ? why : "";
		return requester(exchange)
			.flatMap((by) -> this.changes.save(workspace, key, text, expected, reason, by))
			.onErrorMap(StoreException.Conflict.class, (conflict) -> (ifMatch == null && !createOnly
					&& conflict.current() != null) ? preconditionRequired(conflict.current()) : conflict)
			.map((result) -> ResponseEntity.status((result.outcome() == SaveResult.Outcome.CREATED) ? HttpStatus.CREATED
					: HttpStatus.OK).eTag(etag(result.version().version())).body(SaveView.of(result)));
	}

	@DeleteMapping(path = POLICY, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SaveView>> delete(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		PolicyKey key = key(kind, namespace, name);
		if (ifMatch == null) {
			return this.policies.get(workspace, key, null).flatMap((head) -> Mono.error(preconditionRequired(head.summary())));
		}
		if (weak(ifMatch)) {
			return weakTagRefused(workspace, key, ifMatch);
		}
		int expected = version(ifMatch);
		return requester(exchange)
			.flatMap((by) -> this.changes.delete(workspace, key, expected, (message != null) ? message : "", by))
			.map((result) -> ResponseEntity.ok().eTag(etag(result.version().version())).body(SaveView.of(result)));
	}

	@PostMapping(path = POLICY + "/restore", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SaveView>> restore(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestParam(required = false) @Nullable String version,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		PolicyKey key = key(kind, namespace, name);
		Integer from = (version != null) ? number("version", version) : null;
		if (ifMatch == null) {
			return this.policies.get(workspace, key, null).flatMap((head) -> Mono.error(preconditionRequired(head.summary())));
		}
		if (weak(ifMatch)) {
			return weakTagRefused(workspace, key, ifMatch);
		}
		int expected = version(ifMatch);
		return requester(exchange)
			.flatMap((by) -> this.changes.restore(workspace, key, from, expected, (message != null) ? message : "", by))
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
		return requester(exchange)
			.flatMap((by) -> this.imports.run(workspace, body, (message != null) ? message : "", by))
			.onErrorMap(StoreException.Conflict.class, (conflict) -> ApiProblem.of(HttpStatus.CONFLICT,
					"import-conflict", "Import conflict", conflict.getMessage()));
	}

	@GetMapping(path = "/{workspace}/export", produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	Mono<ResponseEntity<Flux<String>>> export(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at, ServerWebExchange exchange) {
		Instant moment = instant("at", at);
		return requester(exchange)
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
		return problem(ex).response(exchange);
	}

	/** The problem a store refusal answers with. */
	static ApiProblem problem(StoreException ex) {
		if (ex instanceof StoreException.NotFound) {
			return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage());
		}
		if (ex instanceof StoreException.AlreadyExists) {
			return ApiProblem.of(HttpStatus.CONFLICT, "workspace-exists", "Workspace exists", ex.getMessage());
		}
		if (ex instanceof StoreException.TooLarge) {
			return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "policy-too-large", "Policy too large", ex.getMessage());
		}
		if (ex instanceof StoreException.BadRequest) {
			return ApiProblem.badRequest("invalid-request", "Invalid request", ex.getMessage());
		}
		if (ex instanceof StoreException.Invalid invalid) {
			return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-policy", "Invalid policy", ex.getMessage(),
					invalid.violations());
		}
		if (ex instanceof StoreException.ImportRefused refused) {
			List<Violation> violations = new java.util.ArrayList<>(refused.report().problems());
			refused.report().rows().forEach((row) -> row.violations().stream().filter(Violation::isError)
				.forEach(violations::add));
			return new ApiProblem(HttpStatus.BAD_REQUEST, "import-refused", "Import refused", ex.getMessage(), violations)
				.property("report", refused.report());
		}
		StoreException.Conflict conflict = (StoreException.Conflict) ex;
		ApiProblem problem = ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "version-conflict", "Version conflict",
				ex.getMessage())
			.property("expectedVersion", conflict.expectedVersion());
		if (conflict.current() != null) {
			problem.property("current", SummaryView.of(conflict.current()))
				.header(HttpHeaders.ETAG, etag(conflict.current().version()));
		}
		return problem;
	}

	@ExceptionHandler(PreconditionRequired.class)
	ResponseEntity<ProblemDetail> preconditionRequired(PreconditionRequired ex, ServerWebExchange exchange) {
		return ApiProblem.of(HttpStatus.PRECONDITION_REQUIRED, "precondition-required", "Precondition required",
				ex.getMessage())
			.property("current", SummaryView.of(ex.current))
			.header(HttpHeaders.ETAG, etag(ex.current.version()))
			.response(exchange);
	}

	/** A change of an existing policy without {@code If-Match}. */
	static final class PreconditionRequired extends RuntimeException {

		final PolicySummary current;

		PreconditionRequired(String message, PolicySummary current) {
			super(message, null, false, false);
			this.current = current;
		}

	}

	private static PreconditionRequired preconditionRequired(PolicySummary current) {
		return new PreconditionRequired(current.key() + " exists at version " + current.version() + ": send If-Match: \""
				+ current.version() + "\" with the version your change is based on.", current);
	}

	// ---------------------------------------------------------------- parameters

	private static Mono<Requester> requester(ServerWebExchange exchange) {
		return CurrentActor.get().map((actor) -> new Requester(actor, CurrentActor.clientAddress(exchange)));
	}

	private static String etag(int version) {
		return "\"" + version + "\"";
	}

	/**
	 * Whether an {@code If-Match} is a weak entity tag ({@code W/"3"}). If-Match compares strongly (RFC 9110,
	 * section 13.1.1): a weak tag never matches, so the change is refused with 412 and the current version.
	 */
	static boolean weak(@Nullable String ifMatch) {
		return ifMatch != null && ifMatch.strip().startsWith("W/");
	}

	/** The 412 for a weak {@code If-Match}: with the current version when the policy exists, 404 without workspace. */
	private <T> Mono<T> weakTagRefused(String workspace, PolicyKey key, String ifMatch) {
		String message = "If-Match " + Quoted.of(ifMatch.strip()) + " is a weak entity tag, which never matches"
				+ " (RFC 9110 compares If-Match strongly): send the ETag as it was given, for example \"3\".";
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named " + Quoted.of(workspace) + ".")))
			.then(this.policies.get(workspace, key, null)
				.map((head) -> java.util.Optional.of(head.summary()))
				.onErrorResume(StoreException.NotFound.class, (ex) -> Mono.just(java.util.Optional.empty())))
			.flatMap((current) -> Mono.error(new StoreException.Conflict(message, null, current.orElse(null))));
	}

	/** The version a strong {@code If-Match} names: {@code "3"} (or {@code 3}). */
	static int version(String ifMatch) {
		String v = ifMatch.strip();
		if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
			v = v.substring(1, v.length() - 1);
		}
		try {
			int n = Integer.parseInt(v);
			if (n >= 1) {
				return n;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw ApiProblem.badRequest("invalid-precondition", "Invalid precondition", "If-Match must be the ETag of"
				+ " the version your change is based on, for example \"3\", not " + Quoted.of(ifMatch) + ".");
	}

	private static PolicyKey key(String kind, String namespace, String name) {
		try {
			return PolicyKey.parse(kind, namespace, name);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-policy-address", "Invalid policy address", ex.getMessage() + ".");
		}
	}

	private static dev.portcullis.engine.api.PolicyKind kind(String kind) {
		try {
			return PolicyKey.kind(kind);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", ex.getMessage() + ".");
		}
	}

	/** The moment a parameter names, null when it is absent; 400 when present but blank, unreadable or out of range. */
	private static @Nullable Instant instant(String parameter, @Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return InstantParameter.parse(parameter, text);
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

	private JsonNode readJson(@Nullable String body) {
		if (body == null || body.isBlank()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		try {
			JsonNode node = this.json.readTree(body);
			if (!node.isObject()) {
				throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
			}
			return node;
		}
		catch (JacksonException ex) {
			throw ApiProblem.badRequest("malformed-json", "Malformed JSON", "The body is not valid JSON.");
		}
	}

}
