package dev.portcullis.publish.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small stand-in for a kube-apiserver, enough for the Kubernetes adapter's server-side apply, field ownership
 * and dry runs, which fabric8's mock server does not model (docs/adr/034 says what this double leaves out).
 * <p>
 * It serves {@code /apis/cilium.io/v2} discovery, get, list (with a label selector), server-side apply
 * ({@code PATCH} with {@code application/apply-patch+yaml}, {@code fieldManager}, {@code force},
 * {@code dryRun=All}) and delete (with a resource-version precondition) for the three policy kinds. Ownership
 * follows apply's rules for atomic lists: a manager owns the leaf paths it applied (maps walked, lists whole);
 * applying a value that differs from one another manager owns is a 409 with one cause per field unless forced,
 * equal values are shared, fields the applier owned before and no longer sends are removed. Every request needs
 * the bearer token.
 */
public final class ApiServerDouble implements AutoCloseable {

	public static final String TOKEN = "s3cret-token-value-123";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpServer server;

	private final Map<String, Stored> objects = new ConcurrentHashMap<>();

	private final AtomicLong versions = new AtomicLong(100);

	public final List<String> requests = new CopyOnWriteArrayList<>();

	/** Per {@code kind/namespace/name}: the causes (field, message) of a 422 the server answers to writes. */
	final Map<String, Map<String, String>> rejections = new ConcurrentHashMap<>();

	public volatile boolean ciliumServed = true;

	/** A verb ({@code patch}, {@code list}, {@code delete}, {@code get}) answered 403. */
	final Set<String> forbidden = ConcurrentHashMap.newKeySet();

	public ApiServerDouble() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	// --- what tests look at and do as other clients ----------------------------------------------------------

	/** The object as stored, with {@code managedFields}; null when absent. */
	public Map<String, Object> get(String ref) {
		Stored s = this.objects.get(ref);
		return (s == null) ? null : s.render();
	}

	Map<String, Stored> objects() {
		return this.objects;
	}

	public Set<String> refs() {
		return new TreeMap<>(this.objects).keySet();
	}

	/** Another client's update ({@code kubectl edit}): sets one leaf and takes its ownership ("Update"). */
	public void edit(String ref, String manager, List<String> path, Object value) {
		Stored s = Objects.requireNonNull(this.objects.get(ref), ref);
		synchronized (s) {
			put(s.object, path, value);
			s.owners.values().forEach((o) -> o.paths.remove(path));
			s.owners.computeIfAbsent(manager, (m) -> new Owner("Update")).paths.add(path);
			s.object.put("metadata", withVersion(s.object, this.versions.incrementAndGet()));
		}
	}

	/** Creates an object as another client would (no managedFields of Portcullis). */
	void create(String ref, String manager, Map<String, Object> object) {
		Stored s = new Stored(ref, deepCopy(object));
		s.object.put("metadata", withVersion(s.object, this.versions.incrementAndGet()));
		s.owners.put(manager, new Owner("Update"));
		s.owners.get(manager).paths.addAll(paths(object));
		this.objects.put(ref, s);
	}

	void status(String ref, Map<String, Object> status) {
		this.objects.get(ref).object.put("status", status);
	}

