package dev.portcullis.publish;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.portcullis.database.LeaseLoop;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
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
class DriftWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DriftWorker.class);

	private static final Duration STORE = Duration.ofMinutes(5);

	static final String INTERNAL = "Internal error: the server could not check this target (see its log).";

	private final Targets targets;

	private final Drifts drifts;

	private final PublishSettings settings;

	private final String owner;

	private volatile @Nullable ScheduledExecutorService ticks;

	@Autowired
	DriftWorker(Targets targets, Drifts drifts, PublishSettings settings) {
		this(targets, drifts, settings, LeaseLoop.newOwner());
	}

	DriftWorker(Targets targets, Drifts drifts, PublishSettings settings, String owner) {
		this.targets = targets;
		this.drifts = drifts;
		this.settings = settings;
		this.owner = owner;
	}

	@Override
	public void start() {
		if (!this.settings.worker() || this.settings.driftInterval().isZero()) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "publish-drift");
			t.setDaemon(true);
			return t;
		});
		long every = Math.min(this.settings.driftInterval().toMillis(), 30_000);
		executor.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
		this.ticks = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.ticks;
		if (executor != null) {
			executor.shutdownNow();
		}
		this.ticks = null;
	}

	@Override
	public boolean isRunning() {
		return this.ticks != null;
	}

	private void tick() {
		try {
			checkDue(null);
		}
		catch (RuntimeException ex) {
			log.warn("publishing: cannot claim a drift check: {}", ex.getMessage());
		}
	}

	/**
	 * Checks every target that is due, one after the other, on the calling thread; {@code workspaceId} limits it to
	 * one workspace (tests), null: all. How many this call checked.
	 */
	int checkDue(@Nullable Long workspaceId) {
		int checked = 0;
		while (!Thread.currentThread().isInterrupted()) {
			TargetRow row = this.targets
				.claimDrift(this.owner, this.settings.driftInterval(), this.settings.lease(), workspaceId)
				.block(STORE);
			if (row == null) {
				return checked;
			}
			try {
				this.drifts.check(row, this.owner).block(STORE);
			}
			catch (RuntimeException ex) {
				log.warn("publishing: drift check of target {} in {} failed", row.name(), row.workspace(), ex);
				this.targets.drifted(row.id(), this.owner, null, INTERNAL).block(STORE);
			}
			checked++;
		}
		return checked;
	}

}
