package dev.portcullis.replay;

import dev.portcullis.simulation.StateChoice;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A state of a workspace that another feature names and knows how to make (docs/adr/037): review names "as change
 * request 7 would leave it" ({@code changeRequest}), publish names "what was last published" ({@code published}).
 * Replay asks them through this seam so that it depends on neither (review and publish already depend on replay);
 * each implementation is a bean of the feature that owns the name, and answers with the one state type,
 * {@link StateChoice}, plus a sentence saying what it is.
 */
public interface NamedStates {

	/** The name of the state in a replay request's body: {@code "baseline": {"<kind>": <argument>}}. */
	String kind();

	/**
	 * The state {@code argument} names in {@code workspace}. Empty when the name stands for nothing yet (nothing was
	 * ever published); an error ({@link dev.portcullis.web.ApiProblem}) when the argument names something that does
	 * not exist or cannot be replayed (an unknown or closed change request).
	 *
	 * @param argument what the body gave after the name, as text ({@code "7"}, {@code "production"}); null for
	 *        {@code true} or no argument
	 */
	Mono<Named> resolve(String workspace, @Nullable String argument);

	/** What a page may offer to pick for this name, in the order to show; none by default. */
	default Flux<Option> options(String workspace) {
		return Flux.empty();
	}

	/**
	 * A named state made.
	 *
	 * @param choice the state
	 * @param description what it is, for people: {@code published state of 2026-12-05T06:00:00Z (target production)}
	 */
	record Named(StateChoice choice, String description) {
	}

	/**
	 * One thing a page may offer.
	 *
	 * @param value the argument that names it
	 * @param label what it is called
	 */
	record Option(String value, String label) {
	}

}
