package dev.portcullis.publish;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The target adapters by type, and the bounded executor their blocking calls run on (never the event loop): a
 * target check on save, a plan, an apply, a drift read. At most {@code portcullis.publish.threads} + 2 calls run at
 * once; more wait in a queue of 100, beyond which a call is refused in words.
 */
@Component
class Adapters implements DisposableBean {

	private final Map<String, TargetAdapter> byType = new TreeMap<>();

	private final ExecutorService executor;

	private final Scheduler scheduler;

	Adapters(List<TargetAdapter> adapters, PublishSettings settings) {
		for (TargetAdapter adapter : adapters) {
			this.byType.put(adapter.type(), adapter);
		}
		AtomicInteger count = new AtomicInteger();
		int threads = settings.threads() + 2;
		this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100),
				(r) -> {
					Thread t = new Thread(r, "publish-" + count.incrementAndGet());
					t.setDaemon(true);
					return t;
				});
		this.scheduler = Schedulers.fromExecutorService(this.executor, "publish");
	}

	/** The adapter for {@code type}, or a {@link PublishFailure} saying this server cannot publish there. */
	TargetAdapter of(String type) {
		TargetAdapter adapter = this.byType.get(type);
		if (adapter == null) {
			throw new PublishFailure("This server has no adapter for " + type + " targets.");
		}
		return adapter;
	}

	/** The types this server can publish to. */
	java.util.Set<String> types() {
		return this.byType.keySet();
	}

	/** {@code call} on the adapters' executor. */
	<T> Mono<T> run(Callable<T> call) {
		return Mono.fromCallable(call).subscribeOn(this.scheduler);
	}

	@Override
	public void destroy() {
		this.scheduler.dispose();
		this.executor.shutdownNow();
	}

}
