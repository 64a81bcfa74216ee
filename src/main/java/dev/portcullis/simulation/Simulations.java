package dev.portcullis.simulation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.EndpointSelection;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.inventory.Inventories;
import dev.portcullis.policy.AgentSettings;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlProperties;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What-if simulation against a workspace (DESIGN.md: simulation evaluates against a workspace state or a draft):
 * turns a {@link StateChoice} into a {@link Scenario} (the policies in force then, from
 * {@link WorkspaceStates#at}, with the draft's policies replacing same-named ones and adding the others, compiled
 * under the workspace's agent settings and its cluster state from {@link Inventories#at}) and decides
 * {@link Traffic} against one state or two side by side.
 * <p>
 * Errors arrive in the returned publisher: {@link StoreException.NotFound} for an unknown workspace (the API answers
 * 404), {@link DraftRefused} for invalid draft text, {@link dev.portcullis.compute.EngineBusy} when the engine pool is
 * full. Parsing, compiling and deciding run on the engine pool. Compiled states are kept for a while (a few, keyed
 * by the versions, settings, draft and inventory they were made of), so that a page's repeated questions and an
 * expectations run do not compile the same thousand policies again.
 */
@Component
@EnableConfigurationProperties(YamlProperties.class)
public class Simulations {

	private static final int CACHED_SCENARIOS = 8;

	private final WorkspaceStates states;

	private final Inventories inventories;

	private final EnginePool engine;

	private final YamlLimits limits;

	private final Map<String, Scenario> cache = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Scenario> eldest) {
			return size() > CACHED_SCENARIOS;
		}

	};

	Simulations(WorkspaceStates states, Inventories inventories, EnginePool engine, YamlProperties yaml) {
		this.states = states;
		this.inventories = inventories;
		this.engine = engine;
		this.limits = yaml.limits();
	}

	/** One traffic description decided against a state, and against the compared state when one was asked for. */
	public record TrafficResult(Traffic traffic, Decision decision, @Nullable Decision compare) {

		/** Whether the compared state gives another verdict. */
		public boolean changed() {
			return this.compare != null && this.compare.verdict() != this.decision.verdict();
		}

	}

	/**
	 * A simulation's answer.
	 * @param state the state decided against
	 * @param compareState the compared state, or null
	 * @param results one per traffic description, in input order
	 * @param warnings problems of the draft's text that did not invalidate it
	 */
	public record Simulation(StateUsed state, @Nullable StateUsed compareState, List<TrafficResult> results,
			List<Violation> warnings) {
	}

	/**
	 * The state of {@code workspace} chosen by {@code choice}, compiled.
	 */
	public Mono<Scenario> scenario(String workspace, StateChoice choice) {
		return scenario(workspace, choice, Overrides.NONE);
	}

	/**
	 * Decides traffic against a state and, when {@code compare} is not null, against a second state.
	 * @param explain whether decisions carry explanations
	 */
	public Mono<Simulation> simulate(String workspace, StateChoice state, @Nullable StateChoice compare,
			List<Traffic> traffic, boolean explain) {
		Mono<Scenario> first = scenario(workspace, state);
		Mono<Optional<Scenario>> second = (compare != null) ? scenario(workspace, compare).map(Optional::of)
				: Mono.just(Optional.empty());
		return first.zipWith(second).flatMap((both) -> this.engine.run(() -> {
			Scenario current = both.getT1();
			Scenario other = both.getT2().orElse(null);
			List<Decision> decisions = current.decideAll(traffic, explain);
			List<Decision> compared = (other != null) ? other.decideAll(traffic, explain) : null;
			List<TrafficResult> results = new ArrayList<>(traffic.size());
			for (int i = 0; i < traffic.size(); i++) {
				results.add(new TrafficResult(traffic.get(i), decisions.get(i), (compared != null) ? compared.get(i) : null));
			}
			List<Violation> warnings = new ArrayList<>(current.warnings());
			if (other != null) {
				warnings.addAll(other.warnings());
			}
			return new Simulation(current.state(), (other != null) ? other.state() : null, results, warnings);
		}));
	}

	/**
	 * Which policies select an endpoint and which rules name it as a peer, per direction, in a state.
	 * @param state the state asked about
	 * @param selection the engine's answer
	 */
	public record Selects(StateUsed state, EndpointSelection selection) {
	}

	/** Which policies select {@code endpoint} (as subject) and which rules name it as a peer, in a state. */
	public Mono<Selects> selects(String workspace, StateChoice state, Traffic.Endpoint endpoint) {
		return scenario(workspace, state).flatMap((scenario) -> this.engine.run(() -> new Selects(scenario.state(),
				scenario.compiled().selection(Traffic.endpoint(endpoint)))));
	}

	/**
	 * What the API may set besides the state: policy text standing in for the stored versions, agent settings
	 * overriding the workspace's member by member, and cluster state standing in for the workspace's.
	 */
	record Overrides(@Nullable String policies, @Nullable JsonNode options, @Nullable Inventory inventory) {

		static final Overrides NONE = new Overrides(null, null, null);

	}

	Mono<Scenario> scenario(String workspace, StateChoice choice, Overrides overrides) {
		Instant moment = (choice.at() != null) ? choice.at() : Instant.now();
		Mono<Optional<Inventory>> inventory = (overrides.inventory() != null) ? Mono.just(Optional.of(overrides.inventory()))
				: this.inventories.at(workspace, moment).map(Optional::of).defaultIfEmpty(Optional.empty());
		return this.states.at(workspace, choice.at())
			.zipWith(inventory)
			.flatMap((found) -> this.engine.run(() -> scenario(found.getT1(), found.getT2().orElse(null), choice,
					overrides)));
	}

	private Scenario scenario(WorkspaceState state, @Nullable Inventory inventory, StateChoice choice,
			Overrides overrides) {
		AgentSettings settings = state.settings();
		if (overrides.options() != null) {
			AgentSettings.Reading read = AgentSettings.read(overrides.options(), settings, "options", Set.of("explain"));
			if (!read.isValid()) {
				List<FieldViolation> problems = read.violations();
				throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
						String.join("; ", problems.stream().map(FieldViolation::message).toList()) + ".", problems);
			}
			settings = read.settings();
		}
		StringBuilder key = new StringBuilder(state.workspace()).append('\n').append(choice.at()).append('\n')
			.append(settings.toJson()).append('\n');
		if (overrides.policies() != null) {
			key.append("policies:").append(overrides.policies()).append('\n');
		}
		else {
			for (PolicyVersion version : state.policies()) {
				key.append(version.key()).append('@').append(version.version()).append(' ')
					.append(version.summary().contentHash()).append('\n');
			}
		}
		key.append("draft:").append(choice.draft()).append('\n').append("deletes:").append(choice.deletes())
			.append('\n').append("inventory:")
			.append((inventory != null) ? inventory.hashCode() : "none");
		String cacheKey = key.toString();
		synchronized (this.cache) {
			Scenario cached = this.cache.get(cacheKey);
			if (cached != null) {
				return cached;
			}
		}
		Scenario built = build(state, settings, inventory, choice, overrides);
		synchronized (this.cache) {
			this.cache.put(cacheKey, built);
		}
		return built;
	}

	private Scenario build(WorkspaceState state, AgentSettings settings, @Nullable Inventory inventory,
			StateChoice choice, Overrides overrides) {
		Map<PolicyRef, Policy> policies = new LinkedHashMap<>();
		Map<PolicyRef, PolicyVersion> versions = new LinkedHashMap<>();
		List<Violation> warnings = new ArrayList<>();
		if (overrides.policies() != null) {
			ParseResult parsed = parse(overrides.policies(), settings, warnings);
			parsed.policies().forEach((p) -> policies.put(p.ref(), p));
		}
		else {
			for (PolicyVersion version : state.policies()) {
				YamlDocuments read = YamlReader.read(version.canonicalYaml(), YamlLimits.DEFAULTS);
				// a stored version that no longer passes (other Cilium version) is left out, as the API server would
				ParseResult parsed = PolicyParser.parse(read.documents(), settings.ciliumVersion());
				if (parsed.hasErrors()) {
					continue;
				}
				for (Policy policy : parsed.policies()) {
					policies.put(policy.ref(), policy);
					versions.put(policy.ref(), version);
				}
			}
		}
		List<String> draft = new ArrayList<>();
		if (choice.draft() != null) {
			ParseResult parsed = parse(choice.draft(), settings, warnings);
			for (Policy policy : parsed.policies()) {
				policies.put(policy.ref(), policy);
				versions.remove(policy.ref());
				draft.add(policy.ref().toString());
			}
		}
		for (PolicyKey deleted : choice.deletes()) {
			policies.keySet().removeIf((ref) -> PolicyKey.of(ref).equals(deleted));
			versions.keySet().removeIf((ref) -> PolicyKey.of(ref).equals(deleted));
		}
		List<StateUsed.VersionUsed> used = new ArrayList<>();
		versions.values().stream().distinct()
			.forEach((v) -> used.add(new StateUsed.VersionUsed(v.key().toString(), v.version())));
		List<Policy> all = List.copyOf(policies.values());
		CompiledPolicies compiled = CompiledPolicies.compile(all, settings.engineOptions(), inventory);
		StateUsed stateUsed = new StateUsed(state.workspace(), choice.at(), used, draft,
				settings.ciliumVersion().toString(), inventory != null);
		return new Scenario(stateUsed, settings, all, compiled, warnings);
	}

	private ParseResult parse(String text, AgentSettings settings, List<Violation> warnings) {
		YamlDocuments documents = YamlReader.read(text, this.limits);
		if (documents.hasErrors()) {
			throw new DraftRefused(documents.errors());
		}
		ParseResult parsed = PolicyParser.parse(documents.documents(), settings.ciliumVersion());
		if (parsed.hasErrors()) {
			throw new DraftRefused(parsed.errors());
		}
		documents.violations().stream().filter((v) -> !v.isError()).forEach(warnings::add);
		warnings.addAll(parsed.warnings());
		return parsed;
	}

}
