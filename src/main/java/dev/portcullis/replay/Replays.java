package dev.portcullis.replay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.portcullis.compute.EnginePool;
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
		Instant now = Instant.now();
		return resolve(workspace, request.baseline()).zipWith(resolve(workspace, request.candidate()))
			.flatMap((sources) -> {
				Mono<Scenario> baseline = this.simulations.scenario(workspace, sources.getT1().choice());
				Mono<Scenario> candidate = this.simulations.scenario(workspace, sources.getT2().choice());
				ReplayReport.Sources described = new ReplayReport.Sources(sources.getT1().source(),
						sources.getT2().source());
				return baseline.zipWith(candidate).flatMap((states) -> window(workspace, request, now)
					.flatMap((window) -> this.engine.run(() -> Impact.report(window, states.getT1(), states.getT2())))
					.map((report) -> report.withSources(described)));
			});
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
		return this.tuples.totals(workspace, request.flows(), now).flatMap((totals) -> {
			if (totals.rows() > this.settings.maxFlows()) {
				return Mono.error(tooMany(totals.rows(), this.settings.maxFlows()));
			}
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
