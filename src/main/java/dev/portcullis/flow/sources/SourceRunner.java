package dev.portcullis.flow.sources;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.portcullis.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the followers of the sources this instance holds. Every {@link SourceSettings#tick()} it claims the enabled
 * sources that no live lease holds and renews its own ({@link FlowSources#claim}, {@code FOR UPDATE SKIP LOCKED}),
 * starts a follower for each newly held source, restarts one whose settings changed or whose thread ended, and stops
 * those it no longer holds (disabled, removed, or taken over after this instance stalled past its lease). At
 * shutdown it stops them and gives up its leases, so another instance takes over at its next tick.
 */
@Component
@EnableConfigurationProperties(SourceSettings.class)
class SourceRunner implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);

	private final FlowSources store;

	private final FlowIntake intake;

	private final SecretBox secrets;

	private final SourceSettings settings;

	/** This instance's name in {@code flow_source.lease_owner}: host and a per-start random suffix. */
	private final String owner;

	private final Map<Long, Follower> running = new HashMap<>();

	private volatile ScheduledExecutorService ticks;

	SourceRunner(FlowSources store, FlowIntake intake, SecretBox secrets, SourceSettings settings) {
		this.store = store;
		this.intake = intake;
		this.secrets = secrets;
		this.settings = settings;
		this.owner = host() + "/" + UUID.randomUUID().toString().substring(0, 8);
	}

	String owner() {
		return this.owner;
	}

	@Override
	public void start() {
		if (!this.settings.enabled()) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "flow-sources");
			t.setDaemon(true);
			return t;
		});
		long tick = this.settings.tick().toMillis();
		executor.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
		this.ticks = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.ticks;
		if (executor == null) {
			return;
		}
		executor.shutdownNow();
		try {
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this.running) {
			for (Map.Entry<Long, Follower> e : this.running.entrySet()) {
				e.getValue().stop();
				release(e.getKey());
			}
			this.running.clear();
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

	/** One round: claim and renew, then make the running followers match the sources held. */
	void tick() {
		try {
			List<SourceRow> held = this.store.claim(this.owner, this.settings.lease()).collectList()
				.block(Follower.STORE_TIMEOUT);
			Map<Long, SourceRow> byId = new HashMap<>();
			for (SourceRow row : held) {
				byId.put(row.id(), row);
			}
			synchronized (this.running) {
				for (Iterator<Map.Entry<Long, Follower>> it = this.running.entrySet().iterator(); it.hasNext();) {
					Map.Entry<Long, Follower> e = it.next();
					SourceRow now = byId.get(e.getKey());
					Follower follower = e.getValue();
					if (now == null || now.configVersion() != follower.source.configVersion() || !follower.alive()) {
						follower.stop();
						it.remove();
						if (now == null) {
							release(e.getKey());
						}
					}
				}
				for (SourceRow row : held) {
					if (!this.running.containsKey(row.id()) && !Thread.currentThread().isInterrupted()) {
						Follower follower = (row.kind() == SourceRow.Kind.RELAY)
								? new RelayFollower(row, this.store, this.owner, this.intake, this.secrets, this.settings)
								: new ExporterFilesFollower(row, this.store, this.owner, this.intake, this.settings);
						this.running.put(row.id(), follower);
						follower.start();
					}
				}
			}
		}
		catch (RuntimeException ex) {
			// the database may be briefly away; the next tick tries again (leases outlive a few ticks)
			log.warn("flow sources: cannot claim or renew leases: {}", ex.getMessage());
		}
	}

	private void release(long id) {
		try {
			this.store.release(id, this.owner).block(Follower.STORE_TIMEOUT);
		}
		catch (RuntimeException ex) {
			log.warn("flow sources: cannot release source {}: {}", id, ex.getMessage());
		}
	}

	private static String host() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (java.io.IOException ex) {
			return "portcullis";
		}
	}

}
