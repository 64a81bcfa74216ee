package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /api/v1/workspaces/{workspace}/suggest} (extension): for denied {@link Traffic}, the least-privilege
 * CiliumNetworkPolicy that would allow it ({@link Suggestions}), and the verdict with it applied as a draft on top of
 * the same state.
 */
@RestController
class SuggestController {

	private static final Set<String> MEMBERS = Set.of("traffic", "at", "draft");

	private final Suggestions suggestions;

	private final Simulations simulations;

	private final JsonMapper json;

	SuggestController(Suggestions suggestions, Simulations simulations, JsonMapper json) {
		this.suggestions = suggestions;
		this.simulations = simulations;
		this.json = json;
	}

	/**
	 * The answer.
	 * @param yaml the policies to add ("" when nothing can or need be added)
	 * @param policies their names
	 * @param notes why, and what the suggestion cannot fix
	 * @param before the decision without the suggestion
	 * @param after the decision with it, as a draft on top of the same state (absent when nothing was suggested)
	 */
	record SuggestView(String yaml, List<String> policies, List<String> notes, CompareResult before,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable CompareResult after) {
	}

	/** A decision: {@link EvaluateResponse.Result} without an index. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record CompareResult(Decision.Verdict verdict, EvaluateResponse.Side egress, EvaluateResponse.Side ingress,
			EvaluateResponse.@Nullable L7 l7, EvaluateResponse.@Nullable Explanation explanation) {

		static CompareResult of(Decision decision) {
			EvaluateResponse.Result r = EvaluateResponse.Result.of(0, decision);
			return new CompareResult(r.verdict(), r.egress(), r.ingress(), r.l7(), r.explanation());
		}

	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/suggest", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<SuggestView> suggest(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange).flatMap((text) -> {
			JsonNode body = JsonBodies.object(this.json, text, false, MEMBERS);
			List<FieldViolation> problems = new ArrayList<>();
			StateRequest state = StateRequest.read(body, problems);
			if (!problems.isEmpty()) {
				return Mono.error(JsonBodies.invalid(problems));
			}
			JsonNode given = body.get("traffic");
			Traffic.Reading reading = Traffic.read((given != null) ? JsonNodes.of(given) : null, "traffic", Set.of());
			if (!reading.isValid()) {
				return Mono.error(new TrafficRefused(reading.violations()));
			}
			Traffic traffic = reading.traffic();
			return this.suggestions.suggest(workspace, state.state(), traffic).flatMap((suggestion) -> {
				if (suggestion.yaml().isEmpty()) {
					return Mono.just(new SuggestView("", suggestion.policies(), suggestion.notes(),
							CompareResult.of(suggestion.before()), null));
				}
				String draft = (state.state().draft() != null) ? state.state().draft() + "\n---\n" + suggestion.yaml()
						: suggestion.yaml();
				return this.simulations.simulate(workspace, new StateChoice(state.state().at(), draft), null,
						List.of(traffic), true)
					.map((after) -> new SuggestView(suggestion.yaml(), suggestion.policies(), suggestion.notes(),
							CompareResult.of(suggestion.before()),
							CompareResult.of(after.results().get(0).decision())));
			});
		}).onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

}
