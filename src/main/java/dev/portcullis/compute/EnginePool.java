package dev.portcullis.compute;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Runs CPU-heavy engine work (reading YAML, validating and evaluating policies, diffs) on its own fixed set of
 * threads, never on the event loop or Reactor's shared schedulers, so that health probes, sign-ins and page views
 * stay responsive however much policy text arrives. At most {@link Settings#threads()} pieces of work run at once
 * and {@link Settings#queueSize()} wait; beyond that {@link #run} fails at once with {@link EngineBusy} (the API's
 * 429 with {@code Retry-After}) rather than queueing without bound. Work whose subscriber cancels (the client went
 * away) before it starts is taken out of the queue. See docs/adr/011.
 */
@Component
@EnableConfigurationProperties(EnginePool.Settings.class)
public class EnginePool implements DisposableBean {

	private final ThreadPoolExecutor executor;

	private final Duration retryAfter;

	EnginePool(Settings settings) {
		int threads = settings.effectiveThreads();
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(settings.effectiveQueueSize()), new EngineThreads(),
				new ThreadPoolExecutor.AbortPolicy());
		this.retryAfter = settings.retryAfter();
	}

	/**
	 * The engine pool's size ({@code portcullis.engine-pool.*}).
	 *
	 * @param threads how many pieces of engine work run at once; 0 (the default) means one per processor
	 * @param queueSize how many more may wait for a thread; 0 (the default) means eight per thread, at least 16
	 * @param retryAfter what {@code Retry-After} tells a refused client (default 2 seconds)
	 */
	@ConfigurationProperties("portcullis.engine-pool")
	public record Settings(@DefaultValue("0") int threads, @DefaultValue("0") int queueSize,
			@DefaultValue("2s") Duration retryAfter) {

		public Settings {
			if (threads < 0 || queueSize < 0) {
				throw new IllegalArgumentException("portcullis.engine-pool.threads and queue-size must be 0 (default)"
						+ " or more, not " + threads + " and " + queueSize);
			}
		}

		int effectiveThreads() {
			return (this.threads > 0) ? this.threads : Runtime.getRuntime().availableProcessors();
		}

		int effectiveQueueSize() {
			return (this.queueSize > 0) ? this.queueSize : Math.max(16, 8 * effectiveThreads());
		}

	}

	/**
	 * Runs {@code work} on the pool when subscribed; its result (or exception) is emitted from the pool's thread.
	 * Fails with {@link EngineBusy} without running it when the pool and its queue are full.
	 */
	public <T> Mono<T> run(Callable<T> work) {
		return Mono.create((sink) -> {
			FutureTask<Void> task = new FutureTask<>(() -> {
				T result;
				try {
					result = work.call();
				}
				catch (Throwable ex) {
					sink.error(ex);
					return null;
				}
				sink.success(result);
				return null;
			});
			try {
				this.executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				sink.error(new EngineBusy(this.retryAfter));
				return;
			}
			sink.onCancel(() -> {
				if (task.cancel(false)) {
					this.executor.remove(task);
				}
			});
		});
	}

	/** How many pieces of work wait for a thread now. */
	int queued() {
		return this.executor.getQueue().size();
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	/** Daemon threads named {@code engine-1}, {@code engine-2}, ... */
	private static final class EngineThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "engine-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
