package dev.portcullis.replay.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.replay.NamedStates;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.ReplayRequest;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.replay.Replays;
import dev.portcullis.replay.run.ReplayRun;
import dev.portcullis.replay.run.ReplayRuns;
import dev.portcullis.simulation.DraftRefused;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.PageError;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;

/**
 * The replay page ({@code /workspaces/{ws}/replay}): a window of stored flows (the flow log's flag line), a baseline
 * (by default what is published, else the latest versions or a moment) and a candidate (an open change request, a
 * draft, or a moment); what changes, grouped, with both
 * verdicts explained, coverage beside the result and a server-drawn chart of the changed flows over the window.
 * GET with the fields reproduces a replay; POST takes the same fields (a long draft); {@code .../replay/draft} opens
 * the page with the editor's text ({@code yaml}) as the candidate, like the editor's "Try in what-if". While a
 * replay runs, htmx shows a progress bar and a Cancel button; the run is a row any instance's worker runs
 * (docs/adr/037).
 */
@Controller
class ReplayPages {

	private final Replays replays;

	private final Workspaces workspaces;

	private final ReplayRuns runs;

	private final JsonMapper json;

	ReplayPages(Replays replays, Workspaces workspaces, ReplayRuns runs, JsonMapper json) {
		this.replays = replays;
		this.workspaces = workspaces;
		this.runs = runs;
		this.json = json;
	}

	/**
	 * The form.
	 *
	 * @param q the window, a {@code hubble observe} flag line ({@code --namespace bookinfo --since 24h})
	 * @param baseline {@code published} (the default: what was last published to any target), {@code published:<target>}
	 *        or {@code latest}
	 * @param baselineAt the baseline moment (RFC 3339), "" for {@code baseline}
	 * @param changeRequest the candidate's open change request's number, "" for none
	 * @param candidateAt the candidate moment, "" for the latest versions
	 * @param draft the candidate's draft policy text, "" for none
	 * @param run "1" when the form was sent (a replay of the defaults: what is published against the latest versions)
	 */
	record ReplayForm(String q, String baseline, String baselineAt, String changeRequest, String candidateAt,
			String draft, String run) {

		ReplayForm {
			q = (q != null) ? q.strip() : "";
			baseline = (baseline != null && !baseline.isBlank()) ? baseline.strip() : ReplayState.PUBLISHED;
			baselineAt = (baselineAt != null) ? baselineAt.strip() : "";
			changeRequest = (changeRequest != null) ? changeRequest.strip() : "";
			candidateAt = (candidateAt != null) ? candidateAt.strip() : "";
			draft = (draft != null) ? draft.replace("\r\n", "\n") : "";
			run = (run != null) ? run.strip() : "";
		}

		static ReplayForm ofDraft(String draft) {
			return new ReplayForm("", null, "", "", "", draft, "");
		}

		/** The form as a run keeps it for the page (JSON). */
		String toJson(JsonMapper json) {
			Map<String, String> fields = new LinkedHashMap<>();
			fields.put("q", this.q);
			fields.put("baseline", this.baseline);
			fields.put("baselineAt", this.baselineAt);
			fields.put("changeRequest", this.changeRequest);
			fields.put("candidateAt", this.candidateAt);
			fields.put("draft", this.draft);
			fields.put("run", this.run);
			return json.writeValueAsString(fields);
		}

		/** The form a run kept; an empty form for a run the API started. */
		static ReplayForm ofJson(@Nullable String text, JsonMapper json) {
			if (text == null) {
				return ofDraft("");
			}
			Map<String, String> f = json.readValue(text, FIELDS);
			return new ReplayForm(f.get("q"), f.get("baseline"), f.get("baselineAt"), f.get("changeRequest"),
					f.get("candidateAt"), f.get("draft"), f.get("run"));
		}

		public boolean isSubmitted() {
			return !this.run.isEmpty() || !this.draft.isBlank() || !this.candidateAt.isEmpty()
					|| !this.baselineAt.isEmpty() || !this.changeRequest.isEmpty();
		}

	}

