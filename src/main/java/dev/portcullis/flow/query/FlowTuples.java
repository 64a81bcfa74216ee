package dev.portcullis.flow.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.compute.EnginePool;
import dev.portcullis.policy.Workspaces;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The stored flows of a window grouped by what the engine looks at (DESIGN.md, "Decide distinct things once"), for
 * replay and rule hits: the grouping runs in PostgreSQL, so only distinct tuples leave the database, each with its
 * counts, its first and last time, how its flows spread over the window and one sample flow, whose JSON is what the
 * engine decides for the whole tuple.
 * <p>
 * A tuple is the same source and destination (security identity, or the labels when the flow has no identity;
 * namespace, workload, cluster; the IP address too when the endpoint is not a pod, as CIDR rules look at it),
 * destination port, protocol, DNS names of both sides, reply flag, L7 type, HTTP method and URL, DNS query, and,
 * read from the JSON only for the rows that have them, the ICMP fields, other L7 requests (Kafka) and the node labels
 * of host endpoints. What the engine reads besides is taken from the sample: HTTP headers, the destination service,
 * and Portcullis's own extensions (named ports, TLS server name, service labels); docs/adr/029 says why (reading
 * them would parse every row's JSON) and what it costs. When the filter's conditions cannot all be
 * decided by the columns, the node name and the event type join the tuple, so that the filter's answer for the
 * sample is its answer for every flow of the tuple; tuples whose sample it rejects are left out.
 */
@Component
public class FlowTuples {

	/** How many slices of the window the time distribution ({@link FlowTuple#buckets()}) has. */
	public static final int BUCKETS = 24;

	// Raw columns where they can be (no per-row casts); a Cilium security identity stands for its labels, so the
	// label set (its id in flow_label_set: equal ids, equal labels) is grouped on only where the flow carries no
	// identity. Columns 6 and 7 are the workloads (read back by position).
	private static final List<String> KEY = List.of("source_identity", "destination_identity",
			"CASE WHEN source_identity IS NULL THEN source_label_set END",
			"CASE WHEN destination_identity IS NULL THEN destination_label_set END", "source_namespace",
			"destination_namespace", "source_workload", "destination_workload", "source_cluster",
			"destination_cluster", "CASE WHEN source_namespace IS NULL THEN source_ip END",
			"CASE WHEN destination_namespace IS NULL THEN destination_ip END", "destination_port", "protocol",
			"source_names", "destination_names", "is_reply", "l7_type", "http_method", "http_url", "dns_query",
			"CASE WHEN protocol IN ('ICMPv4', 'ICMPv6') THEN (CAST(flow AS json)->'l4')::text END",
			"CASE WHEN l7_type IS NOT NULL AND http_method IS NULL AND dns_query IS NULL THEN (CAST(flow AS json)->'l7')::text END",
			"CASE WHEN source_label_set IN (SELECT id FROM flow_label_set WHERE labels @> '{reserved:host}')"
					+ " OR destination_label_set IN (SELECT id FROM flow_label_set WHERE labels @> '{reserved:host}')"
					+ " THEN (CAST(flow AS json)->'node_labels')::text END");

	private static final List<String> INEXACT_KEY = List.of("node_name", "(CAST(flow AS json)->'event_type')::text");

	private final DatabaseClient db;

	private final Workspaces workspaces;

	private final EnginePool engine;

	private final JsonMapper json;

	FlowTuples(DatabaseClient db, Workspaces workspaces, EnginePool engine, JsonMapper json) {
		this.db = db;
		this.workspaces = workspaces;
		this.engine = engine;
		this.json = json;
	}

	/**
	 * One group of stored flows that the engine decides alike.
	 *
	 * @param flows how many flows the group stands for (Hubble's aggregate counts summed)
	 * @param rows how many stored rows it has
	 * @param first the time of its earliest flow
	 * @param last the time of its latest flow
	 * @param buckets flows per slice of the window ({@link Window#first()} to {@link Window#last()} in
	 *        {@link #BUCKETS} equal slices)
	 * @param sample its stored row with the smallest id
	 * @param sourceWorkload {@code namespace/workload} or {@code reserved:world}, as the flow store names it
	 * @param destinationWorkload the same for the destination
	 */
	public record FlowTuple(long flows, long rows, Instant first, Instant last, List<Long> buckets, StoredRow sample,
			String sourceWorkload, String destinationWorkload) {

		public FlowTuple {
			buckets = List.copyOf(buckets);
		}

	}

