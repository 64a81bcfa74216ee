package dev.portcullis.flow.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import dev.portcullis.policy.Workspaces;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The gaps in a workspace's flows: Hubble's lost events (ring buffer overflows and the like), which ingest keeps per
 * node and minute. A view of flows from {@code oldest} to {@code newest} is complete only where no event was lost in
 * those minutes; {@link #between} says which nodes lost how many and when, so the page can say so.
 */
@Component
public class FlowGaps {

	/**
	 * Events one node lost in a window.
	 *
	 * @param node the node's name as Hubble gave it
	 * @param lost how many events it lost
	 * @param first the first minute with a loss
	 * @param last the last minute with a loss
	 */
	public record Gap(String node, long lost, Instant first, Instant last) {
	}

	private final DatabaseClient db;

	private final Workspaces workspaces;

	FlowGaps(DatabaseClient db, Workspaces workspaces) {
		this.db = db;
		this.workspaces = workspaces;
	}

	/**
	 * The nodes that lost events in the minutes from {@code oldest} to {@code newest} (both included), by node name;
	 * empty when none did.
	 */
	public Mono<List<Gap>> between(String workspace, Instant oldest, Instant newest) {
		return this.workspaces.id(workspace)
			.flatMap((ws) -> this.db.sql("SELECT node_name, sum(count) AS lost, min(minute) AS first, max(minute) AS last"
					+ " FROM flow_lost_event WHERE workspace_id = :ws"
					+ " AND minute >= date_trunc('minute', CAST(:oldest AS timestamptz)) AND minute <= :newest"
					+ " GROUP BY node_name HAVING sum(count) > 0 ORDER BY node_name")
				.bind("ws", ws)
				.bind("oldest", oldest.atOffset(ZoneOffset.UTC))
				.bind("newest", newest.atOffset(ZoneOffset.UTC))
				.map((row) -> new Gap(row.get("node_name", String.class), row.get("lost", Number.class).longValue(),
						row.get("first", OffsetDateTime.class).toInstant(),
						row.get("last", OffsetDateTime.class).toInstant()))
				.all()
				.collectList());
	}

}
