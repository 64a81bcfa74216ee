package dev.portcullis.replay;

import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.simulation.StateChoice;

/**
 * What to replay: the stored flows a flow-log filter selects, decided under a baseline state and a candidate state.
 *
 * @param flows the window: any flow-log filter ({@link FlowFilter#fromParameters}); relative times ({@code since=1h})
 *        are resolved when the replay starts
 * @param baseline the state the flows are compared against (the API's default: {@link ReplayState#LAST_PUBLISHED})
 * @param candidate the state whose changes are shown
 */
public record ReplayRequest(FlowFilter flows, ReplayState baseline, ReplayState candidate) {

	/** Two states given outright. */
	public ReplayRequest(FlowFilter flows, StateChoice baseline, StateChoice candidate) {
		this(flows, ReplayState.of(baseline), ReplayState.of(candidate));
	}

}
