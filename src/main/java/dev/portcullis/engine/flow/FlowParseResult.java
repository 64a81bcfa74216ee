package dev.portcullis.engine.flow;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.doc.Violations;

/**
 * What reading flows gave ({@code dev.portcullis.hubble.FlowReader}): each valid flow with its input index, and
 * every violation (errors leave the flow out; warnings, such as a skipped {@code node_status} line, do not stop
 * the rest).
 */
public record FlowParseResult(List<ParsedFlow> flows, List<Violation> violations) implements Violations {

	public FlowParseResult {
		flows = List.copyOf(flows);
		violations = List.copyOf(violations);
	}

	/** A flow and the 0-based index of the input it came from. */
	public record ParsedFlow(int index, Flow flow) {
	}

}
