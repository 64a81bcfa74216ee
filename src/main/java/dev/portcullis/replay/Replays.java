package dev.portcullis.replay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.FlowTuples;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Replays a window of stored flows under two states of a workspace (issue 13, docs/adr/029): both states are made
 * first (a draft with errors fails with {@link dev.portcullis.simulation.DraftRefused} before any flow is read), the
 * window is counted (more stored flows than {@code portcullis.replay.max-flows} fails with 422
 * {@code /problems/too-many-flows}, naming the limit and the count), grouped in PostgreSQL into distinct tuples
 * ({@link FlowTuples}) and each tuple is decided once per state on the engine pool ({@link Impact}). A named state
 * (a change request, what is published) is first made by the feature that owns the name ({@link NamedStates},
 * docs/adr/037); the report's {@code sources} say what each state was.
 * <p>
 * Errors arrive in the returned publisher: {@link dev.portcullis.policy.StoreException.NotFound} for an unknown
 * workspace, {@link dev.portcullis.simulation.DraftRefused}, {@link ApiProblem} for too many flows,
 * {@link dev.portcullis.compute.EngineBusy} when the engine pool is full.
 */
@Component
@EnableConfigurationProperties(ReplaySettings.class)
public class Replays {

	private final Simulations simulations;

	private final FlowTuples tuples;

	private final EnginePool engine;

	private final ReplaySettings settings;

	private final Map<String, NamedStates> named = new TreeMap<>();

	Replays(Simulations simulations, FlowTuples tuples, EnginePool engine, ReplaySettings settings,
			List<NamedStates> named) {
		this.simulations = simulations;
		this.tuples = tuples;
		this.engine = engine;
		this.settings = settings;
		named.forEach((states) -> this.named.put(states.kind(), states));
	}

	/** The stored flows of {@code request}'s window decided under its baseline and candidate: what changes. */
	public Mono<ReplayReport> replay(String workspace, ReplayRequest request) {
		return prepare(workspace, request).flatMap((prepared) -> run(prepared, new ReplayProgress()));
	}

	/**
	 * Both states of a replay, made; nothing of the window read yet.
	 *
	 * @param workspace the workspace
	 * @param request what to replay
	 * @param baseline the baseline, compiled
	 * @param candidate the candidate, compiled
	 * @param sources what each state is
	 * @param baselineChoice the baseline as a state given outright (a named one as its owner made it): what a stored
	 *        run keeps to make it again
	 * @param candidateChoice the candidate as a state given outright
	 */
	public record Prepared(String workspace, ReplayRequest request, Scenario baseline, Scenario candidate,
			ReplayReport.Sources sources, StateChoice baselineChoice, StateChoice candidateChoice) {
	}

	/**
	 * Makes both states of {@code request} (named ones through their owners): a draft with errors, an unknown or
	 * closed change request fail here, before any flow is read.
	 */
	public Mono<Prepared> prepare(String workspace, ReplayRequest request) {
		return resolve(workspace, request.baseline()).zipWith(resolve(workspace, request.candidate()))
			.flatMap((sources) -> compile(workspace, request, sources.getT1().choice(), sources.getT2().choice(),
					new ReplayReport.Sources(sources.getT1().source(), sources.getT2().source())));
	}

	/**
	 * Makes both states again from what {@link Prepared} kept ({@code baselineChoice}, {@code candidateChoice},
	 * {@code sources}): a stored run's states, without asking the owners of named states a second time.
	 */
	public Mono<Prepared> prepare(String workspace, FlowFilter flows, StateChoice baseline, StateChoice candidate,
			ReplayReport.Sources sources) {
		return compile(workspace, new ReplayRequest(flows, baseline, candidate), baseline, candidate, sources);
	}

	private Mono<Prepared> compile(String workspace, ReplayRequest request, StateChoice baseline,
			StateChoice candidate, ReplayReport.Sources sources) {
		return this.simulations.scenario(workspace, baseline)
			.zipWith(this.simulations.scenario(workspace, candidate))
			.map((states) -> new Prepared(workspace, request, states.getT1(), states.getT2(), sources, baseline,
					candidate));
	}

