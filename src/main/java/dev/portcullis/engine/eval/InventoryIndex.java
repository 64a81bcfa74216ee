package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.match.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Inventory} indexed for the evaluator: namespace labels as identity labels, node labels by internal IP,
 * pods' named ports by name and by IP; and a flow's endpoints completed from it (node labels, a destination pod's
 * named ports). Label lists are built once, so that identities interned with them can be recognised by reference.
 */
final class InventoryIndex {

	static final String NAMESPACE_LABELS_PREFIX = "k8s:io.cilium.k8s.namespace.labels.";

	final Inventory inventory;

	private final Map<String, List<String>> namespaceLabels = new HashMap<>();

	private final Map<IpAddress, List<String>> nodeLabels = new HashMap<>();

	private final Map<String, List<NamedPort>> podPortsByName = new HashMap<>();

	private final Map<IpAddress, List<NamedPort>> podPortsByIp = new HashMap<>();

	InventoryIndex(Inventory inventory) {
		this.inventory = inventory;
		for (Inventory.Namespace namespace : inventory.namespaces()) {
			List<String> labels = new ArrayList<>();
			namespace.labels().forEach((key, value) -> labels.add(NAMESPACE_LABELS_PREFIX + key + "=" + value));
			this.namespaceLabels.put(namespace.name(), List.copyOf(labels));
		}
		for (Inventory.Node node : inventory.nodes()) {
			List<String> labels = new ArrayList<>();
			node.labels().forEach((key, value) -> labels.add("k8s:" + key + "=" + value));
			List<String> shared = List.copyOf(labels);
			for (String ip : node.internalIps()) {
				IpAddress address = IpAddress.tryParse(ip);
				if (address != null) {
					this.nodeLabels.putIfAbsent(address, shared);
				}
			}
		}
		for (Inventory.Pod pod : inventory.pods()) {
			List<NamedPort> ports = new ArrayList<>();
			for (Inventory.ContainerPort port : pod.ports()) {
				if (!port.name().isEmpty()) {
					ports.add(new NamedPort(port.name().toLowerCase(Locale.ROOT), port.port(),
							Protocol.valueOf(port.protocol())));
				}
			}
			List<NamedPort> shared = List.copyOf(ports);
			this.podPortsByName.put(pod.namespace() + "/" + pod.name(), shared);
			if (!pod.hostNetwork()) {
				for (String ip : pod.ips()) {
					IpAddress address = IpAddress.tryParse(ip);
					if (address != null) {
						this.podPortsByIp.putIfAbsent(address, shared);
					}
				}
			}
		}
	}

	/** The labels of a namespace as pod identity labels, or null when the inventory does not know it. */
	@Nullable List<String> namespaceLabels(String namespace) {
		return this.namespaceLabels.get(namespace);
	}

	/** The {@code k8s:} labels of the node with this internal IP, or null. */
	@Nullable List<String> nodeLabels(@Nullable String ip) {
		IpAddress address = (ip != null) ? IpAddress.tryParse(ip) : null;
		return (address != null) ? this.nodeLabels.get(address) : null;
	}

	/** The named container ports of a pod, by namespace and name, else by IP; null when the pod is unknown. */
	@Nullable List<NamedPort> namedPorts(@Nullable String namespace, @Nullable String podName, @Nullable String ip) {
		if (namespace != null && podName != null) {
			List<NamedPort> ports = this.podPortsByName.get(namespace + "/" + podName);
			if (ports != null) {
				return ports;
			}
		}
		IpAddress address = (ip != null) ? IpAddress.tryParse(ip) : null;
		return (address != null) ? this.podPortsByIp.get(address) : null;
	}

	/** The destination pod's container ports from the inventory, when the flow does not carry them. */
	Flow withNamedPorts(Flow flow) {
		Flow.Endpoint destination = flow.destination();
		if (!destination.namedPorts().isEmpty() || destination.namespace() == null) {
			return flow;
		}
		List<NamedPort> ports = namedPorts(destination.namespace(), destination.podName(), flow.destinationIp());
		if (ports == null || ports.isEmpty()) {
			return flow;
		}
		return flow.withDestinationPorts(ports);
	}

	/**
	 * The node labels of a host or remote-node endpoint: for the host, the flow's {@code node_labels}, else those of
	 * the inventory's node with the endpoint's IP; for a remote node (with enable-node-selector-labels,
	 * {@code nodeSelectorLabels}) whose labels name no {@code k8s:} label, those of the inventory's node with its IP.
	 */
	List<String> nodeLabels(Flow flow, Flow.Endpoint endpoint, @Nullable String ip, boolean nodeSelectorLabels) {
		if (endpoint.namespace() != null) {
			return flow.nodeLabels();
		}
		if (endpoint.labels().contains("reserved:host")) {
			if (!flow.nodeLabels().isEmpty()) {
				return flow.nodeLabels();
			}
			List<String> labels = nodeLabels(ip);
			return (labels != null) ? labels : flow.nodeLabels();
		}
		if (endpoint.labels().contains("reserved:remote-node")) {
			if (!nodeSelectorLabels || endpoint.labels().stream().anyMatch((l) -> l.startsWith("k8s:"))) {
				return List.of();
			}
			List<String> labels = nodeLabels(ip);
			return (labels != null) ? labels : List.of();
		}
		return flow.nodeLabels();
	}

}
