package dev.portcullis.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.NodePath;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.flow.query.FlowTuples;
import dev.portcullis.flow.query.FlowTuples.FlowTuple;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.simulation.Scenario;
import dev.portcullis.simulation.Simulations;
import dev.portcullis.simulation.StateChoice;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Rule hits: how many stored flows of a window each rule of a policy matched, under the workspace's latest versions.
 * The window's flows are grouped into distinct tuples ({@link FlowTuples}) and each tuple is explained once; a rule
 * is hit by a tuple when the explanation lists it among the rules whose peer and port matched, on either side
 * ({@link Decision.SideExplanation#matchedAllowRules()}, {@link Decision.SideExplanation#matchedDenyRules()}), so a
 * rule shadowed by another that decided first still counts. A hit counts as forwarded or dropped by the tuple's
 * verdict under those versions. Replies are not evaluated by Cilium and hit nothing.
 */
@Component
public class RuleHits {

	private final WorkspaceStates states;

	private final Simulations simulations;

	private final FlowTuples tuples;

	private final EnginePool engine;

	private final Replays replays;

	RuleHits(WorkspaceStates states, Simulations simulations, FlowTuples tuples, EnginePool engine, Replays replays) {
		this.states = states;
		this.simulations = simulations;
		this.tuples = tuples;
		this.engine = engine;
		this.replays = replays;
	}

	/**
	 * The hits of each rule of a policy.
	 *
	 * @param policy {@code CiliumNetworkPolicy/default/web}
	 * @param version the live version counted
	 * @param since the window's start as given, absent for every stored flow
	 * @param until its end as given, absent for now
	 * @param flows the flows of the window
	 * @param rules one per rule of the policy, in document order
	 */
	@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
	public record Report(String policy, int version, @Nullable String since, @Nullable String until, long flows,
			List<RuleHit> rules) {

		public Report {
			rules = List.copyOf(rules);
		}

	}

	/**
	 * One rule.
	 *
	 * @param path where the rule is, {@code spec.ingress[0]}
	 * @param line its 1-based line in the policy's text (0 when unknown)
	 * @param column its 1-based column
	 * @param direction {@code INGRESS} or {@code EGRESS}
	 * @param deny whether it is an {@code ingressDeny} / {@code egressDeny} rule
	 * @param flows the flows it matched
	 * @param forwarded those of them forwarded
	 * @param dropped those of them dropped
	 * @param unused whether it matched no flow (a candidate for removal)
	 * @param onlyDrops whether it is an allow rule that matched flows but every one of them was dropped anyway
	 */
	public record RuleHit(String path, int line, int column, String direction, boolean deny, long flows,
			long forwarded, long dropped, boolean unused, boolean onlyDrops) {
	}

	/**
	 * The hits of {@code key}'s rules among the flows from {@code since} to {@code until} (each a {@code --since}
	 * value: RFC 3339 or a duration such as {@code 24h}; null for no bound).
	 * @throws StoreException.NotFound in the publisher for an unknown workspace or a policy without a live version
	 */
	public Mono<Report> hits(String workspace, PolicyKey key, @Nullable String since, @Nullable String until) {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		if (since != null && !since.isBlank()) {
			parameters.put("since", List.of(since));
		}
		if (until != null && !until.isBlank()) {
			parameters.put("until", List.of(until));
		}
		FlowFilter filter = FlowFilter.fromParameters(parameters);
		Instant now = Instant.now();
		return this.states.at(workspace, null).flatMap((state) -> {
			PolicyVersion version = state.policies().stream().filter((v) -> v.key().equals(key)).findFirst()
				.orElse(null);
			if (version == null) {
				return Mono.error(new StoreException.NotFound("No live policy " + key + " in workspace " + workspace));
			}
			return this.simulations.scenario(workspace, StateChoice.LATEST)
				.zipWith(this.replays.window(workspace, new ReplayRequest(filter, StateChoice.LATEST,
						StateChoice.LATEST), now))
				.flatMap((both) -> this.engine.run(() -> count(key, version, both.getT1(), both.getT2(),
						state.settings().ciliumVersion(), since, until)));
		});
	}

	private static Report count(PolicyKey key, PolicyVersion version, Scenario scenario, FlowTuples.Window window,
			dev.portcullis.engine.parse.CiliumVersion ciliumVersion, @Nullable String since, @Nullable String until) {
		YamlDocuments documents = YamlReader.read(version.yaml(), YamlLimits.DEFAULTS);
		ParseResult parsed = PolicyParser.parse(documents.documents(), ciliumVersion);
		Map<String, long[]> counts = new LinkedHashMap<>();
		List<RuleHit> shape = new ArrayList<>();
		for (Policy policy : parsed.policies()) {
			if (!PolicyKey.of(policy.ref()).equals(key)) {
				continue;
			}
			for (Rule rule : policy.rules()) {
				for (List<PeerRule> list : java.util.Arrays.asList(rule.ingress(), rule.ingressDeny(), rule.egress(),
						rule.egressDeny())) {
					if (list == null) {
						continue;
					}
					for (PeerRule peer : list) {
						Position at = NodePath.find(documents.documents().get(policy.document()), peer.path());
						shape.add(new RuleHit(peer.path(), at.line(), at.column(), peer.direction().name(), peer.deny(),
								0, 0, 0, true, false));
						counts.put(peer.path(), new long[2]);
					}
				}
			}
		}
		FlowReader reader = new FlowReader();
		for (FlowTuple tuple : window.tuples()) {
			Flow flow = Impact.read(reader, tuple.sample().json());
			if (flow == null || flow.reply()) {
				continue;
			}
			Decision decision = scenario.compiled().explain(flow);
			Decision.Explanation explanation = decision.explanation();
			if (explanation == null) {
				continue;
			}
			java.util.Set<String> hit = new java.util.LinkedHashSet<>();
			for (Decision.SideExplanation side : List.of(explanation.egress(), explanation.ingress())) {
				for (List<Decision.RuleRef> refs : List.of(side.matchedAllowRules(), side.matchedDenyRules())) {
					for (Decision.RuleRef ref : refs) {
						if (PolicyKey.of(ref.policy()).equals(key)) {
							hit.add(ref.path());
						}
					}
				}
			}
			for (String path : hit) {
				long[] c = counts.get(path);
				if (c != null) {
					c[decision.allowed() ? 0 : 1] += tuple.flows();
				}
			}
		}
		List<RuleHit> rules = new ArrayList<>(shape.size());
		for (RuleHit rule : shape) {
			long[] c = counts.get(rule.path());
			long flows = c[0] + c[1];
			rules.add(new RuleHit(rule.path(), rule.line(), rule.column(), rule.direction(), rule.deny(), flows, c[0],
					c[1], flows == 0, flows > 0 && c[0] == 0 && !rule.deny()));
		}
		return new Report(key.toString(), version.version(), since, until, window.flows(), rules);
	}

}
