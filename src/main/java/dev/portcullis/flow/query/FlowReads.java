package dev.portcullis.flow.query;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.policy.Workspaces;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads stored flows through a {@link FlowFilter}: pages newest first in keyset order ({@link #page}), every match
 * for exports ({@link #all}) and the live tail ({@link #follow}). The database narrows with the filter's SQL
 * ({@link FlowSql}); every row read is then checked by the compiled filter on the engine pool, so the answer has
 * exactly the CLI's semantics whatever the columns can express. A page reads at most {@link #MAX_SCAN} rows: when
 * few rows match, it may hold fewer flows than asked for and still have a next cursor.
 */
@Component
public class FlowReads {

	/** The most rows one page reads before it answers with what it found. */
	static final int MAX_SCAN = 20_000;

	/** How often the live tail looks for new flows. */
	static final Duration POLL = Duration.ofMillis(250);

	/** How far back the live tail looks for flows that arrive late (their time before the newest seen). */
	static final Duration LATE = Duration.ofSeconds(30);

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final EnginePool engine;

	private final JsonMapper json;

	FlowReads(DatabaseClient db, Workspaces workspaces, EnginePool engine, JsonMapper json) {
		this.db = db;
		this.workspaces = workspaces;
		this.engine = engine;
		this.json = json;
	}

	/**
	 * A page of flows.
	 * @param flows the matches, newest first
	 * @param next where the next page starts, or null when there are no older rows
	 */
	public record Page(List<StoredRow> flows, @Nullable FlowCursor next) {
	}

	/** Up to {@code limit} matches older than {@code after} (or the newest), newest first. */
	public Mono<Page> page(String workspace, FlowFilter filter, @Nullable FlowCursor after, int limit) {
		FlowMatcher matcher = filter.compile(Instant.now());
		return this.workspaces.id(workspace).flatMap((ws) -> page(ws, matcher, after, limit, new ArrayList<>(), 0));
	}

	private Mono<Page> page(long ws, FlowMatcher matcher, @Nullable FlowCursor after, int limit,
			List<StoredRow> found, int scanned) {
		int want = limit - found.size();
		FlowSql probe = FlowSql.page(ws, matcher, after, 1);
		int batch = probe.exact() ? want + 1 : Math.min(MAX_SCAN - scanned, Math.max(200, want * 8));
		FlowSql sql = FlowSql.page(ws, matcher, after, batch);
		return sql.query().on(this.db).map(this::raw).all().collectList()
			.flatMap((rows) -> this.engine.run(() -> read(rows)))
			.flatMap((rows) -> {
				StoredRow last = null;
				for (StoredRow row : rows) {
					if (found.size() == limit) {
						// one more match exists (the exact SQL read limit + 1): the page ends at the previous row
						return Mono.just(new Page(List.copyOf(found), found.get(found.size() - 1).cursor()));
					}
					last = row;
					if (matcher.matches(row.facts(), row.time())) {
						found.add(row);
					}
				}
				if (rows.size() < batch) {
					return Mono.just(new Page(List.copyOf(found), null));
				}
				int total = scanned + rows.size();
				if (found.size() == limit || total >= MAX_SCAN) {
					return Mono.just(new Page(List.copyOf(found), last.cursor()));
				}
				return page(ws, matcher, last.cursor(), limit, found, total);
			});
	}

	/** Every match, newest first, read a batch at a time (for exports). */
	public Flux<StoredRow> all(String workspace, FlowFilter filter) {
		FlowMatcher matcher = filter.compile(Instant.now());
		return this.workspaces.id(workspace).flatMapMany((ws) -> batches(ws, matcher, null));
	}

	private Flux<StoredRow> batches(long ws, FlowMatcher matcher, @Nullable FlowCursor after) {
		int batch = 1000;
		return FlowSql.page(ws, matcher, after, batch).query().on(this.db).map(this::raw).all().collectList()
			.flatMap((rows) -> this.engine.run(() -> read(rows)))
			.flatMapMany((rows) -> {
				Flux<StoredRow> matches = Flux.fromIterable(rows)
					.filter((row) -> matcher.matches(row.facts(), row.time()));
				if (rows.size() < batch) {
					return matches;
				}
				return matches.concatWith(Flux.defer(() -> batches(ws, matcher, rows.get(rows.size() - 1).cursor())));
			});
	}

	/**
	 * The matches stored from now on, oldest first, as they arrive: the table is polled every {@link #POLL} for rows
	 * whose time is at most {@link #LATE} older than the newest seen (or than the start), each shown once. Flows
	 * imported with older times (uploads of old exports) are history, not live traffic, and are not tailed.
	 */
	public Flux<StoredRow> follow(String workspace, FlowFilter filter) {
		return this.workspaces.id(workspace).flatMapMany((ws) -> {
			Tail tail = new Tail(Instant.now().minus(LATE));
			return Flux.interval(Duration.ZERO, POLL)
				.onBackpressureDrop()
				.concatMap((tick) -> poll(ws, filter, tail), 1);
		});
	}

	private Flux<StoredRow> poll(long ws, FlowFilter filter, Tail tail) {
		Instant now = Instant.now();
		FlowMatcher matcher = filter.compile(now);
		Instant from = tail.newest.minus(LATE);
		return FlowSql.since(ws, matcher, from, 5000).query().on(this.db).map(this::raw)
			.all().collectList()
			.flatMap((rows) -> this.engine.run(() -> read(rows)))
			.flatMapMany((rows) -> {
				List<StoredRow> fresh = new ArrayList<>();
				for (StoredRow row : rows) {
					if (tail.seen.add(row.id()) && matcher.matches(row.facts(), null)) {
						fresh.add(row);
					}
					if (row.time().isAfter(tail.newest)) {
						tail.newest = row.time();
					}
				}
				Instant keep = tail.newest.minus(LATE).minus(LATE);
				tail.times.removeIf((seen) -> seen.time().isBefore(keep) && tail.seen.remove(seen.id()));
				for (StoredRow row : rows) {
					tail.times.add(new Seen(row.id(), row.time()));
				}
				return Flux.fromIterable(fresh);
			});
	}

	/** The state of one live tail: the newest flow time seen and the rows already sent. */
	private static final class Tail {

		Instant newest;

		final Set<Long> seen = new HashSet<>();

		final List<Seen> times = new ArrayList<>();

		Tail(Instant start) {
			this.newest = start;
		}

	}

	private record Seen(long id, Instant time) {
	}

	/** A row before its JSON is read. */
	record Raw(Instant time, long id, @Nullable String nodeName, String json) {
	}

	private Raw raw(Readable row) {
		return new Raw(row.get("time", OffsetDateTime.class).toInstant(), row.get("id", Long.class),
				row.get("node_name", String.class), row.get("flow", String.class));
	}

	private List<StoredRow> read(List<Raw> rows) {
		List<StoredRow> read = new ArrayList<>(rows.size());
		for (Raw row : rows) {
			read.add(new StoredRow(row.time(), row.id(), row.nodeName(), row.json(),
					FlowFacts.of(this.json.readTree(row.json()))));
		}
		return read;
	}

	/** The row at {@code cursor}'s position (its time and id), if it is stored. */
	public Mono<StoredRow> one(String workspace, FlowCursor cursor) {
		return this.workspaces.id(workspace).flatMap((ws) -> this.db
			.sql("SELECT " + FlowSql.COLUMNS + " FROM flow WHERE workspace_id = :ws AND time = :time AND id = :id")
			.bind("ws", ws)
			.bind("time", cursor.time().atOffset(java.time.ZoneOffset.UTC))
			.bind("id", cursor.id())
			.map(this::raw)
			.all()
			.collectList()
			.flatMap((rows) -> this.engine.run(() -> read(rows)))
			.flatMap((rows) -> rows.isEmpty() ? Mono.empty() : Mono.just(rows.get(0))));
	}

}
