package dev.portcullis.simulation;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Names the state a simulation decided against, so that a result can be reproduced: the moment (null for the
 * latest versions), every stored policy version used, and the policies the draft contributed.
 *
 * @param workspace the workspace
 * @param at the moment asked for, or null for the latest versions
 * @param versions the stored versions in force, {@code {policy: "CiliumNetworkPolicy/default/web", version: 3}}, in
 *        policy order; those a draft replaced are left out
 * @param draft the policies of the draft ({@code Kind/namespace/name}); empty without one
 * @param ciliumVersion the Cilium version validation followed (the workspace's agent settings)
 * @param inventory whether cluster state (an inventory) was used
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateUsed(String workspace, @Nullable Instant at, List<VersionUsed> versions, List<String> draft,
		String ciliumVersion, boolean inventory) {

	public StateUsed {
		versions = List.copyOf(versions);
		draft = List.copyOf(draft);
	}

	/** One stored policy version in force. */
	public record VersionUsed(String policy, int version) {
	}

}