	/** Counts, groups and decides the window of a prepared replay, telling {@code progress} how far it is. */
	public Mono<ReplayReport> run(Prepared prepared, ReplayProgress progress) {
		return Mono.defer(() -> run(prepared, progress, Instant.now()));
	}

	/**
	 * Counts, groups and decides the window of a prepared replay with its relative times resolved against
	 * {@code now} (a stored run's moment, so that a run taken over by another instance reads the same window),
	 * telling {@code progress} how far it is; fails with {@link ReplayProgress.Cancelled} once progress is cancelled.
	 */
	public Mono<ReplayReport> run(Prepared prepared, ReplayProgress progress, Instant now) {
		return Mono.defer(() -> {
			progress.step(ReplayProgress.Step.COUNTING);
			return window(prepared.workspace(), prepared.request(), now, progress);
		})
			.flatMap((window) -> this.engine.run(() -> {
				progress.grouped(window.tuples().size());
				progress.step(ReplayProgress.Step.DECIDING);
				return Impact.report(window, prepared.baseline(), prepared.candidate(), progress);
			}))
			.map((report) -> {
				// before the report is emitted: whoever receives it reads a finished progress
				progress.step(ReplayProgress.Step.DONE);
				return report.withSources(prepared.sources());
			})
			.doFinally((signal) -> progress.step(ReplayProgress.Step.DONE));
	}

	/** What {@code name} offers to pick in {@code workspace} (open change requests, ...); none for an unknown name. */
	public Flux<NamedStates.Option> options(String workspace, String name) {
		NamedStates states = this.named.get(name);
		return (states != null) ? states.options(workspace) : Flux.empty();
	}

	/** A state made, and where it came from. */
	record Resolved(StateChoice choice, ReplayReport.Source source) {
	}

	/** Makes a named state through its owner; a state given outright is described. */
	Mono<Resolved> resolve(String workspace, ReplayState state) {
		if (state.choice() != null) {
			return Mono.just(new Resolved(state.choice(), describe(state.choice())));
		}
		String kind = String.valueOf(state.kind());
		NamedStates owner = this.named.get(kind);
		if (owner == null) {
			return Mono.error(ApiProblem.badRequest("invalid-request", "Invalid request",
					"No feature makes the state named \"" + kind + "\"."));
		}
		return owner.resolve(workspace, state.argument())
			.map((made) -> new Resolved(made.choice(), new ReplayReport.Source(kind, made.description())))
			.switchIfEmpty(Mono.fromSupplier(() -> new Resolved(StateChoice.LATEST, new ReplayReport.Source("latest",
					"latest versions (nothing " + kind + " yet)"))));
	}

	static ReplayReport.Source describe(StateChoice choice) {
		String versions = (choice.at() != null) ? "versions at " + choice.at() : "latest versions";
		if (choice.draft() == null && choice.deletes().isEmpty()) {
			return new ReplayReport.Source((choice.at() != null) ? "at" : "latest", versions);
		}
		return new ReplayReport.Source("draft", versions + " with a draft on top"
				+ (choice.deletes().isEmpty() ? "" : " and " + choice.deletes().size() + " policies taken away"));
	}

	/** The window of {@code request}, grouped, after the limit is checked. */
	Mono<FlowTuples.Window> window(String workspace, ReplayRequest request, Instant now) {
		return window(workspace, request, now, new ReplayProgress());
	}

	private Mono<FlowTuples.Window> window(String workspace, ReplayRequest request, Instant now,
			ReplayProgress progress) {
		return this.tuples.totals(workspace, request.flows(), now).flatMap((totals) -> {
			progress.counted(totals.rows());
			if (totals.rows() > this.settings.maxFlows()) {
				return Mono.error(tooMany(totals.rows(), this.settings.maxFlows()));
			}
			progress.step(ReplayProgress.Step.GROUPING);
			return this.tuples.window(workspace, request.flows(), now, totals);
		});
	}

	static ApiProblem tooMany(long count, long limit) {
		return ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "too-many-flows", "Too many flows",
				String.format("The window holds %,d stored flows, more than the limit of %,d"
						+ " (portcullis.replay.max-flows): narrow it with a filter or a shorter time range.", count,
						limit))
			.property("limit", limit)
			.property("count", count);
	}

}
