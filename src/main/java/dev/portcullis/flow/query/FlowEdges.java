package dev.portcullis.flow.query;

import java.time.Instant;
import java.time.ZoneOffset;

import dev.portcullis.policy.Workspaces;
import reactor.core.publisher.Flux;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The service map's edges: the per-minute rollups ({@code flow_edge_minute}) of a window summed per source
 * workload, destination workload, port, protocol and verdict, the busiest first.
 */
@Component
public class FlowEdges {

	private final DatabaseClient db;

	private final Workspaces workspaces;

	FlowEdges(DatabaseClient db, Workspaces workspaces) {
		this.db = db;
		this.workspaces = workspaces;
	}

	/**
	 * One edge.
	 *
	 * @param source the source workload ({@code namespace/workload} or {@code reserved:world})
	 * @param destination the destination workload
	 * @param port the destination port, 0 when the flows had none
	 * @param protocol TCP, UDP, ..., "" when the flows had none
	 * @param verdict FORWARDED, DROPPED, ...
	 * @param count how many flows (Hubble's aggregate counts included)
	 */
	public record Edge(String source, String destination, int port, String protocol, String verdict, long count) {
	}

	/** The edges of minutes from {@code since} (inclusive) to {@code until} (exclusive), at most {@code limit}. */
	public Flux<Edge> between(String workspace, Instant since, Instant until, int limit) {
		return this.workspaces.id(workspace).flatMapMany((ws) -> this.db
			// rollups written before a nameless pod was named after its labels hold "namespace/": shown as
			// "namespace/(unknown workload)" (flow.Workloads)
			.sql("SELECT " + named("source_workload") + " AS source_workload, " + named("destination_workload")
					+ " AS destination_workload, destination_port, protocol, verdict, sum(count) AS n"
					+ " FROM flow_edge_minute WHERE workspace_id = :ws AND minute >= :since AND minute < :until"
					+ " GROUP BY 1, 2, 3, 4, 5 ORDER BY n DESC, 1, 2, 3, 4, 5 LIMIT :limit")
			.bind("ws", ws)
			.bind("since", since.atOffset(ZoneOffset.UTC))
			.bind("until", until.atOffset(ZoneOffset.UTC))
			.bind("limit", limit)
			.map((row) -> new Edge(row.get("source_workload", String.class), row.get("destination_workload", String.class),
					row.get("destination_port", Integer.class), row.get("protocol", String.class),
					row.get("verdict", String.class), ((Number) row.get("n")).longValue()))
			.all());
	}

	private static String named(String column) {
		return "CASE WHEN " + column + " LIKE '%/' THEN " + column + " || '(unknown workload)' ELSE " + column + " END";
	}

}
