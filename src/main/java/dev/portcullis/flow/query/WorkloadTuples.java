package dev.portcullis.flow.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.ApiProblem;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The flows of a {@link FlowFilter}'s window grouped in the database by what policy looks at: both endpoints
 * (namespace, workload, labels; the address and DNS names only for endpoints outside the cluster), protocol,
 * destination port, ICMP type (0 when Hubble omits it, as proto3 JSON does for zero), verdict, {@code is_reply} and the L7 request (HTTP method and URL with the HTTP protocol, DNS query,
 * Kafka API key and topic), each group with its flow count (Hubble's aggregate counts summed) and first and last
 * time. Replies ({@code is_reply}, and L7 responses without it, as the flow reader reads them) are left out: policy
 * never decides them. A million flows become the few thousand distinct things a recommender or a replay decides,
 * without a row of them in memory (DESIGN.md, "Decide distinct things once").
 */
@Component
public class WorkloadTuples {

	private static final String SELECT = """
			source_namespace, source_workload, source_label_set,
			CASE WHEN source_namespace IS NULL THEN host(source_ip) END AS source_address,
			destination_namespace, destination_workload, destination_label_set,
			CASE WHEN destination_namespace IS NULL THEN host(destination_ip) END AS destination_address,
			CASE WHEN destination_namespace IS NULL THEN destination_names END AS names,
			protocol, coalesce(destination_port, 0) AS port,
			CASE WHEN protocol = 'ICMPv4' THEN coalesce(CAST(flow AS json)->'l4'->'ICMPv4'->>'type', '0')
			     WHEN protocol = 'ICMPv6' THEN coalesce(CAST(flow AS json)->'l4'->'ICMPv6'->>'type', '0') END AS icmp_type,
			verdict, is_reply,
			CASE WHEN l7_type = 'REQUEST' THEN http_method END AS http_method,
			CASE WHEN l7_type = 'REQUEST' THEN http_url END AS http_url,
			CASE WHEN l7_type = 'REQUEST' AND http_method IS NOT NULL THEN CAST(flow AS json)->'l7'->'http'->>'protocol'
			     END AS http_protocol,
			CASE WHEN l7_type = 'REQUEST' THEN dns_query END AS dns_query,
			CASE WHEN l7_type = 'REQUEST' AND http_method IS NULL AND dns_query IS NULL
			     THEN CAST(flow AS json)->'l7'->'kafka'->>'api_key' END AS kafka_api_key,
			CASE WHEN l7_type = 'REQUEST' AND http_method IS NULL AND dns_query IS NULL
			     THEN CAST(flow AS json)->'l7'->'kafka'->>'topic' END AS kafka_topic""";

	private static final String GROUPED = ", sum(count) AS flows, min(time) AS first, max(time) AS last";

	private static final String NOT_REPLY = " AND is_reply IS NOT TRUE AND (is_reply IS NOT NULL OR l7_type IS DISTINCT"
			+ " FROM 'RESPONSE')";

	private final DatabaseClient db;

	private final Workspaces workspaces;

	WorkloadTuples(DatabaseClient db, Workspaces workspaces) {
		this.db = db;
		this.workspaces = workspaces;
	}

	/**
	 * One side of a tuple.
	 *
	 * @param namespace the pod's namespace, null outside the cluster
	 * @param workload {@code namespace/workload} or {@code reserved:...} (db/migrations/V012)
	 * @param labels the endpoint's labels as Hubble gave them, sorted
	 * @param address the IP address, only for an endpoint without a namespace
	 */
	public record Side(@Nullable String namespace, String workload, List<String> labels, @Nullable String address) {

		public Side {
			labels = List.copyOf(labels);
		}

	}

	/**
	 * A group of flows that policy cannot tell apart.
	 *
	 * @param source the sending endpoint
	 * @param destination the receiving endpoint
	 * @param names the DNS names Cilium had learned for a destination outside the cluster, sorted
	 * @param protocol TCP, UDP, SCTP, ICMPv4, ICMPv6, ... ("" when unknown)
	 * @param port the destination port (0 when none)
	 * @param icmpType the ICMP type, -1 when not ICMP
	 * @param verdict FORWARDED, DROPPED, ...
	 * @param reply false when Hubble said the flow is no reply, null when it did not say (replies are left out)
	 * @param httpMethod the HTTP request's method, or null
	 * @param httpUrl the HTTP request's URL as Hubble printed it, or null
	 * @param httpProtocol {@code HTTP/1.1}, {@code HTTP/2}, ..., or null
	 * @param dnsQuery the DNS request's query name, or null
	 * @param kafkaApiKey the Kafka request's API key name, or null
	 * @param kafkaTopic the Kafka request's topic, or null
	 * @param flows how many flows
	 * @param first the earliest flow's time
	 * @param last the latest flow's time
	 */
	public record Tuple(Side source, Side destination, List<String> names, String protocol, int port, int icmpType,
			String verdict, @Nullable Boolean reply, @Nullable String httpMethod, @Nullable String httpUrl, @Nullable String httpProtocol,
			@Nullable String dnsQuery, @Nullable String kafkaApiKey, @Nullable String kafkaTopic, long flows,
			Instant first, Instant last) {

		public Tuple {
			names = List.copyOf(names);
		}

	}

	/**
	 * The tuples of the window, or a problem ({@code /problems/window-too-large}) naming {@code limit} and the
	 * count when more than {@code limit} stored flows (rows, before their aggregate counts) fall in it. A filter that
	 * the database cannot decide exactly (HTTP paths, FQDN patterns, node names, label selectors other than
	 * {@code source:key=value}) is refused with 400 {@code /problems/invalid-filter}: its flows would have to be read
	 * one by one.
	 */
	public Mono<List<Tuple>> group(String workspace, FlowFilter filter, long limit) {
		FlowMatcher matcher = filter.compile(Instant.now());
		return this.workspaces.id(workspace).flatMap((ws) -> {
			FlowSql count = FlowSql.count(ws, matcher, NOT_REPLY, limit + 1);
			if (!count.exact()) {
				return Mono.error(FlowApiController.refused(new FilterRefused("q", 0, "This filter needs every flow"
						+ " read one by one (an HTTP path, an FQDN pattern, a node name or a label selector other"
						+ " than source:key=value); choose flows by namespace, pod, label source:key=value, port,"
						+ " protocol, verdict or time instead")));
			}
			return count.query().on(this.db)
				.map((row) -> ((Number) row.get("n")).longValue())
				.one()
				.flatMap((rows) -> {
					if (rows > limit) {
						return Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "window-too-large",
								"Window too large", "More than " + limit + " flows fall in this window (the limit,"
										+ " portcullis.recommend.max-flows); choose a narrower window: a shorter time"
										+ " range, a namespace or a pod.")
							.property("limit", limit)
							.property("count", rows));
					}
					FlowSql sql = FlowSql.select(ws, matcher, SELECT + GROUPED, NOT_REPLY,
							" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20");
					return sql.query().on(this.db)
						.map((row) -> new Unlabelled(tuple(row), row.get("source_label_set", Long.class),
								row.get("destination_label_set", Long.class)))
						.all()
						.collectList()
						.flatMap(this::labelled);
				});
		});
	}

	/** A tuple whose sides' labels are still the ids of their sets in {@code flow_label_set}. */
	private record Unlabelled(Tuple tuple, long sourceLabels, long destinationLabels) {
	}

	/** The tuples with their sides' labels read from {@code flow_label_set} (one query for all the sets). */
	private Mono<List<Tuple>> labelled(List<Unlabelled> tuples) {
		Set<Long> ids = new HashSet<>();
		for (Unlabelled t : tuples) {
			ids.add(t.sourceLabels());
			ids.add(t.destinationLabels());
		}
		if (ids.isEmpty()) {
			return Mono.just(List.of());
		}
		return this.db.sql("SELECT id, labels FROM flow_label_set WHERE id = ANY(:ids)")
			.bind("ids", ids.toArray(Long[]::new))
			.map((row) -> Map.entry(row.get("id", Long.class), sorted(row.get("labels", String[].class))))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.map((labels) -> tuples.stream()
				.map((t) -> withLabels(t.tuple(), labels.get(t.sourceLabels()), labels.get(t.destinationLabels())))
				.toList());
	}

	private static Tuple withLabels(Tuple t, @Nullable List<String> source, @Nullable List<String> destination) {
		if (source == null || destination == null) {
			throw new IllegalStateException("a flow refers to a label set that flow_label_set does not have");
		}
		return new Tuple(new Side(t.source().namespace(), t.source().workload(), source, t.source().address()),
				new Side(t.destination().namespace(), t.destination().workload(), destination,
						t.destination().address()),
				t.names(), t.protocol(), t.port(), t.icmpType(), t.verdict(), t.reply(), t.httpMethod(), t.httpUrl(),
				t.httpProtocol(), t.dnsQuery(), t.kafkaApiKey(), t.kafkaTopic(), t.flows(), t.first(), t.last());
	}

	private static Tuple tuple(Readable row) {
		String icmp = row.get("icmp_type", String.class);
		int icmpType = -1;
		if (icmp != null) {
			try {
				icmpType = Integer.parseInt(icmp);
			}
			catch (NumberFormatException ex) {
				icmpType = -1;
			}
		}
		return new Tuple(side(row, "source", "source_address"), side(row, "destination", "destination_address"),
				sorted(row.get("names", String[].class)), orEmpty(row.get("protocol", String.class)),
				row.get("port", Integer.class), icmpType, orEmpty(row.get("verdict", String.class)),
				row.get("is_reply", Boolean.class),
				row.get("http_method", String.class), row.get("http_url", String.class),
				row.get("http_protocol", String.class), row.get("dns_query", String.class),
				row.get("kafka_api_key", String.class), row.get("kafka_topic", String.class),
				((Number) row.get("flows")).longValue(), row.get("first", OffsetDateTime.class).toInstant(),
				row.get("last", OffsetDateTime.class).toInstant());
	}

	private static Side side(Readable row, String side, String address) {
		String workload = row.get(side + "_workload", String.class);
		return new Side(row.get(side + "_namespace", String.class), (workload != null) ? workload : "unknown",
				List.of(), row.get(address, String.class));
	}

	private static List<String> sorted(String @Nullable [] values) {
		if (values == null) {
			return List.of();
		}
		String[] copy = values.clone();
		Arrays.sort(copy);
		return List.of(copy);
	}

	private static String orEmpty(@Nullable String text) {
		return (text != null) ? text : "";
	}

}
