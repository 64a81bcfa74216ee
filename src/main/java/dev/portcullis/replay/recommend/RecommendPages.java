package dev.portcullis.replay.recommend;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /workspaces/{workspace}/recommend}: choose a window of flows (a {@code hubble observe} flag line, as the
 * flow log takes it) and whether to draft L7 rules; see the draft with line numbers, each rule with the flows that
 * justify it (linked to its lines), the generalised HTTP paths, what the draft would deny and what it cannot express;
 * open each policy in the editor's new-policy page, or the whole draft in what-if (both posted, never put in a URL).
 * The parameters are the page's state: the URL reproduces the recommendation.
 */
@Controller
class RecommendPages {

	private final Recommendations recommendations;

	private final Workspaces workspaces;

	RecommendPages(Recommendations recommendations, Workspaces workspaces) {
		this.recommendations = recommendations;
		this.workspaces = workspaces;
	}

	/** One policy of the draft: its name, its workload, its first line and its own text (for the editor). */
	record PolicyView(String policy, String workload, int line, String yaml) {
	}

	/** A line of the draft. */
	record Line(int number, String text, boolean comment) {
	}

	/** The result as the page shows it. */
	record ResultView(List<Line> lines, String yaml, List<PolicyView> policies, Recommendations.Recommendation recommendation,
			String flowsHref) {
	}

	@GetMapping("/workspaces/{workspace}/recommend")
	Mono<Rendering> page(@PathVariable String workspace, @RequestParam(required = false) @Nullable String q,
			@RequestParam(required = false) @Nullable String l7, @RequestParam(required = false) @Nullable String run) {
		String line = (q != null) ? q.strip() : "";
		boolean withL7 = l7 != null && !l7.equals("false");
		boolean ran = run != null || q != null;
		Rendering.Builder<?> page = Rendering.view("replay/recommend")
			.modelAttribute("workspace", workspace)
			.modelAttribute("wsHref", "/workspaces/" + workspace)
			.modelAttribute("line", line)
			.modelAttribute("l7", withL7)
			.modelAttribute("ran", ran);
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)))
			.flatMap((found) -> {
				if (!ran) {
					return Mono.just(page.modelAttribute("error", "").modelAttribute("result", "").build());
				}
				FlowFilter filter;
				try {
					Map<String, List<String>> parameters = new LinkedHashMap<>();
					parameters.put("q", List.of(line));
					filter = FlowFilter.fromParameters(parameters);
				}
				catch (FilterRefused ex) {
					return Mono.just(page.modelAttribute("error", ex.getMessage()).modelAttribute("result", "")
						.status(HttpStatus.UNPROCESSABLE_CONTENT).build());
				}
				return this.recommendations.recommend(workspace, filter, withL7)
					.map((recommendation) -> page.modelAttribute("error", "")
						.modelAttribute("result", result(workspace, line, recommendation))
						.build())
					.onErrorResume(ApiProblem.class, (ex) -> Mono.just(page.modelAttribute("error", ex.getMessage())
						.modelAttribute("result", "")
						.status(ex.status().is5xxServerError() ? HttpStatus.UNPROCESSABLE_CONTENT : ex.status())
						.build()))
					.onErrorResume(EngineBusy.class, (ex) -> Mono.just(page.modelAttribute("error", ex.getReason())
						.modelAttribute("result", "")
						.status(HttpStatus.TOO_MANY_REQUESTS)
						.build()))
					.onErrorResume(StoreException.NotFound.class,
							(ex) -> Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND)));
			});
	}

	private static ResultView result(String workspace, String line, Recommendations.Recommendation recommendation) {
		Recommender.Draft draft = recommendation.draft();
		String[] texts = draft.yaml().isEmpty() ? new String[0] : draft.yaml().split("\n", -1);
		List<Line> lines = new ArrayList<>();
		for (int i = 0; i < texts.length; i++) {
			if (i == texts.length - 1 && texts[i].isEmpty()) {
				break;
			}
			lines.add(new Line(i + 1, texts[i], texts[i].strip().startsWith("#")));
		}
		List<PolicyView> policies = new ArrayList<>();
		String[] documents = draft.yaml().split("(?m)^---\n");
		for (int i = 0; i < draft.policies().size() && i < documents.length; i++) {
			Recommender.PolicyDraft policy = draft.policies().get(i);
			policies.add(new PolicyView(policy.policy(), policy.workload(), policy.line(), documents[i]));
		}
		String flowsHref = "/workspaces/" + workspace + "/flows"
				+ (line.isEmpty() ? "" : "?q=" + URLEncoder.encode(line, StandardCharsets.UTF_8));
		return new ResultView(lines, draft.yaml(), policies, recommendation, flowsHref);
	}

}
