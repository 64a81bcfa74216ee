package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * Traffic as a person thinks of it: "a pod labelled app=frontend in default sends GET /public to a pod labelled
 * app=api on port 80". The one description shared by the what-if page, the connectivity matrix, expectations and
 * {@code POST /api/v1/workspaces/{ws}/evaluate}'s {@code traffic}; {@link #toFlow()} turns it into the engine's
 * {@link Flow}, which the engine decides on both sides (egress at the source, ingress at the destination).
 * <p>
 * Written as JSON or YAML:
 * <pre>
 * from: {pod: {namespace: default, labels: {app: frontend}}}   # or {namespace: dev}, {entity: world},
 * to: {pod: {namespace: default, labels: {app: api}}}         #    {ip: 203.0.113.7 | 10.0.0.0/8}, {fqdn: a.example.com}
 * protocol: TCP          # TCP (default; UDP when only dns is given), UDP or SCTP
 * port: 80
 * http: {method: GET, path: /public, host: api, headers: {x-team: a}}   # at most one of http, grpc, kafka, dns
 * grpc: {service: pkg.Svc, method: Get}          # an HTTP/2 POST /pkg.Svc/Get with content-type application/grpc
 * kafka: {apiKey: produce | role: produce|consume, topic: orders, clientID: billing}
 * dns: {query: api.example.com}
 * </pre>
 * {@link #read} is the one reader: every problem at once, each naming its field ({@code to.port},
 * {@code from.fqdn}) with the line and column when the text had them. Impossible traffic is refused, never decided:
 * an FQDN as a source, a port outside 0-65535, HTTP/gRPC/Kafka on UDP, DNS on SCTP, an unknown entity or an entity
 * that is a selector rather than an identity ({@code all}, {@code cluster}, {@code none}), an IP that is neither an
 * address nor a CIDR.
 *
 * @param from the sending endpoint
 * @param to the receiving endpoint
 * @param protocol TCP, UDP or SCTP
 * @param port the destination port, 0-65535
 * @param l7 the request, or null for L3/L4 traffic
 */
public record Traffic(Endpoint from, Endpoint to, Protocol protocol, int port, @Nullable L7 l7) {

	/** Entities that name an identity a flow can have, in their policy spelling. */
	public static final List<String> ENTITIES = List.of("world", "world-ipv4", "world-ipv6", "host", "remote-node",
			"kube-apiserver", "health", "ingress", "init", "unmanaged");

	/** The Kafka API key names the engine knows ({@code produce}, {@code fetch}, ...). */
	static final Set<String> KAFKA_API_KEYS = kafkaApiKeys();

	private static Set<String> kafkaApiKeys() {
		Set<String> names = new java.util.HashSet<>();
		for (int key = 0; key < 128; key++) {
			String name = Flow.Kafka.apiKeyName(key);
			if (!name.chars().allMatch(Character::isDigit)) {
				names.add(name);
			}
		}
		return Set.copyOf(names);
	}

	static final Set<String> KEYS = Set.of("from", "to", "protocol", "port", "http", "grpc", "kafka", "dns");

	/** One side of the traffic. */
	public sealed interface Endpoint permits Pod, Namespace, Entity, Ip, Fqdn {

		/** A short text for people, {@code default/app=api}. */
		String describe();

		/** The JSON/YAML form, {@code {"pod": {"namespace": ..., "labels": {...}}}}. */
		Map<String, Object> toJson();

	}

	/** A pod: its namespace and labels (without the source prefix: {@code app=api}). */
	public record Pod(String namespace, Map<String, String> labels) implements Endpoint {

		public Pod {
			labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
		}

		@Override
		public String describe() {
			StringBuilder text = new StringBuilder(this.namespace).append('/');
			this.labels.forEach((k, v) -> text.append((text.charAt(text.length() - 1) == '/') ? "" : ",").append(k)
				.append('=').append(v));
			return text.toString();
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("pod", Map.of("namespace", this.namespace, "labels", this.labels));
		}

	}

	/** Any pod of a namespace: a pod with no labels of its own, so only namespace-wide rules speak of it. */
	public record Namespace(String name) implements Endpoint {

		@Override
		public String describe() {
			return "namespace " + this.name;
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("namespace", this.name);
		}

	}

	/** A reserved identity: one of {@link #ENTITIES}. */
	public record Entity(String name) implements Endpoint {

		@Override
		public String describe() {
			return "entity " + this.name;
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("entity", this.name);
		}

	}