	// --- the HTTP side -----------------------------------------------------------------------------------------

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			this.requests.add(method + " " + exchange.getRequestURI());
			String auth = exchange.getRequestHeaders().getFirst("Authorization");
			if (!("Bearer " + TOKEN).equals(auth)) {
				status(exchange, 401, "Unauthorized", "Unauthorized", null);
				return;
			}
			if (path.equals("/apis/cilium.io/v2")) {
				if (!this.ciliumServed) {
					status(exchange, 404, "NotFound", "the server could not find the requested resource", null);
					return;
				}
				send(exchange, 200, Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", "cilium.io/v2",
						"resources", List.of(resource("ciliumnetworkpolicies", "CiliumNetworkPolicy", true),
								resource("ciliumclusterwidenetworkpolicies", "CiliumClusterwideNetworkPolicy", false))));
				return;
			}
			Route route = Route.parse(path);
			if (route == null) {
				status(exchange, 404, "NotFound", "the server could not find the requested resource", null);
				return;
			}
			String verb = switch (method) {
				case "GET" -> (route.name == null) ? "list" : "get";
				case "PATCH" -> "patch";
				case "DELETE" -> "delete";
				default -> method.toLowerCase();
			};
			if (this.forbidden.contains(verb)) {
				status(exchange, 403, "Forbidden", route.plural + "." + route.group + " is forbidden: User \"system:serviceaccount:ops:portcullis\" cannot "
						+ verb + " resource \"" + route.plural + "\" in API group \"" + route.group + "\"", null);
				return;
			}
			switch (verb) {
				case "list" -> list(exchange, route, query);
				case "get" -> {
					Stored s = this.objects.get(route.ref());
					if (s == null) {
						notFound(exchange, route);
					}
					else {
						send(exchange, 200, s.render());
					}
				}
				case "patch" -> apply(exchange, route, query);
				case "delete" -> delete(exchange, route);
				default -> status(exchange, 405, "MethodNotAllowed", method + " is not supported", null);
			}
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			throw ex;
		}
	}

	private void list(HttpExchange exchange, Route route, Map<String, String> query) throws IOException {
		Map<String, String> selector = new LinkedHashMap<>();
		String labels = query.get("labelSelector");
		if (labels != null && !labels.isEmpty()) {
			for (String term : labels.split(",")) {
				String[] kv = term.split("=", 2);
				selector.put(kv[0], kv[1]);
			}
		}
		List<Map<String, Object>> items = new ArrayList<>();
		for (Stored s : new TreeMap<>(this.objects).values()) {
			if (!s.ref.startsWith(route.kind + "/")) {
				continue;
			}
			if (route.namespace != null && !route.namespace.equals(namespace(s.object))) {
				continue;
			}
			Map<String, Object> l = labels(s.object);
			if (selector.entrySet().stream().allMatch((e) -> e.getValue().equals(l.get(e.getKey())))) {
				items.add(s.render());
			}
		}
		send(exchange, 200, Map.of("apiVersion", route.group + "/" + route.version, "kind", route.kind + "List",
				"metadata", Map.of("resourceVersion", String.valueOf(this.versions.get())), "items", items));
	}

	private void apply(HttpExchange exchange, Route route, Map<String, String> query) throws IOException {
		String type = exchange.getRequestHeaders().getFirst("Content-Type");
		if (type == null || !type.startsWith("application/apply-patch+yaml")) {
			status(exchange, 415, "UnsupportedMediaType", "only server-side apply is served here", null);
			return;
		}
		String manager = query.get("fieldManager");
		if (manager == null || manager.isEmpty()) {
			status(exchange, 400, "BadRequest", "PATCH with apply requires a fieldManager", null);
			return;
		}
		boolean force = "true".equals(query.get("force"));
		boolean dryRun = "All".equals(query.get("dryRun"));
		Map<String, Object> body = JSON.readValue(read(exchange.getRequestBody()), new TypeReference<>() {
		});
		Map<String, String> reject = this.rejections.get(route.ref());
		if (reject != null) {
			status(exchange, 422, "Invalid", route.kind + ".cilium.io \"" + route.name + "\" is invalid", reject);
			return;
		}
		Stored live = this.objects.get(route.ref());
		Stored next = (live == null) ? new Stored(route.ref(), new LinkedHashMap<>()) : live.copy();
		Set<List<String>> applied = paths(body);
		Map<String, String> conflicts = new LinkedHashMap<>();
		for (List<String> p : applied) {
			Object value = at(body, p);
			next.owners.forEach((other, owner) -> {
				if (!other.equals(manager) && owner.paths.contains(p) && !Objects.equals(value, at(next.object, p))) {
					conflicts.put("." + String.join(".", p),
							"conflict with \"" + other + "\" using " + route.group + "/" + route.version);
				}
			});
		}
		if (!conflicts.isEmpty() && !force) {
			status(exchange, 409, "Conflict", "Apply failed with " + conflicts.size() + " conflict(s)", conflicts,
					"FieldManagerConflict");
			return;
		}
		Owner mine = next.owners.computeIfAbsent(manager, (m) -> new Owner("Apply"));
		for (List<String> p : mine.paths) {
			boolean ownedByOthers = next.owners.entrySet().stream()
				.anyMatch((e) -> !e.getKey().equals(manager) && e.getValue().paths.contains(p));
			if (!applied.contains(p) && !ownedByOthers) {
				remove(next.object, p);
			}
		}
		for (List<String> p : applied) {
			Object value = at(body, p);
			if (force || !Objects.equals(value, at(next.object, p))) {
				next.owners.forEach((other, owner) -> {
					if (!other.equals(manager)) {
						owner.paths.remove(p);
					}
				});
			}
			put(next.object, p, value);
		}
		put(next.object, List.of("metadata", "name"), route.name);
		if (route.namespace != null) {
			put(next.object, List.of("metadata", "namespace"), route.namespace);
		}
		next.object.putIfAbsent("apiVersion", body.get("apiVersion"));
		next.object.putIfAbsent("kind", body.get("kind"));
		mine.operation = "Apply";
		mine.paths.clear();
		mine.paths.addAll(applied);
		next.owners.values().removeIf((o) -> o.paths.isEmpty());
		boolean changed = (live == null) || !content(live.object).equals(content(next.object));
		if (changed) {
			next.object.put("metadata", withVersion(next.object, dryRun ? this.versions.get() + 1
					: this.versions.incrementAndGet()));
		}
		if (!dryRun) {
			this.objects.put(route.ref(), next);
		}
		send(exchange, (live == null) ? 201 : 200, next.render());
	}

	private void delete(HttpExchange exchange, Route route) throws IOException {
		Stored live = this.objects.get(route.ref());
		if (live == null) {
			notFound(exchange, route);
			return;
		}
		String body = read(exchange.getRequestBody());
		this.requests.add("DELETE body " + body);
		if (!body.isBlank()) {
			Map<String, Object> options = JSON.readValue(body, new TypeReference<>() {
			});
			if (options.get("preconditions") instanceof Map<?, ?> pre && pre.get("resourceVersion") instanceof String rv
					&& !rv.equals(resourceVersion(live.object))) {
				status(exchange, 409, "Conflict", "Operation cannot be fulfilled on " + route.plural + "." + route.group
						+ " \"" + route.name + "\": the ResourceVersion in the precondition (" + rv
						+ ") does not match the ResourceVersion in record (" + resourceVersion(live.object)
						+ "). The object might have been modified", null);
				return;
			}
		}
		this.objects.remove(route.ref());
		send(exchange, 200, Map.of("kind", "Status", "apiVersion", "v1", "status", "Success", "details",
				Map.of("name", route.name, "group", route.group, "kind", route.plural)));
	}

	private void notFound(HttpExchange exchange, Route route) throws IOException {
		status(exchange, 404, "NotFound", route.plural + "." + route.group + " \"" + route.name + "\" not found",
				null);
	}

	private static void status(HttpExchange exchange, int code, String reason, String message,
			Map<String, String> causes) throws IOException {
		status(exchange, code, reason, message, causes, "FieldValueInvalid");
	}

	private static void status(HttpExchange exchange, int code, String reason, String message,
			Map<String, String> causes, String causeType) throws IOException {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("kind", "Status");
		status.put("apiVersion", "v1");
		status.put("status", "Failure");
		status.put("message", message);
		status.put("reason", reason);
		status.put("code", code);
		if (causes != null) {
			List<Map<String, String>> list = new ArrayList<>();
			causes.forEach((field, m) -> list.add(Map.of("reason", causeType, "message", m, "field", field)));
			status.put("details", Map.of("causes", list));
		}
		send(exchange, code, status);
	}

	private static void send(HttpExchange exchange, int code, Object body) throws IOException {
		byte[] bytes = JSON.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(code, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String read(InputStream in) throws IOException {
		return new String(in.readAllBytes(), StandardCharsets.UTF_8);
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> out = new LinkedHashMap<>();
		if (raw != null) {
			for (String part : raw.split("&")) {
				String[] kv = part.split("=", 2);
				out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
						(kv.length > 1) ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
			}
		}
		return out;
	}

	private static Map<String, Object> resource(String name, String kind, boolean namespaced) {
		return Map.of("name", name, "singularName", "", "namespaced", namespaced, "kind", kind, "verbs",
				List.of("delete", "get", "list", "patch", "create", "update", "watch"));
	}

	// --- objects as leaf paths ---------------------------------------------------------------------------------

	/** The leaf paths an applier sends: maps walked, lists whole; name, namespace and type fields left out. */
	static Set<List<String>> paths(Map<String, Object> object) {
		Set<List<String>> out = new LinkedHashSet<>();
		walk(object, new ArrayList<>(), out);
		out.removeIf((p) -> p.equals(List.of("apiVersion")) || p.equals(List.of("kind"))
				|| p.equals(List.of("metadata", "name")) || p.equals(List.of("metadata", "namespace"))
				|| p.get(0).equals("status"));
		return out;
	}

	private static void walk(Object value, List<String> path, Set<List<String>> out) {
		if (value instanceof Map<?, ?> map && !map.isEmpty()) {
			map.forEach((k, v) -> {
				List<String> next = new ArrayList<>(path);
				next.add(String.valueOf(k));
				walk(v, next, out);
			});
		}
		else {
			out.add(List.copyOf(path));
		}
	}

	@SuppressWarnings("unchecked")
	public static Object at(Map<String, Object> object, List<String> path) {
		Object v = object;
		for (String key : path) {
			if (!(v instanceof Map<?, ?> m)) {
				return null;
			}
			v = ((Map<String, Object>) m).get(key);
		}
		return v;
	}

	@SuppressWarnings("unchecked")
	static void put(Map<String, Object> object, List<String> path, Object value) {
		Map<String, Object> m = object;
		for (int i = 0; i < path.size() - 1; i++) {
			Object next = m.get(path.get(i));
			if (!(next instanceof Map<?, ?>)) {
				next = new LinkedHashMap<String, Object>();
				m.put(path.get(i), next);
			}
			m = (Map<String, Object>) next;
		}
		m.put(path.get(path.size() - 1), deepCopy(value));
	}

	@SuppressWarnings("unchecked")
	private static void remove(Map<String, Object> object, List<String> path) {
		Map<String, Object> m = object;
		for (int i = 0; i < path.size() - 1; i++) {
			if (!(m.get(path.get(i)) instanceof Map<?, ?> next)) {
				return;
			}
			m = (Map<String, Object>) next;
		}
		m.remove(path.get(path.size() - 1));
	}

	@SuppressWarnings("unchecked")
	private static <T> T deepCopy(T value) {
		return (value == null) ? null : (T) JSON.readValue(JSON.writeValueAsBytes(value), Object.class);
	}

	private static Map<String, Object> content(Map<String, Object> object) {
		Map<String, Object> copy = deepCopy(object);
		copy.remove("status");
		if (copy.get("metadata") instanceof Map<?, ?> m) {
			m.remove("resourceVersion");
			m.remove("managedFields");
		}
		return copy;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> withVersion(Map<String, Object> object, long version) {
		Map<String, Object> metadata = (object.get("metadata") instanceof Map<?, ?> m)
				? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
		metadata.put("resourceVersion", String.valueOf(version));
		metadata.putIfAbsent("uid", java.util.UUID.randomUUID().toString());
		return metadata;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> labels(Map<String, Object> object) {
		Object l = at(object, List.of("metadata", "labels"));
		return (l instanceof Map<?, ?> m) ? (Map<String, Object>) m : Map.of();
	}

	private static String namespace(Map<String, Object> object) {
		return (at(object, List.of("metadata", "namespace")) instanceof String ns) ? ns : null;
	}

	private static String resourceVersion(Map<String, Object> object) {
		return (String) at(object, List.of("metadata", "resourceVersion"));
	}

	private static final class Owner {

		String operation;

		final Set<List<String>> paths = new LinkedHashSet<>();

		Owner(String operation) {
			this.operation = operation;
		}

	}

	static final class Stored {

		final String ref;

		final Map<String, Object> object;

		final Map<String, Owner> owners = new TreeMap<>();

		Stored(String ref, Map<String, Object> object) {
			this.ref = ref;
			this.object = object;
		}

		Stored copy() {
			Stored s = new Stored(this.ref, deepCopy(this.object));
			this.owners.forEach((m, o) -> {
				Owner c = new Owner(o.operation);
				c.paths.addAll(o.paths);
				s.owners.put(m, c);
			});
			return s;
		}

		/** The object with {@code metadata.managedFields} in {@code FieldsV1} form. */
		@SuppressWarnings("unchecked")
		synchronized Map<String, Object> render() {
			Map<String, Object> out = deepCopy(this.object);
			List<Map<String, Object>> managed = new ArrayList<>();
			this.owners.forEach((manager, owner) -> {
				Map<String, Object> fields = new TreeMap<>();
				for (List<String> p : owner.paths) {
					Map<String, Object> m = fields;
					for (String key : p) {
						m = (Map<String, Object>) m.computeIfAbsent("f:" + key, (k) -> new TreeMap<String, Object>());
					}
				}
				managed.add(Map.of("manager", manager, "operation", owner.operation, "apiVersion",
						String.valueOf(out.get("apiVersion")), "fieldsType", "FieldsV1", "fieldsV1", fields));
			});
			((Map<String, Object>) out.computeIfAbsent("metadata", (k) -> new LinkedHashMap<>())).put("managedFields",
					Collections.unmodifiableList(managed));
			return out;
		}

	}

	/** {@code /apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}]}. */
	private record Route(String group, String version, String namespace, String plural, String name, String kind) {

		static Route parse(String path) {
			String[] p = path.replaceFirst("^/apis/", "").split("/");
			if (!path.startsWith("/apis/") || p.length < 3) {
				return null;
			}
			String ns = null;
			int i = 2;
			if (p[2].equals("namespaces") && p.length >= 5) {
				ns = p[3];
				i = 4;
			}
			String plural = p[i];
			String name = (p.length > i + 1) ? p[i + 1] : null;
			String kind = switch (plural) {
				case "ciliumnetworkpolicies" -> "CiliumNetworkPolicy";
				case "ciliumclusterwidenetworkpolicies" -> "CiliumClusterwideNetworkPolicy";
				case "networkpolicies" -> "NetworkPolicy";
				default -> null;
			};
			return (kind == null) ? null : new Route(p[0], p[1], ns, plural, name, kind);
		}

		String ref() {
			return this.kind + "/" + ((this.namespace == null) ? "" : this.namespace + "/") + this.name;
		}

	}

}
