package dev.portcullis.hubble;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.FlowParseResult;
import dev.portcullis.engine.flow.FlowParseResult.ParsedFlow;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads Hubble flows from JSON text into the engine's {@link Flow} in one streaming pass (Jackson's token stream;
 * no JSON tree, no intermediate document): the one flow reader of Portcullis (DESIGN.md, docs/adr/019), for the
 * flows of {@code POST /api/v1/evaluate} ({@link #readArray}) and for flow files and uploads, one flow per line
 * ({@link #readLines}).
 * <p>
 * A flow is as {@code hubble observe -o json} (or {@code -o jsonpb}, or the flow exporter) prints it: one
 * {@code GetFlowsResponse}, {@code {"flow": {...}, "node_name": ..., "time": ...}}, or the bare flow object of
 * the legacy JSON output (api/v1/flow/flow.proto, proto3 JSON with proto field names).
 * <p>
 * Fields read: {@code source} / {@code destination} ({@code namespace}, {@code labels}, {@code pod_name},
 * {@code cluster_name}), {@code IP.source} / {@code IP.destination}, {@code l4} (exactly one of {@code TCP},
 * {@code UDP}, {@code SCTP} with {@code destination_port}, or {@code ICMPv4} / {@code ICMPv6} with {@code type},
 * or {@code VRRP} / {@code IGMP}), {@code l7} ({@code http: {method, url, headers[{key,value}], protocol}},
 * {@code kafka: {api_key, api_version, topic}}, {@code dns: {query, qtypes}}; the first of http, kafka, dns
 * that is an object), {@code destination_names}, {@code is_reply} (the deprecated {@code reply} when it is absent),
 * {@code node_labels} and {@code destination_service: {name, namespace}}. Every other field is ignored. Portcullis
 * extensions: {@code l7.kafka.client_id}, {@code l7.kafka.topics}, {@code source/destination.named_ports: [{name,
 * port, protocol}]}, {@code tls: {sni}} (for {@code serverNames}) and {@code destination_service.labels}.
 * <p>
 * Decisions: an endpoint without {@code namespace} whose labels carry {@code k8s:io.kubernetes.pod.namespace=<ns>}
 * is a pod of that namespace (Hubble omits {@code namespace} for some pods); an L7 {@code RESPONSE} without
 * {@code is_reply} counts as a reply. Objects that are {@code node_status} or {@code lost_events} responses are
 * not flows: they are skipped with a warning. Integers may be JSON numbers or decimal strings (proto3 JSON accepts
 * both); a numeric Kafka {@code api_key} becomes its name ({@code 0} is {@code produce}). A JSON {@code null}
 * counts as an absent field. When a key appears twice in one object, the last value counts (as in a JSON tree).
 * <p>
 * Violations name the flow and the field relative to the flow object: in an array, {@code flows[3].l4.TCP
 * .destination_port} with the array index as the violation's {@code document}; in a stream of lines, the field
 * alone ({@code l4.TCP.destination_port}) with the 0-based line index as {@code document} and the 1-based line
 * number as {@code line}. Messages say what is allowed and quote what was found, for example
 * {@code must be a number 0..65535, got "x"}. A flow with an error is left out; the others are read. The
 * violations of one flow come in the order of the fields above, whatever the order of the JSON.
 * <p>
 * Equal endpoints of one read are one instance (so that a log's flows hit the evaluator's identity cache), and
 * repeated short strings are one instance ({@link Strings}). A reader is not thread-safe; use one per read.
 */
public final class FlowReader {

	/** The longest line {@link #readLines} reads; a longer one is a violation and is skipped. */
	public static final int MAX_LINE_BYTES = 1024 * 1024;

	private static final TokenStreamFactory LINES = JsonFactory.builder().build();

	/** The state of this reader's reads that {@link FlowFields} and the field readers share, created once. */
	final Tokens tokens = new Tokens();

	final Endpoints endpoints = new Endpoints(this.tokens);

	final L7Fields l7 = new L7Fields(this.tokens);

	private static final int NODE_STATUS = 1;

	private static final int LOST_EVENTS = 2;

	// the state of the line readStored reads (set by readValue and finish)
	private int kind;

	private @Nullable FlowFields built;

	private @Nullable String responseTime;

	private @Nullable String responseNode;

	private @Nullable LostEvents lost;

	private long jsonFrom = -1;

	private long jsonTo = -1;

	/** What {@link #readArray} read: the flows and violations, and how many items the array had. */
	public record Read(FlowParseResult result, int items) {
	}

	/**
	 * Reads the JSON array the parser is at (its current token is {@link JsonToken#START_ARRAY}) up to and
	 * including its end. Only the first {@code maxFlows} items are read into flows; the rest are skipped and
	 * counted in {@link Read#items()}, so that the caller can refuse the request.
	 *
	 * @throws JacksonException when the text is not valid JSON (the parser's location says where)
	 */
	public Read readArray(JsonParser parser, int maxFlows) {
		this.tokens.recording = false;
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new IllegalStateException("the parser is not at the start of an array");
		}
		List<ParsedFlow> flows = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		this.tokens.prefixed = true;
		this.tokens.lineOffset = 0;
		int items = 0;
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			if (items < maxFlows) {
				readValue(parser, items, flows, violations);
			}
			else {
				parser.skipChildren();
			}
			items++;
		}
		return new Read(new FlowParseResult(flows, violations), items);
	}

	/**
	 * Reads one JSON text holding one flow, {@code index} naming it in violations ({@code flows[index]}).
	 *
	 * @throws JacksonException when the text is not valid JSON
	 */
	public FlowParseResult read(String json, int index) {
		this.tokens.recording = false;
		List<ParsedFlow> flows = new ArrayList<>(1);
		List<Violation> violations = new ArrayList<>();
		this.tokens.prefixed = true;
		this.tokens.lineOffset = 0;
		try (JsonParser parser = LINES.createParser(ObjectReadContext.empty(), json)) {
			parser.nextToken();
			readValue(parser, index, flows, violations);
		}
		return new FlowParseResult(flows, violations);
	}

	/**
	 * Reads flows one per line (JSON Lines, as {@code hubble observe -o json} and the flow exporter write them)
	 * until the end of the input, handing them over in batches of up to {@code batchSize} lines as they are read.
	 * Blank lines are skipped; a line that is not valid JSON, holds more than one value or is longer than
	 * {@link #MAX_LINE_BYTES} is a violation with its line number, and reading goes on with the next line. The
	 * input is not closed.
	 *
	 * @throws IOException when the input cannot be read
	 */
	public void readLines(InputStream in, int batchSize, Consumer<FlowParseResult> batches) throws IOException {
		this.tokens.recording = false;
		this.tokens.prefixed = false;
		List<ParsedFlow> flows = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		byte[] buffer = new byte[64 * 1024];
		int start = 0;
		int end = 0;
		int line = 0;
		int inBatch = 0;
		boolean skipping = false;
		boolean eof = false;
		while (!eof || start < end) {
			int newline = -1;
			for (int i = start; i < end; i++) {
				if (buffer[i] == '\n') {
					newline = i;
					break;
				}
			}
			if (newline < 0 && !eof) {
				if (end - start > MAX_LINE_BYTES) {
					if (!skipping) {
						violations.add(Violation.error(line, "", new Position(line + 1, 1),
								"the line is longer than " + MAX_LINE_BYTES + " bytes; skipped"));
						skipping = true;
					}
					start = end;
				}
				if (start > 0) {
					System.arraycopy(buffer, start, buffer, 0, end - start);
					end -= start;
					start = 0;
				}
				if (end == buffer.length) {
					buffer = java.util.Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_LINE_BYTES + 64 * 1024));
				}
				int n = in.read(buffer, end, buffer.length - end);
				if (n < 0) {
					eof = true;
				}
				else {
					end += n;
				}
				continue;
			}
			int lineEnd = (newline >= 0) ? newline : end;
			if (!skipping) {
				readLine(buffer, start, lineEnd, line, flows, violations);
			}
			skipping = false;
			start = (newline >= 0) ? newline + 1 : end;
			line++;
			if (++inBatch >= batchSize) {
				batches.accept(new FlowParseResult(flows, violations));
				flows.clear();
				violations.clear();
				inBatch = 0;
			}
		}
		if (!flows.isEmpty() || !violations.isEmpty()) {
			batches.accept(new FlowParseResult(flows, violations));
		}
	}

	/** {@link #readLines(InputStream, int, Consumer)}, every line in one result. */
	public FlowParseResult readLines(InputStream in) throws IOException {
		List<ParsedFlow> flows = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		readLines(in, 10_000, (batch) -> {
			flows.addAll(batch.flows());
			violations.addAll(batch.violations());
		});
		return new FlowParseResult(flows, violations);
	}

	/** What {@link #readStored} hands over, line by line, in input order. */
	public interface StoredLines {

		/** A flow to keep. */
		void flow(StoredFlow flow);

		/** A {@code lost_events} response (not a flow; also counted by {@link #ignored}). */
		void lostEvents(LostEvents lost);

		/** A line that is not a flow and not wrong (a {@code node_status} or {@code lost_events} response). */
		void ignored(int line, String why);

		/** A line left out: not valid JSON, not a flow, or a flow with the error {@code first} (the first of them). */
		void rejected(int line, Violation first);

	}

	/**
	 * Reads the lines of {@code input[from, to)} for the flow store (as {@link #readLines}, plus the fields of
	 * {@link StoredFlow}, which are then checked too: a wrong type in them leaves the flow out), the first line
	 * being number {@code firstLine} (1-based). Blank lines are skipped; a flow without a time is rejected. The
	 * caller cuts the input at line ends and keeps lines shorter than {@link #MAX_LINE_BYTES}; the flows handed
	 * over point into {@code input}.
	 */
	public void readStored(byte[] input, int from, int to, int firstLine, StoredLines lines) {
		this.tokens.prefixed = false;
		this.tokens.recording = true;
		List<ParsedFlow> flows = new ArrayList<>(1);
		List<Violation> violations = new ArrayList<>(1);
		int start = from;
		int line = firstLine - 1;
		while (start < to) {
			int end = start;
			while (end < to && input[end] != '\n') {
				end++;
			}
			storedLine(input, start, end, line, flows, violations, lines);
			line++;
			start = end + 1;
		}
	}

	private void storedLine(byte[] input, int from, int to, int line, List<ParsedFlow> flows,
			List<Violation> violations, StoredLines lines) {
		flows.clear();
		violations.clear();
		this.kind = 0;
		this.built = null;
		this.responseTime = null;
		this.responseNode = null;
		this.lost = null;
		int first = from;
		while (first < to && isBlank(input[first])) {
			first++;
		}
		int last = to;
		while (last > first && isBlank(input[last - 1])) {
			last--;
		}
		if (first == last) {
			return;
		}
		readLine(input, first, last, line, flows, violations);
		if (this.kind == LOST_EVENTS && flows.isEmpty()) {
			LostEvents lost = this.lost;
			if (lost != null) {
				lines.lostEvents(new LostEvents(line + 1, this.responseNode, instant(this.responseTime),
						lost.source(), lost.count()));
			}
			lines.ignored(line + 1, "lost_events");
			return;
		}
		if (this.kind == NODE_STATUS && flows.isEmpty()) {
			lines.ignored(line + 1, "node_status");
			return;
		}
		for (Violation violation : violations) {
			if (violation.severity() == Violation.Severity.ERROR) {
				lines.rejected(line + 1, violation);
				return;
			}
		}
		FlowFields f = this.built;
		if (flows.isEmpty() || f == null) {
			lines.rejected(line + 1, Violation.error(line, "", new Position(line + 1, 1), "is not a Hubble flow"));
			return;
		}
		String timeText = (f.time != null) ? f.time : this.responseTime;
		if (timeText == null) {
			lines.rejected(line + 1, Violation.error(line, "time", new Position(line + 1, 1),
					"is required to keep a flow (an RFC 3339 time such as \"2026-12-04T10:00:00Z\")"));
			return;
		}
		Instant time = instant(timeText);
		if (time == null) {
			lines.rejected(line + 1, Violation.error(line, "time", new Position(line + 1, 1),
					"must be an RFC 3339 time such as \"2026-12-04T10:00:00Z\", got " + quote(timeText)));
			return;
		}
		int jsonFrom = first;
		int jsonTo = last;
		if (this.jsonFrom >= 0) {
			jsonFrom = first + (int) this.jsonFrom;
			jsonTo = first + (int) this.jsonTo;
		}
		Boolean isReply = (f.isReply != null) ? f.isReply : f.reply;
		lines.flow(new StoredFlow(line + 1, flows.get(0).flow(), time, f.verdict, f.dropReasonDesc,
				f.trafficDirection, f.type, (f.nodeName != null) ? f.nodeName : this.responseNode, isReply,
				f.sourceIdentity, f.destinationIdentity, f.sourcePort, f.httpStatus, f.l7Type, f.sourceNames, f.count,
				input, jsonFrom, jsonTo));
	}

	private static String quote(String text) {
		return "\"" + ((text.length() > 64) ? text.substring(0, 64) + "..." : text) + "\"";
	}

	private static @Nullable Instant instant(@Nullable String text) {
		if (text == null) {
			return null;
		}
		return Rfc3339.parse(text);
	}

	private void lostEvents(JsonParser parser) {
		if (parser.currentToken() != JsonToken.START_OBJECT) {
			parser.skipChildren();
			return;
		}
		String source = "UNKNOWN_LOST_EVENT_SOURCE";
		long count = 0;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken token = parser.nextToken();
			if (name.equals("source") && token == JsonToken.VALUE_STRING) {
				source = parser.getString();
			}
			else if (name.equals("num_events_lost")) {
				if (token == JsonToken.VALUE_NUMBER_INT) {
					count = Math.max(0, parser.getLongValue());
				}
				else if (token == JsonToken.VALUE_STRING) {
					try {
						count = Math.max(0, Long.parseLong(parser.getString()));
					}
					catch (NumberFormatException ex) {
						count = 0;
					}
				}
				else {
					parser.skipChildren();
				}
			}
			else {
				parser.skipChildren();
			}
		}
		this.lost = new LostEvents(0, null, null, source, count);
	}

	private void readLine(byte[] buffer, int from, int to, int line, List<ParsedFlow> flows,
			List<Violation> violations) {
		int first = from;
		while (first < to && isBlank(buffer[first])) {
			first++;
		}
		if (first == to) {
			return;
		}
		this.tokens.lineOffset = line;
		try (JsonParser parser = LINES.createParser(ObjectReadContext.empty(), buffer, first, to - first)) {
			parser.nextToken();
			readValue(parser, line, flows, violations);
			if (parser.nextToken() != null) {
				int size = flows.size();
				if (size > 0 && flows.get(size - 1).index() == line) {
					flows.remove(size - 1);
				}
				violations.add(Violation.error(line, "", this.tokens.position(parser.currentTokenLocation()),
						"holds more than one JSON value; one flow per line"));
			}
		}
		catch (JacksonException ex) {
			int size = flows.size();
			if (size > 0 && flows.get(size - 1).index() == line) {
				flows.remove(size - 1);
			}
			TokenStreamLocation at = ex.getLocation();
			violations.add(Violation.error(line, "", (at != null) ? this.tokens.position(at)
					: new Position(line + 1, 0),
					"not valid JSON: " + firstLine(ex.getOriginalMessage())));
		}
	}

	private static boolean isBlank(byte b) {
		return b == ' ' || b == '\t' || b == '\r' || b == '\n';
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unexpected input";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	/** Reads the value the parser is at (its first token is current) as one flow or a skipped response. */
	private void readValue(JsonParser parser, int index, List<ParsedFlow> flows, List<Violation> violations) {
		Tokens t = this.tokens;
		t.index = index;
		if (parser.currentToken() != JsonToken.START_OBJECT) {
			violations.add(Violation.error(index, t.path(""), t.position(parser),
					"must be a JSON object (one Hubble flow), got " + Tokens.describe(parser)));
			parser.skipChildren();
			return;
		}
		TokenStreamLocation at = parser.currentTokenLocation();
		FlowFields bare = null;
		FlowFields wrapped = null;
		Violation wrappedError = null;
		boolean flowKey = false;
		boolean nodeStatus = false;
		boolean lostEvents = false;
		boolean flowField = false;
		String name;
		while ((name = parser.nextName()) != null) {
			parser.nextToken();
			switch (name) {
				case "flow" -> {
					flowKey = true;
					wrapped = null;
					wrappedError = null;
					if (parser.currentToken() == JsonToken.START_OBJECT) {
						wrapped = new FlowFields(parser.currentTokenLocation());
						this.jsonFrom = parser.currentTokenLocation().getByteOffset();
						readFields(parser, wrapped);
						this.jsonTo = parser.currentLocation().getByteOffset();
					}
					else {
						wrappedError = Violation.error(index, t.path("flow"), t.position(parser),
								"must be an object, got " + Tokens.describe(parser));
						parser.skipChildren();
					}
				}
				case "node_status" -> {
					nodeStatus = true;
					parser.skipChildren();
				}
				case "lost_events" -> {
					lostEvents = true;
					if (t.recording) {
						lostEvents(parser);
					}
					else {
						parser.skipChildren();
					}
				}
				case "node_name", "time" -> {
					if (t.recording && parser.currentToken() == JsonToken.VALUE_STRING) {
						if (name.equals("time")) {
							this.responseTime = parser.getString();
						}
						else {
							this.responseNode = parser.getString();
						}
					}
					else {
						parser.skipChildren();
					}
				}
				default -> {
					flowField |= name.equals("source") || name.equals("destination") || name.equals("l4")
							|| name.equals("IP");
					if (bare == null) {
						bare = new FlowFields(at);
					}
					bare.field(this, name, parser);
				}
			}
		}
		if (!flowKey) {
			this.jsonFrom = -1;
		}
		if (flowKey) {
			if (wrappedError != null) {
				violations.add(wrappedError);
				return;
			}
			finish(wrapped, flows, violations);
			return;
		}
		if (nodeStatus || lostEvents) {
			this.kind = lostEvents ? LOST_EVENTS : NODE_STATUS;
			violations.add(Violation.warning(index, t.path(""), t.position(at), "not a flow: a "
					+ (nodeStatus ? "node_status" : "lost_events") + " response of hubble observe; skipped"));
			return;
		}
		if (!flowField) {
			violations.add(Violation.error(index, t.path(""), t.position(at),
					"is not a Hubble flow: expected \"flow\" or the flow fields source, destination, IP and l4"));
			return;
		}
		finish(bare, flows, violations);
	}

	private void readFields(JsonParser parser, FlowFields fields) {
		String name;
		while ((name = parser.nextName()) != null) {
			parser.nextToken();
			fields.field(this, name, parser);
		}
	}

	private void finish(@Nullable FlowFields fields, List<ParsedFlow> flows, List<Violation> violations) {
		if (fields == null) {
			return;
		}
		Flow flow = fields.build(this);
		if (fields.errors.isEmpty()) {
			if (flow != null) {
				flows.add(new ParsedFlow(this.tokens.index, flow));
				this.built = fields;
			}
			return;
		}
		fields.errors.sort(Comparator.comparingInt(Ranked::rank));
		for (Ranked error : fields.errors) {
			violations.add(error.violation());
		}
	}

}
