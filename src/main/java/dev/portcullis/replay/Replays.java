package dev.portcullis.replay;

import java.time.Instant;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.flow.query.FlowTuples;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.web.ApiProblem;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Replays a window of stored flows under two states of a workspace (issue 13, docs/adr/029): both states are made
 * first (a draft with errors fails with {@link dev.portcullis.simulation.DraftRefused} before any flow is read), the
 * window is counted (more stored flows than {@code portcullis.replay.max-flows} fails with 422
 * {@code /problems/too-many-flows}, naming the limit and the count), grouped in PostgreSQL into distinct tuples
 * ({@link FlowTuples}) and each tuple is decided once per state on the engine pool ({@link Impact}).
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

	Replays(Simulations simulations, FlowTuples tuples, EnginePool engine, ReplaySettings settings) {
		this.simulations = simulations;
		this.tuples = tuples;
		this.engine = engine;
		this.settings = settings;
	}

	/** The stored flows of {@code request}'s window decided under its baseline and candidate: what changes. */
	public Mono<ReplayReport> replay(String workspace, ReplayRequest request) {
		Instant now = Instant.now();
		Mono<Scenario> baseline = this.simulations.scenario(workspace, request.baseline());
		Mono<Scenario> candidate = this.simulations.scenario(workspace, request.candidate());
		return baseline.zipWith(candidate).flatMap((states) -> window(workspace, request, now)
			.flatMap((window) -> this.engine.run(() -> Impact.report(window, states.getT1(), states.getT2()))));
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
