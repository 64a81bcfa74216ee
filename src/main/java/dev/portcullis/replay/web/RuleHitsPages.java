package dev.portcullis.replay.web;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.StoreException;
import dev.portcullis.replay.RuleHits;
import dev.portcullis.web.ApiProblem;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;

/**
 * The rule-hits fragment the policy editor loads ({@code /workspaces/{ws}/policies/{kind}/{namespace}/{name}/hits}):
 * each rule of the live version with how many stored flows it matched; rules that matched nothing
 * are marked as candidates for removal, allow rules matched only by drops are flagged. When the hits cannot be
 * counted (no live version, no flows, too many flows, a busy engine) the fragment says so in a line.
 */
@Controller
class RuleHitsPages {

	/** The window the editor shows: every stored flow (the flow store's retention bounds it, 8 days by default). */
	static final @org.jspecify.annotations.Nullable String SINCE = null;

	private final RuleHits hits;

	RuleHitsPages(RuleHits hits) {
		this.hits = hits;
	}

	@GetMapping("/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/hits")
	Mono<Rendering> hits(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name) {
		PolicyKey key;
		try {
			key = PolicyKey.parse(kind, namespace, name);
		}
		catch (IllegalArgumentException ex) {
			return Mono.just(view(null, ex.getMessage()));
		}
		return this.hits.hits(workspace, key, SINCE, null)
			.map((report) -> view(report, null))
			.onErrorResume(StoreException.NotFound.class,
					(ex) -> Mono.just(view(null, "Rule hits appear once the policy has a saved version.")))
			.onErrorResume(ApiProblem.class, (ex) -> Mono.just(view(null, ex.getMessage())))
			.onErrorResume(EngineBusy.class,
					(ex) -> Mono.just(view(null, "The engine is busy; rule hits could not be counted.")));
	}

	private static Rendering view(RuleHits.@org.jspecify.annotations.Nullable Report report,
			@org.jspecify.annotations.Nullable String problem) {
		return Rendering.view("replay/hits :: hits").modelAttribute("report", report)
			.modelAttribute("problem", problem).modelAttribute("since", "stored flows").build();
	}

}
