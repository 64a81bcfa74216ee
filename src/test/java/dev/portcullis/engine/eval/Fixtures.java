package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import org.jspecify.annotations.Nullable;

/** Small builders for policy records and flows, so evaluator tests read like the policies they mean. */
final class Fixtures {

	private Fixtures() {
	}

	static LabelSelector selector(String... keyValues) {
		Map<String, String> labels = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) {
			labels.put(keyValues[i], keyValues[i + 1]);
		}
		return new LabelSelector(labels, List.of());
	}

	static Policy cnp(String namespace, String name, Rule... rules) {
		return new Policy(new PolicyRef(PolicyKind.CILIUM_NETWORK_POLICY, namespace, name), 0, List.of(rules),
				Map.of());
	}

	static Policy ccnp(String name, Rule... rules) {
		return new Policy(new PolicyRef(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, null, name), 0,
				List.of(rules), Map.of());
	}

	/** A rule {@code spec} selecting {@code subject}, with the given entries sorted into their lists. */
	static Rule rule(LabelSelector subject, PeerRule... entries) {
		return rule(subject, null, null, entries);
	}

	static Rule rule(LabelSelector subject, @Nullable Boolean defaultDenyIngress, @Nullable Boolean defaultDenyEgress,
			PeerRule... entries) {
		List<PeerRule> ingress = new ArrayList<>();
		List<PeerRule> ingressDeny = new ArrayList<>();
		List<PeerRule> egress = new ArrayList<>();
		List<PeerRule> egressDeny = new ArrayList<>();
		for (PeerRule entry : entries) {
			List<PeerRule> list = (entry.direction() == Direction.INGRESS) ? (entry.deny() ? ingressDeny : ingress)
					: (entry.deny() ? egressDeny : egress);
			String name = (entry.direction() == Direction.INGRESS ? "ingress" : "egress")
					+ (entry.deny() ? "Deny" : "");
			list.add(withPath(entry, "spec." + name + "[" + list.size() + "]"));
		}
		return new Rule("spec", subject, null, nullIfEmpty(ingress), nullIfEmpty(ingressDeny), nullIfEmpty(egress),
				nullIfEmpty(egressDeny), defaultDenyIngress, defaultDenyEgress, null, null);
	}

	private static @Nullable List<PeerRule> nullIfEmpty(List<PeerRule> list) {
		return list.isEmpty() ? null : list;
	}

	private static PeerRule withPath(PeerRule e, String path) {
		return new PeerRule(path, e.direction(), e.deny(), e.endpoints(), e.requires(), e.cidr(), e.cidrSet(),
				e.entities(), e.nodes(), e.groups(), e.services(), e.fqdns(), e.toPorts(), e.icmps(),
				e.authenticationMode());
	}

	static PeerRule entry(Direction direction, boolean deny, @Nullable List<LabelSelector> endpoints,
			@Nullable List<String> entities, @Nullable List<String> cidr, @Nullable List<PortRule> ports) {
		return new PeerRule("", direction, deny, endpoints, null, cidr, null, entities, null, null, null, null, ports,
				null, null);
	}

	static PeerRule fromEndpoints(LabelSelector... selectors) {
		return entry(Direction.INGRESS, false, Arrays.asList(selectors), null, null, null);
	}

	static PeerRule fromEndpoints(List<PortRule> ports, LabelSelector... selectors) {
		return entry(Direction.INGRESS, false, Arrays.asList(selectors), null, null, ports);
	}

	static PeerRule toEndpoints(LabelSelector... selectors) {
		return entry(Direction.EGRESS, false, Arrays.asList(selectors), null, null, null);
	}

	static PeerRule ingressPorts(List<PortRule> ports) {
		return entry(Direction.INGRESS, false, null, null, null, ports);
	}

	static PeerRule ingressDenyFrom(LabelSelector... selectors) {
		return entry(Direction.INGRESS, true, Arrays.asList(selectors), null, null, null);
	}

	static PeerRule fromEntities(String... entities) {
		return entry(Direction.INGRESS, false, null, Arrays.asList(entities), null, null);
	}

	static PortRule tcp(String... ports) {
		List<PortProtocol> list = Arrays.stream(ports).map((p) -> new PortProtocol(p, 0, Protocol.TCP)).toList();
		return new PortRule("", list, null, List.of(), null, false, false);
	}

	static PortRule http(String port, PortRule.HttpRule... rules) {
		return new PortRule("", List.of(new PortProtocol(port, 0, Protocol.TCP)),
				new L7Rules(List.of(rules), List.of(), List.of(), null, List.of()), List.of(), null, false, false);
	}

	static PortRule.HttpRule get(String path) {
		return new PortRule.HttpRule(path, "GET", null, List.of(), List.of());
	}

	static Endpoint pod(String namespace, String... keyValues) {
		List<String> labels = new ArrayList<>();
		for (int i = 0; i < keyValues.length; i += 2) {
			labels.add("k8s:" + keyValues[i] + "=" + keyValues[i + 1]);
		}
		labels.add("k8s:io.kubernetes.pod.namespace=" + namespace);
		return new Endpoint(namespace, labels, null, null, List.of());
	}

	static Endpoint reserved(String... labels) {
		return new Endpoint(null, List.of(labels), null, null, List.of());
	}

	static Endpoint world() {
		return reserved("reserved:world");
	}

	static Flow tcp(Endpoint source, Endpoint destination, int port) {
		return new Flow(source, destination, "10.0.0.1", "10.0.0.2", Protocol.TCP, port, -1, null, List.of(), null,
				false);
	}

	static Flow httpGet(Endpoint source, Endpoint destination, int port, String url) {
		return new Flow(source, destination, "10.0.0.1", "10.0.0.2", Protocol.TCP, port, -1,
				new Flow.Http("GET", url, List.of(), "HTTP/1.1"), List.of(), null, false);
	}

}