	/**
	 * An address outside the cluster (world), as an IP or a CIDR; a CIDR stands for the address written before its prefix (10.0.0.0/8: 10.0.0.0).
	 */
	public record Ip(String address) implements Endpoint {

		@Override
		public String describe() {
			return this.address;
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("ip", this.address);
		}

		/** The address a flow carries: the IP, or a CIDR's address as written (an address inside the CIDR). */
		String flowAddress() {
			int slash = this.address.indexOf('/');
			return (slash >= 0) ? this.address.substring(0, slash) : this.address;
		}

		/** Whether {@code text} is an IPv4 or IPv6 address, or such an address with a fitting prefix length. */
		static boolean isAddressOrCidr(String text) {
			int slash = text.indexOf('/');
			if (slash < 0) {
				return Flow.isIpAddress(text);
			}
			String address = text.substring(0, slash);
			String prefix = text.substring(slash + 1);
			if (!Flow.isIpAddress(address) || !prefix.matches("[0-9]{1,3}")) {
				return false;
			}
			return Integer.parseInt(prefix) <= (address.contains(":") ? 128 : 32);
		}

	}

	/** A DNS name outside the cluster (destinations only): world with this name learned for its IP. */
	public record Fqdn(String name) implements Endpoint {

		@Override
		public String describe() {
			return this.name;
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("fqdn", this.name);
		}

	}

	/** The L7 request of the traffic. */
	public sealed interface L7 permits Http, Grpc, Kafka, Dns {

		/** The member name in the traffic's JSON: http, grpc, kafka or dns. */
		String member();

		Map<String, Object> toJson();

	}

	/**
	 * An HTTP request.
	 * @param method GET when not given
	 * @param path {@code /} when not given; may carry a query
	 * @param host the {@code Host} ({@code :authority}), or null
	 * @param headers further headers
	 */
	public record Http(String method, String path, @Nullable String host, Map<String, String> headers) implements L7 {

		public Http {
			headers = java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
		}

		@Override
		public String member() {
			return "http";
		}

		@Override
		public Map<String, Object> toJson() {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("method", this.method);
			json.put("path", this.path);
			if (this.host != null) {
				json.put("host", this.host);
			}
			if (!this.headers.isEmpty()) {
				json.put("headers", this.headers);
			}
			return json;
		}

	}

	/** A gRPC call: an HTTP/2 {@code POST /<service>/<method>} with {@code content-type: application/grpc}. */
	public record Grpc(String service, String method) implements L7 {

		@Override
		public String member() {
			return "grpc";
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("service", this.service, "method", this.method);
		}

	}

	/**
	 * A Kafka request.
	 * @param apiKey the API key's name ({@code produce}, {@code fetch}, ...); a role is read as its first key
	 *        ({@code produce} for produce, {@code fetch} for consume)
	 * @param topic the topic, or null
	 * @param clientId the client ID, or null
	 */
	public record Kafka(String apiKey, @Nullable String topic, @Nullable String clientId) implements L7 {

		@Override
		public String member() {
			return "kafka";
		}

		@Override
		public Map<String, Object> toJson() {
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("apiKey", this.apiKey);
			if (this.topic != null) {
				json.put("topic", this.topic);
			}
			if (this.clientId != null) {
				json.put("clientID", this.clientId);
			}
			return json;
		}

	}

	/** A DNS query (type A). */
	public record Dns(String query) implements L7 {

		@Override
		public String member() {
			return "dns";
		}

		@Override
		public Map<String, Object> toJson() {
			return Map.of("query", this.query);
		}

	}

	/**
	 * What {@link #read} made of a description.
	 * @param traffic the traffic; null when there were violations
	 * @param violations every problem, each naming its field
	 */
	public record Reading(@Nullable Traffic traffic, List<FieldViolation> violations) {

		public boolean isValid() {
			return this.traffic != null;
		}

	}

	/** A short text for people: {@code default/app=web -> default/app=api 80/TCP GET /public}. */
	public String describe() {
		String text = this.from.describe() + " -> " + this.to.describe() + " " + this.port + "/" + this.protocol;
		if (this.l7 instanceof Http http) {
			text += " " + http.method() + " " + http.path();
		}
		else if (this.l7 instanceof Grpc grpc) {
			text += " gRPC " + grpc.service() + "/" + grpc.method();
		}
		else if (this.l7 instanceof Kafka kafka) {
			text += " Kafka " + kafka.apiKey() + ((kafka.topic() != null) ? " " + kafka.topic() : "");
		}
		else if (this.l7 instanceof Dns dns) {
			text += " DNS " + dns.query();
		}
		return text;
	}

