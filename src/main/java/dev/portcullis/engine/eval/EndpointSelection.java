package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.eval.Decision.RuleRef;
import org.jspecify.annotations.Nullable;

/**
 * Which policies speak of one endpoint ({@link CompiledPolicies#selection}): per direction, the rules that select it
 * as their subject (and whether that makes the direction enforced and default-deny), and the rules of other
 * endpoints that name it as a peer by its labels ({@code fromEndpoints}/{@code toEndpoints}, {@code fromEntities}/
 * {@code toEntities}, {@code fromNodes}/{@code toNodes}); CIDR, FQDN and service peers need an address and are not
 * listed. The same selector matching the evaluator uses (Cilium's selector cache), so it agrees with decisions.
 *
 * @param endpoint the endpoint as explanations describe it
 * @param ingress what applies to traffic the endpoint receives
 * @param egress what applies to traffic the endpoint sends
 */
public record EndpointSelection(String endpoint, Side ingress, Side egress) {

	/**
	 * One direction of the endpoint.
	 *
	 * @param direction INGRESS or EGRESS
	 * @param subjectOf the rules selecting the endpoint that have rules for this direction or make it default-deny
	 *        (path {@code spec} or {@code specs[i]}), in policy order
	 * @param enforced whether policy is enforced in this direction (a selecting rule has rules for it, or the agent
	 *        settings force it)
	 * @param defaultDeny whether traffic no rule allows is dropped
	 * @param defaultDenyBy the rules that made it default-deny
	 * @param forcedBy the agent setting that forces default deny whatever the rules say, or null
	 * @param peerOf the rules of this direction, selecting other endpoints, that name this endpoint as their peer
	 *        (for INGRESS: rules of receivers that let this endpoint in or deny it, as in {@code fromEndpoints}; for
	 *        EGRESS: rules of senders that let them reach this endpoint, as in {@code toEndpoints}), each with the
	 *        peer that matched
	 */
	public record Side(Direction direction, List<RuleRef> subjectOf, boolean enforced, boolean defaultDeny,
			List<RuleRef> defaultDenyBy, @Nullable String forcedBy, List<RuleRef> peerOf) {

		public Side {
			subjectOf = List.copyOf(subjectOf);
			defaultDenyBy = List.copyOf(defaultDenyBy);
			peerOf = List.copyOf(peerOf);
		}

		/** The policies selecting the endpoint in this direction, each once, in policy order. */
		public List<PolicyRef> selectedBy() {
			return this.subjectOf.stream().map(RuleRef::policy).distinct().toList();
		}

	}

}
