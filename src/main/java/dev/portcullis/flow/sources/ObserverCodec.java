package dev.portcullis.flow.sources;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.portcullis.flow.sources.FlowSchema.Field;
import dev.portcullis.flow.sources.FlowSchema.Kind;
import dev.portcullis.flow.sources.FlowSchema.Message;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the protobuf wire format of the {@link FlowSchema} messages by hand (protobuf-java's
 * {@link CodedInputStream} / {@link CodedOutputStream}; no generated classes, docs/adr/027), to and from the JSON that
 * {@code hubble observe -o json} prints: proto field names, enums by name, 64-bit integers as strings, timestamps as
 * RFC 3339 text, wrapper types as bare values, and only the fields that are on the wire (proto3 leaves zero values
 * out). Fields the schema does not list are skipped.
 */
final class ObserverCodec {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/** RFC 3339 with 0, 3, 6 or 9 fractional digits, as protojson writes a Timestamp. */
	private static final DateTimeFormatter[] TIMESTAMPS = { formatter(0), formatter(3), formatter(6), formatter(9) };

	/** A decoded {@code GetFlowsResponse}. */
	enum Carries {
		FLOW, LOST_EVENTS, OTHER
	}

	/**
	 * One {@code GetFlowsResponse}: what it is, the JSON line as Hubble prints it ({@code {"flow": {...},
	 * "node_name": ..., "time": ...}}), and the flow's time (the response's when the flow has none).
	 */
	record Response(Carries kind, ObjectNode json, @Nullable Instant time) {
	}

	/** {@code observer.GetFlowsRequest}: how many past flows, whether to follow, and from when. */
	record GetFlowsRequest(long number, boolean follow, @Nullable Instant since) {

		byte[] encode() {
			ObjectNode json = NODES.objectNode();
			if (this.number != 0) {
				json.put("number", Long.toString(this.number));
			}
			if (this.follow) {
				json.put("follow", true);
			}
			if (this.since != null) {
				json.put("since", timestamp(this.since));
			}
			return ObserverCodec.encode(json, FlowSchema.GET_FLOWS_REQUEST);
		}

		static GetFlowsRequest decode(byte[] bytes) throws InvalidProtocolBufferException {
			ObjectNode json = ObserverCodec.decode(bytes, FlowSchema.GET_FLOWS_REQUEST);
			Instant since = json.has("since") ? Instant.parse(json.get("since").asString()) : null;
			return new GetFlowsRequest(json.has("number") ? Long.parseLong(json.get("number").asString()) : 0,
					json.has("follow") && json.get("follow").asBoolean(), since);
		}

	}

	private ObserverCodec() {
	}

	/** Decodes one {@code GetFlowsResponse}. */
	static Response response(byte[] bytes) throws InvalidProtocolBufferException {
		ObjectNode json = decode(bytes, FlowSchema.GET_FLOWS_RESPONSE);
		JsonNode flow = json.get("flow");
		Carries kind = (flow != null) ? Carries.FLOW : json.has("lost_events") ? Carries.LOST_EVENTS : Carries.OTHER;
		JsonNode time = (flow != null && flow.has("time")) ? flow.get("time") : json.get("time");
		return new Response(kind, json, (time != null) ? Instant.parse(time.asString()) : null);
	}

	/** Decodes a message of this schema into its JSON object. */
	static ObjectNode decode(byte[] bytes, Message message) throws InvalidProtocolBufferException {
		try {
			return read(CodedInputStream.newInstance(bytes), message, 0);
		}
		catch (InvalidProtocolBufferException ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidProtocolBufferException("not a " + message.name + ": " + ex.getMessage());
		}
	}