	/** The JSON/YAML form {@link #read} reads back. */
	public Map<String, Object> toJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("from", this.from.toJson());
		json.put("to", this.to.toJson());
		json.put("protocol", this.protocol.name());
		json.put("port", this.port);
		if (this.l7 != null) {
			json.put(this.l7.member(), this.l7.toJson());
		}
		return json;
	}

	/** This traffic towards another destination and port (a matrix cell). */
	public Traffic to(Endpoint destination, Protocol protocol, int port) {
		return new Traffic(this.from, destination, protocol, port, this.l7);
	}

	/**
	 * The flow the engine decides: pods carry {@code k8s:} labels and their namespace; entities their
	 * {@code reserved:} labels ({@code kube-apiserver} also {@code reserved:remote-node}); IPs and FQDNs are world,
	 * an FQDN destination with its name in {@code destination_names}.
	 */
	public Flow toFlow() {
		Flow.L7Request request = null;
		if (this.l7 instanceof Http http) {
			List<Flow.Header> headers = new ArrayList<>();
			http.headers().forEach((k, v) -> headers.add(new Flow.Header(k, v)));
			String url = (http.host() != null) ? "http://" + http.host() + http.path() : http.path();
			request = new Flow.Http(http.method(), url, headers, null);
		}
		else if (this.l7 instanceof Grpc grpc) {
			request = new Flow.Http("POST", "/" + grpc.service() + "/" + grpc.method(),
					List.of(new Flow.Header("content-type", "application/grpc")), "HTTP/2");
		}
		else if (this.l7 instanceof Kafka kafka) {
			request = new Flow.Kafka(kafka.apiKey(), 0, kafka.clientId(),
					(kafka.topic() != null) ? List.of(kafka.topic()) : List.of());
		}
		else if (this.l7 instanceof Dns dns) {
			request = new Flow.Dns(dns.query(), List.of("A"));
		}
		List<String> names = (this.to instanceof Fqdn fqdn) ? List.of(fqdn.name()) : List.of();
		return new Flow(endpoint(this.from), endpoint(this.to), ip(this.from), ip(this.to), this.protocol, this.port,
				-1, request, names, null, false);
	}

	static Flow.Endpoint endpoint(Endpoint endpoint) {
		if (endpoint instanceof Pod pod) {
			List<String> labels = new ArrayList<>();
			pod.labels().forEach((k, v) -> labels.add("k8s:" + k + "=" + v));
			return new Flow.Endpoint(pod.namespace(), labels, null, null, List.of());
		}
		if (endpoint instanceof Namespace ns) {
			return new Flow.Endpoint(ns.name(), List.of(), null, null, List.of());
		}
		if (endpoint instanceof Entity entity) {
			return new Flow.Endpoint(null, entity.name().equals("kube-apiserver")
					? List.of("reserved:kube-apiserver", "reserved:remote-node") : List.of("reserved:" + entity.name()),
					null, null, List.of());
		}
		return new Flow.Endpoint(null, List.of("reserved:world"), null, null, List.of());
	}

	private static @Nullable String ip(Endpoint endpoint) {
		return (endpoint instanceof Ip ip) ? ip.flowAddress() : null;
	}

	// ---------------------------------------------------------------- reading

	/**
	 * Reads a description from a positioned tree (YAML or JSON text read by {@code yaml.YamlReader}, or a request's
	 * JSON through {@link JsonNodes}).
	 * @param node the description's map
	 * @param path where it is in its document ({@code traffic[2]}, {@code expectations[0]}), "" at the top
	 * @param otherKeys keys the caller reads itself (an expectation's {@code name} and {@code expect})
	 */
	public static Reading read(@Nullable Node node, String path, Set<String> otherKeys) {
		Reader reader = new Reader(path);
		Traffic traffic = reader.traffic(node, otherKeys);
		return new Reading(reader.violations.isEmpty() ? traffic : null, List.copyOf(reader.violations));
	}

	/**
	 * Reads a description given as maps, lists and scalars (a page's form fields, a decoded JSON value), with the same
	 * checks and messages as {@link #read}; fields are named from {@code path}.
	 */
	public static Reading read(Map<String, ?> description, String path) {
		return read(JsonNodes.ofValue(description), path, Set.of());
	}

	/** Reads one endpoint ({@code {pod: ...}}, {@code {entity: world}}, ...) as a matrix row or column. */
	public static Reading readEndpoint(@Nullable Node node, String path, boolean source) {
		Reader reader = new Reader("");
		Endpoint endpoint = reader.endpoint(node, path, source);
		Traffic traffic = (endpoint != null && reader.violations.isEmpty())
				? new Traffic(endpoint, endpoint, Protocol.TCP, 0, null) : null;
		return new Reading(traffic, List.copyOf(reader.violations));
	}

	private static final class Reader {

		final String base;

		final List<FieldViolation> violations = new ArrayList<>();

		Reader(String base) {
			this.base = base;
		}

		String path(String field) {
			return this.base.isEmpty() ? field : this.base + "." + field;
		}

		void add(String path, @Nullable Position at, String problem) {
			Position position = (at != null) ? at : Position.UNKNOWN;
			this.violations.add(new FieldViolation(path, position.line(), position.column(), path + ": " + problem));
		}

		@Nullable Traffic traffic(@Nullable Node node, Set<String> otherKeys) {
			String here = this.base.isEmpty() ? "traffic" : this.base;
			if (!(node instanceof Node.MapNode map)) {
				add(here, (node != null) ? node.position() : null, "must be a map with from, to, port and optionally "
						+ "protocol and one of http, grpc, kafka, dns");
				return null;
			}
			for (String key : map.entries().keySet()) {
				if (!KEYS.contains(key) && !otherKeys.contains(key)) {
					List<String> allowed = new ArrayList<>(otherKeys);
					allowed.addAll(List.of("from", "to", "protocol", "port", "http", "grpc", "kafka", "dns"));
					add(path(key), map.keyPosition(key), "unknown field " + Quoted.of(key) + "; allowed: "
							+ String.join(", ", allowed));
				}
			}
			Endpoint from = endpoint(map.get("from"), path("from"), true);
			Endpoint to = endpoint(map.get("to"), path("to"), false);
			if (map.get("from") == null) {
				add(path("from"), map.position(), "is required");
			}
			if (map.get("to") == null) {
				add(path("to"), map.position(), "is required");
			}
			List<String> l7Members = map.entries().keySet().stream()
				.filter(Set.of("http", "grpc", "kafka", "dns")::contains).toList();
			if (l7Members.size() > 1) {
				add(path(l7Members.get(1)), map.keyPosition(l7Members.get(1)),
						"give at most one L7 request (http, grpc, kafka or dns), not " + String.join(" and ", l7Members));
			}
			L7 l7 = l7Members.isEmpty() ? null : l7(l7Members.get(0), map.get(l7Members.get(0)));
			Protocol protocol = protocol(map.get("protocol"), (l7 instanceof Dns) ? Protocol.UDP : Protocol.TCP);
			int port = port(map.get("port"), (l7 instanceof Dns) ? 53 : -1, map);
			if (protocol != null && l7 != null) {
				String member = l7.member();
				boolean udpOk = l7 instanceof Dns;
				if (protocol == Protocol.UDP && !udpOk) {
					add(path(member), map.keyPosition(member), member.toUpperCase(Locale.ROOT)
							+ " runs over TCP, not UDP; set protocol: TCP or drop " + member);
				}
				if (protocol == Protocol.SCTP) {
					add(path(member), map.keyPosition(member), "no L7 proxy speaks " + member.toUpperCase(Locale.ROOT)
							+ " over SCTP; set protocol: " + (udpOk ? "UDP or TCP" : "TCP") + " or drop " + member);
				}
			}
			if (from == null || to == null || protocol == null || port < 0 || !this.violations.isEmpty()) {
				return null;
			}
			return new Traffic(from, to, protocol, port, l7);
		}

		@Nullable Protocol protocol(@Nullable Node node, Protocol otherwise) {
			if (node == null || (node instanceof Node.ScalarNode s && s.isNull())) {
				return otherwise;
			}
			String text = scalar(node);
			if (text != null) {
				switch (text.toUpperCase(Locale.ROOT)) {
					case "TCP" -> {
						return Protocol.TCP;
					}
					case "UDP" -> {
						return Protocol.UDP;
					}
					case "SCTP" -> {
						return Protocol.SCTP;
					}
					default -> {
					}
				}
			}
			add(path("protocol"), node.position(), "must be TCP, UDP or SCTP, not " + shown(node));
			return null;
		}

		int port(@Nullable Node node, int otherwise, Node.MapNode map) {
			if (node == null || (node instanceof Node.ScalarNode s && s.isNull())) {
				if (otherwise < 0) {
					add(path("port"), map.position(), "is required: a number from 0 to 65535");
				}
				return otherwise;
			}
			String text = scalar(node);
			if (text != null) {
				try {
					long port = Long.parseLong(text.strip());
					if (port >= 0 && port <= 65535) {
						return (int) port;
					}
					add(path("port"), node.position(), "must be from 0 to 65535, not " + Quoted.of(text));
					return -1;
				}
				catch (NumberFormatException ex) {
					// below
				}
			}
			add(path("port"), node.position(), "must be a number from 0 to 65535, not " + shown(node));
			return -1;
		}

		@Nullable Endpoint endpoint(@Nullable Node node, String path, boolean source) {
			if (node == null) {
				return null;
			}
			if (!(node instanceof Node.MapNode map) || map.entries().size() != 1) {
				add(path, node.position(), "must be exactly one of {pod: {namespace, labels}}, {namespace: name}, "
						+ "{entity: name}, {ip: address or CIDR}" + (source ? "" : ", {fqdn: name}"));
				return null;
			}
			String kind = map.entries().keySet().iterator().next();
			Node value = map.get(kind);
			String at = path + "." + kind;
			switch (kind) {
				case "pod" -> {
					if (!(value instanceof Node.MapNode pod)) {
						add(at, value.position(), "must be a map {namespace: name, labels: {key: value}}");
						return null;
					}
					for (String key : pod.entries().keySet()) {
						if (!key.equals("namespace") && !key.equals("labels")) {
							add(at + "." + key, pod.keyPosition(key), "unknown field " + Quoted.of(key)
									+ "; allowed: namespace, labels");
						}
					}
					String namespace = name(pod.get("namespace"), at + ".namespace", pod.position());
					Map<String, String> labels = new TreeMap<>();
					Node labelsNode = pod.get("labels");
					if (labelsNode instanceof Node.MapNode labelMap) {
						labelMap.entries().forEach((k, v) -> {
							String text = scalar(v);
							if (text == null || k.isBlank() || k.contains("=") || k.contains(",")) {
								add(at + ".labels." + k, v.position(), "a label is key: value with a text value "
										+ "and a key without '=' or ','");
							}
							else {
								labels.put(k, text);
							}
						});
					}
					else if (labelsNode != null && !(labelsNode instanceof Node.ScalarNode s && s.isNull())) {
						add(at + ".labels", labelsNode.position(), "must be a map {key: value}");
					}
					return (namespace != null) ? new Pod(namespace, labels) : null;
				}
				case "namespace" -> {
					String name = name(value, at, map.position());
					return (name != null) ? new Namespace(name) : null;
				}
				case "entity" -> {
					String name = scalar(value);
					if (name == null || !ENTITIES.contains(name)) {
						String why = (name != null && Set.of("all", "cluster", "none").contains(name))
								? Quoted.of(name) + " selects many identities in a policy; traffic comes from one: "
								: "unknown entity " + shown(value) + "; allowed: ";
						add(at, value.position(), why + String.join(", ", ENTITIES));
						return null;
					}
					return new Entity(name);
				}
				case "ip" -> {
					String text = scalar(value);
					if (text != null) {
						text = text.strip();
						if (Ip.isAddressOrCidr(text)) {
							return new Ip(text);
						}
					}
					add(at, value.position(), "must be an IPv4 or IPv6 address or a CIDR, not " + shown(value));
					return null;
				}
				case "fqdn" -> {
					if (source) {
						add(at, map.keyPosition(kind), "an FQDN can only be a destination: Cilium learns names from DNS "
								+ "answers to the pods that asked; describe the source as {ip: ...} or {entity: world}");
						return null;
					}
					String name = scalar(value);
					if (name == null || name.isBlank() || name.contains("*") || name.contains(" ")) {
						add(at, value.position(), "must be a DNS name such as api.example.com, not " + shown(value));
						return null;
					}
					String lower = name.strip().toLowerCase(Locale.ROOT);
					return new Fqdn(lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower);
				}
				default -> {
					add(at, map.keyPosition(kind), "unknown endpoint kind " + Quoted.of(kind)
							+ "; allowed: pod, namespace, entity, ip" + (source ? "" : ", fqdn"));
					return null;
				}
			}
		}

		@Nullable String name(@Nullable Node node, String path, Position parent) {
			String text = scalar(node);
			if (text == null || text.isBlank()) {
				add(path, (node != null) ? node.position() : parent, "is required: a namespace name");
				return null;
			}
			return text.strip();
		}

		@Nullable L7 l7(String member, Node node) {
			String at = path(member);
			if (!(node instanceof Node.MapNode map)) {
				add(at, node.position(), "must be a map");
				return null;
			}
			Set<String> keys = switch (member) {
				case "http" -> Set.of("method", "path", "host", "headers");
				case "grpc" -> Set.of("service", "method");
				case "kafka" -> Set.of("apiKey", "role", "topic", "clientID");
				default -> Set.of("query");
			};
			for (String key : map.entries().keySet()) {
				if (!keys.contains(key)) {
					add(at + "." + key, map.keyPosition(key), "unknown field " + Quoted.of(key) + "; allowed: "
							+ String.join(", ", keys.stream().sorted().toList()));
				}
			}
			switch (member) {
				case "http" -> {
					String method = text(map, "method", at, "GET");
					String path = text(map, "path", at, "/");
					String host = text(map, "host", at, null);
					if (path != null && !path.startsWith("/")) {
						add(at + ".path", map.get("path").position(), "must start with /, not " + Quoted.of(path));
					}
					Map<String, String> headers = new TreeMap<>();
					Node given = map.get("headers");
					if (given instanceof Node.MapNode headerMap) {
						headerMap.entries().forEach((k, v) -> {
							String value = scalar(v);
							if (value == null) {
								add(at + ".headers." + k, v.position(), "must be a text value");
							}
							else {
								headers.put(k, value);
							}
						});
					}
					else if (given != null) {
						add(at + ".headers", given.position(), "must be a map {name: value}");
					}
					return (method != null && path != null) ? new Http(method.toUpperCase(Locale.ROOT), path, host, headers)
							: null;
				}
				case "grpc" -> {
					String service = text(map, "service", at, null);
					String method = text(map, "method", at, null);
					if (service == null || service.isBlank()) {
						add(at + ".service", map.position(), "is required: the full service name, pkg.Service");
						return null;
					}
					if (method == null || method.isBlank()) {
						add(at + ".method", map.position(), "is required: the method name");
						return null;
					}
					return new Grpc(service, method);
				}
				case "kafka" -> {
					String apiKey = text(map, "apiKey", at, null);
					String role = text(map, "role", at, null);
					if ((apiKey == null) == (role == null)) {
						add(at, map.position(), "give one of apiKey (produce, fetch, ...) and role (produce, consume)");
						return null;
					}
					if (role != null) {
						if (!role.equals("produce") && !role.equals("consume")) {
							add(at + ".role", map.get("role").position(), "must be produce or consume, not "
									+ Quoted.of(role));
							return null;
						}
						apiKey = role.equals("produce") ? "produce" : "fetch";
					}
					else if (!KAFKA_API_KEYS.contains(apiKey.toLowerCase(Locale.ROOT))) {
						add(at + ".apiKey", map.get("apiKey").position(), "unknown Kafka API key " + Quoted.of(apiKey)
								+ "; for example produce, fetch, metadata");
						return null;
					}
					return new Kafka(apiKey.toLowerCase(Locale.ROOT), text(map, "topic", at, null),
							text(map, "clientID", at, null));
				}
				default -> {
					String query = text(map, "query", at, null);
					if (query == null || query.isBlank()) {
						add(at + ".query", map.position(), "is required: the name asked for, api.example.com");
						return null;
					}
					String lower = query.strip().toLowerCase(Locale.ROOT);
					return new Dns(lower.endsWith(".") ? lower : lower + ".");
				}
			}
		}

		@Nullable String text(Node.MapNode map, String key, String at, @Nullable String otherwise) {
			Node node = map.get(key);
			if (node == null || (node instanceof Node.ScalarNode s && s.isNull())) {
				return otherwise;
			}
			String text = scalar(node);
			if (text == null) {
				add(at + "." + key, node.position(), "must be a text value, not " + shown(node));
				return otherwise;
			}
			return text;
		}

	}

	private static @Nullable String scalar(@Nullable Node node) {
		return (node instanceof Node.ScalarNode scalar && !scalar.isNull()) ? scalar.value() : null;
	}

	private static String shown(Node node) {
		if (node instanceof Node.ScalarNode scalar) {
			return Quoted.of(scalar.value());
		}
		return (node instanceof Node.MapNode) ? "a map" : "a list";
	}

}
