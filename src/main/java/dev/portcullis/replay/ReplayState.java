package dev.portcullis.replay;

import dev.portcullis.simulation.StateChoice;
import org.jspecify.annotations.Nullable;

/**
 * One side of a replay: either a state given outright ({@link StateChoice}: the latest versions, a moment, a draft) or
 * a state another feature names ({@link NamedStates}: a change request, what is published), made when the replay
 * starts.
 *
 * @param choice the state given outright; null for a named one
 * @param kind the name ({@link #CHANGE_REQUEST}, {@link #PUBLISHED}); null for a state given outright
 * @param argument what follows the name ({@code "7"}, a target); null for none
 */
public record ReplayState(@Nullable StateChoice choice, @Nullable String kind, @Nullable String argument) {

	/** The name of a change request's state ("as it would leave the workspace"), owned by review. */
	public static final String CHANGE_REQUEST = "changeRequest";

	/** The name of the published state, owned by publish. */
	public static final String PUBLISHED = "published";

	/** The workspace's latest versions. */
	public static final ReplayState LATEST = of(StateChoice.LATEST);

	/**
	 * What the workspace's most recent successful publication published (the default baseline); the latest versions
	 * when nothing was ever published.
	 */
	public static final ReplayState LAST_PUBLISHED = named(PUBLISHED, null);

	public ReplayState {
		if ((choice == null) == (kind == null)) {
			throw new IllegalArgumentException("A replay state is either given (a choice) or named (a kind)");
		}
	}

	/** A state given outright. */
	public static ReplayState of(StateChoice choice) {
		return new ReplayState(choice, null, null);
	}

	/** A state another feature names. */
	public static ReplayState named(String kind, @Nullable String argument) {
		return new ReplayState(null, kind, argument);
	}

	/** The state change request {@code id} would leave the workspace in. */
	public static ReplayState changeRequest(long id) {
		return named(CHANGE_REQUEST, Long.toString(id));
	}

	/** What was last published to {@code target} (or to any target when null). */
	public static ReplayState published(@Nullable String target) {
		return named(PUBLISHED, target);
	}

}