	private static ObjectNode read(CodedInputStream in, Message message, int depth) throws IOException {
		if (depth > 16) {
			throw new InvalidProtocolBufferException("messages nested too deeply");
		}
		Map<Field, Object> values = new LinkedHashMap<>();
		while (true) {
			int tag = in.readTag();
			if (tag == 0) {
				break;
			}
			Field field = message.byNumber(WireFormat.getTagFieldNumber(tag));
			if (field == null || WireFormat.getTagWireType(tag) != wireType(field.kind())) {
				if (field != null && field.repeated() && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
						&& wireType(field.kind()) == WireFormat.WIRETYPE_VARINT) {
					readPacked(in, field, values);
					continue;
				}
				if (!in.skipField(tag)) {
					break;
				}
				continue;
			}
			Object value = readValue(in, field, depth);
			if (field.repeated()) {
				@SuppressWarnings("unchecked")
				List<Object> list = (List<Object>) values.computeIfAbsent(field, (f) -> new ArrayList<>());
				list.add(value);
			}
			else {
				values.put(field, value);
			}
		}
		ObjectNode json = NODES.objectNode();
		for (Field field : message.fields) {
			Object value = values.get(field);
			if (value == null) {
				continue;
			}
			if (field.repeated()) {
				ArrayNode array = json.putArray(field.name());
				for (Object item : (List<?>) value) {
					array.add(node(field, item));
				}
			}
			else {
				json.set(field.name(), node(field, value));
			}
		}
		return json;
	}

	private static void readPacked(CodedInputStream in, Field field, Map<Field, Object> values) throws IOException {
		int limit = in.pushLimit(in.readRawVarint32());
		@SuppressWarnings("unchecked")
		List<Object> list = (List<Object>) values.computeIfAbsent(field, (f) -> new ArrayList<>());
		while (in.getBytesUntilLimit() > 0) {
			list.add(in.readRawVarint64());
		}
		in.popLimit(limit);
	}

	private static Object readValue(CodedInputStream in, Field field, int depth) throws IOException {
		switch (field.kind()) {
			case STRING:
				return in.readStringRequireUtf8();
			case UINT32:
				return Integer.toUnsignedLong(in.readUInt32());
			case INT32:
			case ENUM:
				return (long) in.readInt32();
			case UINT64:
			case INT64:
				return in.readRawVarint64();
			case BOOL:
				return in.readBool();
			case MESSAGE: {
				int limit = in.pushLimit(in.readRawVarint32());
				ObjectNode value = read(in, field.message(), depth + 1);
				in.checkLastTagWas(0);
				in.popLimit(limit);
				return value;
			}
			default: {
				int limit = in.pushLimit(in.readRawVarint32());
				long first = 0;
				long second = 0;
				while (true) {
					int tag = in.readTag();
					if (tag == 0) {
						break;
					}
					int number = WireFormat.getTagFieldNumber(tag);
					if (number == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
						first = in.readRawVarint64();
					}
					else if (number == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
						second = in.readRawVarint64();
					}
					else if (!in.skipField(tag)) {
						break;
					}
				}
				in.popLimit(limit);
				return new long[] { first, second };
			}
		}
	}

	private static JsonNode node(Field field, Object value) {
		switch (field.kind()) {
			case STRING:
				return NODES.stringNode((String) value);
			case UINT32:
			case INT32:
				return NODES.numberNode((Long) value);
			case UINT64:
				return NODES.stringNode(Long.toUnsignedString((Long) value));
			case INT64:
				return NODES.stringNode(Long.toString((Long) value));
			case BOOL:
				return NODES.booleanNode((Boolean) value);
			case ENUM: {
				int number = (int) (long) (Long) value;
				String name = field.enumName(number);
				return (name != null) ? NODES.stringNode(name) : NODES.numberNode(number);
			}
			case MESSAGE:
				return (JsonNode) value;
			case TIMESTAMP: {
				long[] parts = (long[]) value;
				return NODES.stringNode(timestamp(Instant.ofEpochSecond(parts[0], (int) parts[1])));
			}
			case BOOL_VALUE:
				return NODES.booleanNode(((long[]) value)[0] != 0);
			case INT32_VALUE:
				return NODES.numberNode((int) ((long[]) value)[0]);
			case UINT32_VALUE:
				return NODES.numberNode(((long[]) value)[0] & 0xffffffffL);
			default:
				throw new IllegalStateException(field.kind().name());
		}
	}