	/**
	 * The flows of a window, grouped.
	 *
	 * @param rows stored rows in the window
	 * @param flows the flows they stand for
	 * @param first the earliest flow time, null when the window is empty
	 * @param last the latest flow time, null when the window is empty
	 * @param lostEvents Hubble's lost events recorded in the minutes from {@code first} to {@code last}
	 * @param tuples the groups, by sample id
	 */
	public record Window(long rows, long flows, @Nullable Instant first, @Nullable Instant last, long lostEvents,
			List<FlowTuple> tuples) {

		public Window {
			tuples = List.copyOf(tuples);
		}

	}

	/**
	 * How many stored flows a filter may select, before they are grouped.
	 *
	 * @param rows stored rows
	 * @param flows the flows they stand for
	 * @param first the earliest flow time, null when none
	 * @param last the latest, null when none
	 */
	public record Totals(long rows, long flows, @Nullable Instant first, @Nullable Instant last) {
	}

	/** How many stored flows {@code filter} may select (the rows the grouping would read), and their time span. */
	public Mono<Totals> totals(String workspace, FlowFilter filter, Instant now) {
		FlowMatcher matcher = filter.compile(now);
		return this.workspaces.id(workspace).flatMap((ws) -> totals(ws, matcher));
	}

	private Mono<Totals> totals(long ws, FlowMatcher matcher) {
		return FlowSql.totals(ws, matcher).query().on(this.db)
			.map((row) -> new Totals(row.get("rows", Long.class), number(row, "flows"),
					instant(row, "first"), instant(row, "last")))
			.one();
	}

	/**
	 * The flows {@code filter} selects (relative times resolved against {@code now}), grouped; {@code totals} from
	 * {@link #totals} of the same filter and moment.
	 */
	public Mono<Window> window(String workspace, FlowFilter filter, Instant now, Totals totals) {
		FlowMatcher matcher = filter.compile(now);
		if (totals.rows() == 0 || totals.first() == null || totals.last() == null) {
			return Mono.just(new Window(0, 0, null, null, 0, List.of()));
		}
		return this.workspaces.id(workspace).flatMap((ws) -> {
			FlowSql probe = FlowSql.totals(ws, matcher);
			boolean exact = probe.exact();
			List<String> key = new ArrayList<>(KEY);
			if (!exact) {
				key.addAll(INEXACT_KEY);
			}
			int width = key.size();
			Mono<List<Group>> groups = FlowSql.grouped(ws, matcher, key, totals.first(), totals.last(), BUCKETS)
				.query().on(this.db)
				.map((row) -> group(row, width))
				.all()
				.collectList();
			return groups.flatMap((rows) -> this.engine.run(() -> merge(rows)))
				.flatMap((merged) -> samples(ws, merged, totals)
					.flatMap((samples) -> this.engine.run(() -> tuples(merged, samples, exact ? null : matcher))))
				.zipWith(lostEvents(ws, totals.first(), totals.last()))
				.map((both) -> {
					List<FlowTuple> tuples = both.getT1();
					long rows = tuples.stream().mapToLong(FlowTuple::rows).sum();
					long flows = tuples.stream().mapToLong(FlowTuple::flows).sum();
					return new Window(rows, flows, totals.first(), totals.last(), both.getT2(), tuples);
				});
		});
	}

	private Mono<Long> lostEvents(long ws, Instant first, Instant last) {
		return this.db.sql("SELECT coalesce(sum(count), 0) AS lost FROM flow_lost_event WHERE workspace_id = :ws"
				+ " AND minute >= date_trunc('minute', CAST(:first AS timestamptz)) AND minute <= :last")
			.bind("ws", ws)
			.bind("first", first.atOffset(java.time.ZoneOffset.UTC))
			.bind("last", last.atOffset(java.time.ZoneOffset.UTC))
			.map((row) -> number(row, "lost"))
			.one();
	}

