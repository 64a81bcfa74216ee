package dev.portcullis.flow.query;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.database.Query;
import dev.portcullis.engine.match.Cidr;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of a {@link FlowMatcher} over the {@code flow} table (db/migrations/V012): the conditions its filter
 * columns can decide, every value bound, never written into the text. A condition the columns cannot decide
 * exactly (HTTP paths, FQDN patterns, most label selectors, event types) is left to the matcher, which checks
 * every row read anyway; the SQL then only narrows (a superset of the matches), and exclusions are only pushed down
 * when they are exact.
 */
final class FlowSql {

	/** The columns a read selects. */
	static final String COLUMNS = "time, id, node_name, flow";

	private final Query query;

	private int names;

	/** Whether the SQL decides exactly what the matcher decides (then no row read is left out by the matcher). */
	private boolean exact = true;

	private FlowSql(Query query) {
		this.query = query;
	}

	/**
	 * The newest {@code limit} rows of workspace {@code ws} that may match, older than {@code after} when given,
	 * newest first.
	 */
	static FlowSql page(long workspace, FlowMatcher matcher, @Nullable FlowCursor after, int limit) {
		if (matcher.allow().size() == 2) {
			// a both-sides flag (--namespace, --pod, --ip, ...): UNION ALL of two ordered index scans, each with the
			// limit, instead of OR (a BitmapOr and a sort of every match; docs/adr/025 measured 158 ms against 0.26)
			FlowSql sql = new FlowSql(new Query("SELECT * FROM (("));
			String first = sql.conjunction(matcher.allow().get(0));
			String second = sql.conjunction(matcher.allow().get(1));
			if (first != null && second != null) {
				sql.branch(workspace, matcher, after, limit, first);
				sql.query.append(") UNION ALL (");
				sql.branch(workspace, matcher, after, limit, second + " AND (" + first + ") IS NOT TRUE");
				sql.query.append(")) both_sides ORDER BY time DESC, id DESC LIMIT :limit");
				return sql;
			}
		}
		FlowSql sql = new FlowSql(new Query("SELECT " + COLUMNS + " FROM flow WHERE workspace_id = :ws"));
		sql.query.bind("ws", workspace);
		sql.where(matcher);
		sql.keyset(after, limit);
		return sql;
	}

	/**
	 * {@code SELECT select FROM flow} for the rows of workspace {@code ws} that may match, followed by {@code tail}
	 * (a GROUP BY or a LIMIT); {@link #exact()} says whether they are exactly the matches.
	 */
	static FlowSql select(long workspace, FlowMatcher matcher, String select, String where, String tail) {
		FlowSql sql = new FlowSql(new Query("SELECT " + select + " FROM flow WHERE workspace_id = :ws" + where));
		sql.query.bind("ws", workspace);
		sql.where(matcher);
		sql.query.append(tail);
		return sql;
	}

	/** How many rows of workspace {@code ws} may match, counting at most {@code cap} of them. */
	static FlowSql count(long workspace, FlowMatcher matcher, String where, long cap) {
		FlowSql sql = new FlowSql(new Query("SELECT count(*) AS n FROM (SELECT 1 FROM flow WHERE workspace_id = :ws"
				+ where));
		sql.query.bind("ws", workspace);
		sql.where(matcher);
		sql.query.append(" LIMIT :cap) capped").bind("cap", cap);
		return sql;
	}

	/** One branch of a UNION ALL: the common conditions, {@code alternative}, the keyset and the limit. */
	private void branch(long workspace, FlowMatcher matcher, @Nullable FlowCursor after, int limit,
			String alternative) {
		this.query.append("SELECT " + COLUMNS + " FROM flow WHERE workspace_id = :ws").bind("ws", workspace);
		common(matcher);
		this.query.append(" AND " + alternative);
		keyset(after, limit);
	}

