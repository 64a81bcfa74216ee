package dev.portcullis.publish;

/**
 * The check an adapter makes before every effect on a target that cannot be taken back (a Kubernetes apply or delete,
 * a Git push, a call that opens, comments on or closes a pull request, or sets a commit status): that the publication
 * is still this attempt's to run (docs/adr/049). The outbox worker's fence asks the database whether the row still
 * carries the attempt's claim token with at least half a lease left, and extends the lease when it does; when it does
 * not, another instance has taken over (or may at any moment), and the fence throws {@link LeaseLost} so the adapter
 * stops without the effect.
 * <p>
 * Adapters call it immediately before the effect, never catch {@link LeaseLost}, and let it pass through their own
 * error handling unchanged (it is not a {@link PublishFailure}: the attempt did not fail, it was replaced).
 */
@FunctionalInterface
public interface Fence {

	/** No fence: every effect may go ahead (an adapter called outside the outbox, tests). */
	Fence NONE = (effect) -> {
	};

	/**
	 * Returns when {@code effect} may start.
	 * @param effect what is about to happen, in words for the record ({@code "pushing to main"},
	 *        {@code "applying CiliumNetworkPolicy/prod/web"})
	 * @throws LeaseLost when the publication is no longer this attempt's
	 */
	void check(String effect);

}
