package dev.portcullis.publish;

import java.util.List;

/**
 * The seam between the publishing outbox and one kind of target (a Git repository, a Kubernetes API server).
 * Implementations are Spring beans; the worker picks the one whose {@link #type()} equals {@link Target#type()}.
 * <p>
 * Blocking by design: JGit and fabric8 block, so every method may do network and disk I/O and the worker calls it
 * on its own bounded executor, never on the event loop. Every method reports a problem the user can act on as a
 * {@link PublishFailure} whose message is in words and never contains a credential (not even a URL that carries
 * one); any other exception is a bug and is recorded as "internal error" without its message.
 * <p>
 * Idempotence: the worker may call {@link #plan} and {@link #apply} again for a publication that was interrupted
 * (a crash between apply and recording its result). An adapter makes a second apply of the same publication
 * converge: Git finds the publication's commit already on the branch (by its {@code Portcullis-Publication}
 * trailer) and reports it; Kubernetes server-side apply of the same objects is a no-op.
 */
public interface TargetAdapter {

	/** The target type this adapter serves: {@code git} or {@code kubernetes} (lower case, as in the API). */
	String type();

	/**
	 * Checks, when a target is saved, that it can be used: reachable, credentials accepted, the branch exists (Git),
	 * the Cilium CRDs are served (Kubernetes). Settings that are malformed are refused here too.
	 * @throws PublishFailure saying in words what is wrong (the save is refused with that message)
	 */
	void check(Target target);

	/**
	 * What applying {@code desired} would change on the target as it is now: one {@link PlanItem} per object that is
	 * desired or that Portcullis manages there (an object the target holds that Portcullis did not publish is never
	 * in the plan, so never deleted). Objects in {@code desired} are in {@code PolicyKey} order; the plan keeps it,
	 * deletions after. Does not change the target.
	 * @throws PublishFailure when the target cannot be read
	 */
	Plan plan(Target target, List<DesiredObject> desired);

	/**
	 * Makes the target hold what {@code plan} says, for {@code publication}: Git writes one commit naming the
	 * publication and its change requests and pushes it (never forcing); Kubernetes applies and deletes object by
	 * object. Per-object outcomes are in the result; an object that fails does not stop the others where the target
	 * allows that (Kubernetes), and a Git push is all or nothing.
	 * @throws PublishFailure when nothing could be applied (unreachable, refused credentials, rejected push)
	 */
	Applied apply(Target target, Plan plan, Publication publication);

	/**
	 * How the target differs now from {@code published} (what the last successful publication to it applied): per
	 * object and field, with the field manager that owns the live value where the target knows it. Empty when the
	 * target holds exactly what was published.
	 * @throws PublishFailure when the target cannot be read
	 */
	List<Drift> drift(Target target, List<DesiredObject> published);

	/**
	 * What the target holds now of {@code published} (one entry per published object, its {@code yaml} null when it
	 * is gone), and the objects Portcullis manages there that nobody published: the basis of "propose the live state
	 * as a change". Objects are as a workspace would hold them (no server-set fields, no labels Portcullis adds).
	 * @throws PublishFailure when the target cannot be read, or the adapter cannot read whole objects yet
	 */
	default List<LiveObject> live(Target target, List<DesiredObject> published) {
		throw new PublishFailure("Proposing the live state of a " + type() + " target is not supported yet: edit the"
				+ " policies in the workspace and publish again.");
	}

	/**
	 * The target was deleted: drop whatever the adapter keeps for it on this server (the Git adapter's clone). Called
	 * after the deletion was committed, with the target's settings but without its credentials; never fails.
	 */
	default void forget(Target target) {
	}

}
