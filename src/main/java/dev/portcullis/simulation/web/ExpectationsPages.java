package dev.portcullis.simulation.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.web.Moments;
import dev.portcullis.simulation.DraftRefused;
import dev.portcullis.simulation.ExpectationDocument;
import dev.portcullis.simulation.ExpectationRuns;
import dev.portcullis.simulation.ExpectationVersion;
import dev.portcullis.simulation.Expectations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.yaml.YamlLimits;
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
 * A workspace's connectivity expectations ({@code /workspaces/{ws}/expectations}), the policies' test suite: the
 * YAML document (authors save it as a new version; problems are listed with line and column and nothing is
 * saved), and a run of the text in the editor against the latest versions, a past moment or a draft: each
 * expectation passed (green) or failed (red) with the verdict and the engine's explanation. Viewers may run.
 */
@Controller
class ExpectationsPages {

	private final Expectations expectations;

	private final ExpectationRuns runs;

	private final SimulationPages pages;

	ExpectationsPages(Expectations expectations, ExpectationRuns runs, SimulationPages pages) {
		this.expectations = expectations;
		this.runs = runs;
		this.pages = pages;
	}

	/**
	 * The form.
	 *
	 * @param text the YAML document
	 * @param message why (saving)
	 * @param expectedVersion the version the text is based on (0: none saved yet)
	 * @param state latest, at or draft (running)
	 * @param at the moment when state is at
	 * @param draft policy text when state is draft
	 */
	record ExpectationsForm(String text, String message, @Nullable Integer expectedVersion, String state, String at,
			String draft) {

		ExpectationsForm {
			text = (text != null) ? text.replace("\r\n", "\n") : "";
			message = (message != null) ? message.strip() : "";
			state = (state != null && !state.isBlank()) ? state.strip() : "latest";
			at = (at != null) ? at.strip() : "";
			draft = (draft != null) ? draft.replace("\r\n", "\n") : "";
		}

		static ExpectationsForm of(ExpectationVersion version) {
			return new ExpectationsForm(version.text(), "", version.version(), "latest", "", "");
		}

	}

	/**
	 * What the page says after a save or a run.
	 *
	 * @param message one sentence, "" for none
	 * @param ok whether it reports a success (a save) rather than a refusal
	 * @param problems the document's problems, each with line and column
	 * @param report a run's results, or null
	 */
	record Outcome(String message, boolean ok, List<FieldViolation> problems, @Nullable Report report) {

		static final Outcome NONE = new Outcome("", true, List.of(), null);

		static Outcome refused(String message, List<FieldViolation> problems) {
			return new Outcome(message, false, problems, null);
		}

	}

	/** A run: the counts and each expectation's result. */
	record Report(int passed, int failed, String state, List<ResultView> results) {
	}

	/**
	 * One expectation's result.
	 *
	 * @param name its name
	 * @param passed whether the verdict is the expected one
	 * @param expected "allowed" or "denied"
	 * @param line its line in the document
	 * @param verdict the verdict with its explanation
	 */
	record ResultView(String name, boolean passed, String expected, int line, VerdictView verdict) {
	}

