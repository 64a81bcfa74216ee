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
