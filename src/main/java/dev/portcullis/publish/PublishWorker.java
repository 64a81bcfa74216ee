package dev.portcullis.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import dev.portcullis.database.LeaseLoop;
import dev.portcullis.policy.WorkspaceState;
import dev.portcullis.policy.WorkspaceStates;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The outbox worker, a {@link LeaseLoop}. Every {@link PublishSettings#tick()} it renews the leases of the
 * publications it runs and then claims due ones ({@link Publications#claim}) while it has a free thread; each runs
 * on the worker's own threads (adapters block): the target opened, the state read back ({@link WorkspaceStates#at}
 * the publication's moment), the plan made and recorded, then (unless a dry run) applied and the outcome recorded
 * with what the target now holds. A {@link PublishFailure} is retried with backoff up to
 * {@link PublishSettings#attempts()}, then FAILED with its words; any other exception counts as a failed attempt
 * with "internal error" (the message goes to the log only). An instance that stops gives its claims back; one that
 * dies loses its lease and another instance takes the publication over: the adapter converges on what the first one
 * already applied (Git finds its commit), so nothing is lost and nothing applied twice.
 * <p>
 * An instance that only stalls (a long pause, a partition from the database) past its lease is fenced
 * (docs/adr/049): each claim carries a new token, and before every effect on the target the adapter asks the
 * {@link Fence} this worker gives it, which goes ahead only while the row still carries the token with at least half a
 * lease left ({@link Publications#holds}); otherwise the attempt stops without the effect and leaves a note in words
 * on the record ({@link Publications#note}), as does an attempt whose outcome can no longer be recorded.
 */
@Component
@EnableConfigurationProperties(PublishSettings.class)
class PublishWorker extends LeaseLoop {

	private static final Logger log = LoggerFactory.getLogger(PublishWorker.class);

	private static final Duration STORE = Duration.ofSeconds(30);

	/** How long the replay behind a commit status may take (a million flows take seconds). */
	private static final Duration REPLAY = Duration.ofMinutes(5);

	static final String INTERNAL = "Internal error: the server could not run this publication (see its log);"
			+ " it will be tried again.";

	private final Publications publications;

	private final Targets targets;

	private final WorkspaceStates states;

	private final Adapters adapters;

	private final PublishSettings settings;

	private final Set<Long> running = ConcurrentHashMap.newKeySet();

	/** Test seam: wraps the fence given to the adapter (to hold an attempt inside the adapter). */
	volatile java.util.function.UnaryOperator<Fence> fences = (fence) -> fence;

	private final @Nullable PublishedImpact impacts;

	/** Test seams: called with the publication's id after its plan is recorded, and after the adapter applied. */
	volatile LongConsumer afterPlan = (id) -> {
	};

	volatile LongConsumer afterApply = (id) -> {
	};

	private volatile @Nullable ExecutorService workers;

	@Autowired
	PublishWorker(Publications publications, Targets targets, WorkspaceStates states, Adapters adapters,
			PublishSettings settings, PublishedImpact impacts) {
		this(publications, targets, states, adapters, settings, LeaseLoop.newOwner(), impacts);
	}

	/** A worker that sets no commit status (tests of the outbox). */
	PublishWorker(Publications publications, Targets targets, WorkspaceStates states, Adapters adapters,
			PublishSettings settings, String owner) {
		this(publications, targets, states, adapters, settings, owner, null);
	}

	PublishWorker(Publications publications, Targets targets, WorkspaceStates states, Adapters adapters,
			PublishSettings settings, String owner, @Nullable PublishedImpact impacts) {
		super("publish-ticks", owner);
		this.publications = publications;
		this.targets = targets;
		this.states = states;
		this.adapters = adapters;
		this.settings = settings;
		this.impacts = impacts;
	}

	@Override
	protected boolean enabled() {
		return this.settings.worker();
	}

	@Override
	protected Duration interval() {
		return this.settings.tick();
	}

	/** Starts the ticks whatever the settings say (tests). */
	@Override
	protected void startTicking() {
		this.workers = Executors.newFixedThreadPool(this.settings.threads(), daemonThreads("publish-worker"));
		super.startTicking();
	}

	@Override
	protected void giveBack() {
		ExecutorService pool = this.workers;
		if (pool == null) {
			return;
		}
		pool.shutdown();
		try {
			// a publication in flight may finish; one that does not is given back
			if (!pool.awaitTermination(20, TimeUnit.SECONDS)) {
				pool.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			this.publications.release(owner()).block(STORE);
		}
		catch (RuntimeException ex) {
			log.warn("publishing: cannot give back claims: {}", ex.getMessage());
		}
		this.workers = null;
	}

	/** Stops at once without giving anything back, as a killed process would (tests). */
	void die() {
		abandon();
		ExecutorService pool = this.workers;
		if (pool != null) {
			pool.shutdownNow();
		}
		this.workers = null;
	}

	/** Extends the leases of the publications this instance runs. */
	@Override
	protected void renewOwn() {
		this.publications.renew(owner(), new ArrayList<>(this.running), this.settings.lease()).block(STORE);
	}

	/** Claims due publications while a thread is free; each runs on the worker's threads. */
	@Override
	protected void claimFree() {
		claimWhileFree(this.workers, this.running, this.settings.threads(),
				() -> this.publications.claim(owner(), this.settings.lease()).block(STORE), PublicationRow::id,
				this::run);
	}

	/**
	 * Runs claimed publications on the calling thread until none is due (tests, and a single pass by hand), renewing
	 * their leases every tick from a timer of its own meanwhile, as the loop does.
	 */
	int drain() {
		ScheduledExecutorService renewals = Executors
			.newSingleThreadScheduledExecutor(daemonThreads("publish-drain-renewals"));
		long every = this.settings.tick().toMillis();
		renewals.scheduleWithFixedDelay(() -> {
			try {
				renewOwn();
			}
			catch (RuntimeException ex) {
				log.warn("publishing: cannot renew leases: {}", ex.getMessage());
			}
		}, every, every, TimeUnit.MILLISECONDS);
		try {
			return claimAndRunHere(this.running,
					() -> this.publications.claim(owner(), this.settings.lease()).block(STORE), PublicationRow::id,
					this::run);
		}
		finally {
			renewals.shutdownNow();
		}
	}

	/** Runs one claimed publication to its end (or to its next attempt). */
	void run(PublicationRow row) {
		List<DesiredObject> desired = List.of();
		try {
			if (row.targetId() == null) {
				this.publications.attemptFailed(row, owner(), "The target was deleted.", null).block(STORE);
				return;
			}
			TargetRow targetRow = this.targets.find(row.workspace(), row.targetName()).block(STORE);
			Target target = this.targets.open(targetRow).block(STORE);
			WorkspaceState state = this.states.at(row.workspace(), row.stateAt()).block(STORE);
			desired = Desired.of(state);
			TargetAdapter adapter = this.adapters.of(row.targetType());
			Plan plan = adapter.plan(target, desired);
			if (!Boolean.TRUE.equals(this.publications.planned(row, owner(), plan, !row.dryRun()).block(STORE))) {
				lost(row, "Attempt " + row.attempts() + " by " + owner() + " planned, then found its lease had lapsed"
						+ " (another instance may have taken the publication over); it applied nothing.");
				return;
			}
			this.afterPlan.accept(row.id());
			if (row.dryRun()) {
				this.publications.finished(row, owner(), "SUCCEEDED", null, desired, null).block(STORE);
				return;
			}
			Publication publication = new Publication(row.id(), row.workspace(), row.requestedBy(),
					"Workspace " + row.workspace() + " as of " + row.stateAt() + ", " + desired.size() + " "
							+ ((desired.size() == 1) ? "policy" : "policies") + ".",
					row.stateAt(), row.forceConflicts(), this.publications.changeRequests(row).block(STORE),
					impact(target, row), this.fences.apply(fence(row)),
					this.publications.earlierProposals(row).block(STORE));
			Applied applied = adapter.apply(target, plan, publication);
			this.afterApply.accept(row.id());
			String status = applied.failed() ? "FAILED" : applied.partial() ? "PARTIAL" : "SUCCEEDED";
			String error = applied.failed() || applied.partial() ? failures(applied) : null;
			if (!Boolean.TRUE.equals(this.publications.finished(row, owner(), status, applied, desired, error)
				.block(STORE))) {
				lost(row, "Attempt " + row.attempts() + " by " + owner() + " ended " + status + " after its lease had"
						+ " lapsed; another instance took the publication over, and its outcome is the one recorded.");
			}
		}
		catch (LeaseLost ex) {
			lost(row, "Attempt " + row.attempts() + " by " + owner() + " stopped before " + ex.getMessage()
					+ ": its lease had lapsed (another instance may have taken the publication over), so it did not"
					+ " do that.");
		}
		catch (PublishFailure ex) {
			failed(row, ex.getMessage());
		}
		catch (Crash ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			log.warn("publishing: publication {} failed", row.id(), ex);
			failed(row, INTERNAL);
		}
	}

	/**
	 * The fence of this attempt: an effect goes ahead only while the publication still carries this claim's token
	 * with at least half a lease left (and then the lease is extended).
	 */
	private Fence fence(PublicationRow row) {
		Duration margin = this.settings.lease().dividedBy(2);
		return (effect) -> {
			Boolean holds;
			try {
				holds = this.publications.holds(row, margin, this.settings.lease()).block(STORE);
			}
			catch (RuntimeException ex) {
				// the database cannot say: another instance may hold it, so no effect
				log.warn("publishing: cannot check the lease of publication {}: {}", row.id(), ex.getMessage());
				holds = false;
			}
			if (!Boolean.TRUE.equals(holds)) {
				throw new LeaseLost(effect);
			}
		};
	}

	/** Notes on the record, in words, an attempt that lost its lease (whoever holds it now). */
	private void lost(PublicationRow row, String words) {
		log.info("publishing: publication {}: {}", row.id(), words);
		try {
			this.publications.note(row.id(), owner(), words).block(STORE);
		}
		catch (RuntimeException ex) {
			log.warn("publishing: cannot note on publication {}: {}", row.id(), ex.getMessage());
		}
	}

	/** The replay summary for the target's commit status, when it sets one (docs/adr/045). */
	private Publication.@Nullable Impact impact(Target target, PublicationRow row) {
		boolean forge = target.setting(Targets.FORGE_KIND) != null && !"none".equals(target.setting(Targets.FORGE_KIND));
		if (this.impacts == null || !forge || !"true".equals(target.setting(Targets.FORGE_COMMIT_STATUS))) {
			return null;
		}
		return this.impacts.of(row).block(REPLAY);
	}

	private void failed(PublicationRow row, String message) {
		Duration wait = (row.attempts() < this.settings.attempts()) ? this.settings.backoff(row.attempts()) : null;
		String words = (wait != null) ? message + " (attempt " + row.attempts() + " of " + this.settings.attempts()
				+ "; next in " + wait.toSeconds() + " s)" : message;
		try {
			if (!Boolean.TRUE.equals(this.publications.attemptFailed(row, owner(), words, wait).block(STORE))) {
				lost(row, "Attempt " + row.attempts() + " by " + owner() + " failed after its lease had lapsed (another"
						+ " instance took the publication over): " + message);
			}
		}
		catch (RuntimeException ex) {
			log.warn("publishing: cannot record the failure of publication {}: {}", row.id(), ex.getMessage());
		}
	}

	private static String failures(Applied applied) {
		List<String> lines = new ArrayList<>();
		for (ObjectResult result : applied.results()) {
			if (result.outcome().failed()) {
				lines.add(result.ref() + ": " + result.message());
			}
		}
		return String.join("\n", lines);
	}

	/** Thrown by a test seam to stop a run where a crash would (nothing after it runs, nothing is recorded). */
	static final class Crash extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Crash() {
			super("simulated crash", null, false, false);
		}

	}

}