	@GetMapping("/workspaces/{workspace}/expectations")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return this.pages.pickers(workspace)
			.then(this.expectations.latest(workspace))
			.flatMap((latest) -> render(exchange, workspace, ExpectationsForm.of(latest), latest, Outcome.NONE,
					Map.of(), HttpStatus.OK));
	}

	@PostMapping("/workspaces/{workspace}/expectations")
	Mono<Rendering> save(@PathVariable String workspace, @ModelAttribute ExpectationsForm form,
			ServerWebExchange exchange) {
		return this.pages.pickers(workspace)
			.then(Actor.current(exchange))
			.flatMap((actor) -> this.expectations.save(workspace, form.text(), form.expectedVersion(), form.message(),
					actor))
			.flatMap((saved) -> render(exchange, workspace, ExpectationsForm.of(saved), saved,
					new Outcome("Saved as version " + saved.version() + " (" + saved.expectations()
							+ ((saved.expectations() == 1) ? " expectation)." : " expectations)."), true, List.of(), null),
					Map.of(), HttpStatus.OK))
			.onErrorResume(Expectations.ExpectationsRefused.class, (ex) -> refused(exchange, workspace, form,
					"Nothing was saved: " + ex.getMessage(), ex.reading().violations(), HttpStatus.UNPROCESSABLE_ENTITY))
			.onErrorResume(ApiProblem.class, (ex) -> refused(exchange, workspace, form,
					(ex.status() == HttpStatus.PRECONDITION_FAILED || ex.status() == HttpStatus.PRECONDITION_REQUIRED)
							? "Someone saved the expectations meanwhile; nothing was saved. Your text is kept below: "
									+ "reload the page to see theirs."
							: ex.getMessage(),
					List.of(), (ex.status().is4xxClientError() && ex.status() != HttpStatus.BAD_REQUEST) ? ex.status()
							: HttpStatus.UNPROCESSABLE_ENTITY));
	}

	@PostMapping("/workspaces/{workspace}/expectations/run")
	Mono<Rendering> run(@PathVariable String workspace, @ModelAttribute ExpectationsForm form,
			ServerWebExchange exchange) {
		Map<String, String> errors = new LinkedHashMap<>();
		StateChoice state = null;
		switch (form.state()) {
			case "at" -> {
				try {
					Instant at = Moments.parse(form.at());
					if (at == null) {
						errors.put("at", "Give the moment to run at: 2026-11-26 14:12:00 (UTC).");
					}
					else {
						state = StateChoice.at(at);
					}
				}
				catch (IllegalArgumentException ex) {
					errors.put("at", ex.getMessage());
				}
			}
			case "draft" -> {
				if (form.draft().isBlank()) {
					errors.put("draft", "Paste the draft's policy YAML, or choose another state.");
				}
				else {
					state = StateChoice.draft(form.draft());
				}
			}
			default -> state = StateChoice.LATEST;
		}
		ExpectationDocument.Reading reading = ExpectationDocument.parse(form.text(), YamlLimits.DEFAULTS);
		StateChoice chosen = state;
		return this.pages.pickers(workspace).then(this.expectations.latest(workspace)).flatMap((latest) -> {
			if (!reading.isValid()) {
				return render(exchange, workspace, form, latest, Outcome.refused("Nothing was run: the document has "
						+ reading.violations().size() + ((reading.violations().size() == 1) ? " problem." : " problems."),
						reading.violations()), errors, HttpStatus.UNPROCESSABLE_ENTITY);
			}
			if (!errors.isEmpty() || chosen == null) {
				return render(exchange, workspace, form, latest, Outcome.NONE, errors, HttpStatus.UNPROCESSABLE_ENTITY);
			}
			boolean unsaved = !form.text().equals(latest.text());
			return this.runs.run(workspace, chosen, reading.document(), unsaved ? 0 : latest.version())
				.flatMap((report) -> render(exchange, workspace, form, latest, new Outcome("", true, List.of(),
						report(workspace, form, report, unsaved)), errors, HttpStatus.OK))
				.onErrorResume(DraftRefused.class, (ex) -> {
					errors.put("draft", "The draft is not valid: " + ex.errors().get(0).message()
							+ ((ex.errors().get(0).line() > 0) ? " (line " + ex.errors().get(0).line() + ", column "
									+ ex.errors().get(0).column() + ")" : ""));
					return render(exchange, workspace, form, latest, Outcome.NONE, errors,
							HttpStatus.UNPROCESSABLE_ENTITY);
				})
				.onErrorResume(EngineBusy.class, (ex) -> render(exchange, workspace, form, latest,
						Outcome.refused("The engine is busy; try again in " + ex.retryAfterSeconds() + " s.", List.of()),
						errors, HttpStatus.TOO_MANY_REQUESTS));
		});
	}

	private static Report report(String workspace, ExpectationsForm form, ExpectationRuns.Report report,
			boolean unsaved) {
		String state = switch (form.state()) {
			case "at" -> "at " + form.at() + " UTC";
			case "draft" -> "the latest versions with the draft";
			default -> "the latest versions";
		};
		List<ResultView> results = report.results().stream().map((outcome) -> new ResultView(
				outcome.expectation().name(), outcome.passed(), outcome.expectation().allowed() ? "allowed" : "denied",
				outcome.expectation().line(), VerdictView.of(workspace, "", outcome.decision()))).toList();
		return new Report(report.passed(), report.failed(), state + (unsaved ? " (the unsaved text below)" : ""),
				results);
	}

	private Mono<Rendering> refused(ServerWebExchange exchange, String workspace, ExpectationsForm form, String message,
			List<FieldViolation> problems, HttpStatus status) {
		return this.expectations.latest(workspace).flatMap((latest) -> render(exchange, workspace, form, latest,
				Outcome.refused(message, problems), Map.of(), status));
	}

	private Mono<Rendering> render(ServerWebExchange exchange, String workspace, ExpectationsForm form,
			ExpectationVersion latest, Outcome outcome, Map<String, String> errors, HttpStatus status) {
		return Mono.just(SimulationPages.view(exchange, "simulation/expectations", "expectations")
			.status(status)
			.modelAttribute("workspace", workspace)
			.modelAttribute("form", form)
			.modelAttribute("latest", latest)
			.modelAttribute("outcome", outcome)
			.modelAttribute("errors", errors)
			.build());
	}

}
