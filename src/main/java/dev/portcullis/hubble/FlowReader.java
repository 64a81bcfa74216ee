package dev.portcullis.hubble;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Dns;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.flow.Flow.Service;
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

	private static final String[] L4_KINDS = { "TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6", "VRRP", "IGMP" };

	private static final String NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace=";

	// violation ranks: the order of the fields in the class comment, so that a flow's violations do not depend
	// on the order of its JSON
	private static final int SOURCE = 0 << 8;

	private static final int DESTINATION = 1 << 8;

	private static final int IP = 2 << 8;

	private static final int L4 = 3 << 8;

	private static final int IS_REPLY = 4 << 8;

	private static final int REPLY = 5 << 8;

	private static final int L7 = 6 << 8;

	private static final int DESTINATION_NAMES = 7 << 8;

	private static final int NODE_LABELS = 8 << 8;

	private static final int TLS = 9 << 8;

	private static final int DESTINATION_SERVICE = 10 << 8;

	private final Strings strings = new Strings();

	private final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();

	/** The namespace a {@code k8s:io.kubernetes.pod.namespace=} label names, per (shared) label instance. */
	private final Map<String, String> namespaces = new IdentityHashMap<>();

	private final Map<String, Boolean> addresses = new HashMap<>();

	/** The index of the flow being read, for violations. */
	private int index;

	/** Whether violation paths start with {@code flows[index]} (an array) or not (lines). */
	private boolean prefixed;

	/** Added to the parser's line numbers (lines: the parser reads one line). */
	private int lineOffset;

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
		if (parser.currentToken() != JsonToken.START_ARRAY) {
			throw new IllegalStateException("the parser is not at the start of an array");
		}
		List<ParsedFlow> flows = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		this.prefixed = true;
		this.lineOffset = 0;
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
		List<ParsedFlow> flows = new ArrayList<>(1);
		List<Violation> violations = new ArrayList<>();
		this.prefixed = true;
		this.lineOffset = 0;
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
		this.prefixed = false;
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

	private void readLine(byte[] buffer, int from, int to, int line, List<ParsedFlow> flows,
			List<Violation> violations) {
		int first = from;
		while (first < to && isBlank(buffer[first])) {
			first++;
		}
		if (first == to) {
			return;
		}
		this.lineOffset = line;
		try (JsonParser parser = LINES.createParser(ObjectReadContext.empty(), buffer, first, to - first)) {
			parser.nextToken();
			readValue(parser, line, flows, violations);
			if (parser.nextToken() != null) {
				int size = flows.size();
				if (size > 0 && flows.get(size - 1).index() == line) {
					flows.remove(size - 1);
				}
				violations.add(Violation.error(line, "", position(parser.currentTokenLocation()),
						"holds more than one JSON value; one flow per line"));
			}
		}
		catch (JacksonException ex) {
			int size = flows.size();
			if (size > 0 && flows.get(size - 1).index() == line) {
				flows.remove(size - 1);
			}
			TokenStreamLocation at = ex.getLocation();
			violations.add(Violation.error(line, "", (at != null) ? position(at) : new Position(line + 1, 0),
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
		this.index = index;
		if (parser.currentToken() != JsonToken.START_OBJECT) {
			violations.add(Violation.error(index, path(""), position(parser),
					"must be a JSON object (one Hubble flow), got " + describe(parser)));
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
						readFields(parser, wrapped);
					}
					else {
						wrappedError = Violation.error(index, path("flow"), position(parser),
								"must be an object, got " + describe(parser));
						parser.skipChildren();
					}
				}
				case "node_status" -> {
					nodeStatus = true;
					parser.skipChildren();
				}
				case "lost_events" -> {
					lostEvents = true;
					parser.skipChildren();
				}
				case "node_name", "time" -> parser.skipChildren();
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
		if (flowKey) {
			if (wrappedError != null) {
				violations.add(wrappedError);
				return;
			}
			finish(wrapped, flows, violations);
			return;
		}
		if (nodeStatus || lostEvents) {
			violations.add(Violation.warning(index, path(""), position(at), "not a flow: a "
					+ (nodeStatus ? "node_status" : "lost_events") + " response of hubble observe; skipped"));
			return;
		}
		if (!flowField) {
			violations.add(Violation.error(index, path(""), position(at), "is not a Hubble flow: expected \"flow\" or the "
					+ "flow fields source, destination, IP and l4"));
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
				flows.add(new ParsedFlow(this.index, flow));
			}
			return;
		}
		fields.errors.sort(Comparator.comparingInt(Ranked::rank));
		for (Ranked error : fields.errors) {
			violations.add(error.violation());
		}
	}

	/** A violation and where it belongs among the flow's fields. */
	private record Ranked(int rank, Violation violation) {
	}

	/** The fields of one flow object as they stream by; {@link #build} decides once the object is read. */
	private static final class FlowFields {

		final TokenStreamLocation at;

		final List<Ranked> errors = new ArrayList<>(0);

		@Nullable Endpoint source;

		@Nullable Endpoint destination;

		@Nullable String sourceIp;

		@Nullable String destinationIp;

		/** 0 absent or null, 1 an object, 2 something else (its error is recorded). */
		int l4;

		@Nullable TokenStreamLocation l4At;

		/** Which of {@link #L4_KINDS} are keys of {@code l4}. */
		int kinds;

		/** The kind last seen (the one that counts when there is exactly one): 0 null, 1 an object, 2 else. */
		int kindShape;

		int kindValue;

		@Nullable List<Ranked> kindErrors;

		@Nullable Boolean isReply;

		@Nullable Boolean reply;

		@Nullable List<Ranked> replyErrors;

		@Nullable String l7Type;

		/** The first of http, kafka, dns that was an object, in that order, with the errors of getting there. */
		Object @Nullable [] l7;

		int @Nullable [] l7Shape;

		@Nullable List<Ranked> @Nullable [] l7Errors;

		List<String> destinationNames = List.of();

		List<String> nodeLabels = List.of();

		@Nullable String sni;

		@Nullable String serviceName;

		@Nullable String serviceNamespace;

		List<String> serviceLabels = List.of();

		@Nullable List<Ranked> serviceErrors;

		boolean service;

		FlowFields(TokenStreamLocation at) {
			this.at = at;
		}

		@SuppressWarnings("unchecked")
		private static @Nullable List<Ranked>[] newLists(int n) {
			return new List[n];
		}

		void field(FlowReader r, String name, JsonParser p) {
			switch (name) {
				case "source" -> this.source = r.endpoint(p, "source", SOURCE, this.errors);
				case "destination" -> this.destination = r.endpoint(p, "destination", DESTINATION, this.errors);
				case "IP" -> ip(r, p);
				case "l4" -> l4(r, p);
				case "is_reply" -> this.isReply = r.bool(p, "is_reply", IS_REPLY, this.errors);
				case "reply" -> {
					this.replyErrors = new ArrayList<>(0);
					this.reply = r.bool(p, "reply", REPLY, this.replyErrors);
				}
				case "l7" -> l7(r, p);
				case "destination_names" -> this.destinationNames = r.strings(p, "destination_names",
						DESTINATION_NAMES, this.errors);
				case "node_labels" -> this.nodeLabels = r.strings(p, "node_labels", NODE_LABELS, this.errors);
				case "tls" -> {
					this.sni = null;
					if (r.object(p, "tls", TLS, this.errors)) {
						String key;
						while ((key = p.nextName()) != null) {
							p.nextToken();
							if (key.equals("sni")) {
								this.sni = r.string(p, "tls.sni", TLS + 1, this.errors);
							}
							else {
								p.skipChildren();
							}
						}
					}
				}
				case "destination_service" -> service(r, p);
				default -> p.skipChildren();
			}
		}

		private void ip(FlowReader r, JsonParser p) {
			this.sourceIp = null;
			this.destinationIp = null;
			if (!r.object(p, "IP", IP, this.errors)) {
				return;
			}
			String key;
			while ((key = p.nextName()) != null) {
				p.nextToken();
				switch (key) {
					case "source" -> this.sourceIp = r.address(p, "IP.source", IP + 1, this.errors);
					case "destination" -> this.destinationIp = r.address(p, "IP.destination", IP + 2, this.errors);
					default -> p.skipChildren();
				}
			}
		}

		private void l4(FlowReader r, JsonParser p) {
			this.kinds = 0;
			JsonToken token = p.currentToken();
			if (token == JsonToken.VALUE_NULL) {
				this.l4 = 0;
				return;
			}
			if (token != JsonToken.START_OBJECT) {
				this.l4 = 2;
				this.errors.add(r.ranked(L4, "l4", p, "must be an object, got " + describe(p)));
				p.skipChildren();
				return;
			}
			this.l4 = 1;
			this.l4At = p.currentTokenLocation();
			String key;
			while ((key = p.nextName()) != null) {
				p.nextToken();
				int kind = switch (key) {
					case "TCP" -> 0;
					case "UDP" -> 1;
					case "SCTP" -> 2;
					case "ICMPv4" -> 3;
					case "ICMPv6" -> 4;
					case "VRRP" -> 5;
					case "IGMP" -> 6;
					default -> -1;
				};
				if (kind < 0) {
					p.skipChildren();
					continue;
				}
				this.kinds |= 1 << kind;
				this.kindErrors = null;
				token = p.currentToken();
				if (token == JsonToken.VALUE_NULL) {
					this.kindShape = 0;
					continue;
				}
				if (token != JsonToken.START_OBJECT) {
					this.kindShape = 2;
					List<Ranked> errors = new ArrayList<>(1);
					errors.add(r.ranked(L4 + 1, "l4." + key, p, "must be an object, got " + describe(p)));
					this.kindErrors = errors;
					p.skipChildren();
					continue;
				}
				this.kindShape = 1;
				boolean ports = kind <= 2;
				boolean icmp = kind == 3 || kind == 4;
				String wanted = ports ? "destination_port" : "type";
				int value = 0;
				String field;
				while ((field = p.nextName()) != null) {
					p.nextToken();
					if ((ports || icmp) && field.equals(wanted)) {
						if (this.kindErrors == null) {
							this.kindErrors = new ArrayList<>(1);
						}
						else {
							this.kindErrors.clear();
						}
						value = r.integer(p, "l4." + key + "." + wanted, L4 + 2, 0, ports ? 65535 : 255, 0,
								this.kindErrors);
					}
					else {
						p.skipChildren();
					}
				}
				this.kindValue = value;
			}
		}

		private void l7(FlowReader r, JsonParser p) {
			this.l7Type = null;
			this.l7 = null;
			this.l7Shape = null;
			this.l7Errors = null;
			if (!r.object(p, "l7", L7, this.errors)) {
				return;
			}
			Object[] requests = new Object[3];
			int[] shapes = new int[3];
			List<Ranked>[] requestErrors = newLists(3);
			this.l7 = requests;
			this.l7Shape = shapes;
			this.l7Errors = requestErrors;
			String key;
			while ((key = p.nextName()) != null) {
				p.nextToken();
				int which = switch (key) {
					case "type" -> {
						this.l7Type = r.string(p, "l7.type", L7 + 1, this.errors);
						yield -2;
					}
					case "http" -> 0;
					case "kafka" -> 1;
					case "dns" -> 2;
					default -> -1;
				};
				if (which == -1) {
					p.skipChildren();
				}
				if (which < 0) {
					continue;
				}
				List<Ranked> errors = new ArrayList<>(0);
				requestErrors[which] = errors;
				requests[which] = null;
				JsonToken token = p.currentToken();
				if (token == JsonToken.VALUE_NULL) {
					shapes[which] = 0;
					continue;
				}
				if (token != JsonToken.START_OBJECT) {
					shapes[which] = 2;
					errors.add(r.ranked(L7 + 2 + which * 32, "l7." + key, p, "must be an object, got " + describe(p)));
					p.skipChildren();
					continue;
				}
				shapes[which] = 1;
				int rank = L7 + 2 + which * 32;
				requests[which] = switch (which) {
					case 0 -> r.http(p, rank, errors);
					case 1 -> r.kafka(p, rank, errors);
					default -> r.dns(p, rank, errors);
				};
			}
		}

		private void service(FlowReader r, JsonParser p) {
			this.service = false;
			this.serviceName = null;
			this.serviceNamespace = null;
			this.serviceLabels = List.of();
			this.serviceErrors = null;
			if (!r.object(p, "destination_service", DESTINATION_SERVICE, this.errors)) {
				return;
			}
			this.service = true;
			this.serviceErrors = new ArrayList<>(0);
			String key;
			while ((key = p.nextName()) != null) {
				p.nextToken();
				switch (key) {
					case "name" -> this.serviceName = r.string(p, "destination_service.name", DESTINATION_SERVICE + 1,
							this.errors);
					case "namespace" -> this.serviceNamespace = r.string(p, "destination_service.namespace",
							DESTINATION_SERVICE + 2, this.serviceErrors);
					case "labels" -> this.serviceLabels = r.strings(p, "destination_service.labels",
							DESTINATION_SERVICE + 3, this.serviceErrors);
					default -> p.skipChildren();
				}
			}
		}

		/** Without l4 nothing after it is read: the errors of later fields are not reported. */
		private void dropErrorsAfterL4() {
			this.errors.removeIf((error) -> error.rank() >= IS_REPLY);
		}

		/** The flow, or null when it has none; its errors are in {@link #errors}. */
		@Nullable Flow build(FlowReader r) {
			Endpoint src = (this.source != null) ? this.source : r.intern(null, List.of(), null, null, List.of());
			Endpoint dst = (this.destination != null) ? this.destination
					: r.intern(null, List.of(), null, null, List.of());
			if (this.l4 != 1) {
				dropErrorsAfterL4();
				this.errors.add(new Ranked(L4 + 3, Violation.error(r.index, r.path("l4"), r.position(this.at),
						"is missing; a flow needs one of TCP, UDP, SCTP, ICMPv4, ICMPv6")));
				return null;
			}
			if (Integer.bitCount(this.kinds) != 1) {
				List<String> present = new ArrayList<>();
				for (int i = 0; i < L4_KINDS.length; i++) {
					if ((this.kinds & (1 << i)) != 0) {
						present.add(L4_KINDS[i]);
					}
				}
				dropErrorsAfterL4();
				this.errors.add(new Ranked(L4, Violation.error(r.index, r.path("l4"), r.position(this.l4At),
						"must have exactly one of TCP, UDP, SCTP, ICMPv4, ICMPv6, VRRP, IGMP, got "
								+ (present.isEmpty() ? "none" : String.join(", ", present)))));
				return null;
			}
			int kind = Integer.numberOfTrailingZeros(this.kinds);
			if (this.kindErrors != null) {
				this.errors.addAll(this.kindErrors);
			}
			if (this.kindShape != 1) {
				dropErrorsAfterL4();
				return null;
			}
			Protocol protocol = switch (kind) {
				case 0 -> Protocol.TCP;
				case 1 -> Protocol.UDP;
				case 2 -> Protocol.SCTP;
				case 3 -> Protocol.ICMPV4;
				case 4 -> Protocol.ICMPV6;
				default -> Protocol.valueOf(L4_KINDS[kind]);
			};
			int port = (kind <= 2) ? this.kindValue : 0;
			int icmpType = (kind == 3 || kind == 4) ? this.kindValue : -1;
			Boolean replied = this.isReply;
			if (replied == null && this.replyErrors != null) {
				this.errors.addAll(this.replyErrors);
				replied = this.reply;
			}
			if (replied == null && "RESPONSE".equals(this.l7Type)) {
				replied = true;
			}
			L7Request l7 = null;
			for (int i = 0; this.l7 != null && i < 3; i++) {
				if (this.l7Errors[i] != null) {
					this.errors.addAll(this.l7Errors[i]);
				}
				if (this.l7Shape[i] == 1) {
					l7 = (L7Request) this.l7[i];
					break;
				}
			}
			Service svc = null;
			if (this.service && this.serviceName != null && !this.serviceName.isEmpty()) {
				if (this.serviceErrors != null) {
					this.errors.addAll(this.serviceErrors);
				}
				svc = new Service(this.serviceName, this.serviceNamespace, this.serviceLabels);
			}
			return new Flow(src, dst, this.sourceIp, this.destinationIp, protocol, port, icmpType, l7,
					this.destinationNames, this.sni, Boolean.TRUE.equals(replied), this.nodeLabels, svc);
		}

	}

	/** The endpoint with these fields, one instance per read for equal fields (see {@link EndpointKey}). */
	private Endpoint intern(@Nullable String namespace, List<String> labels, @Nullable String podName,
			@Nullable String clusterName, List<NamedPort> namedPorts) {
		EndpointKey key = new EndpointKey(namespace, labels, podName, clusterName, namedPorts);
		Endpoint known = this.endpoints.get(key);
		if (known == null) {
			known = new Endpoint(namespace, labels, podName, clusterName, namedPorts);
			this.endpoints.put(key, known);
		}
		return known;
	}

	/**
	 * An endpoint's fields as a key made of the identities of its strings, which {@link Strings} shares: hashing
	 * and comparing it costs a few identity hashes, a repeated endpoint costs no new record, and input made to
	 * collide in {@link String#hashCode()} cannot make the table slow. Endpoints whose strings were not shared
	 * (beyond the table's limits) are merely not merged.
	 */
	private static final class EndpointKey {

		private final @Nullable String namespace;

		private final List<String> labels;

		private final @Nullable String podName;

		private final @Nullable String clusterName;

		private final List<NamedPort> namedPorts;

		private final int hash;

		EndpointKey(@Nullable String namespace, List<String> labels, @Nullable String podName,
				@Nullable String clusterName, List<NamedPort> namedPorts) {
			this.namespace = namespace;
			this.labels = labels;
			this.podName = podName;
			this.clusterName = clusterName;
			this.namedPorts = namedPorts;
			int h = System.identityHashCode(namespace);
			h = 31 * h + System.identityHashCode(podName);
			h = 31 * h + System.identityHashCode(clusterName);
			h = 31 * h + namedPorts.size();
			for (int i = 0; i < labels.size(); i++) {
				h = 31 * h + System.identityHashCode(labels.get(i));
			}
			this.hash = h;
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

		@Override
		public boolean equals(Object other) {
			if (!(other instanceof EndpointKey key) || key.hash != this.hash) {
				return false;
			}
			if (this.namespace != key.namespace || this.podName != key.podName || this.clusterName != key.clusterName
					|| this.labels.size() != key.labels.size() || !this.namedPorts.equals(key.namedPorts)) {
				return false;
			}
			for (int i = 0; i < this.labels.size(); i++) {
				if (this.labels.get(i) != key.labels.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

	private @Nullable Endpoint endpoint(JsonParser p, String key, int rank, List<Ranked> errors) {
		if (!object(p, key, rank, errors)) {
			return null;
		}
		String namespace = null;
		List<String> labels = List.of();
		String podName = null;
		String clusterName = null;
		List<NamedPort> namedPorts = List.of();
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "namespace" -> namespace = string(p, key + ".namespace", rank + 1, errors);
				case "labels" -> labels = strings(p, key + ".labels", rank + 2, errors);
				case "named_ports" -> namedPorts = namedPorts(p, key, rank + 3, errors);
				case "pod_name" -> podName = string(p, key + ".pod_name", rank + 4, errors);
				case "cluster_name" -> clusterName = string(p, key + ".cluster_name", rank + 5, errors);
				default -> p.skipChildren();
			}
		}
		if (namespace == null || namespace.isEmpty()) {
			namespace = null;
			for (String label : labels) {
				if (label.startsWith(NAMESPACE_LABEL)) {
					namespace = this.namespaces.computeIfAbsent(label, (l) -> l.substring(NAMESPACE_LABEL.length()));
				}
			}
		}
		return intern(namespace, labels, emptyToNull(podName), emptyToNull(clusterName), namedPorts);
	}

	private List<NamedPort> namedPorts(JsonParser p, String key, int rank, List<Ranked> errors) {
		if (!list(p, key + ".named_ports", rank, errors)) {
			return List.of();
		}
		List<NamedPort> ports = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			String at = key + ".named_ports[" + i++ + "]";
			if (p.currentToken() != JsonToken.START_OBJECT) {
				errors.add(ranked(rank, at, p, "must be an object {name, port, protocol}, got " + describe(p)));
				p.skipChildren();
				continue;
			}
			Position itemAt = position(p);
			String portName = null;
			int number = -1;
			String proto = null;
			Position protoAt = null;
			String name;
			while ((name = p.nextName()) != null) {
				p.nextToken();
				switch (name) {
					case "name" -> portName = string(p, at + ".name", rank, errors);
					case "port" -> number = integer(p, at + ".port", rank, 1, 65535, -1, errors);
					case "protocol" -> {
						protoAt = position(p);
						proto = string(p, at + ".protocol", rank, errors);
					}
					default -> p.skipChildren();
				}
			}
			Protocol protocol = Protocol.TCP;
			if (proto != null && !proto.isEmpty()) {
				String upper = proto.toUpperCase(Locale.ROOT);
				switch (upper) {
					case "TCP", "UDP", "SCTP" -> protocol = Protocol.valueOf(upper);
					default -> errors.add(new Ranked(rank, Violation.error(this.index, path(at + ".protocol"),
							protoAt, "must be TCP, UDP or SCTP, got \"" + proto + "\"")));
				}
			}
			if (portName == null || portName.isEmpty()) {
				errors.add(new Ranked(rank, Violation.error(this.index, path(at + ".name"), itemAt, "is required")));
			}
			else if (number > 0) {
				ports.add(new NamedPort(portName, number, protocol));
			}
		}
		return ports;
	}

	private Http http(JsonParser p, int rank, List<Ranked> errors) {
		List<Header> headers = List.of();
		String method = null;
		String url = null;
		String protocol = null;
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "headers" -> headers = headers(p, rank + 1, errors);
				case "method" -> method = string(p, "l7.http.method", rank + 2, errors);
				case "url" -> url = string(p, "l7.http.url", rank + 3, errors);
				case "protocol" -> protocol = string(p, "l7.http.protocol", rank + 4, errors);
				default -> p.skipChildren();
			}
		}
		return new Http((method != null) ? method : "", (url != null) ? url : "", headers, emptyToNull(protocol));
	}

	private List<Header> headers(JsonParser p, int rank, List<Ranked> errors) {
		if (!list(p, "l7.http.headers", rank, errors)) {
			return List.of();
		}
		List<Header> headers = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			int item = i++;
			if (p.currentToken() != JsonToken.START_OBJECT) {
				errors.add(ranked(rank, "l7.http.headers[" + item + "]", p, "must be an object {key, value}, got "
						+ describe(p)));
				p.skipChildren();
				continue;
			}
			Position itemAt = position(p);
			String key = null;
			String value = null;
			String name;
			while ((name = p.nextName()) != null) {
				p.nextToken();
				switch (name) {
					case "key" -> key = string(p, "l7.http.headers[" + item + "].key", rank, errors);
					case "value" -> value = string(p, "l7.http.headers[" + item + "].value", rank, errors);
					default -> p.skipChildren();
				}
			}
			if (key == null || key.isEmpty()) {
				errors.add(new Ranked(rank, Violation.error(this.index, path("l7.http.headers[" + item + "].key"),
						itemAt, "is required")));
				continue;
			}
			headers.add(new Header(key, (value != null) ? value : ""));
		}
		return headers;
	}

	private Kafka kafka(JsonParser p, int rank, List<Ranked> errors) {
		String apiKey = null;
		int version = 0;
		List<String> topics = List.of();
		String topic = null;
		String clientId = null;
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "api_key" -> {
					JsonToken token = p.currentToken();
					if (token == JsonToken.VALUE_NULL) {
						apiKey = null;
					}
					else if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
						apiKey = p.getString();
					}
					else {
						errors.add(ranked(rank + 1, "l7.kafka.api_key", p, "must be a string, got " + describe(p)));
						p.skipChildren();
						apiKey = null;
					}
				}
				case "api_version" -> version = integer(p, "l7.kafka.api_version", rank + 2, 0, 32767, 0, errors);
				case "topics" -> topics = strings(p, "l7.kafka.topics", rank + 3, errors);
				case "topic" -> topic = string(p, "l7.kafka.topic", rank + 4, errors);
				case "client_id" -> clientId = string(p, "l7.kafka.client_id", rank + 5, errors);
				default -> p.skipChildren();
			}
		}
		if (apiKey != null && !apiKey.isEmpty() && apiKey.length() < 6 && apiKey.chars().allMatch(Character::isDigit)) {
			apiKey = Kafka.apiKeyName(Integer.parseInt(apiKey));
		}
		if (topics.isEmpty() && topic != null && !topic.isEmpty()) {
			topics = List.of(topic);
		}
		return new Kafka((apiKey != null) ? apiKey : "", version, emptyToNull(clientId), topics);
	}

	private Dns dns(JsonParser p, int rank, List<Ranked> errors) {
		String query = null;
		List<String> qtypes = List.of();
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "query" -> query = string(p, "l7.dns.query", rank + 1, errors);
				case "qtypes" -> qtypes = strings(p, "l7.dns.qtypes", rank + 2, errors);
				default -> p.skipChildren();
			}
		}
		return new Dns((query != null) ? query : "", qtypes);
	}

	// the values: each reads the current token (skipping a container it refuses) and records what is wrong

	/** Whether the value is an object (then the parser is at its start); null is absent, anything else an error. */
	private boolean object(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.START_OBJECT) {
			return true;
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be an object, got " + describe(p)));
			p.skipChildren();
		}
		return false;
	}

	/** Whether the value is a list (then the parser is at its start); null is absent, anything else an error. */
	private boolean list(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.START_ARRAY) {
			return true;
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be a list, got " + describe(p)));
			p.skipChildren();
		}
		return false;
	}

	private @Nullable String string(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.VALUE_STRING) {
			return this.strings.of(p);
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be a string, got " + describe(p)));
			p.skipChildren();
		}
		return null;
	}

	private List<String> strings(JsonParser p, String path, int rank, List<Ranked> errors) {
		if (!list(p, path, rank, errors)) {
			return List.of();
		}
		List<String> values = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			if (p.currentToken() == JsonToken.VALUE_STRING) {
				values.add(this.strings.of(p));
			}
			else {
				errors.add(ranked(rank, path + "[" + i + "]", p, "must be a string, got " + describe(p)));
				p.skipChildren();
			}
			i++;
		}
		return values;
	}

	private @Nullable Boolean bool(JsonParser p, String path, int rank, List<Ranked> errors) {
		return switch (p.currentToken()) {
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> null;
			default -> {
				errors.add(ranked(rank, path, p, "must be true or false, got " + describe(p)));
				p.skipChildren();
				yield null;
			}
		};
	}

	/** A whole number {@code min..max} written as a JSON number or a decimal string; {@code absent} when absent. */
	private int integer(JsonParser p, String path, int rank, int min, int max, int absent, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return absent;
		}
		if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
			int value = p.getIntValue();
			if (value >= min && value <= max && (value != 0 || p.getString().charAt(0) != '-')) {
				return value;
			}
		}
		else if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
			String text = p.getString().trim();
			if (!text.isEmpty() && text.length() <= 10 && text.chars().allMatch(Character::isDigit)) {
				long value = Long.parseLong(text);
				if (value >= min && value <= max) {
					return (int) value;
				}
			}
		}
		errors.add(ranked(rank, path, p, "must be a number " + min + ".." + max + ", got " + describe(p)));
		p.skipChildren();
		return absent;
	}

	private @Nullable String address(JsonParser p, String path, int rank, List<Ranked> errors) {
		String text = string(p, path, rank, errors);
		if (text == null || text.isEmpty()) {
			return null;
		}
		Boolean valid = this.addresses.get(text);
		if (valid == null) {
			valid = Flow.isIpAddress(text);
			this.addresses.put(text, valid);
		}
		if (!valid) {
			errors.add(ranked(rank, path, p, "must be an IPv4 or IPv6 address, got \"" + text + "\""));
			return null;
		}
		return text;
	}

	private Ranked ranked(int rank, String field, JsonParser p, String message) {
		return new Ranked(rank, Violation.error(this.index, path(field), position(p), message));
	}

	private String path(String field) {
		if (!this.prefixed) {
			return field;
		}
		return "flows[" + this.index + "]" + (field.isEmpty() ? "" : "." + field);
	}

	private Position position(JsonParser p) {
		return position(p.currentTokenLocation());
	}

	private Position position(TokenStreamLocation location) {
		return new Position(location.getLineNr() + this.lineOffset, location.getColumnNr());
	}

	/** The current value as a message quotes it: {@code "text"}, a number or literal as written, or its shape. */
	private static String describe(JsonParser p) {
		return switch (p.currentToken()) {
			case START_OBJECT -> "an object";
			case START_ARRAY -> "a list";
			case VALUE_STRING -> "\"" + p.getString() + "\"";
			case VALUE_NULL -> "null";
			default -> p.getString();
		};
	}

	private static @Nullable String emptyToNull(@Nullable String text) {
		return (text == null || text.isEmpty()) ? null : text;
	}

}
