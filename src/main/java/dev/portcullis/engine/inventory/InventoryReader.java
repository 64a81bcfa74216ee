package dev.portcullis.engine.inventory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.inventory.Inventory.CidrGroup;
import dev.portcullis.engine.inventory.Inventory.ContainerPort;
import dev.portcullis.engine.inventory.Inventory.Namespace;
import dev.portcullis.engine.inventory.Inventory.Pod;
import dev.portcullis.engine.inventory.Inventory.Service;
import dev.portcullis.engine.inventory.Inventory.ServicePort;
import dev.portcullis.engine.inventory.Inventory.Workload;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * Reads cluster state from what {@code kubectl get svc,ns,nodes,ciliumcidrgroups,deploy,statefulset,daemonset,pods
 * -A -o yaml} (or {@code -o json}) prints: a {@code kind: List} (or a typed list such as {@code ServiceList}) with
 * {@code items}, or plain objects in a multi-document stream. All or nothing: any error leaves
 * {@link InventoryReadResult#inventory()} null, and every error names its document, path ({@code items[3].spec.ports[0].port}),
 * line and column.
 * <p>
 * Kept per kind (everything else, {@code status} and {@code managedFields} included, is skipped unread):
 * <ul>
 * <li>Service (v1): namespace, name, labels, {@code spec.selector}, {@code spec.type}, {@code spec.clusterIPs}
 * (or {@code spec.clusterIP}; {@code None} left out), {@code spec.ports} (name, port, targetPort, protocol);</li>
 * <li>Namespace: name, labels;</li>
 * <li>Node: name, labels, {@code status.addresses} of type InternalIP;</li>
 * <li>CiliumCIDRGroup: name, labels, {@code spec.externalCIDRs};</li>
 * <li>Deployment, StatefulSet, DaemonSet: namespace, name, {@code spec.template.metadata.labels}, container ports
 * of {@code spec.template.spec.containers};</li>
 * <li>Pod: namespace, name, labels, {@code status.podIPs} (or {@code status.podIP}), {@code spec.nodeName},
 * {@code spec.hostNetwork}, container ports of {@code spec.containers}.</li>
 * </ul>
 * Errors: a document that is not an object or list; an item without {@code kind} or {@code metadata.name}; a
 * namespaced kind without {@code metadata.namespace}; labels or a selector that are not a map of scalars; a port
 * that is not a number from 1 to 65535; a protocol other than TCP, UDP, SCTP; an IP address or CIDR that does not
 * parse; the same object twice. Objects of other kinds are ignored and counted, with one warning per kind.
 */
public final class InventoryReader {

	private static final Set<String> NAMESPACED = Set.of("Service", "Deployment", "StatefulSet", "DaemonSet", "Pod");

	private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

	private final List<Violation> violations = new ArrayList<>();

	private final Map<String, Integer> ignored = new TreeMap<>();

	private final Map<String, Position> ignoredAt = new LinkedHashMap<>();

	private final Map<String, Integer> ignoredDocument = new LinkedHashMap<>();

	private final Set<String> seen = new HashSet<>();

	private final List<Service> services = new ArrayList<>();

	private final List<Namespace> namespaces = new ArrayList<>();

	private final List<Inventory.Node> nodes = new ArrayList<>();

	private final List<CidrGroup> cidrGroups = new ArrayList<>();

	private final List<Workload> workloads = new ArrayList<>();

	private final List<Pod> pods = new ArrayList<>();

	private int document;

	private InventoryReader() {
	}

	/** Reads the documents of one text, in order (null documents, such as an empty stream, are skipped). */
	public static InventoryReadResult read(List<Node> documents) {
		InventoryReader reader = new InventoryReader();
		for (int i = 0; i < documents.size(); i++) {
			reader.document = i;
			reader.readDocument(documents.get(i));
		}
		for (Map.Entry<String, Integer> kind : reader.ignored.entrySet()) {
			int count = kind.getValue();
			reader.violations.add(Violation.warning(reader.ignoredDocument.get(kind.getKey()), "",
					reader.ignoredAt.get(kind.getKey()), "ignored " + count + ((count == 1) ? " object" : " objects")
							+ " of kind \"" + kind.getKey() + "\": an inventory keeps " + String.join(", ", Inventory.KINDS)));
		}
		boolean errors = reader.violations.stream().anyMatch(Violation::isError);
		Inventory inventory = errors ? null : new Inventory(reader.services, reader.namespaces, reader.nodes,
				reader.cidrGroups, reader.workloads, reader.pods);
		return new InventoryReadResult(inventory, reader.violations, reader.ignored);
	}

	private void readDocument(Node root) {
		if (root instanceof ScalarNode scalar && scalar.isNull()) {
			return;
		}
		if (!(root instanceof MapNode map)) {
			error("", root.position(), "not a Kubernetes object: expected a mapping with \"kind\" (or a kind: List"
					+ " with \"items\", as kubectl get -o yaml prints)");
			return;
		}
		String kind = scalarText(map.get("kind"));
		Node items = map.get("items");
		if (kind != null && kind.endsWith("List") && items != null) {
			if (!(items instanceof ListNode list)) {
				if (!(items instanceof ScalarNode scalar && scalar.isNull())) {
					error("items", items.position(), "\"items\" must be a list of objects");
				}
				return;
			}
			for (int i = 0; i < list.items().size(); i++) {
				readObject(list.items().get(i), "items[" + i + "]");
			}
			return;
		}
		readObject(map, "");
	}

	private void readObject(Node node, String path) {
		if (!(node instanceof MapNode object)) {
			error(path, node.position(), "not a Kubernetes object: expected a mapping with \"kind\" and \"metadata\"");
			return;
		}
		Node kindNode = object.get("kind");
		String kind = scalarText(kindNode);
		if (kind == null || kind.isEmpty()) {
			error(join(path, "kind"), (kindNode != null) ? kindNode.position() : object.position(),
					"\"kind\" is missing: every object of kubectl's output names its kind");
			return;
		}
		if (!Inventory.KINDS.contains(kind)) {
			this.ignored.merge(kind, 1, Integer::sum);
			this.ignoredAt.putIfAbsent(kind, object.position());
			this.ignoredDocument.putIfAbsent(kind, this.document);
			return;
		}
		MapNode metadata = map(object, "metadata", path, true);
		if (metadata == null) {
			return;
		}
		String metadataPath = join(path, "metadata");
		String name = requiredText(metadata, "name", metadataPath);
		String namespace = "";
		if (NAMESPACED.contains(kind)) {
			namespace = requiredText(metadata, "namespace", metadataPath);
		}
		if (name == null || namespace == null) {
			return;
		}
		if (!this.seen.add(kind + "/" + namespace + "/" + name)) {
			error(join(metadataPath, "name"), positionOf(metadata, "name"), kind + " "
					+ (namespace.isEmpty() ? "" : namespace + "/") + name + " appears twice");
			return;
		}
		Map<String, String> labels = stringMap(metadata, "labels", metadataPath);
		switch (kind) {
			case "Service" -> service(object, path, namespace, name, labels);
			case "Namespace" -> this.namespaces.add(new Namespace(name, labels));
			case "Node" -> node(object, path, name, labels);
			case "CiliumCIDRGroup" -> cidrGroup(object, path, name, labels);
			case "Pod" -> pod(object, path, namespace, name, labels);
			default -> workload(object, path, kind, namespace, name);
		}
	}

	private void service(MapNode object, String path, String namespace, String name, Map<String, String> labels) {
		String specPath = join(path, "spec");
		MapNode spec = map(object, "spec", path, false);
		Map<String, String> selector = Map.of();
		String type = "ClusterIP";
		List<String> clusterIps = new ArrayList<>();
		List<ServicePort> ports = new ArrayList<>();
		if (spec != null) {
			selector = stringMap(spec, "selector", specPath);
			String typeText = optionalText(spec, "type", specPath);
			if (typeText != null && !typeText.isEmpty()) {
				type = typeText;
			}
			ListNode ips = list(spec, "clusterIPs", specPath);
			if (ips != null) {
				for (int i = 0; i < ips.items().size(); i++) {
					clusterIp(ips.items().get(i), join(specPath, "clusterIPs[" + i + "]"), clusterIps);
				}
			}
			else if (spec.get("clusterIP") != null) {
				clusterIp(spec.get("clusterIP"), join(specPath, "clusterIP"), clusterIps);
			}
			ListNode portList = list(spec, "ports", specPath);
			if (portList != null) {
				for (int i = 0; i < portList.items().size(); i++) {
					String portPath = join(specPath, "ports[" + i + "]");
					if (!(portList.items().get(i) instanceof MapNode port)) {
						error(portPath, portList.items().get(i).position(), "a service port must be a mapping");
						continue;
					}
					String portName = optionalText(port, "name", portPath);
					int number = portNumber(port, "port", portPath, true);
					String protocol = protocol(port, portPath);
					String target = String.valueOf(number);
					Node targetNode = port.get("targetPort");
					if (targetNode instanceof ScalarNode scalar && !scalar.isNull()) {
						if (scalar.type() == Node.ScalarType.INT) {
							target = String.valueOf(portNumber(port, "targetPort", portPath, false));
						}
						else {
							target = scalar.value();
						}
					}
					else if (targetNode != null && !(targetNode instanceof ScalarNode)) {
						error(join(portPath, "targetPort"), targetNode.position(),
								"\"targetPort\" must be a number or a container port name");
					}
					ports.add(new ServicePort((portName != null) ? portName : "", number, target, protocol));
				}
			}
		}
		this.services.add(new Service(namespace, name, labels, selector, type, clusterIps, ports));
	}

	private void clusterIp(Node node, String path, List<String> into) {
		String text = scalarText(node);
		if (text == null) {
			error(path, node.position(), "a cluster IP must be an IP address");
			return;
		}
		if (text.isEmpty() || text.equals("None")) {
			return;
		}
		if (IpAddress.tryParse(text) == null) {
			error(path, node.position(), "\"" + cut(text) + "\" is not an IP address");
			return;
		}
		if (!into.contains(text)) {
			into.add(text);
		}
	}

	private void node(MapNode object, String path, String name, Map<String, String> labels) {
		List<String> internal = new ArrayList<>();
		MapNode status = map(object, "status", path, false);
		String statusPath = join(path, "status");
		if (status != null) {
			ListNode addresses = list(status, "addresses", statusPath);
			if (addresses != null) {
				for (int i = 0; i < addresses.items().size(); i++) {
					String addressPath = join(statusPath, "addresses[" + i + "]");
					if (!(addresses.items().get(i) instanceof MapNode address)) {
						error(addressPath, addresses.items().get(i).position(), "a node address must be a mapping");
						continue;
					}
					if (!"InternalIP".equals(optionalText(address, "type", addressPath))) {
						continue;
					}
					Node value = address.get("address");
					if (value == null) {
						error(join(addressPath, "address"), address.position(), "\"address\" is missing");
						continue;
					}
					ip(value, join(addressPath, "address"), internal);
				}
			}
		}
		this.nodes.add(new Inventory.Node(name, labels, internal));
	}

	private void cidrGroup(MapNode object, String path, String name, Map<String, String> labels) {
		List<String> cidrs = new ArrayList<>();
		MapNode spec = map(object, "spec", path, false);
		String specPath = join(path, "spec");
		if (spec != null) {
			ListNode list = list(spec, "externalCIDRs", specPath);
			if (list != null) {
				for (int i = 0; i < list.items().size(); i++) {
					Node item = list.items().get(i);
					String itemPath = join(specPath, "externalCIDRs[" + i + "]");
					String text = scalarText(item);
					if (text == null || Cidr.tryParse(text) == null || !Cidr.isPrefixNotation(text)) {
						error(itemPath, item.position(), "\"" + cut((text != null) ? text : "") + "\" is not a CIDR in"
								+ " prefix notation (such as 192.0.2.0/24 or 2001:db8::/32)");
						continue;
					}
					cidrs.add(text);
				}
			}
		}
		this.cidrGroups.add(new CidrGroup(name, labels, cidrs));
	}

	private void workload(MapNode object, String path, String kind, String namespace, String name) {
		Map<String, String> podLabels = Map.of();
		List<ContainerPort> ports = new ArrayList<>();
		MapNode spec = map(object, "spec", path, false);
		String specPath = join(path, "spec");
		if (spec != null) {
			MapNode template = map(spec, "template", specPath, false);
			String templatePath = join(specPath, "template");
			if (template != null) {
				MapNode metadata = map(template, "metadata", templatePath, false);
				if (metadata != null) {
					podLabels = stringMap(metadata, "labels", join(templatePath, "metadata"));
				}
				MapNode podSpec = map(template, "spec", templatePath, false);
				if (podSpec != null) {
					containerPorts(podSpec, join(templatePath, "spec"), ports);
				}
			}
		}
		this.workloads.add(new Workload(kind, namespace, name, podLabels, ports));
	}

	private void pod(MapNode object, String path, String namespace, String name, Map<String, String> labels) {
		List<ContainerPort> ports = new ArrayList<>();
		List<String> ips = new ArrayList<>();
		String nodeName = "";
		boolean hostNetwork = false;
		MapNode spec = map(object, "spec", path, false);
		String specPath = join(path, "spec");
		if (spec != null) {
			containerPorts(spec, specPath, ports);
			String text = optionalText(spec, "nodeName", specPath);
			nodeName = (text != null) ? text : "";
			Node host = spec.get("hostNetwork");
			if (host instanceof ScalarNode scalar && scalar.type() == Node.ScalarType.BOOL) {
				hostNetwork = Boolean.parseBoolean(scalar.value().toLowerCase(Locale.ROOT));
			}
			else if (host != null && !(host instanceof ScalarNode scalar && scalar.isNull())) {
				error(join(specPath, "hostNetwork"), host.position(), "\"hostNetwork\" must be true or false");
			}
		}
		MapNode status = map(object, "status", path, false);
		String statusPath = join(path, "status");
		if (status != null) {
			ListNode podIps = list(status, "podIPs", statusPath);
			if (podIps != null) {
				for (int i = 0; i < podIps.items().size(); i++) {
					String ipPath = join(statusPath, "podIPs[" + i + "]");
					if (!(podIps.items().get(i) instanceof MapNode entry) || entry.get("ip") == null) {
						error(ipPath, podIps.items().get(i).position(), "a pod IP must be a mapping {ip: <address>}");
						continue;
					}
					ip(entry.get("ip"), join(ipPath, "ip"), ips);
				}
			}
			else if (status.get("podIP") != null) {
				ip(status.get("podIP"), join(statusPath, "podIP"), ips);
			}
		}
		this.pods.add(new Pod(namespace, name, labels, ips, nodeName, hostNetwork, ports));
	}

	private void containerPorts(MapNode podSpec, String specPath, List<ContainerPort> into) {
		ListNode containers = list(podSpec, "containers", specPath);
		if (containers == null) {
			return;
		}
		for (int i = 0; i < containers.items().size(); i++) {
			String containerPath = join(specPath, "containers[" + i + "]");
			if (!(containers.items().get(i) instanceof MapNode container)) {
				error(containerPath, containers.items().get(i).position(), "a container must be a mapping");
				continue;
			}
			ListNode ports = list(container, "ports", containerPath);
			if (ports == null) {
				continue;
			}
			for (int j = 0; j < ports.items().size(); j++) {
				String portPath = join(containerPath, "ports[" + j + "]");
				if (!(ports.items().get(j) instanceof MapNode port)) {
					error(portPath, ports.items().get(j).position(), "a container port must be a mapping");
					continue;
				}
				String name = optionalText(port, "name", portPath);
				int number = portNumber(port, "containerPort", portPath, true);
				into.add(new ContainerPort((name != null) ? name : "", number, protocol(port, portPath)));
			}
		}
	}

	private void ip(Node node, String path, List<String> into) {
		String text = scalarText(node);
		if (text == null || IpAddress.tryParse(text) == null) {
			error(path, node.position(), "\"" + cut((text != null) ? text : "") + "\" is not an IP address");
			return;
		}
		if (!into.contains(text)) {
			into.add(text);
		}
	}

	private int portNumber(MapNode port, String field, String path, boolean required) {
		Node node = port.get(field);
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			if (required) {
				error(join(path, field), port.position(), "\"" + field + "\" is missing");
			}
			return 0;
		}
		if (node instanceof ScalarNode scalar && scalar.type() == Node.ScalarType.INT) {
			try {
				int number = Integer.parseInt(scalar.value());
				if (number >= 1 && number <= 65535) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
		}
		error(join(path, field), node.position(), "\"" + field + "\" must be a number from 1 to 65535, not "
				+ quoted(node));
		return 0;
	}

	private String protocol(MapNode port, String path) {
		Node node = port.get("protocol");
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			return "TCP";
		}
		String text = scalarText(node);
		if (text == null || !PROTOCOLS.contains(text)) {
			error(join(path, "protocol"), node.position(), "\"protocol\" must be TCP, UDP or SCTP, not " + quoted(node));
			return "TCP";
		}
		return text;
	}

	private @Nullable MapNode map(MapNode parent, String field, String path, boolean required) {
		Node node = parent.get(field);
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			if (required) {
				error(join(path, field), parent.position(), "\"" + field + "\" is missing");
			}
			return null;
		}
		if (node instanceof MapNode map) {
			return map;
		}
		error(join(path, field), node.position(), "\"" + field + "\" must be a mapping");
		return null;
	}

	private @Nullable ListNode list(MapNode parent, String field, String path) {
		Node node = parent.get(field);
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			return null;
		}
		if (node instanceof ListNode list) {
			return list;
		}
		error(join(path, field), node.position(), "\"" + field + "\" must be a list");
		return null;
	}

	private Map<String, String> stringMap(MapNode parent, String field, String path) {
		Node node = parent.get(field);
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			return Map.of();
		}
		if (!(node instanceof MapNode map)) {
			error(join(path, field), node.position(), "\"" + field + "\" must be a mapping of keys to values");
			return Map.of();
		}
		Map<String, String> values = new TreeMap<>();
		for (Map.Entry<String, Node> entry : map.entries().entrySet()) {
			if (entry.getValue() instanceof ScalarNode scalar) {
				values.put(entry.getKey(), scalar.value());
			}
			else {
				error(join(path, field) + "." + entry.getKey(), entry.getValue().position(),
						"the value of \"" + cut(entry.getKey()) + "\" must be a string");
			}
		}
		return values;
	}

	private @Nullable String requiredText(MapNode parent, String field, String path) {
		Node node = parent.get(field);
		String text = scalarText(node);
		if (text == null || text.isEmpty()) {
			error(join(path, field), (node != null) ? node.position() : parent.position(),
					"\"" + field + "\" is missing" + ("namespace".equals(field) ? " (kubectl get -A prints it)" : ""));
			return null;
		}
		return text;
	}

	private @Nullable String optionalText(MapNode parent, String field, String path) {
		Node node = parent.get(field);
		if (node == null || (node instanceof ScalarNode scalar && scalar.isNull())) {
			return null;
		}
		String text = scalarText(node);
		if (text == null) {
			error(join(path, field), node.position(), "\"" + field + "\" must be a string");
		}
		return text;
	}

	private static @Nullable String scalarText(@Nullable Node node) {
		return (node instanceof ScalarNode scalar && !scalar.isNull()) ? scalar.value() : null;
	}

	private static Position positionOf(MapNode map, String key) {
		Node node = map.get(key);
		return (node != null) ? node.position() : map.position();
	}

	private static String quoted(Node node) {
		if (node instanceof ScalarNode scalar) {
			return "\"" + cut(scalar.value()) + "\"";
		}
		return (node instanceof MapNode) ? "a mapping" : "a list";
	}

	private static String cut(String text) {
		return (text.length() > 60) ? text.substring(0, 60) + "…" : text;
	}

	private static String join(String path, String field) {
		return path.isEmpty() ? field : path + "." + field;
	}

	private void error(String path, Position at, String message) {
		this.violations.add(Violation.error(this.document, path, at, message));
	}

}
