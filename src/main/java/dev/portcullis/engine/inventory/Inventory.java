package dev.portcullis.engine.inventory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A cluster's state as far as policy verdicts depend on it, reduced to the fields the engine reads. Immutable;
 * every list is sorted (by namespace, then name) and every label map is sorted by key, so that equal clusters give
 * equal values.
 * <p>
 * What each part changes (see {@code CompiledPolicies}):
 * <ul>
 * <li>{@link Service}: {@code toServices} of a service with a selector selects the pods of that selector in the
 * service's namespace (traffic sent straight to those pods is allowed too); one without a selector selects its
 * backend IPs, which the inventory does not hold (EndpointSlices), so it is matched through the flow's
 * {@code destination_service} (cilium/cilium v1.19 pkg/policy/k8s/service.go {@code processRule}).</li>
 * <li>{@link Namespace}: its labels become {@code k8s:io.cilium.k8s.namespace.labels.<key>} labels of the pods in it,
 * when a flow does not carry them.</li>
 * <li>{@link Node}: its labels are those of the host endpoint and of the remote-node identity at its internal IPs,
 * when a flow does not carry them.</li>
 * <li>{@link CidrGroup}: the CIDRs of {@code cidrGroupRef} and {@code cidrGroupSelector}.</li>
 * <li>{@link Pod}: its container ports give named ports their numbers, when a flow does not carry them.</li>
 * <li>{@link Workload}: the pickers of the what-if pages; no verdict depends on them.</li>
 * </ul>
 *
 * @param services Services
 * @param namespaces Namespaces
 * @param nodes Nodes
 * @param cidrGroups CiliumCIDRGroups
 * @param workloads Deployments, StatefulSets and DaemonSets
 * @param pods Pods
 */
