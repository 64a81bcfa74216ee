package dev.portcullis.replay;

import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * {@code GET /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/hits?since=&until=}: how many stored
 * flows each rule of the policy's live version matched ({@link RuleHits}). See {@code openapi/replay.yaml}.
 */
@RestController
class RuleHitsApiController {

	private final RuleHits hits;

	RuleHitsApiController(RuleHits hits) {
		this.hits = hits;
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/hits",
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RuleHits.Report> hits(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name, @RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable String until) {
		return Mono.defer(() -> this.hits.hits(workspace, key(kind, namespace, name), since, until))
			.onErrorMap(FilterRefused.class, (ex) -> new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request",
					"Invalid request", ex.getMessage() + ".", List.of(FieldViolation.named(ex.parameter(), ex.getMessage()))))
			.onErrorMap(StoreException.NotFound.class,
					(ex) -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage()));
	}

	static PolicyKey key(String kind, String namespace, String name) {
		try {
			return PolicyKey.parse(kind, namespace, name);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage());
		}
	}

}