	private void keyset(@Nullable FlowCursor after, int limit) {
		if (after != null) {
			this.query.append(" AND (time, id) < (:after_time, :after_id)")
				.bind("after_time", after.time().atOffset(ZoneOffset.UTC))
				.bind("after_id", after.id());
		}
		this.query.append(" ORDER BY time DESC, id DESC LIMIT :limit").bind("limit", limit);
	}

	/** The SQL of the conditions of one alternative that the columns can narrow, or null when none can. */
	private @Nullable String conjunction(List<Condition> conjunction) {
		List<String> parts = new ArrayList<>();
		for (Condition condition : conjunction) {
			String part = condition(condition);
			if (part != null) {
				parts.add(part);
			}
		}
		return parts.isEmpty() ? null : "(" + String.join(" AND ", parts) + ")";
	}

	/** Rows of {@code workspace} of time from {@code from} on, oldest first (for the live tail). */
	static FlowSql since(long workspace, FlowMatcher matcher, Instant from, int limit) {
		FlowSql sql = new FlowSql(new Query("SELECT " + COLUMNS + " FROM flow WHERE workspace_id = :ws"
				+ " AND time >= :from"));
		sql.query.bind("ws", workspace).bind("from", from.atOffset(ZoneOffset.UTC));
		sql.where(matcher);
		sql.query.append(" ORDER BY time, id LIMIT :limit").bind("limit", limit);
		return sql;
	}

	/**
	 * The totals of the rows of workspace {@code ws} that may match: {@code rows} (stored rows), {@code flows} (their
	 * aggregate counts summed), {@code first} and {@code last} (their times).
	 */
	static FlowSql totals(long workspace, FlowMatcher matcher) {
		FlowSql sql = new FlowSql(new Query("SELECT count(*) AS rows, coalesce(sum(count), 0) AS flows,"
				+ " min(time) AS first, max(time) AS last FROM flow WHERE workspace_id = :ws"));
		sql.query.bind("ws", workspace);
		sql.where(matcher);
		return sql;
	}

	/**
	 * The rows that may match grouped by {@code key} (SQL expressions over the flow's columns) and by one of
	 * {@code buckets} equal slices of the time from {@code first} to {@code last}: per group {@code rows},
	 * {@code flows} (aggregate counts summed), {@code first}, {@code last}, {@code sample} (the smallest id) and
	 * {@code bucket} (1-based; the last instant falls in {@code buckets + 1}).
	 */
	static FlowSql grouped(long workspace, FlowMatcher matcher, List<String> key, Instant first, Instant last,
			int buckets) {
		StringBuilder select = new StringBuilder("SELECT ");
		for (int i = 0; i < key.size(); i++) {
			select.append(key.get(i)).append(" AS k").append(i).append(", ");
		}
		select.append("width_bucket(extract(epoch FROM time), :b_first, :b_last, :b_count) AS bucket,"
				+ " count(*) AS rows, sum(count) AS flows, min(time) AS first, max(time) AS last, min(id) AS sample"
				+ " FROM flow WHERE workspace_id = :ws");
		FlowSql sql = new FlowSql(new Query(select.toString()));
		double from = first.getEpochSecond() + first.getNano() / 1e9;
		double to = last.getEpochSecond() + last.getNano() / 1e9;
		sql.query.bind("ws", workspace).bind("b_first", from).bind("b_last", Math.max(to, from + 1))
			.bind("b_count", buckets);
		sql.where(matcher);
		sql.query.append(" GROUP BY ");
		for (int i = 0; i <= key.size(); i++) {
			sql.query.append((i > 0) ? ", " : "").append(String.valueOf(i + 1));
		}
		return sql;
	}

