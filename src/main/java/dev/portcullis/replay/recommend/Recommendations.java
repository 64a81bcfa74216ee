package dev.portcullis.replay.recommend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.WorkloadTuples;
import dev.portcullis.flow.query.WorkloadTuples.Tuple;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Recommends policies for a window of stored flows: groups the window's flows in the database ({@link WorkloadTuples}),
 * drafts the policies on the engine pool ({@link Recommender}), then decides every group under the workspace's
 * latest state with the draft on top (the state a save would leave) to say what the draft would deny: flows that got
 * through and would not any more, and dropped flows that stay dropped. Reads only; nothing is saved or audited.
 */
@Component
@EnableConfigurationProperties(RecommendSettings.class)
class Recommendations {

	/** How many groups of denied flows a report lists. */
	static final int MAX_DENIED_GROUPS = 100;

	private final WorkloadTuples tuples;

	private final Simulations simulations;

	private final EnginePool engine;

	private final RecommendSettings settings;

	Recommendations(WorkloadTuples tuples, Simulations simulations, EnginePool engine, RecommendSettings settings) {
		this.tuples = tuples;
		this.simulations = simulations;
		this.engine = engine;
		this.settings = settings;
	}

	/**
	 * A recommendation.
	 *
	 * @param draft the drafted policies and their rules
	 * @param window what the window held
	 * @param wouldDeny what the latest state with the draft would deny of the window
	 */
	record Recommendation(Recommender.Draft draft, Window window, WouldDeny wouldDeny) {
	}

	/**
	 * The window's flows (replies left out).
	 *
	 * @param flows how many (Hubble's aggregate counts included)
	 * @param distinct how many groups policy tells apart
	 * @param gotThrough how many were FORWARDED, REDIRECTED or AUDIT
	 * @param dropped how many were DROPPED
	 * @param first the earliest flow's time
	 * @param last the latest flow's time
	 */
	record Window(long flows, long distinct, long gotThrough, long dropped, Instant first, Instant last) {
	}

	/**
	 * What the draft, on top of the latest state, would deny of the window.
	 *
	 * @param flows how many flows in all
	 * @param gotThrough of them, how many got through before (newly denied)
	 * @param dropped of them, how many were dropped and stay dropped
	 * @param droppedNowAllowed dropped flows the draft would let through (newly allowed)
	 * @param groups the groups of newly denied flows first, then those that stay dropped, the busiest first (at
	 *        most {@link #MAX_DENIED_GROUPS})
	 */
	record WouldDeny(long flows, long gotThrough, long dropped, long droppedNowAllowed, List<DeniedGroup> groups) {
	}

	/**
	 * A group of flows the draft would deny.
	 *
	 * @param source the source workload
	 * @param destination the destination workload
	 * @param port {@code 9080/TCP}, {@code ICMPv4 type 8}
	 * @param request the L7 request, or null
	 * @param verdict the stored verdict
	 * @param flows how many
	 * @param first the earliest
	 * @param last the latest
	 * @param deniedAt {@code EGRESS} or {@code INGRESS}, or {@code L7} when the proxy denies the request
	 */
	record DeniedGroup(String source, String destination, String port, @Nullable String request, String verdict,
			long flows, Instant first, Instant last, String deniedAt) {
	}

	/** The recommendation for the flows of {@code filter}; with {@code l7}, with L7 rules. */
	Mono<Recommendation> recommend(String workspace, FlowFilter filter, boolean l7) {
		return this.tuples.group(workspace, filter, this.settings.maxFlows()).flatMap((groups) -> {
			if (groups.isEmpty()) {
				return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "empty-window", "Empty window",
						"No flows fall in this window (replies are not counted): widen the time range or the filter."));
			}
			return this.simulations.scenario(workspace, StateChoice.LATEST)
				.map((latest) -> latest.settings().engineOptions().clusterName())
				.flatMap((cluster) -> this.engine.run(() -> Recommender.recommend(groups, l7, cluster)))
				.flatMap((draft) -> this.simulations.scenario(workspace, StateChoice.draft(draft.yaml()))
					.flatMap((scenario) -> this.engine.run(() -> new Recommendation(draft, window(groups),
							wouldDeny(scenario, groups)))));
		});
	}

	private static Window window(List<Tuple> groups) {
		long flows = 0;
		long through = 0;
		long dropped = 0;
		Instant first = null;
		Instant last = null;
		for (Tuple tuple : groups) {
			flows += tuple.flows();
			through += Recommender.gotThrough(tuple) ? tuple.flows() : 0;
			dropped += "DROPPED".equals(tuple.verdict()) ? tuple.flows() : 0;
			first = (first == null || tuple.first().isBefore(first)) ? tuple.first() : first;
			last = (last == null || tuple.last().isAfter(last)) ? tuple.last() : last;
		}
		return new Window(flows, groups.size(), through, dropped, first, last);
	}

	/** Decides every group under the scenario (the latest state with the draft). */
	static WouldDeny wouldDeny(Scenario scenario, List<Tuple> groups) {
		long through = 0;
		long dropped = 0;
		long nowAllowed = 0;
		List<DeniedGroup> newly = new ArrayList<>();
		List<DeniedGroup> still = new ArrayList<>();
		for (Tuple tuple : groups) {
			boolean before = Recommender.gotThrough(tuple);
			boolean wasDropped = "DROPPED".equals(tuple.verdict());
			if (!before && !wasDropped) {
				continue;
			}
			Decision decision = scenario.compiled().decide(Recommender.flow(tuple));
			if (decision.allowed()) {
				nowAllowed += wasDropped ? tuple.flows() : 0;
				continue;
			}
			DeniedGroup group = new DeniedGroup(Recommender.describe(tuple.source()),
					Recommender.describe(tuple.destination()), Recommender.port(tuple), Recommender.request(tuple),
					tuple.verdict(), tuple.flows(), tuple.first(), tuple.last(),
					(decision.deniedAt() != null) ? decision.deniedAt().name() : "L7");
			if (before) {
				through += tuple.flows();
				newly.add(group);
			}
			else {
				dropped += tuple.flows();
				still.add(group);
			}
		}
		Comparator<DeniedGroup> busiest = Comparator.comparingLong((DeniedGroup g) -> -g.flows())
			.thenComparing(DeniedGroup::toString);
		newly.sort(busiest);
		still.sort(busiest);
		List<DeniedGroup> listed = new ArrayList<>(newly);
		listed.addAll(still);
		return new WouldDeny(through + dropped, through, dropped, nowAllowed,
				List.copyOf(listed.subList(0, Math.min(MAX_DENIED_GROUPS, listed.size()))));
	}

}