	private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
	};

	/**
	 * What the form offers to pick.
	 *
	 * @param published the targets with a successful publication (baseline {@code published:<target>})
	 * @param changeRequests the open change requests (candidate)
	 */
	record Choices(List<NamedStates.Option> published, List<NamedStates.Option> changeRequests) {
	}

	/** The editor's text, posted by its "Replay this draft" button. */
	record EditorDraft(@Nullable String yaml) {
	}

	@GetMapping("/workspaces/{workspace}/replay")
	Mono<Rendering> get(@PathVariable String workspace, @ModelAttribute ReplayForm form, ServerWebExchange exchange) {
		return render(workspace, form, exchange);
	}

	/**
	 * The form sent: by htmx, the states are made (a draft with errors is refused at once, 422) and the replay is
	 * queued as a run ({@link ReplayRuns}) that a worker of any instance runs while the page polls its progress;
	 * without htmx, the whole replay runs in this request.
	 */
	@PostMapping("/workspaces/{workspace}/replay")
	Mono<Rendering> post(@PathVariable String workspace, @ModelAttribute ReplayForm form, ServerWebExchange exchange) {
		if (Htmx.isPartial(exchange) && form.isSubmitted()) {
			return start(workspace, form, exchange);
		}
		return render(workspace, form, exchange);
	}

	@PostMapping("/workspaces/{workspace}/replay/draft")
	Mono<Rendering> fromEditor(@PathVariable String workspace, @ModelAttribute EditorDraft draft,
			ServerWebExchange exchange) {
		ReplayForm form = ReplayForm.ofDraft((draft.yaml() != null) ? draft.yaml() : "");
		// always the full page: the editor's button selects #page out of it
		return choices(workspace).map((choices) -> Rendering.view("replay/replay").modelAttribute("workspace", workspace)
			.modelAttribute("wsHref", wsHref(workspace)).modelAttribute("form", form)
			.modelAttribute("choices", choices).modelAttribute("errors", Map.of()).build());
	}

	/**
	 * A run's progress, polled by the page: the progress bar while it runs; when it has ended, the form and the
	 * result (or why it failed, or that it was cancelled), retargeted to replace the whole replay fragment (for htmx),
	 * or the full page. Another user's run, or one deleted after the retention, is "no longer here".
	 */
	@GetMapping("/workspaces/{workspace}/replay/runs/{id}")
	Mono<Rendering> run(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		return user(exchange).flatMap((user) -> found(uuid(id).map((uuid) -> this.runs.find(workspace, user, uuid))
			.orElse(Mono.empty()), workspace, exchange));
	}

	/**
	 * The run's Cancel button: a waiting run ends at once, a running one stops at its next step. Answers as a poll
	 * does (for htmx), or sends the browser to the run's page.
	 */
	@PostMapping("/workspaces/{workspace}/replay/runs/{id}/cancel")
	Mono<Rendering> cancel(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		return user(exchange).flatMap((user) -> {
			Mono<ReplayRun> run = uuid(id).map((uuid) -> this.runs.cancel(workspace, user, uuid)).orElse(Mono.empty());
			if (!Htmx.isPartial(exchange)) {
				return run.then(Mono.just(Rendering.redirectTo(wsHref(workspace) + "/replay/runs/"
						+ UriUtils.encodePathSegment(id, StandardCharsets.UTF_8)).build()));
			}
			return found(run, workspace, exchange);
		});
	}

	private Mono<Rendering> found(Mono<ReplayRun> run, String workspace, ServerWebExchange exchange) {
		return run.map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			if (found.isEmpty() || !found.get().ended()) {
				RunView view = found.map(RunView::of).orElse(RunView.LOST);
				if (Htmx.isPartial(exchange)) {
					Htmx.varyOnRequest(exchange);
					return Mono.just(Rendering.view("replay/replay :: run").modelAttribute("run", view).build());
				}
				return page(workspace, found.map((r) -> ReplayForm.ofJson(r.pageForm(), this.json))
					.orElse(ReplayForm.ofDraft("")), Map.of(), null, view, exchange);
			}
			ReplayRun ended = found.get();
			if (Htmx.isPartial(exchange)) {
				exchange.getResponse().getHeaders().set("HX-Retarget", "#replay");
				exchange.getResponse().getHeaders().set("HX-Reswap", "outerHTML");
			}
			ReplayForm form = ReplayForm.ofJson(ended.pageForm(), this.json);
			Map<String, String> errors = new LinkedHashMap<>();
			if (ended.status().equals("FAILED")) {
				errors.put(field(String.valueOf(ended.errorType())), String.valueOf(ended.error()));
			}
			ReplayReport report = this.runs.report(ended);
			ReplayView view = (report != null) ? ReplayView.of(report, wsHref(workspace) + "/flows") : null;
			return page(workspace, form, errors, view, ended.status().equals("CANCELLED") ? RunView.CANCELLED : null,
					exchange);
		});
	}

	private static Optional<UUID> uuid(String id) {
		try {
			return Optional.of(UUID.fromString(id));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	private Mono<Rendering> start(String workspace, ReplayForm form, ServerWebExchange exchange) {
		Map<String, String> errors = Collections.synchronizedMap(new LinkedHashMap<>());
		ReplayRequest request = request(form, errors);
		Mono<Optional<Replays.Prepared>> prepared = (request == null) ? Mono.just(Optional.empty())
				: guarded(this.replays.prepare(workspace, request), errors);
		return prepared.zipWith(user(exchange)).flatMap((found) -> {
			if (found.getT1().isEmpty()) {
				return page(workspace, form, errors, null, null, exchange);
			}
			return this.runs.start(found.getT2(), found.getT1().get(), form.toJson(this.json))
				.flatMap((run) -> page(workspace, form, errors, null, RunView.of(run), exchange));
		}).onErrorMap(StoreException.NotFound.class,
				(ex) -> new PageError(HttpStatus.NOT_FOUND, "There is no workspace named \"" + workspace + "\"."));
	}

	private Mono<Rendering> render(String workspace, ReplayForm form, ServerWebExchange exchange) {
		Map<String, String> errors = Collections.synchronizedMap(new LinkedHashMap<>());
		ReplayRequest request = form.isSubmitted() ? request(form, errors) : null;
		String flows = wsHref(workspace) + "/flows";
		Mono<Optional<ReplayView>> result = (request != null)
				? guarded(this.replays.replay(workspace, request).map((report) -> ReplayView.of(report, flows)), errors)
				: this.workspaces.id(workspace).map((ignored) -> Optional.<ReplayView>empty());
		return result.flatMap((found) -> page(workspace, form, errors, found.orElse(null), null, exchange))
			.onErrorMap(StoreException.NotFound.class,
					(ex) -> new PageError(HttpStatus.NOT_FOUND, "There is no workspace named \"" + workspace + "\"."));
	}

	/** The page, or for htmx its replay fragment: the form, a running replay's progress or a result. */
	private Mono<Rendering> page(String workspace, ReplayForm form, Map<String, String> errors,
			@Nullable ReplayView result, @Nullable RunView run, ServerWebExchange exchange) {
		return choices(workspace).map((choices) -> {
			Htmx.varyOnRequest(exchange);
			return Rendering.view(Htmx.isPartial(exchange) ? "replay/replay :: replay" : "replay/replay")
				.status(errors.isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_CONTENT)
				.modelAttribute("workspace", workspace)
				.modelAttribute("wsHref", wsHref(workspace))
				.modelAttribute("form", form)
				.modelAttribute("errors", errors)
				.modelAttribute("choices", choices)
				.modelAttribute("result", result)
				.modelAttribute("run", run)
				.build();
		});
	}

	private static Mono<String> user(ServerWebExchange exchange) {
		return exchange.getPrincipal().map(Principal::getName).defaultIfEmpty("");
	}

	/** The replay the form asks for; null, with {@code errors} filled, when a field is wrong. */
	private static @Nullable ReplayRequest request(ReplayForm form, Map<String, String> errors) {
		FlowFilter filter = null;
		try {
			filter = window(form.q());
		}
		catch (FilterRefused ex) {
			errors.put("q", ex.getMessage());
		}
		ReplayState baseline = baseline(form, errors);
		ReplayState candidate = ReplayState
			.of(new StateChoice(moment("candidateAt", form.candidateAt(), errors), form.draft()));
		if (!form.changeRequest().isEmpty()) {
			if (!form.draft().isBlank() || !form.candidateAt().isEmpty()) {
				errors.put("changeRequest", "Pick a change request or give a moment and a draft, not both.");
			}
			else if (!form.changeRequest().matches("[1-9][0-9]{0,17}")) {
				errors.put("changeRequest", "Pick an open change request from the list.");
			}
			else {
				candidate = ReplayState.changeRequest(Long.parseLong(form.changeRequest()));
			}
		}
		if (!errors.isEmpty() || filter == null) {
			return null;
		}
		return new ReplayRequest(filter, baseline, candidate);
	}

	/** {@code work}'s value, or empty with the error in {@code errors} for what a user can fix or retry. */
	private static <T> Mono<Optional<T>> guarded(Mono<T> work, Map<String, String> errors) {
		return work.map(Optional::of)
			.onErrorResume(DraftRefused.class, (ex) -> {
				Violation first = ex.errors().get(0);
				errors.put("draft", "The draft is not valid" + ((first.line() > 0)
						? " (line " + first.line() + ", column " + first.column() + ")" : "") + ": " + first.message());
				return Mono.just(Optional.empty());
			})
			.onErrorResume(ApiProblem.class, (ex) -> {
				errors.put(field(ex.slug()), ex.getMessage());
				return Mono.just(Optional.empty());
			})
			.onErrorResume(EngineBusy.class, (ex) -> {
				errors.put("q", "The engine is busy; try again in " + ex.retryAfterSeconds() + " s.");
				return Mono.just(Optional.empty());
			});
	}

	/** The form's field a problem of this type is about. */
	private static String field(String problemType) {
		return switch (problemType) {
			case "change-request-closed", "not-found" -> "changeRequest";
			case "nothing-published" -> "baseline";
			default -> "q";
		};
	}

	private static ReplayState baseline(ReplayForm form, Map<String, String> errors) {
		if (!form.baselineAt().isEmpty()) {
			return ReplayState.of(StateChoice.at(moment("baselineAt", form.baselineAt(), errors)));
		}
		if (form.baseline().equals("latest")) {
			return ReplayState.LATEST;
		}
		if (form.baseline().startsWith(ReplayState.PUBLISHED + ":")) {
			return ReplayState.published(form.baseline().substring(ReplayState.PUBLISHED.length() + 1));
		}
		if (!form.baseline().equals(ReplayState.PUBLISHED)) {
			errors.put("baseline", "Pick a baseline from the list.");
		}
		return ReplayState.LAST_PUBLISHED;
	}

	private Mono<Choices> choices(String workspace) {
		return this.replays.options(workspace, ReplayState.PUBLISHED).collectList()
			.zipWith(this.replays.options(workspace, ReplayState.CHANGE_REQUEST).collectList())
			.map((found) -> new Choices(found.getT1(), found.getT2()));
	}

	private static FlowFilter window(String line) {
		return line.isBlank() ? FlowFilter.ALL : FlowFilter.parseLine(line);
	}

	private static @Nullable Instant moment(String field, String text, Map<String, String> errors) {
		if (text.isEmpty()) {
			return null;
		}
		try {
			return InstantParameter.parse(field, text);
		}
		catch (IllegalArgumentException ex) {
			errors.put(field, ex.getMessage());
			return null;
		}
	}

	static String wsHref(String workspace) {
		return "/workspaces/" + UriUtils.encodePathSegment(workspace, StandardCharsets.UTF_8);
	}

	/**
	 * A report as the page shows it.
	 *
	 * @param report the report
	 * @param decidablePercent the share of decidable flows, as a percentage text
	 * @param chart the changed flows over the window, one bar group per slice
	 * @param flowsHref the flow log
	 */
	record ReplayView(ReplayReport report, String decidablePercent, Chart chart, String flowsHref) {

		static ReplayView of(ReplayReport report, String flowsHref) {
			return new ReplayView(report, String.format(Locale.ROOT, "%.2f %%", report.coverage().decidable() * 100),
					Chart.of(report.timeline()), flowsHref);
		}

		/** The sample's place in the flow log. */
		public String sampleHref(ReplayReport.Group group) {
			return this.flowsHref + "/detail?flow=" + dev.portcullis.flow.query.FlowCursor
				.of(group.sample().time(), group.sample().id()).token();
		}

	}

	/**
	 * A run as the page shows it while it runs.
	 *
	 * @param href where the page polls it; null when it is lost or cancelled (polling stops)
	 * @param cancelHref where its Cancel button posts; null when it cannot be cancelled (any more)
	 * @param value the progress bar's value: steps done, the deciding step by its fraction of tuples
	 * @param max the bar's maximum, the number of steps
	 * @param message what it is doing, in words
	 */
	record RunView(@Nullable String href, @Nullable String cancelHref, double value, double max, String message) {

		static final int STEPS = 4;

		static final RunView LOST = new RunView(null, null, 0, STEPS, "This replay is no longer here (it ended more"
				+ " than a day ago, or it is not yours): replay again.");

		static final RunView CANCELLED = new RunView(null, null, 0, STEPS, "This replay was cancelled.");

		static RunView of(ReplayRun run) {
			long seconds = Math.max(0, java.time.Duration.between(run.requestedAt(), Instant.now()).toSeconds());
			String href = wsHref(run.workspace()) + "/replay/runs/" + run.id();
			if (run.cancelRequested()) {
				return new RunView(href, null, 0, STEPS, "Cancelling… " + seconds + " s");
			}
			String cancel = href + "/cancel";
			if (run.status().equals("PENDING")) {
				return new RunView(href, cancel, 0, STEPS, "Waiting for a free worker… " + seconds + " s");
			}
			return switch (run.step()) {
				case STATES -> new RunView(href, cancel, 0, STEPS, "Step 1 of 4: making both states… " + seconds
						+ " s");
				case COUNTING -> new RunView(href, cancel, 1, STEPS, "Step 2 of 4: counting the window's stored"
						+ " flows… " + seconds + " s");
				case GROUPING -> new RunView(href, cancel, 2, STEPS, String.format(Locale.ROOT, "Step 3 of 4:"
						+ " grouping %,d stored flows into distinct tuples in PostgreSQL (the longest step; the database"
						+ " reports no fraction of it)… %d s", run.storedFlows(), seconds));
				case DECIDING -> new RunView(href, cancel, 3 + ((run.tuples() == 0) ? 0
						: Math.min(1.0, (double) run.decided() / run.tuples())), STEPS,
						String.format(Locale.ROOT, "Step 4 of 4: deciding %,d distinct tuples under both states: %,d"
								+ " done… %d s", run.tuples(), Math.min(run.decided(), run.tuples()), seconds));
				case DONE -> new RunView(href, null, STEPS, STEPS, "Done; showing the result… " + seconds + " s");
			};
		}

	}

	/** A bar of the chart: a rectangle in the SVG's 600 x 120 box. */
	record Bar(String kind, double x, double y, double width, double height, String title) {
	}

	/**
	 * The chart of changed flows over the window: 24 slices, each a stack of newly dropped, newly allowed and L7
	 * changes.
	 */
	record Chart(List<Bar> bars, long max, @Nullable Instant first, @Nullable Instant last) {

		static final double WIDTH = 600;

		static final double HEIGHT = 120;

		static Chart of(List<ReplayReport.Slice> slices) {
			long max = 0;
			for (ReplayReport.Slice s : slices) {
				max = Math.max(max, s.newlyDropped() + s.newlyAllowed() + s.l7Changed());
			}
			List<Bar> bars = new ArrayList<>();
			double slot = slices.isEmpty() ? 0 : WIDTH / slices.size();
			for (int i = 0; i < slices.size(); i++) {
				ReplayReport.Slice s = slices.get(i);
				double bottom = HEIGHT;
				long[] values = { s.newlyDropped(), s.newlyAllowed(), s.l7Changed() };
				String[] kinds = { "dropped", "allowed", "l7" };
				for (int k = 0; k < 3; k++) {
					if (values[k] == 0 || max == 0) {
						continue;
					}
					double h = Math.max(1, HEIGHT * values[k] / max);
					bottom -= h;
					bars.add(new Bar(kinds[k], round(i * slot + 1), round(bottom), round(slot - 2), round(h),
							values[k] + " " + switch (k) {
								case 0 -> "newly dropped";
								case 1 -> "newly allowed";
								default -> "L7 changed";
							} + ", " + s.from() + " to " + s.until()));
				}
			}
			return new Chart(bars, max, slices.isEmpty() ? null : slices.get(0).from(),
					slices.isEmpty() ? null : slices.get(slices.size() - 1).until());
		}

		private static double round(double value) {
			return Math.round(value * 10) / 10.0;
		}

	}

}