	/** The rows of workspace {@code ws} with the ids {@code ids}, between {@code first} and {@code last}. */
	static Query samples(long workspace, Long[] ids, Instant first, Instant last) {
		return new Query("SELECT " + COLUMNS + " FROM flow WHERE workspace_id = :ws AND time >= :first"
				+ " AND time <= :last AND id = ANY(:ids)")
			.bind("ws", workspace)
			.bind("first", first.atOffset(ZoneOffset.UTC))
			.bind("last", last.atOffset(ZoneOffset.UTC))
			.bind("ids", ids);
	}

	Query query() {
		return this.query;
	}

	boolean exact() {
		return this.exact;
	}

	private void where(FlowMatcher matcher) {
		common(matcher);
		allow(matcher);
	}

	/** Time, hide-noise and the exclusions: what every alternative shares. */
	private void common(FlowMatcher matcher) {
		if (matcher.since() != null) {
			this.query.append(" AND time >= :since").bind("since", matcher.since().atOffset(ZoneOffset.UTC));
		}
		if (matcher.until() != null) {
			this.query.append(" AND time <= :until").bind("until", matcher.until().atOffset(ZoneOffset.UTC));
		}
		for (FlowFilter.Noise noise : matcher.hide().stream().sorted().toList()) {
			String label = switch (noise) {
				case HOST -> "reserved:host";
				case KUBE_DNS -> "k8s:k8s-app=kube-dns";
				case REMOTE_NODE -> "reserved:remote-node";
			};
			String sets = labelSets(List.of(bind(label)));
			this.query.append(" AND NOT (source_label_set IN " + sets + " OR destination_label_set IN " + sets + ")");
		}
		for (LabelSelectorText label : matcher.hideLabels()) {
			// only a selector the label columns decide exactly may exclude here; the matcher checks the others
			boolean before = this.exact;
			this.exact = true;
			String source = labels("source_label_set", label);
			String destination = labels("destination_label_set", label);
			if (this.exact) {
				this.query.append(" AND NOT ((" + source + ") OR (" + destination + "))");
				this.exact = before;
			}
			else {
				this.exact = false;
			}
		}
		deny(matcher);
	}

	private void allow(FlowMatcher matcher) {
		if (!matcher.allow().isEmpty()) {
			List<String> alternatives = new ArrayList<>();
			boolean everyAlternativeNarrows = true;
			for (List<Condition> conjunction : matcher.allow()) {
				List<String> parts = new ArrayList<>();
				for (Condition condition : conjunction) {
					String part = condition(condition);
					if (part != null) {
						parts.add(part);
					}
				}
				if (parts.isEmpty()) {
					everyAlternativeNarrows = false;
				}
				alternatives.add(parts.isEmpty() ? "TRUE" : String.join(" AND ", parts));
			}
			if (everyAlternativeNarrows) {
				this.query.append(" AND ((" + String.join(") OR (", alternatives) + "))");
			}
		}
	}

	private void deny(FlowMatcher matcher) {
		for (List<Condition> conjunction : matcher.deny()) {
			boolean before = this.exact;
			this.exact = true;
			List<String> parts = new ArrayList<>();
			for (Condition condition : conjunction) {
				String part = condition(condition);
				if (part != null) {
					parts.add(part);
				}
			}
			if (this.exact) {
				// IS NOT TRUE: a NULL column (a flow without a namespace) is not excluded
				this.query.append(" AND (" + String.join(" AND ", parts) + ") IS NOT TRUE");
				this.exact = before;
			}
			else {
				this.exact = false;
			}
		}
	}

	/** The SQL of one condition (its values as alternatives), or null when the columns cannot narrow it. */
	private @Nullable String condition(Condition condition) {
		List<String> alternatives = new ArrayList<>();
		for (Object value : condition.values()) {
			String part = value(condition.field(), value);
			if (part == null) {
				this.exact = false;
				return null;
			}
			alternatives.add(part);
		}
		return "(" + String.join(" OR ", alternatives) + ")";
	}

