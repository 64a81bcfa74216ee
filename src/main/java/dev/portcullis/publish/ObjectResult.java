package dev.portcullis.publish;

import org.jspecify.annotations.Nullable;

/**
 * What applying did to one object.
 *
 * @param kind the Kubernetes kind
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param outcome what happened
 * @param message in words: why it failed, or a note ({@code "already on the branch"}); empty when there is nothing to
 *        say; never a credential
 * @param resourceVersion the object's resource version after applying (Kubernetes); null for Git, deletions and
 *        failures
 */
public record ObjectResult(String kind, String namespace, String name, Outcome outcome, String message,
		@Nullable String resourceVersion) {

	/**
	 * How the message of an object not applied because other field managers own some of its fields begins
	 * (Kubernetes server-side apply answered 409); publishing again with {@code forceConflicts} takes them over.
	 */
	public static final String CONFLICT = "not applied: other field managers own ";

	/** Whether the object was not applied because other field managers own some of its fields. */
	public boolean conflict() {
		return this.outcome == Outcome.FAILED && this.message.startsWith(CONFLICT);
	}

	/** {@code kind/namespace/name}, or {@code kind/name} when cluster-wide. */
	public String ref() {
		return PlanItem.ref(this.kind, this.namespace, this.name);
	}

	/** The outcome for one object. */
	public enum Outcome {

		CREATED, UPDATED, DELETED, UNCHANGED,
		/** Not applied; {@link ObjectResult#message()} says why. */
		FAILED;

		public boolean failed() {
			return this == FAILED;
		}

	}

}
