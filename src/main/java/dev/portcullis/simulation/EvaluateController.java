package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.engine.flow.FlowParser;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.policy.AgentSettings;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlProperties;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/evaluate}: decides Hubble flows against policy text, statelessly. See
 * {@code openapi/openapi.yaml} for the contract; {@link EvaluateResponse} for the answer's shape.
 */
@RestController
@EnableConfigurationProperties({ YamlProperties.class, EvaluateController.Settings.class })
class EvaluateController {

	private final JsonMapper json;

	private final YamlProperties yaml;

	private final Settings settings;

	private final EnginePool engine;

	EvaluateController(JsonMapper json, YamlProperties yaml, Settings settings, EnginePool engine) {
		this.json = json;
		this.yaml = yaml;
		this.settings = settings;
		this.engine = engine;
	}

	/**
	 * Limits of the evaluate endpoint ({@code portcullis.evaluate.*}).
	 *
	 * @param maxFlows most flows in one request (default 100,000)
	 */
	@ConfigurationProperties("portcullis.evaluate")
	record Settings(@DefaultValue("100000") int maxFlows) {
	}

	@PostMapping(path = "/api/v1/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<EvaluateResponse> evaluate(ServerWebExchange exchange) {
		// up to 16 MiB; CPU-bound work (reading the JSON included) on the engine's bounded pool, 429 when it is full
		return RequestBodyLimits.text(exchange).flatMap((body) -> this.engine.run(() -> evaluate(readRequest(body))));
	}

	private EvaluateResponse evaluate(Request request) {
		YamlDocuments documents = YamlReader.read(request.policies(), this.yaml.limits());
		if (documents.hasErrors()) {
			throw invalidPolicies(documents.errors());
		}
		ParseResult parsed = PolicyParser.parse(documents.documents(), request.ciliumVersion());
		if (parsed.hasErrors()) {
			throw invalidPolicies(parsed.errors());
		}
		FlowParseResult flows = FlowParser.parseAll(request.flows().stream().map(JsonTrees::toNode).toList());
		if (flows.hasErrors()) {
			List<EvaluateResponse.FlowViolation> violations = flows.violations()
				.stream()
				.filter(Violation::isError)
				.map(EvaluateResponse.FlowViolation::of)
				.toList();
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-flows", "Invalid flows",
					violations.size() + ((violations.size() == 1) ? " problem" : " problems") + " in the flows; each names the flow index and field.", violations);
		}
		CompiledPolicies compiled = CompiledPolicies.compile(parsed.policies(), request.engineOptions());
		List<EvaluateResponse.Result> results = new ArrayList<>(flows.flows().size());
		for (FlowParseResult.ParsedFlow flow : flows.flows()) {
			Decision decision = request.explain() ? compiled.explain(flow.flow()) : compiled.decide(flow.flow());
			results.add(EvaluateResponse.Result.of(flow.index(), decision));
		}
		List<EvaluateResponse.PolicyViolation> warnings = new ArrayList<>();
		documents.violations().stream().filter((v) -> !v.isError()).map(EvaluateResponse.PolicyViolation::of)
			.forEach(warnings::add);
		parsed.warnings().stream().map(EvaluateResponse.PolicyViolation::of).forEach(warnings::add);
		flows.violations().stream().filter((v) -> !v.isError()).map(EvaluateResponse.PolicyViolation::of)
			.forEach(warnings::add);
		return new EvaluateResponse(results, warnings, parsed.policies().size(), request.ciliumVersion().toString());
	}

	private static ApiProblem invalidPolicies(List<Violation> errors) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-policies", "Invalid policies",
				errors.size() + ((errors.size() == 1) ? " problem" : " problems") + " in the policies; each names its document, path, line and column.",
				errors.stream().map(EvaluateResponse.PolicyViolation::of).toList());
	}

	/** The request after its envelope was checked. */
	private record Request(String policies, List<JsonNode> flows, CiliumVersion ciliumVersion,
			EngineOptions engineOptions, boolean explain) {
	}

	private Request readRequest(@Nullable String body) {
		if (body == null || body.isBlank()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request",
					"The body must be a JSON object {\"policies\": \"<YAML>\", \"flows\": [...], \"options\": {...}}.");
		}
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			int line = (ex.getLocation() != null) ? ex.getLocation().getLineNr() : 0;
			int column = (ex.getLocation() != null) ? ex.getLocation().getColumnNr() : 0;
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
					"The body is not valid JSON (line " + line + ", column " + column + ").",
					List.of(new EvaluateResponse.PolicyViolation(null, "", line, column,
							"not valid JSON: " + firstLine(ex.getOriginalMessage()))));
		}
		List<String> problems = new ArrayList<>();
		if (!root.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		for (String field : root.propertyNames()) {
			if (!List.of("policies", "flows", "options").contains(field)) {
				problems.add("unknown field " + Quoted.of(field) + "; allowed: policies, flows, options");
			}
		}
		JsonNode policies = root.get("policies");
		if (policies == null || !policies.isString()) {
			problems.add("\"policies\" must be a string holding YAML or JSON policy documents");
		}
		JsonNode flows = root.get("flows");
		if (flows == null || !flows.isArray()) {
			problems.add("\"flows\" must be an array of Hubble flows");
		}
		else if (flows.size() > this.settings.maxFlows()) {
			problems.add("\"flows\" has " + flows.size() + " flows; at most " + this.settings.maxFlows() + " are allowed");
		}
		JsonNode optionsNode = root.get("options");
		AgentSettings.Reading options = AgentSettings.read(optionsNode, AgentSettings.DEFAULTS, "options",
				Set.of("explain"));
		options.violations().forEach((violation) -> problems.add(violation.message()));
		boolean explain = explain(optionsNode, problems);
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems) + ".", problems.stream().map((p) ->
						new EvaluateResponse.PolicyViolation(null, "", 0, 0, p)).toList());
		}
		List<JsonNode> flowList = new ArrayList<>(flows.size());
		flows.forEach(flowList::add);
		return new Request(policies.asString(), flowList, options.settings().ciliumVersion(),
				options.settings().engineOptions(), explain);
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unexpected input";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	/**
	 * {@code options.explain} (default true), the one option that is not an agent setting ({@link AgentSettings#read}
	 * reads those).
	 */
	private static boolean explain(@Nullable JsonNode options, List<String> problems) {
		JsonNode value = (options != null && options.isObject()) ? options.get("explain") : null;
		if (value == null || value.isNull()) {
			return true;
		}
		if (!value.isBoolean()) {
			problems.add("options.explain: must be true or false, not " + Quoted.cut(value.toString(), Quoted.MAX_CHARS));
			return true;
		}
		return value.asBoolean();
	}

}