	/** One row of the grouping: the key's values, the slice and the counts. */
	private record Group(List<@Nullable Object> key, int bucket, long rows, long flows, Instant first, Instant last,
			long sample, @Nullable String sourceWorkload, @Nullable String destinationWorkload) {
	}

	/** A tuple before its sample is read. */
	private static final class Merged {

		final long[] buckets = new long[BUCKETS];

		long rows;

		long flows;

		Instant first;

		Instant last;

		long sample;

		final @Nullable String sourceWorkload;

		final @Nullable String destinationWorkload;

		Merged(Group group) {
			this.first = group.first();
			this.last = group.last();
			this.sample = group.sample();
			this.sourceWorkload = group.sourceWorkload();
			this.destinationWorkload = group.destinationWorkload();
		}

		void add(Group group) {
			// the last instant of the window falls in slice BUCKETS + 1: it belongs to the last slice
			int slice = Math.max(1, Math.min(BUCKETS, group.bucket())) - 1;
			this.buckets[slice] += group.flows();
			this.rows += group.rows();
			this.flows += group.flows();
			this.first = group.first().isBefore(this.first) ? group.first() : this.first;
			this.last = group.last().isAfter(this.last) ? group.last() : this.last;
			this.sample = Math.min(this.sample, group.sample());
		}

	}

	private static Group group(Readable row, int width) {
		List<@Nullable Object> key = new ArrayList<>(width);
		for (int i = 0; i < width; i++) {
			Object value = row.get("k" + i);
			// arrays compare by identity: as lists they compare by content
			key.add((value instanceof Object[] array) ? java.util.Arrays.asList(array) : value);
		}
		Integer bucket = row.get("bucket", Integer.class);
		return new Group(key, (bucket != null) ? bucket : 1, row.get("rows", Long.class), number(row, "flows"),
				instant(row, "first"), instant(row, "last"), row.get("sample", Long.class), (String) key.get(6), (String) key.get(7));
	}

	private static List<Merged> merge(List<Group> groups) {
		Map<List<@Nullable Object>, Merged> merged = new HashMap<>();
		for (Group group : groups) {
			merged.computeIfAbsent(group.key(), (k) -> new Merged(group)).add(group);
		}
		List<Merged> all = new ArrayList<>(merged.values());
		all.sort(Comparator.comparingLong((Merged m) -> m.sample));
		return all;
	}

	private Mono<Map<Long, StoredRow>> samples(long ws, List<Merged> merged, Totals totals) {
		Long[] ids = merged.stream().map((m) -> m.sample).toArray(Long[]::new);
		return FlowSql.samples(ws, ids, totals.first(), totals.last()).on(this.db)
			.map((row) -> new FlowReads.Raw(instant(row, "time"), row.get("id", Long.class),
					row.get("node_name", String.class), row.get("flow", String.class)))
			.all()
			.collectList()
			.flatMap((raws) -> this.engine.run(() -> {
				Map<Long, StoredRow> rows = new LinkedHashMap<>();
				for (FlowReads.Raw raw : raws) {
					rows.put(raw.id(), new StoredRow(raw.time(), raw.id(), raw.nodeName(), raw.json(),
							FlowFacts.of(this.json.readTree(raw.json()))));
				}
				return rows;
			}));
	}

	private static List<FlowTuple> tuples(List<Merged> merged, Map<Long, StoredRow> samples,
			@Nullable FlowMatcher matcher) {
		List<FlowTuple> tuples = new ArrayList<>(merged.size());
		for (Merged m : merged) {
			StoredRow sample = samples.get(m.sample);
			if (sample == null || (matcher != null && !matcher.matches(sample.facts(), null))) {
				continue;
			}
			List<Long> buckets = new ArrayList<>(BUCKETS);
			for (long b : m.buckets) {
				buckets.add(b);
			}
			tuples.add(new FlowTuple(m.flows, m.rows, m.first, m.last, buckets, sample,
					(m.sourceWorkload != null) ? m.sourceWorkload : "unknown",
					(m.destinationWorkload != null) ? m.destinationWorkload : "unknown"));
		}
		return tuples;
	}

	private static long number(Readable row, String column) {
		Number value = row.get(column, Number.class);
		return (value != null) ? value.longValue() : 0;
	}

	private static @Nullable Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
