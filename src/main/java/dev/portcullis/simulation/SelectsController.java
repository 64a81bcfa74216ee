package dev.portcullis.simulation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.eval.EndpointSelection;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/workspaces/{workspace}/selects?namespace=&labels=k=v,k2=v2[&at=]}: every policy selecting a pod
 * with those labels in that namespace (as its subject) and every rule naming it as a peer, per direction, and whether
 * each direction is default-deny. The engine's selector matching ({@link EndpointSelection}), so the answer agrees
 * with decisions.
 */
@RestController
class SelectsController {

	private final Simulations simulations;

	SelectsController(Simulations simulations) {
		this.simulations = simulations;
	}

	/** The answer. */
	record SelectsView(StateUsed state, String endpoint, SideView ingress, SideView egress) {
	}

	/** One direction. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record SideView(@JsonProperty("selected_by") List<String> selectedBy,
			@JsonProperty("subject_of") List<EvaluateResponse.RuleRef> subjectOf, boolean enforced,
			@JsonProperty("default_deny") boolean defaultDeny,
			@JsonProperty("default_deny_by") List<EvaluateResponse.RuleRef> defaultDenyBy,
			@JsonProperty("forced_by") @Nullable String forcedBy,
			@JsonProperty("peer_of") List<EvaluateResponse.RuleRef> peerOf) {

		static SideView of(EndpointSelection.Side side) {
			return new SideView(side.selectedBy().stream().map(PolicyRef::toString).toList(),
					side.subjectOf().stream().map(EvaluateResponse.RuleRef::of).toList(), side.enforced(),
					side.defaultDeny(), side.defaultDenyBy().stream().map(EvaluateResponse.RuleRef::of).toList(),
					side.forcedBy(), side.peerOf().stream().map(EvaluateResponse.RuleRef::of).toList());
		}

	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/selects", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<SelectsView> selects(@PathVariable String workspace, @RequestParam(required = false) @Nullable String namespace,
			@RequestParam(required = false) @Nullable String labels, @RequestParam(required = false) @Nullable String at) {
		if (namespace == null || namespace.isBlank()) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter",
					"namespace: name the pod's namespace, ?namespace=default&labels=app=web.");
		}
		Map<String, String> parsed = labels(labels);
		StateChoice state = StateChoice.at((at != null) ? instant(at) : null);
		return this.simulations.selects(workspace, state, new Traffic.Pod(namespace.strip(), parsed))
			.map((selects) -> new SelectsView(selects.state(), selects.selection().endpoint(),
					SideView.of(selects.selection().ingress()), SideView.of(selects.selection().egress())))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	/** {@code k=v,k2=v2} as a map; a label without {@code =} or with an empty key is refused naming it. */
	static Map<String, String> labels(@Nullable String text) {
		Map<String, String> labels = new TreeMap<>();
		if (text == null || text.isBlank()) {
			return labels;
		}
		for (String item : text.split(",")) {
			String label = item.strip();
			if (label.isEmpty()) {
				continue;
			}
			int equals = label.indexOf('=');
			if (equals <= 0) {
				throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", "labels: " + Quoted.of(label)
						+ " is not key=value; give labels as app=web,tier=front.");
			}
			String key = label.substring(0, equals).strip();
			if (key.startsWith("k8s:")) {
				key = key.substring(4);
			}
			labels.put(key, label.substring(equals + 1).strip());
		}
		return labels;
	}

	static java.time.Instant instant(String at) {
		try {
			return InstantParameter.parse("at", at);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", ex.getMessage() + ".");
		}
	}

}
