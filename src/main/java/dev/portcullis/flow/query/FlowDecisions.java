package dev.portcullis.flow.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.inventory.Inventories;
import dev.portcullis.inventory.InventoryVersion;
import dev.portcullis.policy.AgentSettings;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.policy.WorkspaceStates;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * Decides stored flows under the policies and the cluster state in force at each flow's time (the engine run
 * against {@link WorkspaceStates#at} and {@link Inventories#version} of the flow's moment, as what-if and replay
 * decide), for the flow log's "decided by" and "explain". The flows of a page are grouped by the workspace's
 * changes between them (policy and settings changes, {@link WorkspaceStates#changes}, and inventory imports,
 * {@link Inventories#changes}), so that a page costs one state read per distinct state, and compiled states are
 * kept by their content (the policy versions, the agent settings and the inventory version), so that a state is
 * compiled once however many moments share it. Compiling and deciding run on the engine pool.
 */
@Component
public class FlowDecisions {

	private final WorkspaceStates states;

	private final Inventories inventories;

	private final EnginePool engine;

	private final Cache<StateKey, CompiledPolicies> compiled = Caffeine.newBuilder().maximumSize(64).build();

	FlowDecisions(WorkspaceStates states, Inventories inventories, EnginePool engine) {
		this.states = states;
		this.inventories = inventories;
		this.engine = engine;
	}

	/** What identifies a state's content; {@code inventory} is the inventory version's number, 0 for none. */
	private record StateKey(String workspace, AgentSettings settings, List<String> versions, int inventory) {

		static StateKey of(WorkspaceState state, int inventory) {
			List<String> versions = new ArrayList<>(state.policies().size());
			for (PolicyVersion version : state.policies()) {
				versions.add(version.key() + "@" + version.version());
			}
			return new StateKey(state.workspace(), state.settings(), versions, inventory);
		}

	}

	/** The decision of each row, by row id. */
	public Mono<Map<Long, DecidedBy>> decide(String workspace, List<StoredRow> rows) {
		if (rows.isEmpty()) {
			return Mono.just(Map.of());
		}
		Instant oldest = rows.stream().map(StoredRow::time).min(Instant::compareTo).orElseThrow();
		Instant newest = rows.stream().map(StoredRow::time).max(Instant::compareTo).orElseThrow();
		Flux<Instant> changed = Flux.merge(this.states.changes(workspace, oldest, newest),
				this.inventories.changes(workspace, oldest, newest));
		return changed.distinct().sort().collectList().flatMap((changes) -> {
			// rows between two changes share a state: the one at the latest row's time of the group
			Map<Integer, List<StoredRow>> groups = new LinkedHashMap<>();
			for (StoredRow row : rows) {
				int group = 0;
				while (group < changes.size() && !changes.get(group).isAfter(row.time())) {
					group++;
				}
				groups.computeIfAbsent(group, (g) -> new ArrayList<>()).add(row);
			}
			return Flux.fromIterable(groups.values())
				.concatMap((group) -> {
					Instant at = group.stream().map(StoredRow::time).max(Instant::compareTo).orElseThrow();
					return this.states.at(workspace, at)
						.flatMap((state) -> decide(state, group, false));
				})
				.collectList()
				.map((maps) -> {
					Map<Long, DecidedBy> all = new HashMap<>();
					maps.forEach(all::putAll);
					return all;
				});
		});
	}

	/**
	 * The decision of one flow, explained, under the policies in force at {@code at} (null: now).
	 */
	public Mono<DecidedBy> explain(String workspace, StoredRow row, @Nullable Instant at) {
		return this.states.at(workspace, at)
			.flatMap((state) -> decide(state, List.of(row), true))
			.map((decided) -> decided.get(row.id()));
	}

	/**
	 * Decides {@code rows} under {@code state} and the inventory in force at its moment, on the engine pool. Only the
	 * inventory's version number is read per call; the inventory itself is read and parsed when that state is not
	 * compiled yet.
	 */
	private Mono<Map<Long, DecidedBy>> decide(WorkspaceState state, List<StoredRow> rows, boolean full) {
		return this.inventories.versionNumber(state.workspace(), state.at()).defaultIfEmpty(0).flatMap((number) -> {
			CompiledPolicies cached = this.compiled.getIfPresent(StateKey.of(state, number));
			Mono<CompiledPolicies> policies = (cached != null) ? Mono.just(cached)
					: this.inventories.version(state.workspace(), state.at())
						.map(Optional::of)
						.defaultIfEmpty(Optional.empty())
						.flatMap((inventory) -> this.engine.run(() -> this.compiled.get(
								StateKey.of(state, inventory.map(InventoryVersion::version).orElse(0)),
								(key) -> state.compile(inventory.map(InventoryVersion::inventory).orElse(null)))));
			return policies.flatMap((compiled) -> this.engine.run(() -> decide(state, compiled, rows, full)));
		});
	}

	/** Decides {@code rows} under {@code state}'s {@code policies}; with {@code full}, the explanation's summary is kept. */
	private Map<Long, DecidedBy> decide(WorkspaceState state, CompiledPolicies policies, List<StoredRow> rows,
			boolean full) {
		Map<PolicyKey, Integer> versions = new HashMap<>();
		for (PolicyVersion version : state.policies()) {
			versions.put(version.key(), version.version());
		}
		FlowReader reader = new FlowReader();
		Map<Long, DecidedBy> decided = new HashMap<>();
		for (StoredRow row : rows) {
			FlowParseResult read;
			try {
				read = reader.read(row.json(), 0);
			}
			catch (RuntimeException ex) {
				decided.put(row.id(), DecidedBy.failed(state.at(), "the stored flow is not valid JSON"));
				continue;
			}
			if (read.flows().isEmpty()) {
				String why = read.violations().isEmpty() ? "not a flow" : read.violations().get(0).message();
				decided.put(row.id(), DecidedBy.failed(state.at(), why));
				continue;
			}
			Decision decision = policies.explain(read.flows().get(0).flow());
			decided.put(row.id(), DecidedBy.of(decision, state.at(), versions));
		}
		return decided;
	}

}
