package dev.portcullis.policy.editor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.describe.PolicyDescription;
import dev.portcullis.engine.describe.PolicyGraph;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.lint.PolicyLint;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.RequestBodyLimits;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlProperties;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The editor's APIs, for its pages and for pipelines; none stores anything. {@code openapi/editor.yaml} is the
 * contract.
 * <ul>
 * <li>{@code POST /api/v1/validate}: a lint step. Always 200 for policy text, valid or not:
 * {@code {"valid", "violations", "warnings"}} in text order, the engine's schema and agent checks plus
 * {@link PolicyLint}'s semantic warnings.</li>
 * <li>{@code POST /api/v1/describe}: each policy in plain language ({@link PolicyDescription}).</li>
 * <li>{@code POST /api/v1/check}: what the editor asks on every change, in one round trip from one parse: validate's
 * answer and, when the text is valid, describe's summaries and the graph's SVG (docs/adr/035).</li>
 * <li>{@code POST /api/v1/graph} and {@code GET /api/v1/workspaces/{workspace}/graph?at=}: who may talk to whom
 * ({@link PolicyGraph}) as SVG ({@link GraphSvg}), or as nodes and edges with {@code Accept: application/json}.</li>
 * </ul>
 * Bodies are read up to 16 MiB ({@link RequestBodyLimits#text}) and held to the YAML limits
 * ({@code portcullis.yaml.*}); parsing and drawing run on the {@link EnginePool} (429 when it is full).
 */
@RestController
@EnableConfigurationProperties(YamlProperties.class)
class EditorApiController {

	static final String SVG = "image/svg+xml";

	private static final MediaType SVG_TYPE = MediaType.parseMediaType(SVG);

	/** Sentences of the summary that go into an SVG's text alternative before it says how many more there are. */
	private static final int DESC_SENTENCES = 60;

	private final JsonMapper json;

	private final YamlProperties yaml;

	private final EnginePool engine;

	private final WorkspaceStates states;

	EditorApiController(JsonMapper json, YamlProperties yaml, EnginePool engine, WorkspaceStates states) {
		this.json = json;
		this.yaml = yaml;
		this.engine = engine;
		this.states = states;
	}

	// ---------------------------------------------------------------- answers

	/**
	 * What {@code validate} answers.
	 *
	 * @param valid whether no violation is an error (warnings do not make the text invalid)
	 * @param violations the errors, in text order
	 * @param warnings the warnings (schema, version and semantic lint), in text order
	 * @param policies how many valid policy objects the text holds
	 * @param ciliumVersion the Cilium version validation followed
	 */
	record ValidateResponse(boolean valid, List<Finding> violations, List<Finding> warnings, int policies,
			String ciliumVersion) {
	}

	/** One policy's summary. */
	record DescribedPolicy(String kind, @Nullable String namespace, String name, List<String> summary) {

		static DescribedPolicy of(PolicyDescription description) {
			return new DescribedPolicy(description.ref().kind().kindName(), description.ref().namespace(),
					description.ref().name(), description.summary());
		}

	}

	/** What {@code describe} answers: each policy in input order, and the warnings about the text. */
	record DescribeResponse(List<DescribedPolicy> policies, List<Finding> warnings) {
	}

	/**
	 * What {@code check} answers: validate's fields, and for a valid text describe's summaries and the graph.
	 *
	 * @param valid whether no violation is an error
	 * @param violations the errors, in text order
	 * @param warnings the warnings, in text order
	 * @param policies how many valid policy objects the text holds
	 * @param ciliumVersion the Cilium version validation followed
	 * @param summaries each policy in plain language, in input order; null when the text is not valid
	 * @param graph the graph as SVG, as {@code POST /api/v1/graph} draws it; null when the text is not valid
	 */
	record CheckResponse(boolean valid, List<Finding> violations, List<Finding> warnings, int policies,
			String ciliumVersion, @Nullable List<DescribedPolicy> summaries, @Nullable String graph) {
	}

	// ---------------------------------------------------------------- validate, describe

	@PostMapping(path = "/api/v1/validate", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/yaml",
			"text/yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ValidateResponse> validate(ServerWebExchange exchange) {
		return request(exchange).flatMap((request) -> this.engine.run(() -> {
			Checked checked = check(request);
			return new ValidateResponse(checked.errors().isEmpty(), Finding.inTextOrder(checked.errors()),
					Finding.inTextOrder(checked.warnings()), checked.policies().size(), request.ciliumVersion().toString());
		}));
	}

	/**
	 * Validate, describe and graph for one text in one request and one parse: the editor's live checks, which
	 * otherwise need two round trips (describe and graph answer 400 for an invalid text, so they could only be asked
	 * after validate). Always 200 for policy text; {@code summaries} and {@code graph} are null when it is invalid.
	 */
	@PostMapping(path = "/api/v1/check", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/yaml",
			"text/yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<CheckResponse> checkAll(ServerWebExchange exchange) {
		return request(exchange).flatMap((request) -> this.engine.run(() -> {
			Checked checked = check(request);
			List<Finding> violations = Finding.inTextOrder(checked.errors());
			List<Finding> warnings = Finding.inTextOrder(checked.warnings());
			String version = request.ciliumVersion().toString();
			if (!checked.errors().isEmpty()) {
				return new CheckResponse(false, violations, warnings, checked.policies().size(), version, null, null);
			}
			List<PolicyDescription> described = PolicyDescription.of(checked.policies());
			PolicyGraph graph = PolicyGraph.of(checked.policies());
			return new CheckResponse(true, violations, warnings, checked.policies().size(), version,
					described.stream().map(DescribedPolicy::of).toList(),
					GraphSvg.render(graph, description(described, graph)));
		}));
	}

	@PostMapping(path = "/api/v1/describe", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/yaml",
			"text/yaml", MediaType.TEXT_PLAIN_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<DescribeResponse> describe(ServerWebExchange exchange) {
		return request(exchange).flatMap((request) -> this.engine.run(() -> {
			Checked checked = valid(request);
			return new DescribeResponse(PolicyDescription.of(checked.policies()).stream().map(DescribedPolicy::of).toList(),
					Finding.inTextOrder(checked.warnings()));
		}));
	}

	// ---------------------------------------------------------------- graph

	@PostMapping(path = "/api/v1/graph", consumes = { MediaType.APPLICATION_JSON_VALUE, "application/yaml",
			"text/yaml", MediaType.TEXT_PLAIN_VALUE }, produces = { SVG, MediaType.APPLICATION_JSON_VALUE })
	Mono<ResponseEntity<?>> graph(ServerWebExchange exchange) {
		boolean json = wantsJson(exchange);
		return request(exchange).flatMap((request) -> this.engine.run(() -> {
			List<Policy> policies = valid(request).policies();
			PolicyGraph graph = PolicyGraph.of(policies);
			return json ? json(graph) : svg(GraphSvg.render(graph, description(PolicyDescription.of(policies), graph)));
		}));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/graph", produces = { SVG, MediaType.APPLICATION_JSON_VALUE })
	Mono<ResponseEntity<?>> workspaceGraph(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at, ServerWebExchange exchange) {
		boolean json = wantsJson(exchange);
		Instant moment = moment(at);
		return this.states.at(workspace, moment).flatMap((state) -> this.engine.run(() -> {
			// validated for the workspace's Cilium version; a stored text that no longer passes is left out
			ParseResult parsed = state.parse();
			PolicyGraph graph = PolicyGraph.of(parsed.policies());
			if (json) {
				return json(graph);
			}
			long unreadable = parsed.errors().stream().mapToInt(Violation::document).distinct().count();
			String description = "Workspace " + workspace + ((moment != null) ? " at " + moment : "") + ": "
					+ parsed.policies().size() + ((parsed.policies().size() == 1) ? " policy; " : " policies; ")
					+ graph.outline() + ((unreadable > 0) ? " " + unreadable
							+ " stored policies no longer pass validation and are left out." : "");
			return svg(GraphSvg.render(graph, description));
		}));
	}

	private static @Nullable Instant moment(@Nullable String at) {
		if (at == null) {
			return null;
		}
		try {
			return InstantParameter.parse("at", at);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", String.valueOf(ex.getMessage()) + ".");
		}
	}

	/**
	 * Whether the client prefers JSON to SVG: the first type of its {@code Accept} (by quality, then order) that
	 * names JSON or SVG decides; SVG when it names neither (no header, a wildcard).
	 */
	static boolean wantsJson(ServerWebExchange exchange) {
		List<MediaType> accepted;
		try {
			accepted = new ArrayList<>(exchange.getRequest().getHeaders().getAccept());
		}
		catch (RuntimeException ex) {
			return false;
		}
		accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
		for (MediaType type : accepted) {
			if (type.isWildcardType() || type.isWildcardSubtype()) {
				continue;
			}
			if (MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
				return true;
			}
			if (SVG_TYPE.isCompatibleWith(type)) {
				return false;
			}
		}
		return false;
	}

	@ExceptionHandler(StoreException.NotFound.class)
	ResponseEntity<?> notFound(StoreException.NotFound ex, ServerWebExchange exchange) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", String.valueOf(ex.getMessage()))
			.response(exchange);
	}

	// ---------------------------------------------------------------- engine work

	private Mono<PolicyTextRequest> request(ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange).map((body) -> PolicyTextRequest.read(exchange, body, this.json));
	}

	/** Every violation of the text (reader, parser, lint) and its valid policies. */
	private record Checked(List<Violation> all, List<Policy> policies) {

		List<Violation> errors() {
			return this.all.stream().filter(Violation::isError).toList();
		}

		List<Violation> warnings() {
			return this.all.stream().filter((v) -> !v.isError()).toList();
		}

	}

	private Checked check(PolicyTextRequest request) {
		YamlDocuments documents = YamlReader.read(request.policies(), this.yaml.limits());
		ParseResult parsed = PolicyParser.parse(documents.documents(), request.ciliumVersion());
		List<Violation> all = new ArrayList<>(documents.violations());
		all.addAll(parsed.violations());
		// the policies that could be read are linted even when a later document could not (the editor keeps its
		// warnings while the user types through a syntax error); the lint bounds its own work
		all.addAll(PolicyLint.lint(documents.documents(), parsed.policies()));
		return new Checked(all, parsed.policies());
	}

	/** The checked text; a 400 {@code /problems/invalid-policies} naming every error when it has any. */
	private Checked valid(PolicyTextRequest request) {
		Checked checked = check(request);
		List<Violation> errors = checked.errors();
		if (!errors.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-policies", "Invalid policies",
					errors.size() + ((errors.size() == 1) ? " problem" : " problems")
							+ " in the policies; each names its document, path, line and column.",
					Finding.inTextOrder(errors));
		}
		return checked;
	}

	private static String description(List<PolicyDescription> described, PolicyGraph graph) {
		List<String> sentences = new ArrayList<>();
		for (PolicyDescription description : described) {
			sentences.add(description.ref() + ":");
			sentences.addAll(description.summary());
		}
		if (sentences.isEmpty()) {
			return "No policies. " + graph.outline();
		}
		if (sentences.size() > DESC_SENTENCES) {
			int more = sentences.size() - DESC_SENTENCES;
			sentences = new ArrayList<>(sentences.subList(0, DESC_SENTENCES));
			sentences.add("(" + more + " more sentences; POST /api/v1/describe gives them all.)");
		}
		return String.join(" ", sentences);
	}

	private static ResponseEntity<?> svg(String svg) {
		return ResponseEntity.ok().contentType(MediaType.parseMediaType(SVG + ";charset=UTF-8")).body(svg);
	}

	private static ResponseEntity<?> json(PolicyGraph graph) {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(graph);
	}

}
