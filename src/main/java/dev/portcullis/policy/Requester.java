package dev.portcullis.policy;

import dev.portcullis.identity.Actor;
import org.jspecify.annotations.Nullable;

/**
 * Who asks for a change, and from where: recorded as the author of new versions and in the audit log. Build it
 * from {@code identity.CurrentActor.get()} and {@code CurrentActor.clientAddress(exchange)}.
 *
 * @param actor who
 * @param address the client's address, null when unknown
 */
public record Requester(Actor actor, @Nullable String address) {

	/** The application itself (tests, bootstrap). */
	public static final Requester SYSTEM = new Requester(Actor.SYSTEM, null);

}
