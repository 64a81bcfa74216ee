package dev.portcullis.flow;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.compute.EngineBusy;
import dev.portcullis.compute.EnginePool;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.hubble.FlowReader;
import dev.portcullis.hubble.LostEvents;
import dev.portcullis.hubble.StoredFlow;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Ingests Hubble flows, one JSON object per line ({@code hubble observe -o json}, the exporter's files, with or
 * without the {@code {"flow": ...}} wrapper), into a workspace's flow log: the one way flows get into the store,
 * for uploads, the Relay client and exporter files.
 * <p>
 * One call is one transaction: its flows are committed (with their edge rollups, lost events and one audit event)
 * before the report is emitted, or none is (the caller cancelled, the database failed). The input is read once, in
 * chunks of lines parsed on the {@link EnginePool} by {@link FlowReader#readStored} and written with
 * {@code COPY}, so memory does not grow with its size. Bad lines do not stop it: a line that is not valid JSON,
 * not a flow, has a field of the wrong type, no time, a time more than {@link FlowSettings#maxFuture()} ahead, or
 * is longer than {@link FlowReader#MAX_LINE_BYTES} is rejected with its number, and the rest is kept; a truncated
 * gzip stream or an input beyond {@link FlowSettings#maxUploadSize()} ends the reading with a rejection at the line
 * where it stopped. {@code node_status} and {@code lost_events} lines are ignored (lost events kept as gaps).
 * A live source calls this once per batch of lines (each batch committed on its own).
 */
@Component
@EnableConfigurationProperties(FlowSettings.class)
public class FlowIngest {

	/** Columns of {@code flow} in the order {@link #row} writes them. */
	static final String COPY_FLOW = "COPY flow (workspace_id, time, upload_id, count, node_name, verdict, "
			+ "drop_reason_desc, traffic_direction, flow_type, is_reply, source_namespace, source_pod, source_workload, "
			+ "source_label_set, source_identity, source_cluster, source_ip, source_port, source_names, "
			+ "destination_namespace, destination_pod, destination_workload, destination_label_set, destination_identity, "
			+ "destination_cluster, destination_ip, destination_port, destination_names, protocol, l7_type, "
			+ "http_method, http_status, http_url, dns_query, flow) FROM STDIN WITH (FORMAT binary)";

	/** How many columns {@link #COPY_FLOW} names. */
	private static final int FLOW_COLUMNS = 35;

	/**
	 * How many per-minute edges an ingest gathers before it adds them to {@code flow_edge_minute}: bounds the map
	 * and the COPY text written from it (about 100 bytes an edge) to a few megabytes.
	 */
	static final int MAX_EDGES = 25_000;

	private static final String CLUSTER_LABEL = "k8s:io.cilium.k8s.policy.cluster=";

	private final DatabaseClient db;

	private final ConnectionFactory connections;

	private final TransactionalOperator transaction;

	private final EnginePool engine;

	private final WorkspaceSettings settings;

	private final Workspaces workspaces;

	private final AuditLog audit;

	private final FlowSettings flows;

	FlowIngest(DatabaseClient db, ConnectionFactory connections, ReactiveTransactionManager transactions,
			EnginePool engine, Workspaces workspaces, WorkspaceSettings settings, AuditLog audit, FlowSettings flows) {
		this.db = db;
		this.connections = connections;
		this.transaction = TransactionalOperator.create(transactions);
		this.engine = engine;
		this.workspaces = workspaces;
		this.settings = settings;
		this.audit = audit;
		this.flows = flows;
	}

	/** The flow log's settings. */
	public FlowSettings settings() {
		return this.flows;
	}

	/**
	 * Ingests the NDJSON body of a request (gzip-compressed when {@code gzip}); see the class comment. Empty when the
	 * workspace does not exist.
	 *
	 * @param remoteAddress the client's address for the audit log, null for internal sources
	 */
	public Mono<IngestReport> ingest(String workspace, Flux<DataBuffer> body, boolean gzip, Source source,
			AuditLog.Who actor, @Nullable String remoteAddress) {
		return ingest(workspace, () -> {
			InputStream in = new AbortingInputStream(DataBufferUtils.subscriberInputStream(body, 4));
			return gzip ? new GZIPInputStream(in, 64 * 1024) : in;
		}, source, actor, remoteAddress);
	}

	/** Opens an input (on a thread that may block). */
	@FunctionalInterface
	public interface Input {

		InputStream open() throws IOException;

	}

	/**
	 * Ingests NDJSON read from {@code input} (opened and read on a thread that may block, closed at the end); see the
	 * class comment. Empty when the workspace does not exist.
	 */
	public Mono<IngestReport> ingest(String workspace, Input input, Source source, AuditLog.Who actor,
			@Nullable String remoteAddress) {
		return this.workspaces.findId(workspace)
			.flatMap((id) -> this.settings.at(workspace, Instant.now())
				.map((s) -> s.engineOptions().clusterName())
				.flatMap((cluster) -> run(new Run(id, workspace, cluster, source), input, actor, remoteAddress)));
	}

	private Mono<IngestReport> run(Run run, Input input, AuditLog.Who actor, @Nullable String remoteAddress) {
		AtomicReference<Throwable> inputError = new AtomicReference<>();
		Mono<IngestReport> work = this.db
			.sql("INSERT INTO flow_upload (workspace_id, source, author) VALUES (:ws, :source, :author) RETURNING id")
			.bind("ws", run.workspaceId)
			.bind("source", run.source.column())
			.bind("author", actor.username())
			.map((row) -> row.get("id", Long.class))
			.one()
			.flatMap((uploadId) -> {
				run.uploadId = uploadId;
				return Flux.using(() -> new LineChunks(input, this.flows.maxUploadSize().toBytes()),
						(chunks) -> Flux.<LineChunks.Chunk>generate((sink) -> {
							try {
								LineChunks.Chunk chunk = chunks.next();
								if (chunk == null) {
									sink.complete();
								}
								else {
									sink.next(chunk);
								}
							}
							catch (IOException ex) {
								sink.error(ex);
							}
						}), (chunks) -> {
							try {
								chunks.close();
							}
							catch (IOException ex) {
								// the input is done with either way
							}
						})
					.subscribeOn(Schedulers.boundedElastic())
					// delayed errors: a failing input lets the COPY in flight finish, so that the rollback is clean
					.concatMapDelayError((chunk) -> this.engine.run(() -> run.parse(chunk, this.flows))
						.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50))
							.maxBackoff(Duration.ofSeconds(1))
							.filter(EngineBusy.class::isInstance)), false, CHUNKS_AHEAD)
					.doOnError((ex) -> inputError.compareAndSet(null, ex))
					// the label sets a batch's rows use first, committed on a connection of their own
					.concatMap((batch) -> batch.labelSets().isEmpty() ? Mono.just(batch)
							: addLabelSets(batch.labelSets()).thenReturn(batch), 1)
					// one COPY for a run of chunks: PostgreSQL consumes chunk N while chunk N+1 is parsed
					.windowUntil(Batch::startsCopy, true, BATCHES_AHEAD)
					.concatMapDelayError((batches) -> copy(run, batches), false, 1)
					// a COPY that failed because its input did reports the input's error, not the COPY's
					.onErrorMap((ex) -> inputError.get() != null && inputError.get() != ex, (ex) -> inputError.get())
					.then(Mono.defer(() -> flushEdges(run, run.takeEdges())))
					.then(Mono.defer(() -> flushLost(run)))
					.then(Mono.defer(() -> finish(run, actor, remoteAddress)));
			});
		return this.transaction.transactional(work);
	}

	/**
	 * Writes a run of batches as one binary {@code COPY}: first the partitions of the days the first batch needs (the
	 * only batch of the run that may need any, see {@link Batch#startsCopy}), then the header, every batch's rows as
	 * they are parsed (in parts of {@link #COPY_PART} bytes, so that what the driver queues stays small), the
	 * trailer; then the edges the batches handed over. A failing input fails the COPY (the driver sends
	 * {@code CopyFail}), and with it the transaction.
	 */
	private Mono<Void> copy(Run run, Flux<Batch> window) {
		return window.switchOnFirst((first, batches) -> {
			Batch head = first.get();
			if (head == null) {
				return batches.then();
			}
			List<Map<Edge, long[]>> edges = new ArrayList<>(1);
			Flux<Publisher<ByteBuf>> stdin = Flux.<Publisher<ByteBuf>>concat(
					Mono.just(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(CopyBinary.header()))),
					batches.doOnNext((batch) -> {
						if (batch.edges() != null) {
							edges.add(batch.edges());
						}
					}).concatMapIterable(FlowIngest::parts, 1),
					Mono.just(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(CopyBinary.trailer()))));
			Mono<Void> partitions = Flux.fromIterable(head.newDays())
				.concatMap((day) -> ensurePartitions(run.workspaceId, day))
				.then();
			return partitions
				.then(this.db.inConnection((c) -> postgres(c).copyIn(COPY_FLOW).fromMany(stdin).build()))
				.then(Mono.defer(() -> Flux.fromIterable(edges).concatMap((e) -> flushEdges(run, e)).then()));
		}).then();
	}

	/** How many chunks of the input are read ahead of the one being parsed. */
	static final int CHUNKS_AHEAD = 2;

	/**
	 * How many parsed batches may wait for the COPY: the parser runs ahead while it has a core, so that PostgreSQL,
	 * which bounds the rate, does not wait for it when the app's threads lose theirs for a moment.
	 */
	static final int BATCHES_AHEAD = 4;

	/**
	 * How many bytes of rows one {@code CopyData} message carries at most. r2dbc-postgresql takes up to 64 messages
	 * ahead of what it has sent (two queues of 32), each holding on to the batch it is cut from: parts of 64 KiB keep
	 * that to a few megabytes, a few batches, with a quarter of the messages (and their handling on both sides) that
	 * 16 KiB parts took.
	 */
	static final int COPY_PART = 64 * 1024;

	/** A batch's rows (without its header and trailer) as parts of at most {@link #COPY_PART} bytes. */
	private static List<Publisher<ByteBuf>> parts(Batch batch) {
		int from = CopyBinary.HEADER_LENGTH;
		int to = batch.length() - CopyBinary.TRAILER_LENGTH;
		List<Publisher<ByteBuf>> parts = new ArrayList<>((to - from) / COPY_PART + 1);
		for (int at = from; at < to; at += COPY_PART) {
			int offset = at;
			int length = Math.min(COPY_PART, to - at);
			parts.add(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(batch.copy(), offset, length)));
		}
		return parts;
	}

	/**
	 * Adds label sets to {@code flow_label_set} on a connection of its own (committed at once, so that a long upload
	 * holds no key another ingest waits for; a set written for an upload that then fails is kept, harmlessly), and
	 * fails when one of the ids already stands for other labels (db/migrations/V030: a SHA-256 prefix collision,
	 * which must not give a flow another endpoint's labels). A set another transaction adds at the same moment is
	 * taken as it is: it has the same id, so the same labels but for such a collision.
	 */
	private Mono<Void> addLabelSets(Map<Long, List<String>> sets) {
		// three flat arrays: the ids, each set's size, and every set's labels one after the other
		Long[] ids = new Long[sets.size()];
		Integer[] sizes = new Integer[sets.size()];
		List<String> labels = new ArrayList<>();
		int i = 0;
		for (Map.Entry<Long, List<String>> set : sets.entrySet()) {
			ids[i] = set.getKey();
			sizes[i] = set.getValue().size();
			labels.addAll(set.getValue());
			i++;
		}
		return onItsOwnConnection((c) -> c.createStatement("WITH sets AS (SELECT id, size, CAST(sum(size) OVER (ORDER BY"
				+ " n) - size AS integer) AS start FROM unnest(CAST($1 AS bigint[]), CAST($2 AS integer[])) WITH"
				+ " ORDINALITY AS s(id, size, n)), given AS (SELECT id, coalesce((CAST($3 AS text[]))[start + 1:start +"
				+ " size], '{}') AS labels FROM sets), added AS (INSERT INTO flow_label_set (id, labels) SELECT id,"
				+ " labels FROM given ON CONFLICT (id) DO NOTHING)"
				+ " SELECT g.id FROM given g JOIN flow_label_set s ON s.id = g.id WHERE s.labels <> g.labels")
			.bind("$1", ids)
			.bind("$2", sizes)
			.bind("$3", labels.toArray(String[]::new)), (row) -> row.get(0, Long.class))
			.collectList()
			.flatMap((clashes) -> clashes.isEmpty() ? Mono.<Void>empty()
					: Mono.error(new IllegalStateException("label set id " + clashes.get(0)
							+ " already stands for other labels (a SHA-256 prefix collision); nothing of this ingest"
							+ " is kept")));
	}

	/** Makes the day's partitions of both tables on a connection of its own (committed at once). */
	Mono<Void> ensurePartitions(long workspaceId, LocalDate day) {
		return onItsOwnConnection((c) -> c.createStatement("SELECT flow_ensure_partitions($1, $2, $2)")
			.bind("$1", workspaceId)
			.bind("$2", day), (row) -> 1).then();
	}

	/**
	 * Runs one statement on a connection of its own, outside the ingest's transaction (so committed at once), and
	 * maps its rows: what the ingest writes that other ingests share (partitions, label sets).
	 */
	private <T> Flux<T> onItsOwnConnection(Function<Connection, Statement> statement, Function<Row, T> mapper) {
		return Flux.usingWhen(Mono.from(this.connections.create()),
				(c) -> Flux.from(statement.apply(c).execute())
					.concatMap((result) -> result.map((row, meta) -> mapper.apply(row))),
				Connection::close);
	}

	private static PostgresqlConnection postgres(Connection connection) {
		Object c = connection;
		while (!(c instanceof PostgresqlConnection) && c instanceof Wrapped<?> wrapped) {
			c = wrapped.unwrap();
		}
		if (c instanceof PostgresqlConnection postgres) {
			return postgres;
		}
		throw new IllegalStateException("the flow store needs r2dbc-postgresql, not " + connection.getClass());
	}

	/** Adds {@code edges} to {@code flow_edge_minute} (through a staging table, one per transaction). */
	private Mono<Void> flushEdges(Run run, Map<Edge, long[]> edges) {
		if (edges.isEmpty()) {
			return Mono.empty();
		}
		CopyText text = new CopyText(edges.size() * 96);
		for (Map.Entry<Edge, long[]> entry : edges.entrySet()) {
			Edge e = entry.getKey();
			text.number(run.workspaceId).text(e.minute.toString()).text(e.source).text(e.destination)
				.number(e.port).text(e.protocol).text(e.verdict).number(entry.getValue()[0]);
			text.endRow();
		}
		String create = run.stageCreated ? ""
				: "CREATE TEMP TABLE IF NOT EXISTS flow_edge_stage (LIKE flow_edge_minute) ON COMMIT DROP";
		run.stageCreated = true;
		Mono<Void> stage = create.isEmpty() ? Mono.empty() : this.db.sql(create).then();
		return stage
			.then(this.db.inConnection((c) -> postgres(c)
				.copyIn("COPY flow_edge_stage (workspace_id, minute, source_workload, destination_workload, "
						+ "destination_port, protocol, verdict, count) FROM STDIN")
				.from(text.bytes(), 0, text.length())
				.build()))
			.then(this.db.sql("INSERT INTO flow_edge_minute SELECT * FROM flow_edge_stage "
					+ "ON CONFLICT (workspace_id, minute, source_workload, destination_workload, destination_port, "
					+ "protocol, verdict) DO UPDATE SET count = flow_edge_minute.count + EXCLUDED.count")
				.then())
			.then(this.db.sql("TRUNCATE flow_edge_stage").then());
	}

	private Mono<Void> flushLost(Run run) {
		return Flux.fromIterable(run.lost.entrySet())
			.concatMap((entry) -> this.db.sql("INSERT INTO flow_lost_event (workspace_id, node_name, minute, source, "
					+ "count) VALUES (:ws, :node, :minute, :source, :count) ON CONFLICT (workspace_id, minute, node_name,"
					+ " source) DO UPDATE SET count = flow_lost_event.count + EXCLUDED.count")
				.bind("ws", run.workspaceId)
				.bind("node", entry.getKey().node)
				.bind("minute", entry.getKey().minute.atOffset(ZoneOffset.UTC))
				.bind("source", entry.getKey().source)
				.bind("count", entry.getValue()[0])
				.then())
			.then();
	}

	private Mono<IngestReport> finish(Run run, AuditLog.Who actor, @Nullable String remoteAddress) {
		IngestReport report = run.report();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", run.source.column());
		details.put("upload", run.uploadId);
		details.put("accepted", report.accepted());
		details.put("flows", report.flows());
		details.put("rejected", report.rejectedCount());
		details.put("ignored", report.ignored());
		details.put("lostEvents", report.lostEvents());
		if (report.cluster() != null) {
			details.put("otherClusterFlows", report.cluster().flows());
		}
		return this.db.sql("UPDATE flow_upload SET accepted = :accepted, rejected = :rejected, ignored = :ignored, "
				+ "finished_at = clock_timestamp() WHERE id = :id")
			.bind("accepted", report.accepted())
			.bind("rejected", report.rejectedCount())
			.bind("ignored", report.ignored())
			.bind("id", run.uploadId)
			.then()
			.then(this.audit.record(new AuditLog.Event(actor, "flow.ingest", AuditLog.Outcome.SUCCESS,
					"flows/" + run.uploadId, run.workspace, remoteAddress, details)))
			.thenReturn(report);
	}

	/**
	 * One chunk parsed: its rows as one binary COPY (header to trailer), the days that need partitions first, whether
	 * it must start a new COPY (it needs partitions, which a COPY running before they were attached would not see,
	 * or the batch before it handed over edges, which are added between two COPYs), and the edges it hands over
	 * (when the ingest has gathered {@link #MAX_EDGES}; null otherwise), and the label sets its rows are the first of
	 * this ingest to use (by id, {@link LabelSets}), which {@link #addLabelSets} writes before the rows.
	 */
	record Batch(byte[] copy, int length, int rows, List<LocalDate> newDays, boolean startsCopy,
			@Nullable Map<Edge, long[]> edges, Map<Long, List<String>> labelSets) {
	}

	record Edge(Instant minute, String source, String destination, int port, String protocol, String verdict) {
	}

	record Lost(String node, Instant minute, String source) {
	}

	/**
	 * An endpoint's part of a flow row: its workload, its cluster, and its namespace, pod, workload and label set
	 * columns already encoded for the binary COPY (in {@link #COPY_FLOW}'s order; the identity, which is the flow's,
	 * follows them).
	 */
	record EndpointColumns(String workload, @Nullable String cluster, byte[] encoded) {
	}

	/**
	 * How many label set ids one ingest remembers having written (a few megabytes); beyond it the memory is cleared
	 * and sets already written may be written again, which changes nothing.
	 */
	static final int MAX_LABEL_SETS = 100_000;

	/** How many endpoints' {@link EndpointColumns} an ingest keeps at most (a few megabytes). */
	static final int MAX_ENDPOINTS = 4096;

	/**
	 * The state of one ingest. Chunks are parsed one after the other (one thread at a time); a chunk is parsed while
	 * the ones before it are written, so what the writing needs travels in the {@link Batch} (rows, new days, the
	 * edges handed over) and the rest (counts, rejections, lost events, the last edges) is read after the last chunk.
	 */
	static final class Run implements FlowReader.StoredLines {

		final long workspaceId;

		final String workspace;

		final String cluster;

		final Source source;

		long uploadId;

		final FlowReader reader = new FlowReader();

		final Set<LocalDate> days = new HashSet<>();

		/** The edges gathered since the last hand-over (only the parsing thread touches it until the end). */
		private Map<Edge, long[]> edges = new HashMap<>();

		/** The last batch handed over edges, so the next one starts a new COPY. */
		private boolean handedOverEdges;

		final Map<Lost, long[]> lost = new HashMap<>();

		final List<IngestReport.Rejected> rejected = new ArrayList<>();

		final Map<String, Long> otherClusters = new HashMap<>();

		long otherClusterFlows;

		long rejectedCount;

		long accepted;

		long flowCount;

		long ignored;

		long lostEvents;

		boolean stageCreated;

		/** The label sets this ingest has handed to {@link #addLabelSets} (cleared at {@link #MAX_LABEL_SETS}). */
		private final Set<Long> labelSetsAdded = new HashSet<>();

		private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
				ByteOrder.LITTLE_ENDIAN);

		/** {@link #columns} of the endpoints seen, by instance; cleared when it reaches {@link #MAX_ENDPOINTS}. */
		private final Map<Endpoint, EndpointColumns> endpointColumns = new IdentityHashMap<>();

		// per chunk
		private @Nullable CopyBinary out;

		private int rows;

		private List<LocalDate> newDays = new ArrayList<>();

		private Map<Long, List<String>> newLabelSets = new HashMap<>();

		private Instant notAfter = Instant.MAX;

		private int maxDays;

		Run(long workspaceId, String workspace, String cluster, Source source) {
			this.workspaceId = workspaceId;
			this.workspace = workspace;
			this.cluster = cluster;
			this.source = source;
		}

		Batch parse(LineChunks.Chunk chunk, FlowSettings settings) {
			this.out = new CopyBinary(chunk.length() + chunk.length() / 2 + 1024);
			this.rows = 0;
			this.newDays = new ArrayList<>(1);
			this.newLabelSets = new HashMap<>();
			this.notAfter = Instant.now().plus(settings.maxFuture());
			this.maxDays = settings.maxDaysPerIngest();
			if (chunk.tooLong()) {
				reject(chunk.firstLine(), "the line is longer than " + FlowReader.MAX_LINE_BYTES + " bytes; skipped");
			}
			else if (chunk.length() > 0) {
				this.reader.readStored(chunk.bytes(), 0, chunk.length(), chunk.firstLine(), this);
			}
			if (chunk.stop() != null) {
				reject(chunk.firstLine(), chunk.stop());
			}
			CopyBinary done = this.out.finish();
			this.out = null;
			boolean startsCopy = this.handedOverEdges || !this.newDays.isEmpty();
			Map<Edge, long[]> handOver = (this.edges.size() >= MAX_EDGES) ? takeEdges() : null;
			this.handedOverEdges = handOver != null;
			return new Batch(done.bytes(), done.length(), this.rows, this.newDays, startsCopy, handOver,
					this.newLabelSets);
		}

		/** The edges gathered so far, which this run forgets. */
		Map<Edge, long[]> takeEdges() {
			Map<Edge, long[]> taken = this.edges;
			this.edges = new HashMap<>();
			return taken;
		}

		@Override
		public void flow(StoredFlow f) {
			if (f.time().isAfter(this.notAfter)) {
				reject(f.line(), "time: " + f.time() + " is in the future (more than the allowed "
						+ "portcullis.flows.max-future ahead of this server's clock)");
				return;
			}
			if (!validUtf8(f.json(), f.jsonFrom(), f.jsonTo())) {
				reject(f.line(), "is not valid UTF-8 text, or holds a control character");
				return;
			}
			LocalDate day = LocalDate.ofInstant(f.time(), ZoneOffset.UTC);
			if (!this.days.contains(day)) {
				if (this.days.size() >= this.maxDays) {
					reject(f.line(), "time: " + f.time() + " is on a day beyond the " + this.maxDays
							+ " distinct days one ingest may write (portcullis.flows.max-days-per-ingest)");
					return;
				}
				this.days.add(day);
				this.newDays.add(day);
			}
			Flow flow = f.flow();
			EndpointColumns source = columns(flow.source());
			EndpointColumns destination = columns(flow.destination());
			String sourceCluster = source.cluster();
			String destinationCluster = destination.cluster();
			String sourceWorkload = source.workload();
			String destinationWorkload = destination.workload();
			String protocol = protocol(flow.protocol());
			Integer port = (flow.destinationPort() > 0) ? flow.destinationPort() : null;
			CopyBinary t = this.out.row(FLOW_COLUMNS);
			t.int8(this.workspaceId).timestamptz(f.time()).int8(this.uploadId).int4(f.count())
				.text(f.nodeName()).text(f.verdict()).text(f.dropReasonDesc()).text(f.trafficDirection())
				.text(f.type()).bool(f.isReply());
			t.fields(source.encoded()).optionalInt8(f.sourceIdentity()).text(sourceCluster);
			t.inet(flow.sourceIp()).optionalInt4(f.sourcePort()).textArray(f.sourceNames());
			t.fields(destination.encoded()).optionalInt8(f.destinationIdentity()).text(destinationCluster);
			t.inet(flow.destinationIp()).optionalInt4((port != null) ? port : -1).textArray(flow.destinationNames());
			t.text(protocol).text(f.l7Type());
			if (flow.l7() instanceof Flow.Http http) {
				t.text(http.method().isEmpty() ? null : http.method()).optionalInt4(f.httpStatus())
					.text(http.url().isEmpty() ? null : http.url());
			}
			else {
				t.nul().optionalInt4(f.httpStatus()).nul();
			}
			t.text((flow.l7() instanceof Flow.Dns dns) ? dns.query() : null);
			t.raw(f.json(), f.jsonFrom(), f.jsonTo());
			this.rows++;
			this.accepted++;
			this.flowCount += f.count();
			Edge edge = new Edge(f.time().truncatedTo(ChronoUnit.MINUTES), sourceWorkload, destinationWorkload,
					(port != null) ? port : 0, (protocol != null) ? protocol : "",
					(f.verdict() != null) ? f.verdict() : "");
			this.edges.computeIfAbsent(edge, (e) -> new long[1])[0] += f.count();
			String other = (sourceCluster != null && !sourceCluster.equals(this.cluster)) ? sourceCluster
					: (destinationCluster != null && !destinationCluster.equals(this.cluster)) ? destinationCluster
							: null;
			if (other != null) {
				this.otherClusterFlows += f.count();
				if (this.otherClusters.containsKey(other) || this.otherClusters.size() < 10) {
					this.otherClusters.merge(other, (long) f.count(), Long::sum);
				}
			}
		}

		/**
		 * What the row takes from an endpoint, worked out once per endpoint: the reader gives equal endpoints of one
		 * read as one instance, so a log's flows mostly repeat a few hundred of them.
		 */
		private EndpointColumns columns(Endpoint e) {
			EndpointColumns known = this.endpointColumns.get(e);
			if (known == null) {
				String workload = Workloads.of(e);
				long labelSet = LabelSets.id(e.labels());
				if (this.labelSetsAdded.add(labelSet)) {
					this.newLabelSets.put(labelSet, e.labels());
					if (this.labelSetsAdded.size() >= MAX_LABEL_SETS) {
						this.labelSetsAdded.clear();
					}
				}
				known = new EndpointColumns(workload, cluster(e), CopyBinary.fragment()
					.text(e.namespace())
					.text(e.podName())
					.text(workload)
					.int8(labelSet)
					.toByteArray());
				if (this.endpointColumns.size() >= MAX_ENDPOINTS) {
					this.endpointColumns.clear();
				}
				this.endpointColumns.put(e, known);
			}
			return known;
		}

		private static @Nullable String cluster(Endpoint e) {
			if (e.clusterName() != null) {
				return e.clusterName();
			}
			for (String label : e.labels()) {
				if (label.startsWith(CLUSTER_LABEL)) {
					return label.substring(CLUSTER_LABEL.length());
				}
			}
			return null;
		}

		private static @Nullable String protocol(Protocol protocol) {
			return switch (protocol) {
				case ANY -> null;
				case ICMPV4 -> "ICMPv4";
				case ICMPV6 -> "ICMPv6";
				default -> protocol.name();
			};
		}

		@Override
		public void lostEvents(LostEvents events) {
			Instant at = (events.time() != null) ? events.time() : Instant.now();
			Lost key = new Lost((events.nodeName() != null) ? events.nodeName() : "",
					at.truncatedTo(ChronoUnit.MINUTES), events.source());
			this.lost.computeIfAbsent(key, (k) -> new long[1])[0] += events.count();
			this.lostEvents += events.count();
		}

		@Override
		public void ignored(int line, String why) {
			this.ignored++;
		}

		@Override
		public void rejected(int line, Violation first) {
			reject(line, first.path().isEmpty() ? first.message() : first.path() + ": " + first.message());
		}

		void reject(long line, String message) {
			this.rejectedCount++;
			if (this.rejected.size() < IngestReport.MAX_LISTED) {
				this.rejected.add(new IngestReport.Rejected(line, message));
			}
		}

		IngestReport report() {
			IngestReport.ClusterMismatch mismatch = (this.otherClusterFlows == 0) ? null
					: new IngestReport.ClusterMismatch(this.cluster, this.otherClusterFlows, this.otherClusters);
			return new IngestReport(this.accepted, this.flowCount, this.rejected, this.rejectedCount, this.ignored,
					this.lostEvents, mismatch, this.uploadId);
		}

		private static boolean validUtf8(byte[] bytes, int from, int to) {
			boolean ascii = true;
			int i = from;
			// eight bytes at a time while none is a control character or outside ASCII (nearly every line is ASCII
			// throughout); from the first word that has one, byte by byte
			while (i + 8 <= to) {
				long word = (long) LONGS.get(bytes, i);
				if (((((word - 0x2020202020202020L) & ~word) | word) & 0x8080808080808080L) != 0) {
					break;
				}
				i += 8;
			}
			for (; i < to; i++) {
				byte b = bytes[i];
				if (b < 0) {
					ascii = false;
				}
				else if (b < 0x20 && b != '\t' && b != '\r') {
					return false;
				}
			}
			if (ascii) {
				return true;
			}
			try {
				StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes, from, to - from));
				return true;
			}
			catch (CharacterCodingException ex) {
				return false;
			}
		}

	}

	/** Marks a failure to read the request body as the client's going away, not as broken input. */
	private static final class AbortingInputStream extends java.io.FilterInputStream {

		AbortingInputStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			try {
				return super.read();
			}
			catch (IOException ex) {
				throw new LineChunks.Aborted(ex);
			}
			catch (RuntimeException ex) {
				throw new LineChunks.Aborted(new IOException(ex));
			}
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			try {
				return super.read(b, off, len);
			}
			catch (IOException ex) {
				throw new LineChunks.Aborted(ex);
			}
			catch (RuntimeException ex) {
				throw new LineChunks.Aborted(new IOException(ex));
			}
		}

	}


}