	private static int wireType(Kind kind) {
		switch (kind) {
			case STRING:
			case MESSAGE:
			case TIMESTAMP:
			case BOOL_VALUE:
			case INT32_VALUE:
			case UINT32_VALUE:
				return WireFormat.WIRETYPE_LENGTH_DELIMITED;
			default:
				return WireFormat.WIRETYPE_VARINT;
		}
	}

	/** A Timestamp as protojson writes it: UTC, with 0, 3, 6 or 9 fractional digits. */
	static String timestamp(Instant time) {
		int nanos = time.getNano();
		int format = (nanos == 0) ? 0 : (nanos % 1_000_000 == 0) ? 1 : (nanos % 1000 == 0) ? 2 : 3;
		return TIMESTAMPS[format].format(time);
	}

	private static DateTimeFormatter formatter(int digits) {
		DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss");
		if (digits > 0) {
			builder.appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, digits, digits, true);
		}
		return builder.appendLiteral('Z').toFormatter().withZone(java.time.ZoneOffset.UTC);
	}

	/**
	 * Encodes the JSON object of a message of this schema (what {@link #decode} returns, or a line of
	 * {@code hubble observe -o json}) into the wire format; members the schema does not list are left out. The
	 * tests' Relay speaks with it.
	 */
	static byte[] encode(JsonNode json, Message message) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			CodedOutputStream out = CodedOutputStream.newInstance(bytes);
			write(out, json, message);
			out.flush();
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(CodedOutputStream out, JsonNode json, Message message) throws IOException {
		for (Field field : message.fields) {
			JsonNode value = json.get(field.name());
			if (value == null || value.isNull()) {
				continue;
			}
			if (field.repeated()) {
				for (JsonNode item : value) {
					writeValue(out, field, item);
				}
			}
			else {
				writeValue(out, field, value);
			}
		}
	}

	private static void writeValue(CodedOutputStream out, Field field, JsonNode value) throws IOException {
		int n = field.number();
		switch (field.kind()) {
			case STRING -> out.writeString(n, value.asString());
			case UINT32 -> out.writeUInt32(n, (int) Long.parseLong(value.asString()));
			case INT32 -> out.writeInt32(n, Integer.parseInt(value.asString()));
			case UINT64 -> out.writeUInt64(n, Long.parseUnsignedLong(value.asString()));
			case INT64 -> out.writeInt64(n, Long.parseLong(value.asString()));
			case BOOL -> out.writeBool(n, value.asBoolean());
			case ENUM -> out.writeEnum(n, value.isNumber() ? value.asInt() : field.enumNumber(value.asString()));
			case MESSAGE -> out.writeByteArray(n, encode(value, field.message()));
			case TIMESTAMP -> {
				Instant time = Instant.parse(value.asString());
				out.writeByteArray(n, pair(time.getEpochSecond(), time.getNano()));
			}
			case BOOL_VALUE -> out.writeByteArray(n, pair(value.asBoolean() ? 1 : 0, 0));
			case INT32_VALUE, UINT32_VALUE -> out.writeByteArray(n, pair(value.asLong(), 0));
			default -> throw new IllegalStateException(field.kind().name());
		}
	}

	/** A message of two varint fields (Timestamp's seconds and nanos, a wrapper's value), zeros left out. */
	private static byte[] pair(long first, long second) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		CodedOutputStream out = CodedOutputStream.newInstance(bytes);
		if (first != 0) {
			out.writeInt64(1, first);
		}
		if (second != 0) {
			out.writeInt64(2, second);
		}
		out.flush();
		return bytes.toByteArray();
	}

}
