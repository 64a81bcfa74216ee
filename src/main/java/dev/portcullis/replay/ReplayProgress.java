package dev.portcullis.replay;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How far a replay has come, read by the page while it runs (docs/adr/037): the step, the stored flows of the window
 * once counted, and during deciding how many distinct tuples of how many are decided. The grouping query reports
 * nothing while it runs (PostgreSQL has no progress view for a SELECT), so that step has no fraction. Written by the
 * replay, read by any thread. {@link #cancel()} asks the replay to stop: it notices between steps and between two
 * tuples while deciding, and fails with {@link Cancelled}.
 */
public final class ReplayProgress {

	/** The steps of a replay, in order. */
	public enum Step {

		/** Making both states (parsing a draft, compiling policies). */
		STATES,
		/** Counting the window's stored flows against the limit. */
		COUNTING,
		/** Grouping the window into distinct tuples in PostgreSQL: the longest step on a large window. */
		GROUPING,
		/** Deciding each distinct tuple under both states on the engine pool. */
		DECIDING,
		/** Finished (or failed). */
		DONE

	}

	private final Instant started = Instant.now();

	private volatile Step step = Step.STATES;

	private volatile long storedFlows = -1;

	private volatile int tuples;

	private final AtomicInteger decided = new AtomicInteger();

	private volatile boolean cancelled;

	/** A replay stopped because its progress was {@link #cancel() cancelled}. */
	public static final class Cancelled extends RuntimeException {

		Cancelled() {
			super("The replay was cancelled", null, false, false);
		}

	}

	public Instant started() {
		return this.started;
	}

	public Step step() {
		return this.step;
	}

	/** The window's stored flows; -1 before they are counted. */
	public long storedFlows() {
		return this.storedFlows;
	}

	/** The distinct tuples to decide; 0 before grouping ended. */
	public int tuples() {
		return this.tuples;
	}

	/** The tuples decided so far. */
	public int decided() {
		return this.decided.get();
	}

	/** Asks the replay to stop at its next step or tuple. */
	public void cancel() {
		this.cancelled = true;
	}

	public boolean cancelled() {
		return this.cancelled;
	}

	/** Throws {@link Cancelled} when the replay was asked to stop. */
	void checkNotCancelled() {
		if (this.cancelled) {
			throw new Cancelled();
		}
	}

	void step(Step next) {
		if (next != Step.DONE) {
			checkNotCancelled();
		}
		this.step = next;
	}

	void counted(long rows) {
		this.storedFlows = rows;
	}

	void grouped(int count) {
		this.tuples = count;
	}

	void decidedOne() {
		checkNotCancelled();
		this.decided.incrementAndGet();
	}

}
