package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import dev.portcullis.yaml.YamlProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/evaluate}: the body of {@code POST /api/v1/evaluate} with
 * {@code policies} optional, decided against a state of the workspace: its latest live versions, the state
 * {@code at} a moment, either with a {@code draft} on top; {@code compare} adds a second result per flow and marks
 * the flows whose verdict differs. The workspace's agent settings and cluster state are used; {@code options} and
 * {@code inventory}, when given, override them. Extension: {@code traffic}, a list of {@link Traffic}
 * descriptions, decided like flows and answered in {@code traffic}. See {@code openapi/simulation.yaml}.
 */
@RestController
class WorkspaceEvaluateController {

	/** Most traffic descriptions in one request. */
	static final int MAX_TRAFFIC = 10_000;

	private static final List<String> FIELDS = List.of("policies", "flows", "options", "inventory", "at", "draft",
			"compare", "traffic");

	private final JsonMapper json;

	private final YamlProperties yaml;

	private final EvaluateController.Settings settings;

	private final EnginePool engine;

	private final Simulations simulations;

	private final ObjectReader treeReader;

	WorkspaceEvaluateController(JsonMapper json, YamlProperties yaml, EvaluateController.Settings settings,
			EnginePool engine, Simulations simulations) {
		this.json = json;
		this.yaml = yaml;
		this.settings = settings;
		this.engine = engine;
		this.simulations = simulations;
		this.treeReader = json.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/**
	 * The answer: {@code POST /api/v1/evaluate}'s, plus the state used and the traffic results.
	 *
	 * @param results one per flow, in flow order
	 * @param traffic one per traffic description, in order (absent when none was given)
	 * @param warnings problems that do not invalidate the input
	 * @param policies how many policies were in force
	 * @param ciliumVersion the Cilium version validation followed
	 * @param state the state decided against
	 * @param compareState the compared state, when {@code compare} was given
	 */
	record Response(List<WorkspaceResult> results, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<WorkspaceResult> traffic,
			List<EvaluateResponse.PolicyViolation> warnings, int policies,
			@JsonProperty("cilium_version") String ciliumVersion, StateUsed state,
			@JsonProperty("compare_state") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable StateUsed compareState) {
	}

	/**
	 * One flow's (or traffic description's) result: {@link EvaluateResponse.Result}'s members, and with
	 * {@code compare} the compared state's result and whether the verdict changed.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record WorkspaceResult(@JsonUnwrapped EvaluateResponse.Result result, @Nullable Integer traffic,
			@Nullable CompareResult compare, @Nullable Boolean changed) {

		static WorkspaceResult of(int index, boolean isTraffic, Decision decision, @Nullable Decision compare) {
			EvaluateResponse.Result result = EvaluateResponse.Result.of(index, decision);
			CompareResult other = (compare != null) ? CompareResult.of(compare) : null;
			Boolean changed = (compare != null) ? compare.verdict() != decision.verdict() : null;
			return new WorkspaceResult(result, isTraffic ? index : null, other, changed);
		}

	}

	/** The compared state's decision: {@link EvaluateResponse.Result} without the index. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CompareResult(Decision.Verdict verdict, EvaluateResponse.Side egress, EvaluateResponse.Side ingress,
			EvaluateResponse.@Nullable L7 l7, EvaluateResponse.@Nullable Explanation explanation,
			@Nullable String uncertain) {

		static CompareResult of(Decision decision) {
			EvaluateResponse.Result r = EvaluateResponse.Result.of(0, decision);
			return new CompareResult(r.verdict(), r.egress(), r.ingress(), r.l7(), r.explanation(), r.uncertain());
		}

	}

	private record Request(@Nullable String policies, @Nullable FlowParseResult flows, @Nullable JsonNode options,
			boolean explain, @Nullable String inventory, StateRequest state, List<Traffic> traffic) {
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Response> evaluate(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.utf8(exchange)
			.flatMap((body) -> this.engine.run(() -> readRequest(body)))
			.flatMap((request) -> evaluate(workspace, request))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	static ApiProblem notFound(StoreException.NotFound ex) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage());
	}

	private Mono<Response> evaluate(String workspace, Request request) {
		Inventory inventory = InlineInventory.read(request.inventory(), this.yaml.limits());
		Simulations.Overrides overrides = new Simulations.Overrides(request.policies(), request.options(), inventory);
		Mono<Scenario> current = this.simulations.scenario(workspace, request.state().state(), overrides);
		StateChoice compareChoice = request.state().compare();
		Mono<java.util.Optional<Scenario>> compared = (compareChoice != null)
				? this.simulations.scenario(workspace, compareChoice, overrides).map(java.util.Optional::of)
				: Mono.just(java.util.Optional.empty());
		return current.zipWith(compared).flatMap((both) -> this.engine.run(() -> {
			Scenario scenario = both.getT1();
			Scenario other = both.getT2().orElse(null);
			List<WorkspaceResult> results = new ArrayList<>();
			FlowParseResult flows = request.flows();
			List<EvaluateResponse.PolicyViolation> warnings = new ArrayList<>();
			scenario.warnings().stream().map(EvaluateResponse.PolicyViolation::of).forEach(warnings::add);
			if (other != null) {
				other.warnings().stream().map(EvaluateResponse.PolicyViolation::of).forEach(warnings::add);
			}
			if (flows != null) {
				for (FlowParseResult.ParsedFlow flow : flows.flows()) {
					Decision decision = request.explain() ? scenario.compiled().explain(flow.flow())
							: scenario.compiled().decide(flow.flow());
					Decision compare = (other == null) ? null : request.explain() ? other.compiled().explain(flow.flow())
							: other.compiled().decide(flow.flow());
					results.add(WorkspaceResult.of(flow.index(), false, decision, compare));
				}
				flows.violations().stream().filter((v) -> !v.isError()).map(EvaluateResponse.PolicyViolation::of)
					.forEach(warnings::add);
			}
			List<WorkspaceResult> traffic = null;
			if (!request.traffic().isEmpty()) {
				traffic = new ArrayList<>();
				List<Decision> decisions = scenario.decideAll(request.traffic(), request.explain());
				List<Decision> compares = (other != null) ? other.decideAll(request.traffic(), request.explain()) : null;
				for (int i = 0; i < decisions.size(); i++) {
					traffic.add(WorkspaceResult.of(i, true, decisions.get(i), (compares != null) ? compares.get(i) : null));
				}
			}
			return new Response(results, traffic, warnings, scenario.policies().size(),
					scenario.settings().ciliumVersion().toString(), scenario.state(),
					(other != null) ? other.state() : null);
		}));
	}

	// ---------------------------------------------------------------- reading the body

	private Request readRequest(byte[] body) {
		if (EvaluateController.isBlank(body)) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request",
					"The body must be a JSON object {\"flows\": [...]} or {\"traffic\": [...]}, optionally with "
							+ "\"policies\", \"at\", \"draft\", \"compare\", \"options\", \"inventory\".");
		}
		try (JsonParser parser = this.json.createParser(body)) {
			return readRequest(parser);
		}
		catch (JacksonException ex) {
			throw EvaluateController.malformed(ex.getLocation(), ex.getOriginalMessage());
		}
	}

	private Request readRequest(JsonParser parser) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			parser.skipChildren();
			EvaluateController.requireEnd(parser);
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		Set<String> unknown = new LinkedHashSet<>();
		List<String> problems = new ArrayList<>();
		String policies = null;
		FlowReader.Read flows = null;
		boolean flowsGiven = false;
		JsonNode options = null;
		String inventory = null;
		tools.jackson.databind.node.ObjectNode stateMembers = this.json.createObjectNode();
		JsonNode trafficNode = null;
		String field;
		while ((field = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (field) {
				case "policies" -> {
					if (value == JsonToken.VALUE_STRING) {
						policies = parser.getString();
					}
					else if (value != JsonToken.VALUE_NULL) {
						problems.add("\"policies\" must be a string holding YAML or JSON policy documents, or absent");
					}
					parser.skipChildren();
				}
				case "flows" -> {
					flowsGiven = true;
					if (value == JsonToken.START_ARRAY) {
						flows = new FlowReader().readArray(parser, this.settings.maxFlows());
					}
					else {
						parser.skipChildren();
						problems.add("\"flows\" must be an array of Hubble flows");
					}
				}
				case "options" -> options = this.treeReader.readValue(parser);
				case "inventory" -> {
					if (value == JsonToken.VALUE_STRING) {
						inventory = parser.getString();
					}
					else if (value != JsonToken.VALUE_NULL) {
						problems.add("\"inventory\" must be a string holding kubectl get ... -o yaml output");
					}
					parser.skipChildren();
				}
				case "at", "draft", "compare" -> stateMembers.set(field, this.treeReader.readValue(parser));
				case "traffic" -> trafficNode = this.treeReader.readValue(parser);
				default -> {
					unknown.add(field);
					parser.skipChildren();
				}
			}
		}
		EvaluateController.requireEnd(parser);
		for (String name : unknown) {
			problems.add(0, "unknown field " + Quoted.of(name) + "; allowed: " + String.join(", ", FIELDS));
		}
		if (flows != null && flows.items() > this.settings.maxFlows()) {
			problems.add("\"flows\" has " + flows.items() + " flows; at most " + this.settings.maxFlows() + " are allowed");
		}
		if (!flowsGiven && trafficNode == null) {
			problems.add("\"flows\" (Hubble flows) or \"traffic\" (traffic descriptions) is required");
		}
		List<FieldViolation> stateProblems = new ArrayList<>();
		StateRequest state = StateRequest.read(stateMembers, stateProblems);
		stateProblems.forEach((p) -> problems.add(p.message()));
		boolean explain = EvaluateController.explain(options, problems);
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems) + ".", problems.stream().map((p) ->
						new EvaluateResponse.PolicyViolation(null, "", 0, 0, p)).toList());
		}
		List<Traffic> traffic = readTraffic(trafficNode);
		FlowParseResult parsedFlows = (flows != null) ? flows.result() : null;
		if (parsedFlows != null && parsedFlows.hasErrors()) {
			List<EvaluateResponse.FlowViolation> violations = parsedFlows.violations().stream()
				.filter(Violation::isError)
				.map(EvaluateResponse.FlowViolation::of)
				.toList();
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-flows", "Invalid flows",
					violations.size() + ((violations.size() == 1) ? " problem" : " problems")
							+ " in the flows; each names the flow index and field.", violations);
		}
		return new Request(policies, parsedFlows, options, explain, inventory, state, traffic);
	}

	/** {@code traffic}: every description read, every problem reported naming {@code traffic[i].field}. */
	static List<Traffic> readTraffic(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw new TrafficRefused(List.of(FieldViolation.named("traffic", "must be an array of traffic descriptions")));
		}
		if (node.size() > MAX_TRAFFIC) {
			throw new TrafficRefused(List.of(FieldViolation.named("traffic", "has " + node.size()
					+ " descriptions; at most " + MAX_TRAFFIC + " are allowed")));
		}
		List<Traffic> traffic = new ArrayList<>();
		List<FieldViolation> problems = new ArrayList<>();
		for (int i = 0; i < node.size(); i++) {
			Traffic.Reading reading = Traffic.read(JsonNodes.of(node.get(i)), "traffic[" + i + "]", Set.of());
			problems.addAll(reading.violations());
			if (reading.traffic() != null) {
				traffic.add(reading.traffic());
			}
		}
		if (!problems.isEmpty()) {
			throw new TrafficRefused(problems);
		}
		return traffic;
	}

}
