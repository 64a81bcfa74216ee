package dev.portcullis.flow;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps the flow log's partitions: every {@link FlowSettings#retentionInterval()} (and once at start) it makes the
 * day partitions of today and the next two days for every workspace that has flows, and drops the partitions whose
 * time is up: a raw-flow partition once both its day and its last write are older than the workspace's raw retention
 * ({@code flow_retention.raw_days}, default {@link FlowSettings#rawDays()}), an edge-rollup partition likewise with
 * the rollup retention. A partition is detached {@code CONCURRENTLY} first, so that neither a running upload nor a
 * query waits for the drop. Lost events live exactly as long as the flows of their day: they are deleted with
 * their day's raw-flow partition, so an old export's gaps stay visible for as long as its flows do; lost events of a
 * day that has no raw-flow partition (no flows kept that day) are deleted once their minute is older than the raw
 * retention.
 */
@Component
class FlowRetention implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(FlowRetention.class);

	private final DatabaseClient db;

	private final FlowIngest ingest;

	private final FlowSettings settings;

	private @Nullable Disposable schedule;

	FlowRetention(DatabaseClient db, FlowIngest ingest) {
		this.db = db;
		this.ingest = ingest;
		this.settings = ingest.settings();
	}

	/** What one run did. */
	record Result(int ensured, int dropped) {
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		this.schedule = Flux.interval(java.time.Duration.ZERO, this.settings.retentionInterval())
			.onBackpressureDrop()
			.concatMap((tick) -> run(Instant.now()).onErrorResume((ex) -> {
				log.warn("Flow retention failed; it runs again in {}", this.settings.retentionInterval(), ex);
				return Mono.empty();
			}), 1)
			.subscribe();
	}

	@Override
	public void destroy() {
		if (this.schedule != null) {
			this.schedule.dispose();
		}
	}

	/** Makes the coming days' partitions and drops the expired ones, as of {@code now}. */
	Mono<Result> run(Instant now) {
		LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
		Mono<Integer> ensured = this.db.sql("SELECT DISTINCT workspace_id FROM flow_partition")
			.map((row) -> row.get(0, Long.class))
			.all()
			.concatMap((ws) -> Flux.range(0, 3).concatMap((d) -> this.ingest.ensurePartitions(ws, today.plusDays(d))))
			.count()
			.map(Long::intValue);
		Mono<Integer> dropped = this.db
			.sql("SELECT p.workspace_id, p.kind, p.day, p.table_name FROM flow_partition p "
					+ "LEFT JOIN flow_retention r ON r.workspace_id = p.workspace_id "
					+ "WHERE greatest(((p.day + 1)::timestamp AT TIME ZONE 'UTC'), p.written_at) < :now - "
					+ "make_interval(days => CASE p.kind WHEN 'flow' THEN coalesce(r.raw_days, :raw) "
					+ "ELSE coalesce(r.rollup_days, :rollup) END) ORDER BY p.day")
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.bind("raw", this.settings.rawDays())
			.bind("rollup", this.settings.rollupDays())
			.map((row) -> new Expired(row.get("workspace_id", Long.class), row.get("kind", String.class),
					row.get("day", LocalDate.class), row.get("table_name", String.class)))
			.all()
			.collectList()
			.flatMapMany(Flux::fromIterable)
			.concatMap(this::drop)
			.count()
			.map(Long::intValue);
		Mono<Void> lost = this.db
			.sql("DELETE FROM flow_lost_event e USING (SELECT w.id, coalesce(r.raw_days, :raw) AS days FROM workspace w "
					+ "LEFT JOIN flow_retention r ON r.workspace_id = w.id) k WHERE e.workspace_id = k.id "
					+ "AND e.minute < :now - make_interval(days => k.days) AND NOT EXISTS (SELECT 1 FROM flow_partition p "
					+ "WHERE p.workspace_id = e.workspace_id AND p.kind = 'flow' "
					+ "AND p.day = (e.minute AT TIME ZONE 'UTC')::date)")
			.bind("now", now.atOffset(ZoneOffset.UTC))
			.bind("raw", this.settings.rawDays())
			.then();
		return ensured.zipWith(dropped, Result::new).flatMap((result) -> lost.thenReturn(result));
	}

	record Expired(long workspaceId, String kind, LocalDate day, String table) {

		String parent() {
			return (this.kind.equals("flow") ? "flow_w" : "flow_edge_minute_w") + this.workspaceId;
		}

	}

	private Mono<Integer> drop(Expired expired) {
		String parent = quote(expired.parent());
		String table = quote(expired.table());
		Mono<Void> detach = this.db.sql("ALTER TABLE " + parent + " DETACH PARTITION " + table + " CONCURRENTLY")
			.then()
			.onErrorResume((ex) -> this.db.sql("ALTER TABLE " + parent + " DETACH PARTITION " + table + " FINALIZE")
				.then()
				.onErrorResume((again) -> Mono.empty()));
		Mono<Void> lost = !expired.kind().equals("flow") ? Mono.empty()
				: this.db.sql("DELETE FROM flow_lost_event WHERE workspace_id = :ws AND minute >= :from AND minute < :to")
					.bind("ws", expired.workspaceId())
					.bind("from", expired.day().atStartOfDay().atOffset(ZoneOffset.UTC))
					.bind("to", expired.day().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC))
					.then();
		return detach.then(this.db.sql("DROP TABLE IF EXISTS " + table).then())
			.then(lost)
			.then(this.db.sql("DELETE FROM flow_partition WHERE workspace_id = :ws AND kind = :kind AND day = :day")
				.bind("ws", expired.workspaceId())
				.bind("kind", expired.kind())
				.bind("day", expired.day())
				.then())
			.doOnSuccess((done) -> log.info("Flow retention dropped {}", expired.table()))
			.thenReturn(1);
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

}
