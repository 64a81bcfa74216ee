package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.hubble.FlowReader;
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
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
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

	/** {@code options} as a tree, read where it stands in the body (the body goes on after it). */
	private final ObjectReader optionsReader;

	EvaluateController(JsonMapper json, YamlProperties yaml, Settings settings, EnginePool engine) {
		this.json = json;
		this.optionsReader = json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
		return RequestBodyLimits.utf8(exchange).flatMap((body) -> this.engine.run(() -> evaluate(readRequest(body))));
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
		FlowParseResult flows = request.flows();
		if (flows.hasErrors()) {
			List<EvaluateResponse.FlowViolation> violations = flows.violations()
				.stream()
				.filter(Violation::isError)
				.map(EvaluateResponse.FlowViolation::of)
				.toList();
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-flows", "Invalid flows",
					violations.size() + ((violations.size() == 1) ? " problem" : " problems") + " in the flows; each names the flow index and field.", violations);
		}
		CompiledPolicies compiled = CompiledPolicies.compile(parsed.policies(), request.engineOptions(),
				InlineInventory.read(request.inventory(), this.yaml.limits()));
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
	private record Request(String policies, FlowParseResult flows, CiliumVersion ciliumVersion,
			EngineOptions engineOptions, boolean explain, @Nullable String inventory) {
	}

	/** The fields of the request body, in the order the problems name them. */
	private static final List<String> FIELDS = List.of("policies", "flows", "options", "inventory");

	/**
	 * Reads the body in one streaming pass: {@code policies} as a string, {@code flows} straight into
	 * {@link FlowReader} (no JSON tree of the flows is built), {@code options} as a small tree.
	 */
	private Request readRequest(byte[] body) {
		if (isBlank(body)) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request",
					"The body must be a JSON object {\"policies\": \"<YAML>\", \"flows\": [...], \"options\": {...}}.");
		}
		try (JsonParser parser = this.json.createParser(body)) {
			return readRequest(parser);
		}
		catch (JacksonException ex) {
			throw malformed(ex.getLocation(), ex.getOriginalMessage());
		}
	}

	private Request readRequest(JsonParser parser) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			parser.skipChildren();
			requireEnd(parser);
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		Set<String> unknown = new LinkedHashSet<>();
		boolean policiesIsString = false;
		String policies = "";
		FlowReader.Read flows = null;
		JsonNode options = null;
		boolean inventoryIsText = true;
		String inventory = null;
		String field;
		while ((field = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (field) {
				case "policies" -> {
					policiesIsString = value == JsonToken.VALUE_STRING;
					policies = policiesIsString ? parser.getString() : "";
					parser.skipChildren();
				}
				case "flows" -> {
					flows = null;
					if (value == JsonToken.START_ARRAY) {
						flows = new FlowReader().readArray(parser, this.settings.maxFlows());
					}
					else {
						parser.skipChildren();
					}
				}
				case "options" -> options = this.optionsReader.readValue(parser);
				case "inventory" -> {
					inventoryIsText = value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NULL;
					inventory = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
					parser.skipChildren();
				}
				default -> {
					unknown.add(field);
					parser.skipChildren();
				}
			}
		}
		requireEnd(parser);
		List<String> problems = new ArrayList<>();
		for (String name : unknown) {
			problems.add("unknown field " + Quoted.of(name) + "; allowed: " + String.join(", ", FIELDS));
		}
		if (!inventoryIsText) {
			problems.add("\"inventory\" must be a string holding kubectl get ... -o yaml output");
		}
		if (!policiesIsString) {
			problems.add("\"policies\" must be a string holding YAML or JSON policy documents");
		}
		if (flows == null) {
			problems.add("\"flows\" must be an array of Hubble flows");
		}
		else if (flows.items() > this.settings.maxFlows()) {
			problems.add("\"flows\" has " + flows.items() + " flows; at most " + this.settings.maxFlows() + " are allowed");
		}
		AgentSettings.Reading read = AgentSettings.read(options, AgentSettings.DEFAULTS, "options", Set.of("explain"));
		read.violations().forEach((violation) -> problems.add(violation.message()));
		boolean explain = explain(options, problems);
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems) + ".", problems.stream().map((p) ->
						new EvaluateResponse.PolicyViolation(null, "", 0, 0, p)).toList());
		}
		return new Request(policies, flows.result(), read.settings().ciliumVersion(), read.settings().engineOptions(),
				explain, inventory);
	}

	/** Nothing but whitespace may follow the body's value. */
	static void requireEnd(JsonParser parser) {
		if (parser.nextToken() != null) {
			throw malformed(parser.currentTokenLocation(), "Trailing token (" + parser.currentToken()
					+ ") after the JSON value");
		}
	}

	static ApiProblem malformed(@Nullable TokenStreamLocation location, @Nullable String message) {
		int line = (location != null) ? location.getLineNr() : 0;
		int column = (location != null) ? location.getColumnNr() : 0;
		return new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
				"The body is not valid JSON (line " + line + ", column " + column + ").",
				List.of(new EvaluateResponse.PolicyViolation(null, "", line, column,
						"not valid JSON: " + firstLine(message))));
	}

	static boolean isBlank(byte[] body) {
		for (byte b : body) {
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				return false;
			}
		}
		return true;
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
	static boolean explain(@Nullable JsonNode options, List<String> problems) {
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
