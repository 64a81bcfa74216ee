package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.match.SelectorMatcher;
import org.jspecify.annotations.Nullable;

/**
 * What applies to one endpoint identity in one direction: the rules selecting it, their allow and deny entries,
 * whether the direction is enforced and default-deny, which rules made it so, and the {@code fromRequires} /
 * {@code toRequires} selectors of every selecting rule (before Cilium 1.19 they were ANDed into every endpoint
 * peer selector of the endpoint, pkg/policy/api GetSourceEndpointSelectorsWithRequirements).
 *
 * @param forcedBy why the direction is default-deny whatever the rules say (enforcement mode always, an identity
 *        still {@code reserved:init}), or null
 */
record SubjectView(List<CompiledRule> selectedBy, List<CompiledEntry> allow, List<CompiledEntry> deny,
		boolean enforced, boolean defaultDeny, List<CompiledRule> defaultDenyBy, List<SelectorMatcher> requires,
		@Nullable String forcedBy) {
}
