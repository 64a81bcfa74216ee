package dev.portcullis.database;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The loop of an instance that holds jobs as leased rows (DESIGN.md: jobs that outlive a request are rows claimed
 * with {@code FOR UPDATE SKIP LOCKED}): every {@link #interval()} on a thread of its own it first
 * {@link #renewOwn() renews the leases it holds}, then {@link #claimFree() claims free or expired ones}, in that
 * order (docs/adr/027: a renewal must wait for its own workers' row locks, and a claim after it cannot take a row
 * this instance still holds). A failed round is logged and the next one tries again (leases outlive a few rounds).
 * At shutdown the loop ends and the subclass {@link #giveBack() gives its leases back}, so another instance takes
 * over at its next round. Used by the flow sources' runner and the publishing outbox worker.
 */
public abstract class LeaseLoop implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LeaseLoop.class);

	private final String name;

	private final String owner;

	private volatile @Nullable ScheduledExecutorService ticks;

	/** Set while {@link #stop()} or {@link #abandon()} ends the rounds, so that an interrupted round is not a warning. */
	private volatile boolean stopping;

	/**
	 * @param name the loop's thread name and how its log lines start ({@code flow-sources})
	 * @param owner this instance's name in the lease columns ({@link #newOwner()} but in tests)
	 */
	protected LeaseLoop(String name, String owner) {
		this.name = name;
		this.owner = owner;
	}

	/** A new owner name for a lease: the host and a per-start random suffix ({@code web-1/3f2a9c1d}). */
	public static String newOwner() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (java.io.IOException ex) {
			host = "portcullis";
		}
		return host + "/" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** This instance's name in the lease columns. */
	public String owner() {
		return this.owner;
	}

	/** Whether this instance runs the loop (a setting). */
	protected abstract boolean enabled();

	/** The time between the end of one round and the start of the next. */
	protected abstract Duration interval();

	/** The time before the first round: none by default (an instance takes its share of the work at once). */
	protected Duration initialDelay() {
		return Duration.ZERO;
	}

	/**
	 * Extends the leases this instance holds; runs first in every round. Nothing by default: for loops whose claim is
	 * held for one check that its lease outlasts (or that is simply repeated).
	 */
	protected void renewOwn() {
	}

	/** Claims free or expired leases ({@code FOR UPDATE SKIP LOCKED}) and starts their work; runs after the renewal. */
	protected abstract void claimFree();

	/**
	 * Stops the work this instance holds and gives its leases back; runs at shutdown after the last round. Nothing by
	 * default: a claim that ends with its check needs no giving back, and one cut off by the shutdown expires.
	 */
	protected void giveBack() {
	}

	/** Daemon threads named {@code name}, for a loop's own pool of workers. */
	protected static ThreadFactory daemonThreads(String name) {
		return (r) -> {
			Thread t = new Thread(r, name);
			t.setDaemon(true);
			return t;
		};
	}

	/**
	 * Claims work with {@code claim} while fewer than {@code threads} ids are in {@code running} and runs each piece
	 * on {@code pool}; its id stays in {@code running} (the set a subclass's {@link #renewOwn()} renews) until its run
	 * ends. Does nothing once the pool is gone (the loop is stopping).
	 */
	protected static <W, K> void claimWhileFree(@Nullable ExecutorService pool, Set<K> running, int threads,
			Supplier<@Nullable W> claim, Function<W, K> id, Consumer<W> run) {
		if (pool == null) {
			return;
		}
		while (running.size() < threads && !Thread.currentThread().isInterrupted()) {
			W work = claim.get();
			if (work == null) {
				return;
			}
			K key = id.apply(work);
			running.add(key);
			pool.execute(() -> {
				try {
					run.accept(work);
				}
				finally {
					running.remove(key);
				}
			});
		}
	}

	/**
	 * Claims and runs work on the calling thread, one piece after the other, until none is due (tests: "another
	 * instance", and a single pass by hand); how many ran. Ids are in {@code running} while they run, as above.
	 */
	protected static <W, K> int claimAndRunHere(Set<K> running, Supplier<@Nullable W> claim, Function<W, K> id,
			Consumer<W> run) {
		int ran = 0;
		for (;;) {
			W work = claim.get();
			if (work == null) {
				return ran;
			}
			K key = id.apply(work);
			running.add(key);
			try {
				run.accept(work);
			}
			finally {
				running.remove(key);
			}
			ran++;
		}
	}

	/** One round: renew, then claim. */
	protected void tick() {
		try {
			renewOwn();
			claimFree();
		}
		catch (RuntimeException ex) {
			if (this.stopping) {
				// shutdown interrupted the round's database call: nothing is wrong, and giveBack() follows
				log.debug("{}: round interrupted by shutdown: {}", this.name, ex.getMessage());
				return;
			}
			// the database may be briefly away; the next round tries again
			log.warn("{}: cannot renew or claim leases: {}", this.name, ex.getMessage());
		}
	}

	@Override
	public void start() {
		if (enabled()) {
			startTicking();
		}
	}

	/** Starts the rounds whatever {@link #enabled()} says. */
	protected void startTicking() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(daemonThreads(this.name));
		this.stopping = false;
		executor.scheduleWithFixedDelay(this::tick, initialDelay().toMillis(), interval().toMillis(),
				TimeUnit.MILLISECONDS);
		this.ticks = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.ticks;
		if (executor == null) {
			return;
		}
		this.stopping = true;
		executor.shutdownNow();
		try {
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		giveBack();
		this.ticks = null;
	}

	/** Ends the rounds without giving anything back, as a killed process would (tests). */
	protected void abandon() {
		ScheduledExecutorService executor = this.ticks;
		if (executor != null) {
			this.stopping = true;
			executor.shutdownNow();
		}
		this.ticks = null;
	}

	@Override
	public boolean isRunning() {
		return this.ticks != null;
	}

	@Override
	public int getPhase() {
		// stop before the web server and the database pool go away
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

}
