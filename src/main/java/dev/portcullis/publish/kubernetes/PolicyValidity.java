package dev.portcullis.publish.kubernetes;

/**
 * What Cilium says of one published policy: its {@code Valid} condition in {@code .status.conditions}, which the
 * Cilium operator sets after it has parsed the policy. An absent condition means Cilium has not checked the policy
 * yet (or runs no operator), never that it is valid.
 *
 * @param kind the Kubernetes kind
 * @param namespace the namespace, {@code ""} for a cluster-wide kind
 * @param name the name
 * @param state what the condition says
 * @param message Cilium's message (why it is not valid), {@code ""} when none
 */
public record PolicyValidity(String kind, String namespace, String name, State state, String message) {

	/** The policy's validity in words, for a result or a page. */
	public String words() {
		return switch (this.state) {
			case VALID -> "Cilium: valid";
			case INVALID -> "Cilium: not valid: " + this.message;
			case NOT_CHECKED -> "Cilium has not checked it yet";
			case NOT_APPLICABLE -> "";
			case MISSING -> "not on the cluster";
		};
	}

	/** The {@code Valid} condition's reading. */
	public enum State {

		/** {@code status: "True"}. */
		VALID,
		/** {@code status: "False"}; the message says why. */
		INVALID,
		/** No {@code Valid} condition (yet), or one whose status is {@code Unknown}. */
		NOT_CHECKED,
		/** A NetworkPolicy: Cilium sets no condition on it. */
		NOT_APPLICABLE,
		/** The policy is not on the cluster. */
		MISSING

	}

}