public record Inventory(List<Service> services, List<Namespace> namespaces, List<Node> nodes,
		List<CidrGroup> cidrGroups, List<Workload> workloads, List<Pod> pods) {

	/** No cluster state: every verdict that needs some says it is uncertain. */
	public static final Inventory EMPTY = new Inventory(List.of(), List.of(), List.of(), List.of(), List.of(),
			List.of());

	/** The kinds of objects an inventory keeps, in the order {@link #counts()} lists them. */
	public static final List<String> KINDS = List.of("Service", "Namespace", "Node", "CiliumCIDRGroup", "Deployment",
			"StatefulSet", "DaemonSet", "Pod");

	public Inventory {
		services = sorted(services, Comparator.comparing(Service::namespace).thenComparing(Service::name));
		namespaces = sorted(namespaces, Comparator.comparing(Namespace::name));
		nodes = sorted(nodes, Comparator.comparing(Node::name));
		cidrGroups = sorted(cidrGroups, Comparator.comparing(CidrGroup::name));
		workloads = sorted(workloads, Comparator.comparing(Workload::kind)
			.thenComparing(Workload::namespace)
			.thenComparing(Workload::name));
		pods = sorted(pods, Comparator.comparing(Pod::namespace).thenComparing(Pod::name));
	}

	private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
		List<T> copy = new ArrayList<>(items);
		copy.sort(order);
		return List.copyOf(copy);
	}

	/** Whether it holds no object at all. */
	public boolean hasNoObjects() {
		return this.services.isEmpty() && this.namespaces.isEmpty() && this.nodes.isEmpty()
				&& this.cidrGroups.isEmpty() && this.workloads.isEmpty() && this.pods.isEmpty();
	}

	/** How many objects of each kind of {@link #KINDS} it holds, in that order (zero counts included). */
	public Map<String, Integer> counts() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		counts.put("Service", this.services.size());
		counts.put("Namespace", this.namespaces.size());
		counts.put("Node", this.nodes.size());
		counts.put("CiliumCIDRGroup", this.cidrGroups.size());
		for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet")) {
			counts.put(kind, (int) this.workloads.stream().filter((w) -> w.kind().equals(kind)).count());
		}
		counts.put("Pod", this.pods.size());
		return Collections.unmodifiableMap(counts);
	}

	/** The namespace by name, or null. */
	public @Nullable Namespace namespace(String name) {
		for (Namespace namespace : this.namespaces) {
			if (namespace.name().equals(name)) {
				return namespace;
			}
		}
		return null;
	}

	static Map<String, String> sortedLabels(Map<String, String> labels) {
		return Collections.unmodifiableMap(new TreeMap<>(labels));
	}

	/**
	 * A Service.
	 *
	 * @param namespace {@code metadata.namespace}
	 * @param name {@code metadata.name}
	 * @param labels {@code metadata.labels} (what {@code k8sServiceSelector} matches)
	 * @param selector {@code spec.selector}; empty when the service has none (its endpoints are managed by hand)
	 * @param type {@code spec.type} ({@code ClusterIP} when omitted)
	 * @param clusterIps {@code spec.clusterIPs} (or {@code spec.clusterIP}); {@code None} for a headless service is
	 *        left out
	 * @param ports {@code spec.ports}
	 */
	public record Service(String namespace, String name, Map<String, String> labels, Map<String, String> selector,
			String type, List<String> clusterIps, List<ServicePort> ports) {

		public Service {
			labels = sortedLabels(labels);
			selector = sortedLabels(selector);
			clusterIps = List.copyOf(clusterIps);
			ports = List.copyOf(ports);
		}

		/** Whether the service selects pods ({@code spec.selector} is not empty). */
		public boolean hasSelector() {
			return !this.selector.isEmpty();
		}

	}

	/**
	 * A port of a Service.
	 *
	 * @param name {@code name}, "" when none
	 * @param port {@code port}
	 * @param targetPort {@code targetPort}: a number or a container port name as text (the port when omitted)
	 * @param protocol {@code protocol}: TCP (the default), UDP or SCTP
	 */
	public record ServicePort(String name, int port, String targetPort, String protocol) {
	}

	/** A Namespace: {@code metadata.name}, {@code metadata.labels}. */
	public record Namespace(String name, Map<String, String> labels) {

		public Namespace {
			labels = sortedLabels(labels);
		}

	}

	/**
	 * A Node.
	 *
	 * @param name {@code metadata.name}
	 * @param labels {@code metadata.labels}
	 * @param internalIps {@code status.addresses} of type {@code InternalIP}
	 */
	public record Node(String name, Map<String, String> labels, List<String> internalIps) {

		public Node {
			labels = sortedLabels(labels);
			internalIps = List.copyOf(internalIps);
		}

	}

	/**
	 * A CiliumCIDRGroup (cilium.io/v2alpha1 or v2).
	 *
	 * @param name {@code metadata.name} (what {@code cidrGroupRef} names)
	 * @param labels {@code metadata.labels} (what {@code cidrGroupSelector} matches)
	 * @param externalCidrs {@code spec.externalCIDRs}
	 */
	public record CidrGroup(String name, Map<String, String> labels, List<String> externalCidrs) {

		public CidrGroup {
			labels = sortedLabels(labels);
			externalCidrs = List.copyOf(externalCidrs);
		}

	}

	/**
	 * A Deployment, StatefulSet or DaemonSet.
	 *
	 * @param kind {@code Deployment}, {@code StatefulSet} or {@code DaemonSet}
	 * @param namespace {@code metadata.namespace}
	 * @param name {@code metadata.name}
	 * @param podLabels {@code spec.template.metadata.labels}
	 * @param ports the container ports of {@code spec.template.spec.containers}
	 */
	public record Workload(String kind, String namespace, String name, Map<String, String> podLabels,
			List<ContainerPort> ports) {

		public Workload {
			podLabels = sortedLabels(podLabels);
			ports = List.copyOf(ports);
		}

	}

	/**
	 * A Pod.
	 *
	 * @param namespace {@code metadata.namespace}
	 * @param name {@code metadata.name}
	 * @param labels {@code metadata.labels}
	 * @param ips {@code status.podIPs} (or {@code status.podIP})
	 * @param nodeName {@code spec.nodeName}, "" when not scheduled
	 * @param hostNetwork {@code spec.hostNetwork}: the pod has its node's IPs and the host's identity
	 * @param ports the container ports of {@code spec.containers}
	 */
	public record Pod(String namespace, String name, Map<String, String> labels, List<String> ips, String nodeName,
			boolean hostNetwork, List<ContainerPort> ports) {

		public Pod {
			labels = sortedLabels(labels);
			ips = List.copyOf(ips);
			ports = List.copyOf(ports);
		}

	}

	/**
	 * A container port.
	 *
	 * @param name {@code name} as written (policies compare it ignoring case), "" when none
	 * @param port {@code containerPort}
	 * @param protocol {@code protocol}: TCP (the default), UDP or SCTP
	 */
	public record ContainerPort(String name, int port, String protocol) {
	}

}
