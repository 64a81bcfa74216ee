package dev.portcullis.replay.recommend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/recommend} with {@code {"flows": {<flow-log filter parameters>}, "l7":
 * true}}: least-privilege policies drafted from the window's flows ({@link Recommendations}). The filter takes the
 * flow API's query parameters as members (a string or an array of strings each: {@code {"namespace": "bookinfo",
 * "since": "1h"}}, or {@code {"q": "--namespace bookinfo --since 1h"}}).
 */
@RestController
class RecommendApiController {

	private static final Set<String> MEMBERS = Set.of("flows", "l7");

	private final Recommendations recommendations;

	private final JsonMapper json;

	RecommendApiController(Recommendations recommendations, JsonMapper json) {
		this.recommendations = recommendations;
		this.json = json;
	}

	/**
	 * The answer.
	 *
	 * @param policies the draft: a multi-document YAML stream of CiliumNetworkPolicies ("" when nothing got through)
	 * @param drafted each policy of the draft, the workload it selects and its line in {@code policies}
	 * @param rules each rule, where it is, how many flows justify it and a sample of them
	 * @param patterns the HTTP paths generalised to a regex, with examples
	 * @param unexpressed flows that got through and that no CiliumNetworkPolicy can allow
	 * @param notes what the draft leaves out and why
	 * @param window what the window held
	 * @param wouldDeny what the latest state with the draft would deny of the window
	 */
	record RecommendView(String policies, List<Recommender.PolicyDraft> drafted, List<Recommender.RuleDraft> rules,
			List<Recommender.PathExample> patterns, List<Recommender.Unexpressed> unexpressed, List<String> notes,
			Recommendations.Window window, Recommendations.WouldDeny wouldDeny) {

		static RecommendView of(Recommendations.Recommendation recommendation) {
			Recommender.Draft draft = recommendation.draft();
			return new RecommendView(draft.yaml(), draft.policies(), draft.rules(), draft.patterns(),
					draft.unexpressed(), draft.notes(), recommendation.window(), recommendation.wouldDeny());
		}

	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/recommend", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RecommendView> recommend(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange).flatMap((text) -> {
			Request request = read(text);
			return this.recommendations.recommend(workspace, request.filter(), request.l7()).map(RecommendView::of);
		}).onErrorMap(StoreException.NotFound.class,
				(ex) -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage()));
	}

	private record Request(FlowFilter filter, boolean l7) {
	}

	private Request read(String text) {
		JsonNode body;
		try {
			body = text.isBlank() ? this.json.createObjectNode() : this.json.readTree(text);
		}
		catch (JacksonException ex) {
			int line = (ex.getLocation() != null) ? ex.getLocation().getLineNr() : 0;
			int column = (ex.getLocation() != null) ? ex.getLocation().getColumnNr() : 0;
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
					"The body is not valid JSON (line " + line + ", column " + column + ").",
					List.of(new FieldViolation("", line, column, "not valid JSON")));
		}
		if (body == null || !body.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		List<FieldViolation> problems = new ArrayList<>();
		for (String name : body.propertyNames()) {
			if (!MEMBERS.contains(name)) {
				problems.add(FieldViolation.named(name, "unknown field " + Quoted.of(name) + "; allowed: flows, l7"));
			}
		}
		JsonNode l7 = body.get("l7");
		if (l7 != null && !l7.isBoolean() && !l7.isNull()) {
			problems.add(FieldViolation.named("l7", "l7 must be true or false"));
		}
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		JsonNode flows = body.get("flows");
		if (flows != null && !flows.isNull()) {
			if (!flows.isObject()) {
				problems.add(FieldViolation.named("flows", "flows must be an object of flow filter parameters"));
			}
			else {
				for (Map.Entry<String, JsonNode> member : flows.properties()) {
					List<String> values = new ArrayList<>();
					JsonNode value = member.getValue();
					for (JsonNode item : value.isArray() ? value.values() : List.of(value)) {
						if (item.isString() || item.isNumber() || item.isBoolean()) {
							values.add(item.asString());
						}
						else {
							problems.add(FieldViolation.named("flows." + member.getKey(), "flows." + member.getKey()
									+ " must be a string or an array of strings"));
						}
					}
					parameters.put(member.getKey(), values);
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems.stream().map(FieldViolation::message).toList()) + ".", problems);
		}
		for (String other : List.of("limit", "cursor", "follow", "format")) {
			if (parameters.containsKey(other)) {
				throw ApiProblem.badRequest("invalid-request", "Invalid request", "flows." + other
						+ " is a paging or output parameter of the flow API; a recommendation reads the whole window.");
			}
		}
		try {
			return new Request(FlowFilter.fromParameters(parameters), l7 != null && l7.asBoolean());
		}
		catch (FilterRefused ex) {
			String path = "flows." + ex.parameter();
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-filter", "Invalid filter",
					ex.getMessage().endsWith(".") ? ex.getMessage() : ex.getMessage() + ".",
					List.of(new FieldViolation(path, ex.column() > 0 ? 1 : 0, ex.column(), ex.getMessage())));
		}
	}


}
