package dev.portcullis.review;

import java.util.List;
import java.util.Map;

import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.ReplayRequest;
import dev.portcullis.replay.ReplayState;
import dev.portcullis.replay.Replays;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The replay impact of an open change request ({@link Replays}, issue 13): the stored flows of the last 24 hours
 * decided under the workspace's latest state and under the state the change would leave (made by
 * {@link ChangeRequestStates}, as the replay API's {@code {"changeRequest": id}} is; the baseline is the latest
 * versions, not what is published, so that only this change's own effect shows),
 * what changes (newly dropped, newly allowed, L7 changes), what is uncertain and how complete the window is. Closed
 * change requests show none: what they did is in the versions they wrote.
 */
@Component
class Impacts {

	/** The window replayed: the last 24 hours. */
	static final FlowFilter LAST_DAY = FlowFilter.fromParameters(Map.of("since", List.of("24h")));

	private final Replays replays;

	Impacts(Replays replays) {
		this.replays = replays;
	}

	/**
	 * A change's impact.
	 *
	 * @param available whether it was computed
	 * @param reason why not, when not available
	 * @param report the replay, when available
	 */
	record Impact(boolean available, @Nullable String reason, @Nullable ReplayReport report) {
	}

	Mono<Impact> of(String workspace, Merges.Standing standing) {
		if (standing.change().status().closed()) {
			return Mono.just(new Impact(false, "The change request is "
					+ standing.change().status().name().toLowerCase(java.util.Locale.ROOT)
					+ "; impact is shown for open change requests.", null));
		}
		// the replay API's own path: the candidate is made by ChangeRequestStates, as for {"changeRequest": id}
		ReplayRequest request = new ReplayRequest(LAST_DAY, ReplayState.LATEST,
				ReplayState.changeRequest(standing.change().id()));
		return this.replays.replay(workspace, request)
			.map((report) -> new Impact(true, null, report))
			.onErrorResume(ApiProblem.class, (ex) -> Mono.just(new Impact(false, "The replay could not run: "
					+ ex.getMessage(), null)));
	}

}