	private @Nullable String value(Condition.Field field, Object value) {
		return switch (field) {
			case SOURCE_POD -> pod("source", (Condition.PodName) value);
			case DESTINATION_POD -> pod("destination", (Condition.PodName) value);
			case SOURCE_LABEL -> labels("source_label_set", (LabelSelectorText) value);
			case DESTINATION_LABEL -> labels("destination_label_set", (LabelSelectorText) value);
			case SOURCE_IP -> "source_ip <<= CAST(:" + bind(value.toString()) + " AS inet)";
			case DESTINATION_IP -> "destination_ip <<= CAST(:" + bind(((Cidr) value).toString()) + " AS inet)";
			case SOURCE_PORT -> "source_port = :" + bind(value);
			case DESTINATION_PORT -> "destination_port = :" + bind(value);
			case PROTOCOL -> switch ((String) value) {
				case "tcp" -> "protocol = 'TCP'";
				case "udp" -> "protocol = 'UDP'";
				case "sctp" -> "protocol = 'SCTP'";
				case "icmpv4" -> "protocol = 'ICMPv4'";
				case "icmpv6" -> "protocol = 'ICMPv6'";
				case "icmp" -> "protocol IN ('ICMPv4', 'ICMPv6')";
				default -> null;
			};
			case VERDICT -> "verdict = :" + bind(value);
			case DROP_REASON_DESC -> "drop_reason_desc = :" + bind(value);
			case TRAFFIC_DIRECTION -> "traffic_direction = :" + bind(value);
			case HTTP_STATUS -> {
				Condition.StatusCode code = (Condition.StatusCode) value;
				int digits = Integer.parseInt(code.digits());
				if (!code.prefix()) {
					yield "http_status = :" + bind(digits);
				}
				int scale = (code.digits().length() == 1) ? 100 : 10;
				yield "http_status BETWEEN :" + bind(digits * scale) + " AND :" + bind(digits * scale + scale - 1);
			}
			case HTTP_METHOD -> "upper(http_method) = :" + bind(value);
			case SOURCE_FQDN, DESTINATION_FQDN, TYPE, HTTP_PATH, NODE_NAME -> null;
		};
	}

	private String pod(String side, Condition.PodName name) {
		String namespace = side + "_namespace = :" + bind(name.namespace());
		if (name.prefix().isEmpty()) {
			return namespace;
		}
		return namespace + " AND " + side + "_pod LIKE :" + bind(Query.startingWith(name.prefix()));
	}

	/**
	 * The rows whose label set ({@code column}: {@code source_label_set} or {@code destination_label_set}, ids in
	 * {@code flow_label_set}, db/migrations/V030) has every label of {@code selector} that the columns decide.
	 */
	private @Nullable String labels(String column, LabelSelectorText selector) {
		List<String> parts = new ArrayList<>();
		boolean all = true;
		for (LabelSelectorText.Requirement requirement : selector.requirements()) {
			String label = null;
			if (requirement.source() != null && requirement.operator() == LabelSelectorText.Operator.IN
					&& requirement.values().size() == 1) {
				label = requirement.source() + ":" + requirement.key() + "=" + requirement.values().iterator().next();
			}
			else if ("reserved".equals(requirement.source())
					&& requirement.operator() == LabelSelectorText.Operator.EXISTS) {
				label = "reserved:" + requirement.key();
			}
			if (label == null) {
				all = false;
				continue;
			}
			parts.add(bind(label));
		}
		if (!all) {
			this.exact = false;
		}
		return parts.isEmpty() ? "TRUE" : column + " IN " + labelSets(parts);
	}

	/** The ids of the label sets that have every label bound to {@code names}: a subquery. */
	private static String labelSets(List<String> names) {
		return "(SELECT id FROM flow_label_set WHERE labels @> ARRAY["
				+ String.join(", ", names.stream().map((name) -> "CAST(:" + name + " AS text)").toList()) + "])";
	}

	private String bind(Object value) {
		String name = "v" + this.names++;
		this.query.bind(name, value);
		return name;
	}

}
