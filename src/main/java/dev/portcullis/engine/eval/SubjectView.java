package dev.portcullis.engine.eval;

import java.util.List;

/**
 * What applies to one endpoint identity in one direction: the rules selecting it, their allow and deny entries,
 * whether the direction is enforced and default-deny, and which rules made it so.
 */
record SubjectView(List<CompiledRule> selectedBy, List<CompiledEntry> allow, List<CompiledEntry> deny,
		boolean enforced, boolean defaultDeny, List<CompiledRule> defaultDenyBy) {
}
