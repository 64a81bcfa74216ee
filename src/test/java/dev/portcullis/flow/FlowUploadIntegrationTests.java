package dev.portcullis.flow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import dev.portcullis.IntegrationTest;
import dev.portcullis.benchmark.GeneratedFlows;
import dev.portcullis.flow.query.FlowEdges;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code POST /api/v1/workspaces/{ws}/flows} with real PostgreSQL and the real Hubble exports of
 * {@code src/test/resources/flows}: counts, aggregates, gzip, rejected lines by number, ignored records, gaps,
 * the cluster check, roles, audit, and nothing written by an ingest that fails.
 */
class FlowUploadIntegrationTests extends IntegrationTest {

	static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

	static final String[] CORPUS = { "basic-sample-10-flows.json", "basic-sample-330-dns-flows.json",
			"basic-sample-348-http-flows.json", "basic-sample-400-icmpv4-flows.json",
			"basic-sample-400-l7-redirected-flows.json", "basic-sample-400-tcp-flows.json",
			"basic-sample-400-udp-flows.json", "basic-sample-5-dns-flows.json", "basic-sample-5-http-flows.json" };

	/** Lines of each corpus file (its README). */
	static final int CORPUS_FLOWS = 10 + 330 + 348 + 18 + 400 + 400 + 400 + 5 + 5;

	@Autowired
	JsonMapper json;

	@Autowired
	DatabaseClient db;

	@Autowired
	FlowIngest ingest;

	@Autowired
	FlowRetention retention;

	@Autowired
	FlowEdges edges;

	String ws;

	String uri;

	@BeforeEach
	void createWorkspace() {
		this.ws = "flows-" + UUID.randomUUID().toString().substring(0, 8);
		this.uri = "/api/v1/workspaces/" + this.ws + "/flows";
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
	}

