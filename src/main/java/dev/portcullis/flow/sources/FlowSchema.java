package dev.portcullis.flow.sources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The subset of Cilium's {@code api/v1/flow/flow.proto} and {@code api/v1/observer/observer.proto} that Portcullis
 * reads, as a table: message, field number (the wire contract), proto field name (the JSON name, as
 * {@code hubble observe -o json} prints it with proto names), type. {@link ObserverCodec} reads and writes the wire
 * format from this one table (docs/adr/027). Fields not listed here are skipped on read.
 */
final class FlowSchema {

	/** How a field's value is carried on the wire and written in JSON (proto3 JSON mapping). */
	enum Kind {

		STRING, UINT32, INT32, UINT64, INT64, BOOL, ENUM, MESSAGE,
		/** google.protobuf.Timestamp: an RFC 3339 string in JSON. */
		TIMESTAMP,
		/** google.protobuf.BoolValue: a bare boolean in JSON, present even when false. */
		BOOL_VALUE,
		/** google.protobuf.Int32Value / UInt32Value: a bare number in JSON. */
		INT32_VALUE, UINT32_VALUE

	}

	/** One field of a message. */
	record Field(int number, String name, Kind kind, boolean repeated, @Nullable Message message,
			@Nullable Map<Integer, String> names) {

		/** The enum value's name, or the number when the table does not know it (as protojson writes it). */
		@Nullable String enumName(int value) {
			return (this.names == null) ? null : this.names.get(value);
		}

		int enumNumber(String name) {
			if (this.names != null) {
				for (Map.Entry<Integer, String> e : this.names.entrySet()) {
					if (e.getValue().equals(name)) {
						return e.getKey();
					}
				}
			}
			return Integer.parseInt(name);
		}

	}

	/** A message: its fields in the order JSON lists them. */
	static final class Message {

		final String name;

		final List<Field> fields = new ArrayList<>();

		private final Map<Integer, Field> byNumber = new HashMap<>();

		private final Map<String, Field> byName = new HashMap<>();

		Message(String name) {
			this.name = name;
		}

		Message field(int number, String name, Kind kind) {
			return add(new Field(number, name, kind, false, null, null));
		}

		Message repeated(int number, String name, Kind kind) {
			return add(new Field(number, name, kind, true, null, null));
		}

		Message message(int number, String name, Message message) {
			return add(new Field(number, name, Kind.MESSAGE, false, message, null));
		}

		Message repeatedMessage(int number, String name, Message message) {
			return add(new Field(number, name, Kind.MESSAGE, true, message, null));
		}

		Message enumeration(int number, String name, Map<Integer, String> names) {
			return add(new Field(number, name, Kind.ENUM, false, null, names));
		}

		private Message add(Field field) {
			this.fields.add(field);
			this.byNumber.put(field.number(), field);
			this.byName.put(field.name(), field);
			return this;
		}

		@Nullable Field byNumber(int number) {
			return this.byNumber.get(number);
		}

		@Nullable Field byName(String name) {
			return this.byName.get(name);
		}

	}

