package dev.portcullis.simulation.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.eval.EndpointSelection;
import dev.portcullis.policy.web.Moments;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.simulation.Traffic;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * Which policies select an endpoint ({@code /workspaces/{ws}/selects}): a pod's namespace and labels, and per
 * direction the policies selecting it as their subject, whether the direction is enforced and default-deny (and
 * because of which rules), and the rules of other endpoints that name it as a peer. The label filter of the
 * workspace page searches policies' metadata; this asks the engine what the selectors select.
 */
@Controller
class SelectsPages {

	private final Simulations simulations;

	private final SimulationPages pages;

	SelectsPages(Simulations simulations, SimulationPages pages) {
		this.simulations = simulations;
		this.pages = pages;
	}

	/** The form: the pod's namespace and labels ({@code app=web, env=prod}), and a past moment or "" for now. */
	record SelectsForm(String namespace, String labels, String at) {

		SelectsForm {
			namespace = (namespace != null) ? namespace.strip() : "";
			labels = (labels != null) ? labels.strip() : "";
			at = (at != null) ? at.strip() : "";
		}

		public boolean isSubmitted() {
			return !this.namespace.isEmpty() || !this.labels.isEmpty();
		}

	}

	/**
	 * One direction as the page shows it.
	 *
	 * @param title "Ingress (traffic it receives)" or "Egress (traffic it sends)"
	 * @param id ingress or egress
	 * @param enforced whether policy is enforced in this direction
	 * @param defaultDeny whether traffic no rule allows is dropped
	 * @param forcedBy the agent setting forcing default deny, or ""
	 * @param selectedBy the policies selecting the endpoint
	 * @param subjectOf the rules selecting it
	 * @param defaultDenyBy the rules that make the direction default-deny
	 * @param peerOf the rules naming it as a peer
	 */
	record SideView(String title, String id, boolean enforced, boolean defaultDeny, String forcedBy,
			List<VerdictView.PolicyView> selectedBy, List<VerdictView.RuleView> subjectOf,
			List<VerdictView.RuleView> defaultDenyBy, List<VerdictView.RuleView> peerOf) {

		static SideView of(String workspace, String title, String id, EndpointSelection.Side side) {
			return new SideView(title, id, side.enforced(), side.defaultDeny(),
					(side.forcedBy() != null) ? side.forcedBy() : "",
					side.selectedBy().stream().map((ref) -> new VerdictView.PolicyView(ref.toString(),
							VerdictView.href(workspace, ref))).toList(),
					rules(workspace, side.subjectOf()), rules(workspace, side.defaultDenyBy()),
					rules(workspace, side.peerOf()));
		}

		private static List<VerdictView.RuleView> rules(String workspace,
				List<dev.portcullis.engine.eval.Decision.RuleRef> rules) {
			return rules.stream().map((rule) -> VerdictView.rule(workspace, rule, RuleLines.NONE)).toList();
		}

	}

	/** The answer: the endpoint as the engine names it, and its two directions. */
	record SelectsView(String endpoint, List<SideView> sides) {
	}

	@GetMapping("/workspaces/{workspace}/selects")
	Mono<Rendering> page(@PathVariable String workspace, @ModelAttribute SelectsForm form, ServerWebExchange exchange) {
		Map<String, String> errors = new LinkedHashMap<>();
		return this.pages.formPage(exchange, workspace, "selects", form, form.isSubmitted(), errors,
				() -> selects(workspace, form, errors));
	}

	private Mono<Optional<SelectsView>> selects(String workspace, SelectsForm form, Map<String, String> errors) {
		if (form.namespace().isEmpty()) {
			errors.put("namespace", "Name the pod's namespace.");
		}
		Map<String, Node> labelNodes = TrafficFields.labels("", form.labels(), errors);
		if (errors.containsKey("Labels")) {
			errors.put("labels", errors.remove("Labels"));
		}
		Instant at = null;
		try {
			at = Moments.parse(form.at());
		}
		catch (IllegalArgumentException ex) {
			errors.put("at", ex.getMessage());
		}
		if (!errors.isEmpty()) {
			return Mono.just(Optional.empty());
		}
		Map<String, String> labels = new java.util.TreeMap<>();
		labelNodes.forEach((key, value) -> labels.put(key.startsWith("k8s:") ? key.substring(4) : key,
				((Node.ScalarNode) value).value()));
		return this.simulations.selects(workspace, StateChoice.at(at), new Traffic.Pod(form.namespace(), labels))
			.map((answer) -> Optional.of(new SelectsView(answer.selection().endpoint(), List.of(
					SideView.of(workspace, "Ingress (traffic it receives)", "ingress", answer.selection().ingress()),
					SideView.of(workspace, "Egress (traffic it sends)", "egress", answer.selection().egress())))))
			.onErrorResume(EngineBusy.class, (ex) -> {
				errors.put("namespace", "The engine is busy; try again in " + ex.retryAfterSeconds() + " s.");
				return Mono.just(Optional.empty());
			});
	}


}
