package dev.portcullis.flow.sources;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that follows one source while this instance holds its lease: it reports its state in the source's row
 * and stops when {@link #stop()} is called (lease lost, settings changed, source removed, shutdown). Blocking is
 * fine here: a follower runs on a thread of its own, never on a request thread.
 */
abstract class Follower implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(Follower.class);

	/** How long a follower waits for one store call before it gives up on it (and retries). */
	static final Duration STORE_TIMEOUT = Duration.ofSeconds(120);

	final SourceRow source;

	final FlowSources store;

	final String owner;

	private volatile boolean stopped;

	private volatile @Nullable Thread thread;

	Follower(SourceRow source, FlowSources store, String owner) {
		this.source = source;
		this.store = store;
		this.owner = owner;
	}

	final void start() {
		Thread t = new Thread(this, "flow-source-" + this.source.kind().column() + "-" + this.source.workspace());
		t.setDaemon(true);
		this.thread = t;
		t.start();
	}

	/** Asks the follower to stop (it ends its current call or wait at once) and waits a moment for it. */
	final void stop() {
		this.stopped = true;
		Thread t = this.thread;
		if (t != null) {
			t.interrupt();
			try {
				t.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	final boolean stopped() {
		return this.stopped || Thread.currentThread().isInterrupted();
	}

	final boolean alive() {
		Thread t = this.thread;
		return t != null && t.isAlive();
	}

	/** Records the state; false when the lease is no longer this instance's (the follower then ends). */
	final boolean state(String state, @Nullable String error, @Nullable Instant nextAttempt) {
		Long n = this.store.state(this.source.id(), this.owner, state, error, nextAttempt).block(STORE_TIMEOUT);
		return n != null && n == 1;
	}

	/** Waits, unless stopped meanwhile; false when stopped. */
	final boolean pause(Duration wait) {
		try {
			Thread.sleep(Math.max(1, wait.toMillis()));
			return !stopped();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static void warn(SourceRow source, String message) {
		// the message never holds key material: it comes from transport and parse errors
		log.warn("flow source {} of workspace {}: {}", source.kind().column(), source.workspace(), message);
	}

}