	private static Map<Integer, String> names(Object... pairs) {
		Map<Integer, String> names = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			names.put((Integer) pairs[i], (String) pairs[i + 1]);
		}
		return Map.copyOf(names);
	}

	private static Map<Integer, String> sequence(String... names) {
		Map<Integer, String> map = new HashMap<>();
		for (int i = 0; i < names.length; i++) {
			map.put(i, names[i]);
		}
		return Map.copyOf(map);
	}

	static final Map<Integer, String> VERDICT = sequence("VERDICT_UNKNOWN", "FORWARDED", "DROPPED", "ERROR", "AUDIT",
			"REDIRECTED", "TRACED", "TRANSLATED");

	static final Map<Integer, String> FLOW_TYPE = sequence("UNKNOWN_TYPE", "L3_L4", "L7", "SOCK");

	static final Map<Integer, String> AUTH_TYPE = sequence("DISABLED", "SPIRE", "TEST_ALWAYS_FAIL");

	static final Map<Integer, String> TRAFFIC_DIRECTION = sequence("TRAFFIC_DIRECTION_UNKNOWN", "INGRESS", "EGRESS");

	static final Map<Integer, String> L7_TYPE = sequence("UNKNOWN_L7_TYPE", "REQUEST", "RESPONSE", "SAMPLE");

	static final Map<Integer, String> IP_VERSION = sequence("IP_NOT_USED", "IPv4", "IPv6");

	static final Map<Integer, String> TRACE_REASON = sequence("TRACE_REASON_UNKNOWN", "NEW", "ESTABLISHED", "REPLY",
			"RELATED", "REOPENED", "SRV6_ENCAP", "SRV6_DECAP", "ENCRYPT_OVERLAY");

	static final Map<Integer, String> LOST_EVENT_SOURCE = sequence("UNKNOWN_LOST_EVENT_SOURCE",
			"PERF_EVENT_RING_BUFFER", "OBSERVER_EVENTS_QUEUE", "HUBBLE_RING_BUFFER");

	static final Map<Integer, String> OBSERVATION_POINT = names(0, "UNKNOWN_POINT", 1, "TO_PROXY", 2, "TO_HOST", 3,
			"TO_STACK", 4, "TO_OVERLAY", 101, "TO_ENDPOINT", 5, "FROM_ENDPOINT", 6, "FROM_PROXY", 7, "FROM_HOST", 8,
			"FROM_STACK", 9, "FROM_OVERLAY", 10, "FROM_NETWORK", 11, "TO_NETWORK", 12, "FROM_CRYPTO", 13, "TO_CRYPTO");

	static final Map<Integer, String> DROP_REASON = names(0, "DROP_REASON_UNKNOWN", 130, "INVALID_SOURCE_MAC", 131,
			"INVALID_DESTINATION_MAC", 132, "INVALID_SOURCE_IP", 133, "POLICY_DENIED", 134, "INVALID_PACKET_DROPPED", 135,
			"CT_TRUNCATED_OR_INVALID_HEADER", 136, "CT_MISSING_TCP_ACK_FLAG", 137, "CT_UNKNOWN_L4_PROTOCOL", 138,
			"CT_CANNOT_CREATE_ENTRY_FROM_PACKET", 139, "UNSUPPORTED_L3_PROTOCOL", 140, "MISSED_TAIL_CALL", 141,
			"ERROR_WRITING_TO_PACKET", 142, "UNKNOWN_L4_PROTOCOL", 143, "UNKNOWN_ICMPV4_CODE", 144,
			"UNKNOWN_ICMPV4_TYPE", 145, "UNKNOWN_ICMPV6_CODE", 146, "UNKNOWN_ICMPV6_TYPE", 147,
			"ERROR_RETRIEVING_TUNNEL_KEY", 148, "ERROR_RETRIEVING_TUNNEL_OPTIONS", 149, "INVALID_GENEVE_OPTION", 150,
			"UNKNOWN_L3_TARGET_ADDRESS", 151, "STALE_OR_UNROUTABLE_IP", 152, "NO_MATCHING_LOCAL_CONTAINER_FOUND", 153,
			"ERROR_WHILE_CORRECTING_L3_CHECKSUM", 154, "ERROR_WHILE_CORRECTING_L4_CHECKSUM", 155,
			"CT_MAP_INSERTION_FAILED", 156, "INVALID_IPV6_EXTENSION_HEADER", 157, "IP_FRAGMENTATION_NOT_SUPPORTED", 158,
			"SERVICE_BACKEND_NOT_FOUND", 160, "NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT", 161,
			"FAILED_TO_INSERT_INTO_PROXYMAP", 162, "REACHED_EDT_RATE_LIMITING_DROP_HORIZON", 163,
			"UNKNOWN_CONNECTION_TRACKING_STATE", 164, "LOCAL_HOST_IS_UNREACHABLE", 165,
			"NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION", 166, "UNSUPPORTED_L2_PROTOCOL", 167,
			"NO_MAPPING_FOR_NAT_MASQUERADE", 168, "UNSUPPORTED_PROTOCOL_FOR_NAT_MASQUERADE", 169, "FIB_LOOKUP_FAILED",
			170, "ENCAPSULATION_TRAFFIC_IS_PROHIBITED", 171, "INVALID_IDENTITY", 172, "UNKNOWN_SENDER", 173,
			"NAT_NOT_NEEDED", 174, "IS_A_CLUSTERIP", 175, "FIRST_LOGICAL_DATAGRAM_FRAGMENT_NOT_FOUND", 176,
			"FORBIDDEN_ICMPV6_MESSAGE", 177, "DENIED_BY_LB_SRC_RANGE_CHECK", 178, "SOCKET_LOOKUP_FAILED", 179,
			"SOCKET_ASSIGN_FAILED", 180, "PROXY_REDIRECTION_NOT_SUPPORTED_FOR_PROTOCOL", 181, "POLICY_DENY", 182,
			"VLAN_FILTERED", 183, "INVALID_VNI", 184, "INVALID_TC_BUFFER", 185, "NO_SID", 186, "MISSING_SRV6_STATE", 187,
			"NAT46", 188, "NAT64", 189, "AUTH_REQUIRED", 190, "CT_NO_MAP_FOUND", 191, "SNAT_NO_MAP_FOUND", 192,
			"INVALID_CLUSTER_ID", 193, "UNSUPPORTED_PROTOCOL_FOR_DSR_ENCAP", 194, "NO_EGRESS_GATEWAY", 195,
			"UNENCRYPTED_TRAFFIC", 196, "TTL_EXCEEDED", 197, "NO_NODE_ID", 198, "DROP_RATE_LIMITED", 199,
			"IGMP_HANDLED", 200, "IGMP_SUBSCRIBED", 201, "MULTICAST_HANDLED", 202, "DROP_HOST_NOT_READY", 203,
			"DROP_EP_NOT_READY", 204, "DROP_NO_EGRESS_IP", 205, "DROP_PUNT_PROXY");

	static final Message WORKLOAD = new Message("Workload").field(1, "name", Kind.STRING).field(2, "kind", Kind.STRING);

	static final Message ENDPOINT = new Message("Endpoint").field(1, "ID", Kind.UINT32)
		.field(2, "identity", Kind.UINT32)
		.field(7, "cluster_name", Kind.STRING)
		.field(3, "namespace", Kind.STRING)
		.repeated(4, "labels", Kind.STRING)
		.field(5, "pod_name", Kind.STRING)
		.repeatedMessage(6, "workloads", WORKLOAD);

	static final Message ETHERNET = new Message("Ethernet").field(1, "source", Kind.STRING)
		.field(2, "destination", Kind.STRING);

	static final Message IP = new Message("IP").field(1, "source", Kind.STRING)
		.field(5, "source_xlated", Kind.STRING)
		.field(2, "destination", Kind.STRING)
		.enumeration(3, "ipVersion", IP_VERSION)
		.field(4, "encrypted", Kind.BOOL);

	static final Message TCP_FLAGS = new Message("TCPFlags").field(1, "FIN", Kind.BOOL)
		.field(2, "SYN", Kind.BOOL)
		.field(3, "RST", Kind.BOOL)
		.field(4, "PSH", Kind.BOOL)
		.field(5, "ACK", Kind.BOOL)
		.field(6, "URG", Kind.BOOL)
		.field(7, "ECE", Kind.BOOL)
		.field(8, "CWR", Kind.BOOL)
		.field(9, "NS", Kind.BOOL);

	static final Message TCP = new Message("TCP").field(1, "source_port", Kind.UINT32)
		.field(2, "destination_port", Kind.UINT32)
		.message(3, "flags", TCP_FLAGS);

	static final Message PORTS = new Message("UDP").field(1, "source_port", Kind.UINT32)
		.field(2, "destination_port", Kind.UINT32);

	static final Message ICMP = new Message("ICMP").field(1, "type", Kind.UINT32).field(2, "code", Kind.UINT32);

	static final Message LAYER4 = new Message("Layer4").message(1, "TCP", TCP)
		.message(2, "UDP", PORTS)
		.message(3, "ICMPv4", ICMP)
		.message(4, "ICMPv6", ICMP)
		.message(5, "SCTP", PORTS);

	static final Message DNS = new Message("DNS").field(1, "query", Kind.STRING)
		.repeated(2, "ips", Kind.STRING)
		.field(3, "ttl", Kind.UINT32)
		.repeated(4, "cnames", Kind.STRING)
		.field(5, "observation_source", Kind.STRING)
		.field(6, "rcode", Kind.UINT32)
		.repeated(7, "qtypes", Kind.STRING)
		.repeated(8, "rrtypes", Kind.STRING);

	static final Message HTTP_HEADER = new Message("HTTPHeader").field(1, "key", Kind.STRING)
		.field(2, "value", Kind.STRING);

	static final Message HTTP = new Message("HTTP").field(1, "code", Kind.UINT32)
		.field(2, "method", Kind.STRING)
		.field(3, "url", Kind.STRING)
		.field(4, "protocol", Kind.STRING)
		.repeatedMessage(5, "headers", HTTP_HEADER);

	static final Message KAFKA = new Message("Kafka").field(1, "error_code", Kind.INT32)
		.field(2, "api_version", Kind.INT32)
		.field(3, "api_key", Kind.STRING)
		.field(4, "correlation_id", Kind.INT32)
		.field(5, "topic", Kind.STRING);

	static final Message LAYER7 = new Message("Layer7").enumeration(1, "type", L7_TYPE)
		.field(2, "latency_ns", Kind.UINT64)
		.message(100, "dns", DNS)
		.message(101, "http", HTTP)
		.message(102, "kafka", KAFKA);

	static final Message EVENT_TYPE = new Message("CiliumEventType").field(1, "type", Kind.INT32)
		.field(2, "sub_type", Kind.INT32);

	static final Message SERVICE = new Message("Service").field(1, "name", Kind.STRING)
		.field(2, "namespace", Kind.STRING);

	static final Message INTERFACE = new Message("NetworkInterface").field(1, "index", Kind.UINT32)
		.field(2, "name", Kind.STRING);

	static final Message TRACE_PARENT = new Message("TraceParent").field(1, "trace_id", Kind.STRING);

	static final Message TRACE_CONTEXT = new Message("TraceContext").message(1, "parent", TRACE_PARENT);

	static final Message FLOW = new Message("Flow").field(1, "time", Kind.TIMESTAMP)
		.field(34, "uuid", Kind.STRING)
		.enumeration(2, "verdict", VERDICT)
		.field(3, "drop_reason", Kind.UINT32)
		.enumeration(35, "auth_type", AUTH_TYPE)
		.message(4, "ethernet", ETHERNET)
		.message(5, "IP", IP)
		.message(6, "l4", LAYER4)
		.message(8, "source", ENDPOINT)
		.message(9, "destination", ENDPOINT)
		.enumeration(10, "Type", FLOW_TYPE)
		.field(11, "node_name", Kind.STRING)
		.repeated(37, "node_labels", Kind.STRING)
		.repeated(13, "source_names", Kind.STRING)
		.repeated(14, "destination_names", Kind.STRING)
		.message(15, "l7", LAYER7)
		.field(16, "reply", Kind.BOOL)
		.message(19, "event_type", EVENT_TYPE)
		.message(20, "source_service", SERVICE)
		.message(21, "destination_service", SERVICE)
		.enumeration(22, "traffic_direction", TRAFFIC_DIRECTION)
		.field(23, "policy_match_type", Kind.UINT32)
		.enumeration(24, "trace_observation_point", OBSERVATION_POINT)
		.enumeration(36, "trace_reason", TRACE_REASON)
		.enumeration(25, "drop_reason_desc", DROP_REASON)
		.field(26, "is_reply", Kind.BOOL_VALUE)
		.message(28, "interface", INTERFACE)
		.field(29, "proxy_port", Kind.UINT32)
		.message(30, "trace_context", TRACE_CONTEXT)
		.field(32, "socket_cookie", Kind.UINT64)
		.field(33, "cgroup_id", Kind.UINT64)
		.field(100000, "Summary", Kind.STRING);

	static final Message LOST_EVENT = new Message("LostEvent").enumeration(1, "source", LOST_EVENT_SOURCE)
		.field(2, "num_events_lost", Kind.UINT64)
		.field(3, "cpu", Kind.INT32_VALUE);

	/** observer.GetFlowsResponse; its node_status (2, a relay.NodeStatusEvent) is not read. */
	static final Message GET_FLOWS_RESPONSE = new Message("GetFlowsResponse").message(1, "flow", FLOW)
		.message(3, "lost_events", LOST_EVENT)
		.field(1000, "node_name", Kind.STRING)
		.field(1001, "time", Kind.TIMESTAMP);

	/** observer.GetFlowsResponse's node_status field number: a response that carries it is not a flow. */
	static final int NODE_STATUS = 2;

	/** observer.GetFlowsRequest (no filters: a source follows every flow). */
	static final Message GET_FLOWS_REQUEST = new Message("GetFlowsRequest").field(1, "number", Kind.UINT64)
		.field(9, "first", Kind.BOOL)
		.field(3, "follow", Kind.BOOL)
		.field(7, "since", Kind.TIMESTAMP)
		.field(8, "until", Kind.TIMESTAMP);

	/** relay.NodeState. */
	static final Map<Integer, String> NODE_STATE = sequence("UNKNOWN_NODE_STATE", "NODE_CONNECTED", "NODE_UNAVAILABLE",
			"NODE_GONE", "NODE_ERROR");

	/** observer.TLS: whether a node's Hubble server speaks TLS, and the server name to check. */
	static final Message NODE_TLS = new Message("TLS").field(1, "enabled", Kind.BOOL)
		.field(2, "server_name", Kind.STRING);

	/** observer.Node (its uptime and flow counters, 6 to 9, are not read). */
	static final Message NODE = new Message("Node").field(1, "name", Kind.STRING)
		.field(2, "version", Kind.STRING)
		.field(3, "address", Kind.STRING)
		.enumeration(4, "state", NODE_STATE)
		.message(5, "tls", NODE_TLS);

	/** observer.GetNodesRequest: empty. */
	static final Message GET_NODES_REQUEST = new Message("GetNodesRequest");

	/** observer.GetNodesResponse: every node the Relay knows. */
	static final Message GET_NODES_RESPONSE = new Message("GetNodesResponse").repeatedMessage(1, "nodes", NODE);

	/** flow.AgentEventType (1 is reserved). */
	static final Map<Integer, String> AGENT_EVENT_TYPE = names(0, "AGENT_EVENT_UNKNOWN", 2, "AGENT_STARTED", 3,
			"POLICY_UPDATED", 4, "POLICY_DELETED", 5, "ENDPOINT_REGENERATE_SUCCESS", 6, "ENDPOINT_REGENERATE_FAILURE", 7,
			"ENDPOINT_CREATED", 8, "ENDPOINT_DELETED", 9, "IPCACHE_UPSERTED", 10, "IPCACHE_DELETED", 11,
			"SERVICE_UPSERTED", 12, "SERVICE_DELETED");

	/**
	 * flow.PolicyUpdateNotification: the labels of the rules imported or deleted ({@code source:key=value}; for a
	 * policy from Kubernetes {@code k8s:io.cilium.k8s.policy.name=...}, {@code ...namespace=...},
	 * {@code ...derived-from=<kind>}, {@code ...uid=...}), the agent's policy revision and the rule count.
	 */
	static final Message POLICY_UPDATE_NOTIFICATION = new Message("PolicyUpdateNotification")
		.repeated(1, "labels", Kind.STRING)
		.field(2, "revision", Kind.UINT64)
		.field(3, "rule_count", Kind.INT64);

	/**
	 * flow.AgentEvent: its type and, for POLICY_UPDATED and POLICY_DELETED, policy_update; the other notifications are
	 * not read.
	 */
	static final Message AGENT_EVENT = new Message("AgentEvent").enumeration(1, "type", AGENT_EVENT_TYPE)
		.message(102, "policy_update", POLICY_UPDATE_NOTIFICATION);

	/** observer.GetAgentEventsRequest. */
	static final Message GET_AGENT_EVENTS_REQUEST = new Message("GetAgentEventsRequest")
		.field(1, "number", Kind.UINT64)
		.field(9, "first", Kind.BOOL)
		.field(2, "follow", Kind.BOOL)
		.field(7, "since", Kind.TIMESTAMP)
		.field(8, "until", Kind.TIMESTAMP);

	/** observer.GetAgentEventsResponse. */
	static final Message GET_AGENT_EVENTS_RESPONSE = new Message("GetAgentEventsResponse")
		.message(1, "agent_event", AGENT_EVENT)
		.field(1000, "node_name", Kind.STRING)
		.field(1001, "time", Kind.TIMESTAMP);

	private FlowSchema() {
	}

}
