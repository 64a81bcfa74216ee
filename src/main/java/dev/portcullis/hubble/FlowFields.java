package dev.portcullis.hubble;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.L7Request;
import dev.portcullis.engine.flow.Flow.Service;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * The fields of one flow object as they stream by; {@link #build} decides once the object is read. The values are
 * read with the reader's shared {@link Tokens}, {@link Endpoints} and {@link L7Fields} (one per read, not per flow);
 * each error is {@link Ranked} by its field, so that {@link FlowReader} reports them in a fixed order.
 */
final class FlowFields {

	private static final String[] L4_KINDS = { "TCP", "UDP", "SCTP", "ICMPv4", "ICMPv6", "VRRP", "IGMP" };

	// violation ranks: the order of the fields in FlowReader's class comment, so that a flow's violations do not
	// depend on the order of its JSON
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

	// the fields only the flow store reads (FlowReader#readStored)
	private static final int STORED = 11 << 8;

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

	// read only when the reader records (FlowReader#readStored); see StoredFlow
	@Nullable String time;

	@Nullable String verdict;

	@Nullable String dropReasonDesc;

	@Nullable String trafficDirection;

	@Nullable String type;

	@Nullable String nodeName;

	long sourceIdentity = -1;

	long destinationIdentity = -1;

	int sourcePort = -1;

	int httpStatus = -1;

	List<String> sourceNames = List.of();

	int count = 1;

	FlowFields(TokenStreamLocation at) {
		this.at = at;
	}

	@SuppressWarnings("unchecked")
	private static @Nullable List<Ranked>[] newLists(int n) {
		return new List[n];
	}

	void field(FlowReader r, String name, JsonParser p) {
		Tokens t = r.tokens;
		switch (name) {
			case "source" -> {
				this.source = r.endpoints.endpoint(p, "source", SOURCE, this.errors);
				this.sourceIdentity = r.endpoints.identity;
			}
			case "destination" -> {
				this.destination = r.endpoints.endpoint(p, "destination", DESTINATION, this.errors);
				this.destinationIdentity = r.endpoints.identity;
			}
			case "time", "verdict", "drop_reason_desc", "traffic_direction", "Type", "node_name", "source_names",
					"aggregate" -> {
				if (t.recording) {
					stored(t, name, p);
				}
				else {
					p.skipChildren();
				}
			}
			case "IP" -> ip(r, p);
			case "l4" -> l4(r, p);
			case "is_reply" -> this.isReply = t.bool(p, "is_reply", IS_REPLY, this.errors);
			case "reply" -> {
				this.replyErrors = new ArrayList<>(0);
				this.reply = t.bool(p, "reply", REPLY, this.replyErrors);
			}
			case "l7" -> l7(r, p);
			case "destination_names" -> this.destinationNames = t.strings(p, "destination_names",
					DESTINATION_NAMES, this.errors);
			case "node_labels" -> this.nodeLabels = t.strings(p, "node_labels", NODE_LABELS, this.errors);
			case "tls" -> {
				this.sni = null;
				if (t.object(p, "tls", TLS, this.errors)) {
					String key;
					while ((key = p.nextName()) != null) {
						p.nextToken();
						if (key.equals("sni")) {
							this.sni = t.string(p, "tls.sni", TLS + 1, this.errors);
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
		Tokens t = r.tokens;
		this.sourceIp = null;
		this.destinationIp = null;
		if (!t.object(p, "IP", IP, this.errors)) {
			return;
		}
		String key;
		while ((key = p.nextName()) != null) {
			p.nextToken();
			switch (key) {
				case "source" -> this.sourceIp = t.address(p, "IP.source", IP + 1, this.errors);
				case "destination" -> this.destinationIp = t.address(p, "IP.destination", IP + 2, this.errors);
				default -> p.skipChildren();
			}
		}
	}

	private void l4(FlowReader r, JsonParser p) {
		Tokens t = r.tokens;
		this.kinds = 0;
		JsonToken token = p.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			this.l4 = 0;
			return;
		}
		if (token != JsonToken.START_OBJECT) {
			this.l4 = 2;
			this.errors.add(t.ranked(L4, "l4", p, "must be an object, got " + Tokens.describe(p)));
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
				errors.add(t.ranked(L4 + 1, "l4." + key, p, "must be an object, got " + Tokens.describe(p)));
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
				if (ports && t.recording && field.equals("source_port")) {
					this.sourcePort = t.integer(p, "l4." + key + ".source_port", L4 + 3, 0, 65535, -1, this.errors);
				}
				else if ((ports || icmp) && field.equals(wanted)) {
					if (this.kindErrors == null) {
						this.kindErrors = new ArrayList<>(1);
					}
					else {
						this.kindErrors.clear();
					}
					value = t.integer(p, "l4." + key + "." + wanted, L4 + 2, 0, ports ? 65535 : 255, 0,
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
		Tokens t = r.tokens;
		this.l7Type = null;
		this.l7 = null;
		this.l7Shape = null;
		this.l7Errors = null;
		if (!t.object(p, "l7", L7, this.errors)) {
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
					this.l7Type = t.string(p, "l7.type", L7 + 1, this.errors);
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
				errors.add(t.ranked(L7 + 2 + which * 32, "l7." + key, p,
						"must be an object, got " + Tokens.describe(p)));
				p.skipChildren();
				continue;
			}
			shapes[which] = 1;
			int rank = L7 + 2 + which * 32;
			requests[which] = switch (which) {
				case 0 -> {
					Object http = r.l7.http(p, rank, errors);
					this.httpStatus = r.l7.httpStatus;
					yield http;
				}
				case 1 -> r.l7.kafka(p, rank, errors);
				default -> r.l7.dns(p, rank, errors);
			};
		}
	}

	private void stored(Tokens t, String name, JsonParser p) {
		switch (name) {
			case "time" -> this.time = t.string(p, "time", STORED, this.errors);
			case "verdict" -> this.verdict = Tokens.emptyToNull(t.string(p, "verdict", STORED + 1, this.errors));
			case "drop_reason_desc" -> this.dropReasonDesc = Tokens.emptyToNull(t.string(p, "drop_reason_desc",
					STORED + 2, this.errors));
			case "traffic_direction" -> this.trafficDirection = Tokens.emptyToNull(t.string(p, "traffic_direction",
					STORED + 3, this.errors));
			case "Type" -> this.type = Tokens.emptyToNull(t.string(p, "Type", STORED + 4, this.errors));
			case "node_name" -> this.nodeName = Tokens.emptyToNull(t.string(p, "node_name", STORED + 5, this.errors));
			case "source_names" -> this.sourceNames = t.strings(p, "source_names", STORED + 6, this.errors);
			default -> {
				this.count = 1;
				if (!t.object(p, "aggregate", STORED + 7, this.errors)) {
					return;
				}
				long sum = 0;
				String key;
				while ((key = p.nextName()) != null) {
					p.nextToken();
					switch (key) {
						case "ingress_flow_count", "egress_flow_count", "unknown_direction_flow_count" -> sum += t
							.integer(p, "aggregate." + key, STORED + 8, 0, Integer.MAX_VALUE, 0, this.errors);
						default -> p.skipChildren();
					}
				}
				this.count = (int) Math.max(1, Math.min(sum, Integer.MAX_VALUE));
			}
		}
	}

	private void service(FlowReader r, JsonParser p) {
		Tokens t = r.tokens;
		this.service = false;
		this.serviceName = null;
		this.serviceNamespace = null;
		this.serviceLabels = List.of();
		this.serviceErrors = null;
		if (!t.object(p, "destination_service", DESTINATION_SERVICE, this.errors)) {
			return;
		}
		this.service = true;
		this.serviceErrors = new ArrayList<>(0);
		String key;
		while ((key = p.nextName()) != null) {
			p.nextToken();
			switch (key) {
				case "name" -> this.serviceName = t.string(p, "destination_service.name", DESTINATION_SERVICE + 1,
						this.errors);
				case "namespace" -> this.serviceNamespace = t.string(p, "destination_service.namespace",
						DESTINATION_SERVICE + 2, this.serviceErrors);
				case "labels" -> this.serviceLabels = t.strings(p, "destination_service.labels",
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
		Tokens t = r.tokens;
		Endpoint src = (this.source != null) ? this.source : r.endpoints.intern(null, List.of(), null, null, List.of());
		Endpoint dst = (this.destination != null) ? this.destination
				: r.endpoints.intern(null, List.of(), null, null, List.of());
		if (this.l4 != 1) {
			dropErrorsAfterL4();
			this.errors.add(new Ranked(L4 + 3, Violation.error(t.index, t.path("l4"), t.position(this.at),
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
			this.errors.add(new Ranked(L4, Violation.error(t.index, t.path("l4"), t.position(this.l4At),
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

