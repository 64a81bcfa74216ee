package dev.portcullis.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.eval.CompiledPolicies;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;

/**
 * What is in force in a workspace at a moment (DESIGN.md, "One state type"): its live policies and the agent
 * settings of its cluster. {@link WorkspaceStates} produces it; evaluations of a workspace take it, so that they
 * decide with the workspace's settings rather than Cilium's defaults.
 *
 * @param workspace the workspace's name
 * @param at the moment
 * @param settings the agent settings in force then
 * @param policies the live (not deleted) policy versions then, in {@link PolicyKey} order
 */
public record WorkspaceState(String workspace, Instant at, AgentSettings settings, List<PolicyVersion> policies) {

	public WorkspaceState {
		policies = List.copyOf(policies);
	}

	/**
	 * The policies read by the engine as the workspace's agent reads them: validated for its Cilium version and
	 * compiled with its options. A policy that no longer passes validation (stored under another version's rules)
	 * is left out, as the API server would have refused it; {@link ParseResult#errors()} of {@link #parse()} says
	 * which. CPU work: run it on the engine pool.
	 */
	public CompiledPolicies compile() {
		return compile(null);
	}

	/**
	 * As {@link #compile()}, against the cluster's state (toServices backends, named ports, namespace labels);
	 * null when unknown, and then the verdicts that need it are uncertain. CPU work: run it on the engine pool.
	 */
	public CompiledPolicies compile(@Nullable Inventory inventory) {
		return CompiledPolicies.compile(parse().policies(), this.settings.engineOptions(), inventory);
	}

	/** Every policy's canonical text read and validated for the state's Cilium version, in one result. */
	public ParseResult parse() {
		List<Node> documents = new ArrayList<>(this.policies.size());
		for (PolicyVersion version : this.policies) {
			YamlDocuments read = YamlReader.read(version.canonicalYaml(), YamlLimits.DEFAULTS);
			documents.addAll(read.documents());
		}
		return PolicyParser.parse(documents, this.settings.ciliumVersion());
	}

}
