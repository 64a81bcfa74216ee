package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.inventory.Inventory;
import org.jspecify.annotations.Nullable;

/**
 * Egress named ports as Cilium before 1.20 resolves them ({@link EngineOptions#egressNamedPortsAcrossPods()}): once
 * per name and protocol over the named container ports of every pod the agent knows, not on the destination
 * (cilium/cilium v1.19 pkg/endpoint {@code getNamedPortEgress(namedPortsGetter.GetNamedPorts(), ...)};
 * pkg/policy/types {@code namedPortMultiMap.GetNamedPort}). A name that pods give different numbers for the protocol
 * resolves to nothing ({@code ErrDuplicateNamedPorts}), so pkg/policy/l4.go {@code toMapState} adds no key and the
 * rule allows nothing on it (cilium/cilium#24779, #30003); a name with a single number resolves to it for every
 * destination the rule selects, whether or not that destination defines the name. Ingress named ports are not
 * concerned: they resolve on the local endpoint's own ports.
 * <p>
 * The pods known are the inventory's pods with an IP of their own (the agent learns named ports with a pod's IP;
 * host-network pods share their node's), plus the flow's destination pod with the ports the flow gives it.
 */
final class EgressNamedPorts {

	/** name, then protocol, then number, then the pods ({@code namespace/name}) that define it. */
	private final Map<String, Map<Protocol, SortedMap<Integer, List<String>>>> byName = new HashMap<>();

	/** The names whose pods agree on one number for a protocol. */
	private final List<NamedPort> agreed = new ArrayList<>();

	EgressNamedPorts(Inventory inventory) {
		for (Inventory.Pod pod : inventory.pods()) {
			if (pod.hostNetwork() || pod.ips().isEmpty()) {
				continue;
			}
			for (Inventory.ContainerPort port : pod.ports()) {
				if (!port.name().isEmpty()) {
					this.byName.computeIfAbsent(port.name().toLowerCase(Locale.ROOT), (n) -> new HashMap<>())
						.computeIfAbsent(Protocol.valueOf(port.protocol()), (p) -> new TreeMap<>())
						.computeIfAbsent(port.port(), (n) -> new ArrayList<>())
						.add(pod.namespace() + "/" + pod.name());
				}
			}
		}
		this.byName.forEach((name, protocols) -> protocols.forEach((protocol, numbers) -> {
			if (numbers.size() == 1) {
				this.agreed.add(new NamedPort(name, numbers.firstKey(), protocol));
			}
		}));
	}

	/**
	 * The flow as the egress side sees it: its destination's named ports are the names that every known pod, the
	 * destination included, gives a single number for the protocol.
	 */
	Flow resolve(Flow flow) {
		List<NamedPort> own = flow.destination().namedPorts();
		if (own.stream().allMatch(this::agrees)) {
			return flow.withDestinationPorts(this.agreed);
		}
		List<NamedPort> ports = new ArrayList<>();
		for (NamedPort port : this.agreed) {
			if (own.stream().noneMatch((o) -> o.name().equalsIgnoreCase(port.name()) && o.protocol() == port.protocol())) {
				ports.add(port);
			}
		}
		for (NamedPort port : own) {
			if (numbers(port.name(), port.protocol(), own).size() == 1
					&& ports.stream().noneMatch((p) -> p.name().equalsIgnoreCase(port.name())
							&& p.protocol() == port.protocol())) {
				ports.add(port);
			}
		}
		return flow.withDestinationPorts(ports);
	}

	private boolean agrees(NamedPort port) {
		SortedMap<Integer, List<String>> numbers = this.byName
			.getOrDefault(port.name().toLowerCase(Locale.ROOT), Map.of()).get(port.protocol());
		return numbers != null && numbers.size() == 1 && numbers.firstKey() == port.port();
	}

	/**
	 * Which pods give {@code name} different numbers for the protocol ({@code 8080 (default/api-1), 9090 (other/db-0)}),
	 * or null when they agree or none defines it.
	 * @param destination the destination pod's own named ports (as the flow gives them)
	 */
	@Nullable String disagreement(String name, Protocol protocol, List<NamedPort> destination) {
		SortedMap<Integer, List<String>> numbers = numbers(name, protocol, destination);
		if (numbers.size() < 2) {
			return null;
		}
		StringJoiner text = new StringJoiner(", ");
		numbers.forEach((number, pods) -> text.add(number + " (" + String.join(", ", pods.subList(0, Math.min(3,
				pods.size()))) + ((pods.size() > 3) ? " and " + (pods.size() - 3) + " more" : "") + ")"));
		return text.toString();
	}

	private SortedMap<Integer, List<String>> numbers(String name, Protocol protocol, List<NamedPort> destination) {
		SortedMap<Integer, List<String>> numbers = new TreeMap<>(this.byName
			.getOrDefault(name.toLowerCase(Locale.ROOT), Map.of()).getOrDefault(protocol, new TreeMap<>()));
		for (NamedPort port : destination) {
			if (port.name().equalsIgnoreCase(name) && port.protocol() == protocol) {
				numbers.merge(port.port(), List.of("the destination pod"), (pods, destinationPod) -> {
					List<String> all = new ArrayList<>(pods);
					all.addAll(destinationPod);
					return all;
				});
			}
		}
		return numbers;
	}

}
