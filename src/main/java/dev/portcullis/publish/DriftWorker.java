package dev.portcullis.publish;

import java.time.Duration;

import dev.portcullis.database.LeaseLoop;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The periodic drift check. Where the outbox worker runs ({@link PublishSettings#worker()}) and
 * {@link PublishSettings#driftInterval()} is not zero, every tick (the interval, at most 30 s) it claims the target
 * whose last check is oldest and at least one interval old ({@link Targets#claimDrift}: {@code FOR UPDATE SKIP
 * LOCKED} and a lease, so that several instances check each target once), reads its drift ({@link Drifts#check}) and
 * records it on the target while the lease is still its own, until no target is due. Pages show what was recorded
 * and never read a target themselves. A check that outlives its lease may be repeated by another instance: it only
 * reads, so that costs a second read and nothing else.
 */
@Component
class DriftWorker extends LeaseLoop {

	private static final Logger log = LoggerFactory.getLogger(DriftWorker.class);

	private static final Duration STORE = Duration.ofMinutes(5);

	static final String INTERNAL = "Internal error: the server could not check this target (see its log).";

	private final Targets targets;

	private final Drifts drifts;

	private final PublishSettings settings;

	@Autowired
	DriftWorker(Targets targets, Drifts drifts, PublishSettings settings) {
		this(targets, drifts, settings, LeaseLoop.newOwner());
	}

	DriftWorker(Targets targets, Drifts drifts, PublishSettings settings, String owner) {
		super("publish-drift", owner);
		this.targets = targets;
		this.drifts = drifts;
		this.settings = settings;
	}

	@Override
	protected boolean enabled() {
		return this.settings.worker() && !this.settings.driftInterval().isZero();
	}

	@Override
	protected Duration interval() {
		Duration every = this.settings.driftInterval();
		return (every.compareTo(Duration.ofSeconds(30)) < 0) ? every : Duration.ofSeconds(30);
	}

	/** A start does not set off every target's check at once: the first round waits one interval, as later ones do. */
	@Override
	protected Duration initialDelay() {
		return interval();
	}

	@Override
	protected void claimFree() {
		checkDue(null);
	}

	/**
	 * Checks every target that is due, one after the other, on the calling thread; {@code workspaceId} limits it to
	 * one workspace (tests), null: all. How many this call checked.
	 */
	int checkDue(@Nullable Long workspaceId) {
		int checked = 0;
		while (!Thread.currentThread().isInterrupted()) {
			TargetRow row = this.targets
				.claimDrift(owner(), this.settings.driftInterval(), this.settings.lease(), workspaceId)
				.block(STORE);
			if (row == null) {
				return checked;
			}
			try {
				this.drifts.check(row, owner()).block(STORE);
			}
			catch (RuntimeException ex) {
				log.warn("publishing: drift check of target {} in {} failed", row.name(), row.workspace(), ex);
				this.targets.drifted(row.id(), owner(), null, INTERNAL).block(STORE);
			}
			checked++;
		}
		return checked;
	}

}
