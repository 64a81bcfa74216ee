package dev.portcullis.flow.sources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.portcullis.database.LeaseLoop;
import dev.portcullis.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Runs the followers of the sources this instance holds. Every {@link SourceSettings#tick()} it renews its own leases
 * ({@link FlowSources#renew}) and then claims the enabled sources that no live lease holds
 * ({@link FlowSources#claimFree}, {@code FOR UPDATE SKIP LOCKED}), starts a follower for each newly held source,
 * restarts one whose settings changed or whose thread ended, and stops those it no longer holds (disabled, removed,
 * or taken over after this instance stalled past its lease). At shutdown it stops them and gives up its leases, so
 * another instance takes over at its next tick ({@link LeaseLoop}).
 */
@Component
@EnableConfigurationProperties(SourceSettings.class)
class SourceRunner extends LeaseLoop {

	private static final Logger log = LoggerFactory.getLogger(SourceRunner.class);

	private final FlowSources store;

	private final FlowIntake intake;

	private final SecretBox secrets;

	private final SourceSettings settings;

	private final Map<Long, Follower> running = new HashMap<>();

	/** The sources this round's renewal kept (the tick thread's only). */
	private List<SourceRow> renewed = List.of();

	SourceRunner(FlowSources store, FlowIntake intake, SecretBox secrets, SourceSettings settings) {
		super("flow-sources", LeaseLoop.newOwner());
		this.store = store;
		this.intake = intake;
		this.secrets = secrets;
		this.settings = settings;
	}

	@Override
	protected boolean enabled() {
		return this.settings.enabled();
	}

	@Override
	protected Duration interval() {
		return this.settings.tick();
	}

	@Override
	protected void renewOwn() {
		this.renewed = this.store.renew(owner(), this.settings.lease()).collectList().block(Follower.STORE_TIMEOUT);
	}

	/** Claims free sources, then makes the running followers match the sources held. */
	@Override
	protected void claimFree() {
		List<SourceRow> held = new ArrayList<>(this.renewed);
		held.addAll(this.store.claimFree(owner(), this.settings.lease()).collectList().block(Follower.STORE_TIMEOUT));
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
							? new RelayFollower(row, this.store, owner(), this.intake, this.secrets, this.settings)
							: new ExporterFilesFollower(row, this.store, owner(), this.intake, this.settings);
					this.running.put(row.id(), follower);
					follower.start();
				}
			}
		}
	}

	@Override
	protected void giveBack() {
		synchronized (this.running) {
			for (Map.Entry<Long, Follower> e : this.running.entrySet()) {
				e.getValue().stop();
				release(e.getKey());
			}
			this.running.clear();
		}
	}

	private void release(long id) {
		try {
			this.store.release(id, owner()).block(Follower.STORE_TIMEOUT);
		}
		catch (RuntimeException ex) {
			log.warn("flow sources: cannot release source {}: {}", id, ex.getMessage());
		}
	}

}
