package dev.portcullis.simulation.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.policy.web.Moments;
import dev.portcullis.simulation.DraftRefused;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.simulation.Suggestions;
import dev.portcullis.simulation.Traffic;
import dev.portcullis.web.Htmx;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The what-if page ({@code /workspaces/{ws}/what-if}): traffic described as a person thinks of it, decided against
 * the latest versions, a past moment or a draft, and optionally a second state side by side. GET with the form's
 * parameters reproduces a simulation (the page's link); POST takes the same fields (a draft too long for a link),
 * and {@code .../what-if/draft} takes the editor's text ({@code yaml}) as the draft. Impossible traffic is refused
 * field by field, never decided.
 */
@Controller
class WhatIfPages {

	static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");

	/** The fields' names as the error summary says them. */
	static final Map<String, String> FIELD_NAMES = Map.ofEntries(Map.entry("fromKind", "Source"),
			Map.entry("fromNamespace", "Source namespace"), Map.entry("fromLabels", "Source labels"),
			Map.entry("fromEntity", "Source entity"), Map.entry("fromIp", "Source IP"),
			Map.entry("fromFqdn", "Source FQDN"), Map.entry("toKind", "Destination"),
			Map.entry("toNamespace", "Destination namespace"), Map.entry("toLabels", "Destination labels"),
			Map.entry("toEntity", "Destination entity"), Map.entry("toIp", "Destination IP"),
			Map.entry("toFqdn", "Destination FQDN"), Map.entry("protocol", "Protocol"),
			Map.entry("port", "Destination port"), Map.entry("l7", "Request"), Map.entry("httpMethod", "HTTP method"),
			Map.entry("httpPath", "HTTP path"), Map.entry("httpHost", "HTTP host"),
			Map.entry("httpHeaders", "HTTP headers"), Map.entry("grpcService", "gRPC service"),
			Map.entry("grpcMethod", "gRPC method"), Map.entry("kafkaApiKey", "Kafka API key"),
			Map.entry("kafkaRole", "Kafka role"), Map.entry("kafkaTopic", "Kafka topic"),
			Map.entry("dnsQuery", "DNS query name"), Map.entry("at", "Moment"), Map.entry("draft", "Draft"),
			Map.entry("compareAt", "Compared moment"), Map.entry("compareDraft", "Compared draft"));

	private final Simulations simulations;

	private final SimulationPages pages;

	private final EnginePool engine;

	private final WorkspaceStates states;

	private final Suggestions suggestions;

	WhatIfPages(Simulations simulations, SimulationPages pages, EnginePool engine, WorkspaceStates states,
			Suggestions suggestions) {
		this.simulations = simulations;
		this.pages = pages;
		this.engine = engine;
		this.states = states;
		this.suggestions = suggestions;
	}

	/** The editor's text handed over as a draft. */
	record EditorDraft(@Nullable String yaml) {
	}

	/**
	 * What the page shows under the form.
	 *
	 * @param first the verdict against the chosen state, null when the state could not be read
	 * @param compared the verdict against the compared state, or null
	 * @param changed whether the two differ
	 * @param problem a sentence when something other than a field went wrong, else ""
	 * @param parameters the form's parameters (the suggest form carries them)
	 * @param link the link that reproduces the simulation
	 * @param linkWithoutDraft whether the link had to leave a draft out (too long for a URL)
	 * @param suggestion a suggested rule, or null
	 */
	record Result(@Nullable VerdictView first, @Nullable VerdictView compared, boolean changed, String problem,
			Map<String, String> parameters, String link, boolean linkWithoutDraft, @Nullable Suggestion suggestion) {

		Result withSuggestion(Suggestion suggestion) {
			return new Result(this.first, this.compared, this.changed, this.problem, this.parameters, this.link,
					this.linkWithoutDraft, suggestion);
		}

	}

	/**
	 * A draft rule that would allow denied traffic.
	 *
	 * @param notes why, and what a draft cannot fix (a deny rule wins over any allow)
	 * @param yaml the suggested policies, "" when none can help
	 * @param policies their names
	 */
	record Suggestion(List<String> notes, String yaml, List<String> policies) {
	}

	@GetMapping("/workspaces/{workspace}/what-if")
	Mono<Rendering> page(@PathVariable String workspace, @ModelAttribute TrafficForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange);
	}

	@PostMapping("/workspaces/{workspace}/what-if")
	Mono<Rendering> post(@PathVariable String workspace, @ModelAttribute TrafficForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange);
	}

	/** The editor's "Try in what-if": its text becomes the draft, the rest of the form is empty. */
	@PostMapping("/workspaces/{workspace}/what-if/draft")
	Mono<Rendering> fromEditor(@PathVariable String workspace, @ModelAttribute EditorDraft draft,
			ServerWebExchange exchange) {
		TrafficForm form = TrafficForm.withDraft((draft.yaml() != null) ? draft.yaml().replace("\r\n", "\n") : "");
		return this.pages.pickers(workspace).map((pickers) -> Rendering.view("simulation/what-if")
			.modelAttribute("workspace", workspace)
			.modelAttribute("pickers", pickers)
			.modelAttribute("form", form)
			.modelAttribute("protocols", PROTOCOLS)
			.modelAttribute("fieldNames", FIELD_NAMES)
			.modelAttribute("errors", Map.of())
			.modelAttribute("draftViolations", List.of())
			.build());
	}

	/**
	 * "Suggest a rule that allows it": the least-privilege policies for the denied traffic become the draft (on top
	 * of the draft already tried, if any), compared with the state that denied it, and are decided at once.
	 */
	@PostMapping("/workspaces/{workspace}/what-if/suggest")
	Mono<Rendering> suggest(@PathVariable String workspace, @ModelAttribute TrafficForm form,
			ServerWebExchange exchange) {
		Map<String, String> errors = new LinkedHashMap<>();
		TrafficFields.Reading reading = TrafficFields.read(form);
		StateChoice state = choice(form.state(), form.at(), form.draft(), "at", "draft", errors);
		if (reading.traffic() == null || state == null || !errors.isEmpty()) {
			return render(workspace, form, exchange);
		}
		return this.suggestions.suggest(workspace, state, reading.traffic())
			.flatMap((found) -> {
				Suggestion suggestion = new Suggestion(found.notes(), found.yaml(), found.policies());
				TrafficForm next = found.yaml().isBlank() ? form
						: form.withDraftState(("draft".equals(form.state()) ? form.draft().stripTrailing() + "\n---\n" : "")
								+ found.yaml());
				return render(workspace, next, exchange, suggestion);
			})
			.onErrorResume(DraftRefused.class, (ex) -> render(workspace, form, exchange));
	}

	private Mono<Rendering> render(String workspace, TrafficForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange, null);
	}

	private Mono<Rendering> render(String workspace, TrafficForm form, ServerWebExchange exchange,
			@Nullable Suggestion suggestion) {
		Map<String, String> errors = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
		return this.pages.pickers(workspace).flatMap((pickers) -> {
			Mono<Optional<Decided>> decided = form.isSubmitted() ? decide(workspace, form, errors).map(Optional::of)
					: Mono.just(Optional.empty());
			return decided.map((outcome) -> {
				Result decidedResult = outcome.map((d) -> result(workspace, form, d)).orElse(null);
				Result result = (decidedResult != null && suggestion != null) ? decidedResult.withSuggestion(suggestion)
						: decidedResult;
				if (result != null && errors.isEmpty() && Htmx.isPartial(exchange)) {
					exchange.getResponse().getHeaders().set("HX-Push-Url", result.link());
				}
				return SimulationPages.view(exchange, "simulation/what-if", "simulation")
					.status(errors.isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
					.modelAttribute("workspace", workspace)
					.modelAttribute("pickers", pickers)
					.modelAttribute("form", form)
					.modelAttribute("protocols", PROTOCOLS)
					.modelAttribute("fieldNames", FIELD_NAMES)
					.modelAttribute("errors", errors)
					.modelAttribute("draftViolations", outcome.map(Decided::draftViolations).orElse(List.of()))
					.modelAttribute("result", errors.isEmpty() ? result : null)
					.build();
			});
		});
	}

	/**
	 * What deciding the form's traffic came to.
	 *
	 * @param first the decision against the chosen state (null when it could not be made)
	 * @param compared the decision against the compared state, or null
	 * @param firstLines where the rules of the first state are written
	 * @param comparedLines where the rules of the compared state are written
	 * @param draftViolations the problems of a refused draft
	 * @param problem a sentence for other failures, or ""
	 */
	record Decided(@Nullable Decision first, @Nullable Decision compared, RuleLines firstLines,
			RuleLines comparedLines, List<Violation> draftViolations, String problem) {

		static Decided nothing(List<Violation> draftViolations, String problem) {
			return new Decided(null, null, RuleLines.NONE, RuleLines.NONE, draftViolations, problem);
		}

	}

	/** Decides the form's traffic; field problems go into {@code errors} (and nothing is decided). */
	Mono<Decided> decide(String workspace, TrafficForm form, Map<String, String> errors) {
		TrafficFields.Reading reading = TrafficFields.read(form);
		errors.putAll(reading.errors());
		StateChoice first = choice(form.state(), form.at(), form.draft(), "at", "draft", errors);
		StateChoice second = form.comparing()
				? choice(form.compare(), form.compareAt(), form.compareDraft(), "compareAt", "compareDraft", errors) : null;
		Traffic traffic = reading.traffic();
		if (!errors.isEmpty() || traffic == null || first == null) {
			return Mono.just(Decided.nothing(List.of(), ""));
		}
		List<Violation> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
		Mono<Optional<Scenario>> one = scenario(workspace, first, "draft", errors, refused);
		Mono<Optional<Scenario>> two = (second != null)
				? scenario(workspace, second, "compareDraft", errors, refused) : Mono.just(Optional.empty());
		return one.zipWith(two)
			.flatMap((both) -> {
				if (!errors.isEmpty()) {
					return Mono.just(Decided.nothing(List.copyOf(refused), ""));
				}
				Scenario a = both.getT1().orElseThrow();
				Scenario b = both.getT2().orElse(null);
				Mono<Optional<WorkspaceState>> secondState = (second != null)
						? this.states.at(workspace, second.at()).map(Optional::of) : Mono.just(Optional.empty());
				return this.states.at(workspace, first.at()).zipWith(secondState)
					.flatMap((stored) -> this.engine.run(() -> new Decided(a.decide(traffic, true),
							(b != null) ? b.decide(traffic, true) : null,
							new RuleLines(stored.getT1(), a, first.draft(), first.at() != null),
							(b != null) ? new RuleLines(stored.getT2().orElse(null), b, second.draft(), second.at() != null)
									: RuleLines.NONE,
							List.of(), "")));
			})
			.onErrorResume(EngineBusy.class, (ex) -> Mono.just(Decided.nothing(List.of(),
					"The engine is busy; try again in " + ex.retryAfterSeconds() + " s.")));
	}

	/** The compiled state; a refused draft puts its message on {@code draftField} and its problems in {@code refused}. */
	private Mono<Optional<Scenario>> scenario(String workspace, StateChoice choice, String draftField,
			Map<String, String> errors, List<Violation> refused) {
		return this.simulations.scenario(workspace, choice)
			.map(Optional::of)
			.onErrorResume(DraftRefused.class, (ex) -> {
				Violation first = ex.errors().get(0);
				refused.addAll(ex.errors());
				errors.put(draftField, "The draft is not valid: " + ex.errors().size()
						+ ((ex.errors().size() == 1) ? " problem" : " problems") + "; the first"
						+ ((first.line() > 0) ? " at line " + first.line() + ", column " + first.column() : "") + ": "
						+ first.message());
				return Mono.just(Optional.empty());
			});
	}

	private static @Nullable StateChoice choice(String state, String at, String draft, String atField,
			String draftField, Map<String, String> errors) {
		switch (state) {
			case "latest" -> {
				return StateChoice.LATEST;
			}
			case "at" -> {
				try {
					Instant moment = Moments.parse(at);
					if (moment == null) {
						errors.put(atField, "Give the moment to decide at: 2026-11-26 14:12:00 (UTC).");
						return null;
					}
					return StateChoice.at(moment);
				}
				catch (IllegalArgumentException ex) {
					errors.put(atField, ex.getMessage());
					return null;
				}
			}
			case "draft" -> {
				if (draft.isBlank()) {
					errors.put(draftField, "Paste the draft's policy YAML, or choose another state.");
					return null;
				}
				return StateChoice.draft(draft);
			}
			default -> {
				errors.put(atField, "Choose the latest versions, a past moment or a draft.");
				return null;
			}
		}
	}

	private Result result(String workspace, TrafficForm form, Decided decided) {
		VerdictView first = (decided.first() != null)
				? VerdictView.of(workspace, stateName(form.state(), form.at(), false), decided.first(),
						decided.firstLines()) : null;
		VerdictView compared = (decided.compared() != null)
				? VerdictView.of(workspace, stateName(form.compare(), form.compareAt(), true), decided.compared(),
						decided.comparedLines()) : null;
		boolean changed = first != null && first.differsFrom(compared);
		Map<String, String> parameters = form.parameters();
		String link = SimulationPages.link(SimulationPages.wsHref(workspace) + "/what-if", parameters);
		boolean withoutDraft = false;
		if (link.length() > TrafficForm.MAX_LINK_LENGTH) {
			Map<String, String> shorter = new LinkedHashMap<>(parameters);
			shorter.remove("draft");
			shorter.remove("compareDraft");
			shorter.computeIfPresent("state", (k, v) -> "draft".equals(v) ? "latest" : v);
			shorter.computeIfPresent("compare", (k, v) -> "draft".equals(v) ? "latest" : v);
			link = SimulationPages.link(SimulationPages.wsHref(workspace) + "/what-if", shorter);
			withoutDraft = true;
		}
		return new Result(first, compared, changed, decided.problem(), parameters, link, withoutDraft, null);
	}

	private static String stateName(String state, String at, boolean compared) {
		return switch (state) {
			case "at" -> "At " + at + " UTC";
			case "draft" -> compared ? "With the second draft" : "With the draft";
			default -> "Latest versions";
		};
	}

}