	static byte[] corpus() throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (String name : CORPUS) {
			try (InputStream in = FlowUploadIntegrationTests.class.getResourceAsStream("/flows/" + name)) {
				byte[] bytes = in.readAllBytes();
				all.write(bytes);
				if (bytes[bytes.length - 1] != '\n') {
					all.write('\n');
				}
			}
		}
		return all.toByteArray();
	}

	static byte[] gzip(byte[] bytes) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		return out.toByteArray();
	}

	JsonNode post(WebTestClient client, byte[] body, boolean gzip, int status) {
		byte[] answer = client.post().uri(this.uri).contentType(NDJSON)
			.headers((h) -> {
				if (gzip) {
					h.set("Content-Encoding", "gzip");
				}
			})
			.bodyValue(body).exchange().expectStatus().isEqualTo(status).expectBody().returnResult()
			.getResponseBody();
		return this.json.readTree(answer);
	}

	long count(String sql) {
		return this.db.sql(sql).bind("ws", this.ws).map((row) -> row.get(0, Long.class)).one()
			.block(Duration.ofSeconds(30));
	}

	long rows() {
		return count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws)");
	}

	@Test
	void dayPartitionsShouldKeepRowsUpToAPageUncompressed() throws IOException {
		post(as(Role.AUTHOR), corpus(), false, 200);
		long partitions = count("SELECT count(*) FROM flow_partition WHERE kind = 'flow' AND workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)");
		assertThat(partitions).isPositive();
		assertThat(count("SELECT count(*) FROM flow_partition p JOIN pg_class c ON c.relname = p.table_name "
				+ "WHERE p.kind = 'flow' AND p.workspace_id = (SELECT id FROM workspace WHERE name = :ws) "
				+ "AND 'toast_tuple_target=8160' = ANY (c.reloptions)")).isEqualTo(partitions);
		// no stored flow object of the real exports (all under a page) was compressed
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws) "
				+ "AND pg_column_compression(flow) IS NOT NULL")).isZero();
	}

	@Test
	void uploadOfTheRealHubbleExportsShouldKeepEveryFlowWithItsFieldsAndRollUpTheEdges() throws IOException {
		JsonNode report = post(as(Role.AUTHOR), corpus(), false, 200);
		assertThat(report.get("accepted").asLong()).isEqualTo(CORPUS_FLOWS);
		assertThat(report.get("flows").asLong()).isEqualTo(CORPUS_FLOWS);
		assertThat(report.get("rejected")).isEmpty();
		assertThat(report.get("ignored").asLong()).isZero();
		assertThat(rows()).isEqualTo(CORPUS_FLOWS);
		assertThat(count("SELECT sum(count)::bigint FROM flow_edge_minute WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)")).isEqualTo(CORPUS_FLOWS);
		// the first line of basic-sample-10-flows.json, field by field
		Map<String, Object> first = this.db.sql("SELECT * FROM flow WHERE workspace_id = (SELECT id FROM workspace "
				+ "WHERE name = :ws) AND time = '2021-06-16T16:52:13.136834Z' AND source_port = 15020")
			.bind("ws", this.ws).fetch().one().block(Duration.ofSeconds(30));
		assertThat(first).containsEntry("verdict", "FORWARDED").containsEntry("source_namespace", "bookinfo")
			.containsEntry("source_pod", "reviews-v1-545db77b95-s6jb8").containsEntry("source_workload",
					"bookinfo/reviews-v1")
			.containsEntry("destination_workload", "reserved:host").containsEntry("source_identity", 25339L)
			.containsEntry("destination_identity", 1L).containsEntry("destination_port", 42044)
			.containsEntry("protocol", "TCP").containsEntry("traffic_direction", "INGRESS")
			.containsEntry("flow_type", "L3_L4").containsEntry("is_reply", true).containsEntry("source_cluster", "default")
			.containsEntry("node_name", "gke-ilya-otel-demo-1-ilya-otel-demo-1-6114bb84-zr1l");
		// the flow object is kept as text, byte for byte as imported (V024), and is JSON to PostgreSQL too
		assertThat((String) first.get("flow")).startsWith("{\"time\":\"2021-06-16T16:52:13.136834446Z\"")
			.endsWith("\"Summary\":\"TCP Flags: ACK, FIN\"}");
		assertThat(count("SELECT count(CAST(flow AS json)) FROM flow WHERE workspace_id = (SELECT id FROM workspace"
				+ " WHERE name = :ws) AND json_typeof(CAST(flow AS json)) = 'object'")).isEqualTo((long) CORPUS_FLOWS);
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws)"
				+ " AND http_method = 'GET' AND http_url LIKE 'http://%'")).isPositive();
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws)"
				+ " AND dns_query IS NOT NULL")).isPositive();
		assertThat(count("SELECT count(*) FROM audit_event WHERE workspace = :ws AND action = 'flow.ingest' "
				+ "AND (details->>'accepted')::bigint = " + CORPUS_FLOWS)).isEqualTo(1);
	}

	@Test
	void gzipUploadShouldKeepTheSameFlows() throws IOException {
		JsonNode report = post(as(Role.AUTHOR), gzip(corpus()), true, 200);
		assertThat(report.get("accepted").asLong()).isEqualTo(CORPUS_FLOWS);
		assertThat(rows()).isEqualTo(CORPUS_FLOWS);
	}

	static String flow(Instant time, String extra) {
		return "{\"flow\":{\"time\":\"" + time + "\",\"verdict\":\"DROPPED\",\"drop_reason_desc\":\"POLICY_DENIED\","
				+ "\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"10.0.0.2\"},\"l4\":{\"TCP\":{\"source_port\":4000,"
				+ "\"destination_port\":80}},\"source\":{\"identity\":100,\"namespace\":\"shop\",\"pod_name\":\"cart-1\","
				+ "\"labels\":[\"k8s:app=cart\",\"k8s:io.cilium.k8s.policy.cluster=default\"]},\"destination\":{"
				+ "\"identity\":200,\"namespace\":\"shop\",\"pod_name\":\"db-0\",\"labels\":[\"k8s:app=db\"]}" + extra
				+ "},\"node_name\":\"n1\",\"time\":\"" + time + "\"}";
	}

	@Test
	void badLinesShouldBeRejectedByNumberAndTheGoodOnesKept() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
		char[] huge = new char[10 * 1024 * 1024];
		Arrays.fill(huge, 'x');
		String body = String.join("\n",
				flow(now, ""), // 1
				"", // 2 blank: skipped
				"{\"flow\": {\"time\": ", // 3 invalid JSON
				flow(now, ",\"aggregate\":{\"ingress_flow_count\":3,\"egress_flow_count\":2}"), // 4: counts 5
				flow(now, "").replace("\"destination_port\":80", "\"destination_port\":\"x\""), // 5 wrong type
				flow(now.plus(Duration.ofDays(400)), ""), // 6 far future
				"{\"node_status\":{\"state_change\":\"NODE_CONNECTED\",\"node_names\":[\"n1\"]},\"node_name\":\"n1\"}", // 7
				"{\"lost_events\":{\"source\":\"PERF_EVENT_RING_BUFFER\",\"num_events_lost\":\"7\",\"cpu\":{\"value\":1}},"
						+ "\"node_name\":\"n1\",\"time\":\"" + now + "\"}", // 8
				"{\"x\": \"" + new String(huge) + "\"}", // 9 too long
				flow(now, "").replace("\"time\":\"" + now + "\",", "").replace(",\"time\":\"" + now + "\"", ""), // 10 no time
				flow(now, "").replace("\"verdict\":\"DROPPED\"", "\"verdict\":42"), // 11 wrong type (stored field)
				flow(now, "").replace("cluster=default", "cluster=prod"), // 12 another cluster
				flow(now, "").substring(0, 100)); // 13 half a line at the end
		JsonNode report = post(as(Role.AUTHOR), body.getBytes(StandardCharsets.UTF_8), false, 200);
		assertThat(report.get("accepted").asLong()).isEqualTo(3);
		assertThat(report.get("flows").asLong()).isEqualTo(7);
		assertThat(report.get("ignored").asLong()).isEqualTo(2);
		assertThat(report.get("lostEvents").asLong()).isEqualTo(7);
		assertThat(report.get("rejectedCount").asLong()).isEqualTo(7);
		assertThat(report.get("rejected").findValues("line").stream().map(JsonNode::asInt))
			.containsExactly(3, 5, 6, 9, 10, 11, 13);
		assertThat(report.get("rejected").get(1).get("message").asString()).contains("l4.TCP.destination_port")
			.contains("\"x\"");
		assertThat(report.get("rejected").get(2).get("message").asString()).contains("future");
		assertThat(report.get("cluster").get("flows").asLong()).isEqualTo(1);
		assertThat(report.get("cluster").get("seen").get("prod").asLong()).isEqualTo(1);
		assertThat(report.get("cluster").get("workspaceCluster").asString()).isEqualTo("default");
		assertThat(rows()).isEqualTo(3);
		assertThat(count("SELECT sum(count)::bigint FROM flow_lost_event WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws) AND node_name = 'n1'")).isEqualTo(7);
		assertThat(count("SELECT sum(count)::bigint FROM flow_edge_minute WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws) AND source_workload = 'shop/cart' "
				+ "AND destination_workload = 'shop/db' AND destination_port = 80 AND verdict = 'DROPPED'"))
			.isEqualTo(7);
	}

	@Test
	void linesThatAreNotUtf8TextShouldBeRejectedByNumberAndTextInOtherScriptsKept() throws IOException {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		// a byte that is no UTF-8 at offsets 0-7 of a word and past the last full word, so both paths of the check see one
		String good = flow(now, "");
		String cafe = good.replace("cart-1", "caf\u00e9-\u30c1\ud83d\ude80-1");
		body.write(good.replace("\"pod_name\":\"db-0\"", "\"pod_name\":\"db-\\u00e9\"")
			.getBytes(StandardCharsets.UTF_8)); // 1: an escape, fine
		body.write('\n');
		byte[] bad = good.getBytes(StandardCharsets.UTF_8);
		bad[good.indexOf("cart-1") + 1] = (byte) 0xff;
		body.write(bad); // 2: 0xff inside a string
		body.write('\n');
		body.write(cafe.getBytes(StandardCharsets.UTF_8)); // 3: valid UTF-8 in three scripts
		body.write('\n');
		byte[] overlong = good.getBytes(StandardCharsets.UTF_8);
		int at = good.indexOf("db-0") + 3;
		body.write(overlong, 0, at);
		body.write(new byte[] { (byte) 0xc0, (byte) 0xb0 }); // 4: an overlong '0'
		body.write(overlong, at + 1, overlong.length - at - 1);
		body.write('\n');
		byte[] tail = good.getBytes(StandardCharsets.UTF_8);
		tail[tail.length - 3] = (byte) 0x80; // 5: a lone continuation byte near the end of the line
		body.write(tail);
		body.write('\n');
		// 6: an escaped NUL, which PostgreSQL text cannot hold: the column gets U+FFFD, the flow object keeps the escape
		body.write(good.replace("\"pod_name\":\"db-0\"", "\"pod_name\":\"db\\u0000\"")
			.getBytes(StandardCharsets.UTF_8));
		JsonNode report = post(as(Role.AUTHOR), body.toByteArray(), false, 200);
		assertThat(report.get("rejected").findValues("line").stream().map(JsonNode::asInt)).containsExactly(2, 4, 5);
		assertThat(report.get("accepted").asLong()).isEqualTo(3);
		assertThat(rows()).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws)"
				+ " AND destination_pod = 'db\ufffd' AND flow LIKE '%db\\\\u0000%'")).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws)"
				+ " AND source_pod = 'caf\u00e9-\u30c1\ud83d\ude80-1'")).isEqualTo(1);
	}

	@Test
	void truncatedGzipShouldKeepTheLinesBeforeTheBreakAndSaySo() throws IOException {
		byte[] whole = gzip(corpus());
		byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
		JsonNode report = post(as(Role.AUTHOR), truncated, true, 200);
		long accepted = report.get("accepted").asLong();
		assertThat(accepted).isBetween(100L, (long) CORPUS_FLOWS - 1);
		int rejected = report.get("rejected").size();
		JsonNode last = report.get("rejected").get(rejected - 1);
		assertThat(last.get("message").asString()).contains("the compressed data ends early");
		// the break is reported on the last line read, which exists (the corpus has no blank lines)
		long linesRead = accepted + report.get("ignored").asLong() + (rejected - 1);
		assertThat(last.get("line").asLong()).isEqualTo(linesRead);
		assertThat(last.get("message").asString()).contains("after line " + linesRead + " ");
		assertThat(rows()).isEqualTo(accepted);
	}

	@Test
	void viewerShouldNotUpload() throws IOException {
		post(as(Role.VIEWER), corpus(), false, 403);
		assertThat(rows()).isZero();
	}

	@Test
	void unknownWorkspaceShouldBeNotFound() {
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/no-such-ws/flows").contentType(NDJSON)
			.bodyValue("{}".getBytes(StandardCharsets.UTF_8)).exchange().expectStatus().isNotFound();
	}

	@Test
	void largeUploadOverSeveralDaysShouldKeepEveryFlowAndCountEachInTheEdges() {
		// 60 hours: several day partitions made while the upload runs (each a new COPY), and more distinct
		// per-minute edges than one flush holds, so the parser hands edges over between COPYs
		long flows = 60_000;
		FlowIngest.Input input = () -> new GeneratedFlows(flows, Instant.now().minusSeconds(60), Duration.ofHours(60));
		IngestReport report = this.ingest.ingest(this.ws, input, Source.UPLOAD, Actor.SYSTEM, null)
			.block(Duration.ofMinutes(5));
		assertThat(report.accepted()).isEqualTo(flows);
		assertThat(report.rejectedCount()).isZero();
		assertThat(rows()).isEqualTo(flows);
		String workspace = "(SELECT id FROM workspace WHERE name = :ws)";
		assertThat(count("SELECT count(*) FROM flow_partition WHERE kind = 'flow' AND workspace_id = " + workspace))
			.isGreaterThanOrEqualTo(3);
		assertThat(count("SELECT count(*) FROM flow_edge_minute WHERE workspace_id = " + workspace))
			.as("distinct edges (more than one flush)").isGreaterThan(FlowIngest.MAX_EDGES);
		assertThat(count("SELECT sum(count)::bigint FROM flow_edge_minute WHERE workspace_id = " + workspace))
			.isEqualTo(count("SELECT sum(count)::bigint FROM flow WHERE workspace_id = " + workspace))
			.isEqualTo(report.flows());
	}

	@Test
	void ingestThatFailsWhileItsCopyStreamsShouldWriteNothing() {
		// several chunks into the COPY, then the client goes away
		FlowIngest.Input failing = () -> new java.io.FilterInputStream(
				new GeneratedFlows(20_000, Instant.now().minusSeconds(60), Duration.ofHours(1))) {
			long read;

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				if (this.read > 8 * 1024 * 1024) {
					throw new LineChunks.Aborted(new IOException("the client went away"));
				}
				int n = super.read(b, off, len);
				this.read += Math.max(n, 0);
				return n;
			}
		};
		assertThatThrownBy(() -> this.ingest.ingest(this.ws, failing, Source.UPLOAD, Actor.SYSTEM, null)
			.block(Duration.ofSeconds(120))).hasMessageContaining("went away");
		assertThat(rows()).isZero();
		assertThat(count("SELECT count(*) FROM flow_upload WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)")).isZero();
	}

	@Test
	void ingestThatFailsMidwayShouldWriteNothing() throws IOException {
		byte[] corpus = corpus();
		FlowIngest.Input failing = () -> new InputStream() {
			int at;

			@Override
			public int read() throws IOException {
				if (this.at >= corpus.length / 2) {
					throw new LineChunks.Aborted(new IOException("the client went away"));
				}
				return corpus[this.at++];
			}
		};
		assertThatThrownBy(() -> this.ingest.ingest(this.ws, failing, Source.UPLOAD, Actor.SYSTEM, null)
			.block(Duration.ofSeconds(60))).hasMessageContaining("went away");
		assertThat(rows()).isZero();
		assertThat(count("SELECT count(*) FROM flow_upload WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)")).isZero();
	}

	@Test
	void retentionShouldDropWholePartitionsOnlyOnceTheirDayAndTheirLastWriteAreOld() throws IOException {
		Instant old = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
		Instant recent = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
		String body = flow(old, "") + "\n" + flow(recent, "") + "\n";
		post(as(Role.AUTHOR), body.getBytes(StandardCharsets.UTF_8), false, 200);
		assertThat(rows()).isEqualTo(2);
		// just written: the old day stays (an import of an old export is kept for the retention period)
		this.retention.run(Instant.now()).block(Duration.ofSeconds(60));
		assertThat(rows()).isEqualTo(2);
		this.db.sql("UPDATE flow_partition SET written_at = now() - interval '20 days' WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)").bind("ws", this.ws).then().block(Duration.ofSeconds(30));
		this.retention.run(Instant.now()).block(Duration.ofSeconds(60));
		// raw flows: 8 days by default, so the old day's partition is gone; its edges (30 days) stay
		assertThat(rows()).isEqualTo(1);
		assertThat(count("SELECT sum(count)::bigint FROM flow_edge_minute WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)")).isEqualTo(2);
		// the days ahead exist
		assertThat(count("SELECT count(*) FROM flow_partition WHERE workspace_id = (SELECT id FROM workspace "
				+ "WHERE name = :ws) AND kind = 'flow' AND day > current_date")).isEqualTo(2);
	}

	@Test
	void lostEventsShouldLiveAsLongAsTheFlowsOfTheirDay() throws IOException {
		Instant old = Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
		Instant recent = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
		String lost = "{\"lost_events\":{\"source\":\"PERF_EVENT_RING_BUFFER\",\"num_events_lost\":\"7\","
				+ "\"cpu\":{\"value\":1}},\"node_name\":\"n1\",\"time\":\"%s\"}";
		String body = flow(old, "") + "\n" + lost.formatted(old) + "\n" + flow(recent, "") + "\n"
				+ lost.formatted(recent) + "\n";
		post(as(Role.AUTHOR), body.getBytes(StandardCharsets.UTF_8), false, 200);
		String lostSql = "SELECT coalesce(sum(count), 0)::bigint FROM flow_lost_event WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)";
		assertThat(count(lostSql)).isEqualTo(14);
		// the old export was just imported: its flows stay, and so do its gaps
		this.retention.run(Instant.now()).block(Duration.ofSeconds(60));
		assertThat(rows()).isEqualTo(2);
		assertThat(count(lostSql)).isEqualTo(14);
		// once the old day's partition is dropped, its lost events go with it; today's stay
		this.db.sql("UPDATE flow_partition SET written_at = now() - interval '20 days' WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)").bind("ws", this.ws).then().block(Duration.ofSeconds(30));
		this.retention.run(Instant.now()).block(Duration.ofSeconds(60));
		assertThat(rows()).isEqualTo(1);
		assertThat(count(lostSql)).isEqualTo(7);
		assertThat(count(lostSql + " AND minute >= now() - interval '1 day'")).isEqualTo(7);
	}

	@Test
	void podsHubbleGaveWithoutTheirNameShouldBeNamedAfterTheirLabelsNotJustTheirNamespace() throws IOException {
		post(as(Role.AUTHOR), corpus(), false, 200);
		String edges = "SELECT count(*) FROM flow_edge_minute WHERE workspace_id = (SELECT id FROM workspace "
				+ "WHERE name = :ws) AND ";
		// basic-sample-400-tcp-flows.json: 84 sides carry only the identity's labels (k8s:app=productpage,
		// k8s:version=v1, k8s:io.kubernetes.pod.namespace=bookinfo), no pod and no namespace field
		assertThat(count(edges + "(source_workload LIKE '%/' OR destination_workload LIKE '%/')")).isZero();
		assertThat(count(edges + "(source_workload = 'bookinfo/productpage-v1' "
				+ "OR destination_workload = 'bookinfo/productpage-v1')")).isPositive();
		assertThat(count("SELECT count(*) FROM flow WHERE workspace_id = (SELECT id FROM workspace WHERE name = :ws) "
				+ "AND (source_workload LIKE '%/' OR destination_workload LIKE '%/')")).isZero();
		// rollups written before (the node was "bookinfo/") are shown under a name that says what is unknown
		this.db.sql("UPDATE flow_edge_minute SET destination_workload = 'bookinfo/' WHERE destination_workload = "
				+ "'bookinfo/productpage-v1' AND workspace_id = (SELECT id FROM workspace WHERE name = :ws)")
			.bind("ws", this.ws).then().block(Duration.ofSeconds(30));
		var shown = this.edges.between(this.ws, Instant.parse("2000-01-01T00:00:00Z"), Instant.now(), 1000)
			.collectList().block(Duration.ofSeconds(30));
		assertThat(shown).extracting(FlowEdges.Edge::destination).contains("bookinfo/(unknown workload)")
			.noneMatch((name) -> name.endsWith("/"));
	}

	@Test
	void labelSetsShouldBeStoredOnceUnderTheIdTheDatabaseComputesAndGiveEveryRowItsOwnLabels() throws IOException {
		post(as(Role.AUTHOR), corpus(), false, 200);
		String mine = "FROM flow f WHERE f.workspace_id = (SELECT id FROM workspace WHERE name = :ws)";
		// every row's sets hold exactly the labels of its flow object, in Hubble's order
		for (String side : new String[] { "source", "destination" }) {
			assertThat(count("SELECT count(*) " + mine + " AND (SELECT labels FROM flow_label_set s WHERE s.id = f."
					+ side + "_label_set) = ARRAY(SELECT json_array_elements_text(CAST(f.flow AS json)->'" + side
					+ "'->'labels'))")).isEqualTo(CORPUS_FLOWS);
		}
		assertThat(count("SELECT count(DISTINCT source_label_set) " + mine)).isGreaterThan(5);
		// each set once, under the id the database's own function gives it
		assertThat(count("SELECT count(*) FROM flow_label_set WHERE id <> flow_label_set_id(labels) AND id IN"
				+ " (SELECT source_label_set " + mine + " UNION SELECT destination_label_set " + mine + ")")).isZero();
		assertThat(count("SELECT count(*) FROM flow_label_set WHERE id IN (SELECT source_label_set " + mine
				+ " UNION SELECT destination_label_set " + mine + ")")).isEqualTo(count("SELECT count(DISTINCT l) FROM"
						+ " (SELECT (SELECT labels FROM flow_label_set WHERE id = source_label_set) AS l " + mine
						+ " UNION ALL SELECT (SELECT labels FROM flow_label_set WHERE id = destination_label_set) "
						+ mine + ") sets"));
		// and the ingest's: empty, ASCII, other scripts, and order matters
		for (java.util.List<String> labels : java.util.List.of(java.util.List.<String>of(),
				java.util.List.of("k8s:app=productpage", "reserved:host"),
				java.util.List.of("reserved:host", "k8s:app=productpage"),
				java.util.List.of("k8s:app=caf\u00e9", "k8s:team=\u30c1\u30fc\u30e0", "k8s:x=\ud83d\ude80"))) {
			long expected = this.db.sql("SELECT flow_label_set_id(CAST(:labels AS text[]))")
				.bind("labels", labels.toArray(String[]::new)).map((row) -> row.get(0, Long.class)).one()
				.block(Duration.ofSeconds(30));
			assertThat(LabelSets.id(labels)).as("%s", labels).isEqualTo(expected);
		}
		assertThat(LabelSets.id(java.util.List.of("a", "b"))).isNotEqualTo(LabelSets.id(java.util.List.of("b", "a")))
			.isNotEqualTo(LabelSets.id(java.util.List.of("ab")));
	}

	@Test
	void labelSetWhoseIdAlreadyStandsForOtherLabelsShouldStopTheIngestWithNothingWritten() {
		String label = "k8s:app=clash-" + UUID.randomUUID();
		long id = LabelSets.id(java.util.List.of(label));
		this.db.sql("INSERT INTO flow_label_set (id, labels) VALUES (:id, ARRAY['k8s:app=someone-else'])")
			.bind("id", id).then().block(Duration.ofSeconds(30));
		String line = flow(Instant.now().minusSeconds(30), "").replace("\"labels\":[\"k8s:app=db\"]",
				"\"labels\":[\"" + label + "\"]") + "\n";
		FlowIngest.Input input = () -> new java.io.ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8));
		assertThatThrownBy(() -> this.ingest.ingest(this.ws, input, Source.UPLOAD, Actor.SYSTEM, null)
			.block(Duration.ofSeconds(60))).hasMessageContaining("already stands for other labels");
		assertThat(rows()).isZero();
		assertThat(count("SELECT count(*) FROM flow_upload WHERE workspace_id = "
				+ "(SELECT id FROM workspace WHERE name = :ws)")).isZero();
		assertThat(this.db.sql("SELECT labels FROM flow_label_set WHERE id = :id").bind("id", id)
			.map((row) -> row.get(0, String[].class)).one().block(Duration.ofSeconds(30)))
			.containsExactly("k8s:app=someone-else");
	}

}
