package dev.portcullis.review;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The replay impact of a change request: what the last 24 hours of stored flows would do under the state the change
 * would leave, against the latest state (newly dropped, newly allowed, uncertain, with coverage).
 */
@Component
class Impacts {

	/**
	 * A change's impact.
	 *
	 * @param available whether it could be computed
	 * @param reason why not, when not available
	 */
	record Impact(boolean available, String reason) {
	}

	Mono<Impact> of(String workspace, Merges.Standing standing) {
		return Mono.just(new Impact(false, "Replay of stored flows is not available in this build."));
	}

}
