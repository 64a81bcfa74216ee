package dev.portcullis.replay.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.database.LeaseLoop;
import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.policy.StoreException;
import dev.portcullis.replay.ReplayProgress;
import dev.portcullis.replay.ReplayReport;
import dev.portcullis.replay.Replays;
import dev.portcullis.web.ApiProblem;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The replay runs' worker, a {@link LeaseLoop}. Every {@link ReplayRunSettings#tick()} it renews the leases of the
 * runs it holds, deletes runs ended longer than the retention ago (at most once a minute) and claims due runs
 * ({@link ReplayRuns#claim}) while it has a free thread. A run makes its two states again from what the row kept
 * (named states were made by their owners when it was asked for) and replays its window as of the row's moment
 * ({@link Replays#run(Replays.Prepared, ReplayProgress, Instant)}): the engine work runs on the engine pool, the
 * worker's thread only waits, writing the progress every {@link ReplayRunSettings#progressEvery()} and reading back
 * whether its user cancelled it; a cancelled run is stopped at its next step (a running query is abandoned) and ends
 * CANCELLED. A full engine pool puts the run back to PENDING; a problem a user can fix (too many flows, an unknown
 * workspace) ends it FAILED with its words; anything else ends it FAILED with "The replay failed; try again." (the
 * exception goes to the log only). An instance that stops gives its runs back; one that dies loses its lease and
 * another instance runs the replay again from the start, at most {@link ReplayRunSettings#attempts()} times.
 */
@Component
class ReplayWorker extends LeaseLoop {

	private static final Logger log = LoggerFactory.getLogger(ReplayWorker.class);

	private static final Duration STORE = Duration.ofSeconds(30);

	private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

	static final String FAILED = "The replay failed; try again.";

	private final ReplayRuns runs;

	private final Replays replays;

	private final ReplayRunSettings settings;

	private final JsonMapper json;

	private final Set<UUID> running = ConcurrentHashMap.newKeySet();

	private final Set<ReplayProgress> inFlight = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ExecutorService workers;

	private volatile Instant purged = Instant.EPOCH;

	/** Set at shutdown: runs stopped now are given back, not cancelled. */
	private volatile boolean stopping;

	@Autowired
	ReplayWorker(ReplayRuns runs, Replays replays, ReplayRunSettings settings, JsonMapper json) {
		this(runs, replays, settings, json, LeaseLoop.newOwner());
	}

	ReplayWorker(ReplayRuns runs, Replays replays, ReplayRunSettings settings, JsonMapper json, String owner) {
		super("replay-runs", owner);
		this.runs = runs;
		this.replays = replays;
		this.settings = settings;
		this.json = json;
	}

	@Override
	protected boolean enabled() {
		return this.settings.worker();
	}

	@Override
	protected Duration interval() {
		return this.settings.tick();
	}

	@Override
	protected void startTicking() {
		this.stopping = false;
		this.workers = Executors.newFixedThreadPool(this.settings.threads(), daemonThreads("replay-worker"));
		super.startTicking();
	}

	@Override
	protected void giveBack() {
		ExecutorService pool = this.workers;
		if (pool == null) {
			return;
		}
		// a replay can be run again from the start by another instance: stop at once rather than wait for it
		this.stopping = true;
		this.inFlight.forEach(ReplayProgress::cancel);
		pool.shutdownNow();
		try {
			pool.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			this.runs.release(owner(), null).block(STORE);
		}
		catch (RuntimeException ex) {
			log.warn("replay runs: cannot give back claims: {}", ex.getMessage());
		}
		this.workers = null;
	}

	@Override
	protected void renewOwn() {
		this.runs.renew(owner(), new ArrayList<>(this.running), this.settings.lease()).block(STORE);
		if (Instant.now().isAfter(this.purged.plus(PURGE_EVERY))) {
			this.purged = Instant.now();
			this.runs.purge(this.settings.retention()).block(STORE);
		}
	}

	@Override
	protected void claimFree() {
		claimWhileFree(this.workers, this.running, this.settings.threads(),
				() -> this.runs.claim(owner(), this.settings.lease()).block(STORE), ReplayRun::id, this::run);
	}

	/** Runs claimed runs on the calling thread until none is due (tests: "another instance"). */
	int drain() {
		return claimAndRunHere(this.running, () -> this.runs.claim(owner(), this.settings.lease()).block(STORE),
				ReplayRun::id, this::run);
	}

	/** Runs one claimed run to its end (or back to PENDING when the engine pool is full). */
	void run(ReplayRun run) {
		ReplayProgress progress = new ReplayProgress();
		try {
			if (run.cancelRequested()) {
				end(run, progress, "CANCELLED", null, null, null);
				return;
			}
			if (run.attempts() > this.settings.attempts()) {
				end(run, progress, "FAILED", null, "The replay was interrupted " + this.settings.attempts()
						+ " times (the servers running it stopped); replay a shorter window.", "interrupted");
				return;
			}
			this.inFlight.add(progress);
			Outcome outcome = await(run, progress);
			switch (outcome.kind) {
				case LOST -> log.info("replay run {}: its lease went to another instance", run.id());
				case BUSY -> this.runs.release(owner(), run.id()).block(STORE);
				case CANCELLED -> end(run, progress, "CANCELLED", null, null, null);
				case DONE -> end(run, progress, "SUCCEEDED", this.json.writeValueAsString(outcome.report), null,
						null);
				case FAILED -> failed(run, progress, outcome.error);
			}
		}
		catch (RuntimeException ex) {
			log.warn("replay run {}: cannot record its end", run.id(), ex);
		}
		finally {
			this.inFlight.remove(progress);
		}
	}

	private enum Kind {

		DONE, FAILED, CANCELLED, BUSY, LOST

	}

	private record Outcome(Kind kind, @Nullable ReplayReport report, @Nullable Throwable error) {

		static Outcome of(Kind kind) {
			return new Outcome(kind, null, null);
		}

	}

	/** Runs the replay, writing its progress until it ends. */
	private Outcome await(ReplayRun run, ReplayProgress progress) {
		CompletableFuture<ReplayReport> done = Mono.defer(() -> {
			ReplayRuns.Side baseline = this.runs.side(run.baseline());
			ReplayRuns.Side candidate = this.runs.side(run.candidate());
			return this.replays.prepare(run.workspace(), this.runs.window(run), baseline.choice(), candidate.choice(),
					new ReplayReport.Sources(baseline.source(), candidate.source()));
		}).flatMap((prepared) -> this.replays.run(prepared, progress, run.windowAt())).toFuture();
		for (;;) {
			try {
				// the progress first: a run whose user cancelled it before it started stops at once
				Boolean cancel = this.stopping ? null : this.runs.progress(run.id(), owner(), progress).block(STORE);
				if (cancel == null || cancel) {
					// stop at the next step; a query in flight is abandoned
					progress.cancel();
					done.cancel(true);
					return Outcome.of((cancel == null) ? Kind.LOST : Kind.CANCELLED);
				}
				return new Outcome(Kind.DONE, done.get(this.settings.progressEvery().toMillis(), TimeUnit.MILLISECONDS),
						null);
			}
			catch (TimeoutException ex) {
				// still running: write the progress again
			}
			catch (CancellationException ex) {
				return Outcome.of(this.stopping ? Kind.LOST : Kind.CANCELLED);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				if (cause instanceof ReplayProgress.Cancelled) {
					return Outcome.of(this.stopping ? Kind.LOST : Kind.CANCELLED);
				}
				return (cause instanceof EngineBusy) ? Outcome.of(Kind.BUSY) : new Outcome(Kind.FAILED, null, cause);
			}
			catch (InterruptedException ex) {
				// shutting down: the run is given back
				progress.cancel();
				done.cancel(true);
				Thread.currentThread().interrupt();
				return Outcome.of(Kind.LOST);
			}
		}
	}

	private void failed(ReplayRun run, ReplayProgress progress, @Nullable Throwable error) {
		if (error instanceof ApiProblem problem) {
			end(run, progress, "FAILED", null, problem.getMessage(), problem.slug());
		}
		else if (error instanceof StoreException.NotFound) {
			end(run, progress, "FAILED", null, "There is no workspace named \"" + run.workspace() + "\".",
					"not-found");
		}
		else if (error instanceof FilterRefused refused) {
			end(run, progress, "FAILED", null, refused.getMessage(), "invalid-filter");
		}
		else {
			log.warn("replay run {} failed", run.id(), error);
			end(run, progress, "FAILED", null, FAILED, "internal");
		}
	}

	private void end(ReplayRun run, ReplayProgress progress, String status, @Nullable String report,
			@Nullable String error, @Nullable String type) {
		this.runs.finish(run.id(), owner(), status, progress, report, error, type).block(STORE);
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

}
