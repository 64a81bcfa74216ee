package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PeerRule.CidrRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.match.Cidr;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.item;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads a {@code networking.k8s.io/v1} NetworkPolicy, validates it as the API server does, and translates it into
 * the rule Cilium makes of it (pkg/k8s/network_policy.go); {@link PolicyParser} documents the translation.
 */
final class NetworkPolicyReader {

	static final String POD_SOURCE = "k8s:";

	static final String NAMESPACE_LABEL_PREFIX = "k8s:io.cilium.k8s.namespace.labels.";

	static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";

	private NetworkPolicyReader() {
	}

	static @Nullable Policy read(MapNode object, String path, Reading reading) {
		reading.knownFields(object, path, Set.of("apiVersion", "kind", "metadata", "spec", "status"));
		PolicyParser.Metadata metadata = PolicyParser.metadata(object, PolicyKind.NETWORK_POLICY, path, reading);
		String specPath = child(path, "spec");
		MapNode spec = reading.object(object, "spec", path);
		if (spec == null) {
			if (!present(object, "spec")) {
				reading.error(specPath, object.position(), "A NetworkPolicy needs a spec with a podSelector.");
			}
			return null;
		}
		reading.knownFields(spec, specPath, Set.of("podSelector", "ingress", "egress", "policyTypes"));
		SelectorReader selectors = new SelectorReader(reading);
		LabelSelector podSelector = LabelSelector.EMPTY;
		if (present(spec, "podSelector")) {
			LabelSelector selector = selectors.selector(spec, "podSelector", specPath);
			podSelector = (selector != null) ? withSource(selector) : LabelSelector.EMPTY;
		}
		else {
			reading.error(child(specPath, "podSelector"), spec.position(), "spec.podSelector is required: write"
					+ " \"podSelector: {}\" to select every pod of the namespace.");
		}
		List<String> types = policyTypes(spec, specPath, reading);
		String namespace = (metadata != null && metadata.namespace() != null && !metadata.namespace().isEmpty())
				? metadata.namespace() : "default";
		List<PeerRule> ingress = rules(spec, "ingress", specPath, Direction.INGRESS, reading, selectors, namespace);
		List<PeerRule> egress = rules(spec, "egress", specPath, Direction.EGRESS, reading, selectors, namespace);
		boolean hasEgressRules = egress != null && !egress.isEmpty();
		boolean hasIngressRules = ingress != null && !ingress.isEmpty();
		if (types == null) {
			types = hasEgressRules ? List.of("Ingress", "Egress") : List.of("Ingress");
		}
		if (!types.contains("Ingress") && hasIngressRules) {
			reading.warning(child(specPath, "ingress"), spec.keyPosition("ingress"), "policyTypes does not list"
					+ " Ingress, so Kubernetes ignores these ingress rules, but Cilium still enforces them.");
		}
		if (!types.contains("Egress") && hasEgressRules) {
			reading.warning(child(specPath, "egress"), spec.keyPosition("egress"), "policyTypes does not list"
					+ " Egress, so Kubernetes ignores these egress rules, but Cilium still enforces them (and egress"
					+ " becomes default-deny for the selected pods).");
		}
		List<PeerRule> ingressOut = hasIngressRules ? ingress : null;
		if (!hasIngressRules && (types.contains("Ingress") || !types.contains("Egress"))) {
			ingressOut = List.of(defaultDeny(specPath, Direction.INGRESS));
		}
		List<PeerRule> egressOut = hasEgressRules ? egress : null;
		if (!hasEgressRules && types.contains("Egress")) {
			egressOut = List.of(defaultDeny(specPath, Direction.EGRESS));
		}
		if (metadata == null) {
			return null;
		}
		Rule rule = new Rule(specPath, podSelector, null, ingressOut, null, egressOut, null, null, null, null, null);
		return new Policy(new PolicyRef(PolicyKind.NETWORK_POLICY, metadata.namespace(), metadata.name()),
				reading.document, List.of(rule), metadata.labels());
	}

	private static PeerRule defaultDeny(String specPath, Direction direction) {
		return new PeerRule(child(specPath, "policyTypes"), direction, false, null, null, null, null, null, null,
				null, null, null, null, null, null);
	}

	private static @Nullable List<String> policyTypes(MapNode spec, String specPath, Reading reading) {
		List<String> types = reading.strings(spec, "policyTypes", specPath);
		if (types == null) {
			return null;
		}
		for (String type : types) {
			if (!type.equals("Ingress") && !type.equals("Egress")) {
				reading.error(child(specPath, "policyTypes"), at(spec, "policyTypes"), "Unsupported value "
						+ quote(type) + " in policyTypes: supported values are Ingress, Egress (case-sensitive).");
			}
		}
		return types;
	}

	private static @Nullable List<PeerRule> rules(MapNode spec, String key, String specPath, Direction direction,
			Reading reading, SelectorReader selectors, String namespace) {
		List<Node> items = reading.array(spec, key, specPath);
		if (items == null) {
			return null;
		}
		String peersKey = (direction == Direction.INGRESS) ? "from" : "to";
		List<PeerRule> rules = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String rulePath = item(child(specPath, key), i);
			MapNode rule = reading.object(items.get(i), rulePath);
			if (rule == null) {
				continue;
			}
			reading.knownFields(rule, rulePath, Set.of(peersKey, "ports"));
			List<PortRule> ports = ports(rule, rulePath, reading);
			List<Node> peers = reading.array(rule, peersKey, rulePath);
			if (peers == null || peers.isEmpty()) {
				rules.add(new PeerRule(rulePath, direction, false, null, null, null, null, List.of("all"), null, null,
						null, null, ports, null, null));
				continue;
			}
			for (int j = 0; j < peers.size(); j++) {
				PeerRule peer = peer(peers.get(j), item(child(rulePath, peersKey), j), direction, ports, reading,
						selectors, namespace);
				if (peer != null) {
					rules.add(peer);
				}
			}
		}
		return rules;
	}

	private static @Nullable PeerRule peer(Node node, String path, Direction direction, @Nullable List<PortRule> ports,
			Reading reading, SelectorReader selectors, String namespace) {
		MapNode peer = reading.object(node, path);
		if (peer == null) {
			return null;
		}
		reading.knownFields(peer, path, Set.of("podSelector", "namespaceSelector", "ipBlock"));
		boolean hasPods = present(peer, "podSelector");
		boolean hasNamespaces = present(peer, "namespaceSelector");
		boolean hasBlock = present(peer, "ipBlock");
		if (hasBlock && (hasPods || hasNamespaces)) {
			reading.error(path, peer.position(), "A peer may have ipBlock or podSelector/namespaceSelector, not both:"
					+ " use separate list items.");
			return null;
		}
		if (!hasBlock && !hasPods && !hasNamespaces) {
			reading.error(path, peer.position(), "A peer needs at least one of podSelector, namespaceSelector and"
					+ " ipBlock.");
			return null;
		}
		if (hasBlock) {
			CidrRule block = ipBlock(peer, path, reading);
			return (block != null) ? new PeerRule(path, direction, false, null, null, null, List.of(block), null, null,
					null, null, null, ports, null, null) : null;
		}
		LabelSelector pods = hasPods ? selectors.selector(peer, "podSelector", path) : LabelSelector.EMPTY;
		LabelSelector namespaces = hasNamespaces ? selectors.selector(peer, "namespaceSelector", path) : null;
		if (pods == null || (hasNamespaces && namespaces == null)) {
			return null;
		}
		Map<String, String> labels = new LinkedHashMap<>(withSource(pods).matchLabels());
		List<Requirement> requirements = new ArrayList<>(withSource(pods).matchExpressions());
		if (namespaces == null) {
			// parsePodSelector: a podSelector alone selects pods of the policy's namespace, whatever it says about
			// the namespace label itself (a matchLabels entry for it is overwritten, expressions on it are kept).
			labels.put(NAMESPACE_KEY, namespace);
		}
		else {
			if (namespaces.isEmpty()) {
				requirements.add(new Requirement(NAMESPACE_KEY, Operator.EXISTS, List.of()));
			}
			else {
				namespaces.matchLabels().forEach((key, value) -> labels.put(NAMESPACE_LABEL_PREFIX + key, value));
				for (Requirement requirement : namespaces.matchExpressions()) {
					requirements.add(new Requirement(NAMESPACE_LABEL_PREFIX + requirement.key(), requirement.operator(),
							requirement.values()));
				}
			}
		}
		return new PeerRule(path, direction, false, List.of(new LabelSelector(labels, requirements)), null, null, null,
				null, null, null, null, null, ports, null, null);
	}

	private static @Nullable CidrRule ipBlock(MapNode peer, String path, Reading reading) {
		MapNode block = reading.object(peer, "ipBlock", path);
		if (block == null) {
			return null;
		}
		String blockPath = child(path, "ipBlock");
		reading.knownFields(block, blockPath, Set.of("cidr", "except"));
		String cidrText = reading.string(block, "cidr", blockPath);
		if (cidrText == null) {
			if (!present(block, "cidr")) {
				reading.error(child(blockPath, "cidr"), block.position(), "ipBlock needs a cidr such as 10.0.0.0/8.");
			}
			return null;
		}
		Cidr cidr;
		try {
			cidr = Cidr.parse(cidrText);
			if (!Cidr.isPrefixNotation(cidrText)) {
				throw new IllegalArgumentException("write a prefix such as " + cidrText + "/32");
			}
		}
		catch (IllegalArgumentException ex) {
			reading.error(child(blockPath, "cidr"), at(block, "cidr"), "ipBlock.cidr is not valid: "
					+ ex.getMessage() + ".");
			return null;
		}
		List<String> except = reading.strings(block, "except", blockPath);
		List<String> valid = new ArrayList<>();
		if (except != null) {
			for (String text : except) {
				try {
					Cidr prefix = Cidr.parse(text);
					if (!cidr.contains(prefix) || prefix.prefixLength() <= cidr.prefixLength()) {
						reading.error(child(blockPath, "except"), at(block, "except"), "ipBlock.except " + quote(text)
								+ " must be a strict subset of cidr " + cidrText + ".");
						continue;
					}
					valid.add(text);
				}
				catch (IllegalArgumentException ex) {
					reading.error(child(blockPath, "except"), at(block, "except"), "ipBlock.except is not valid: "
							+ ex.getMessage() + ".");
				}
			}
		}
		return new CidrRule(cidrText, valid, null, null);
	}

	private static @Nullable List<PortRule> ports(MapNode rule, String rulePath, Reading reading) {
		List<Node> items = reading.array(rule, "ports", rulePath);
		if (items == null || items.isEmpty()) {
			return null;
		}
		List<PortProtocol> ports = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String portPath = item(child(rulePath, "ports"), i);
			MapNode port = reading.object(items.get(i), portPath);
			if (port == null) {
				continue;
			}
			reading.knownFields(port, portPath, Set.of("protocol", "port", "endPort"));
			String protocolText = reading.string(port, "protocol", portPath);
			Protocol protocol = Protocol.TCP;
			if (protocolText != null) {
				switch (protocolText) {
					case "TCP" -> protocol = Protocol.TCP;
					case "UDP" -> protocol = Protocol.UDP;
					case "SCTP" -> protocol = Protocol.SCTP;
					default -> {
						reading.error(child(portPath, "protocol"), at(port, "protocol"), "Unsupported value "
								+ quote(protocolText) + " for protocol: supported values are TCP, UDP, SCTP"
								+ " (case-sensitive).");
						continue;
					}
				}
			}
			Long endPort = reading.integer(port, "endPort", portPath, 1, 65535);
			Node portNode = field(port, "port");
			String value = "0";
			int number = -1;
			if (portNode instanceof ScalarNode scalar && scalar.type() == ScalarType.INT) {
				Long parsed = Reading.parseInt(scalar.value());
				if (parsed == null || parsed < 1 || parsed > 65535) {
					reading.error(child(portPath, "port"), portNode.position(), "port " + scalar.value()
							+ " must be from 1 to 65535.");
					continue;
				}
				number = parsed.intValue();
				value = Integer.toString(number);
			}
			else if (portNode instanceof ScalarNode scalar && scalar.type() == ScalarType.STRING) {
				OptionalInt numeric = Ports.isServiceName(scalar.value()) ? OptionalInt.empty()
						: OptionalInt.of(-1);
				if (numeric.isPresent()) {
					reading.error(child(portPath, "port"), portNode.position(), "port " + quote(scalar.value())
							+ " must be a number from 1 to 65535 (unquoted) or a port name (at most 15 letters, digits"
							+ " and single inner hyphens, with a letter).");
					continue;
				}
				value = scalar.value().toLowerCase(java.util.Locale.ROOT);
			}
			else if (portNode != null) {
				reading.error(child(portPath, "port"), portNode.position(), "port must be a number or a port name,"
						+ " not " + Reading.describe(portNode) + ".");
				continue;
			}
			int end = 0;
			if (endPort != null) {
				if (number < 0) {
					reading.error(child(portPath, "endPort"), at(port, "endPort"),
							"endPort needs a numeric port (not a named or missing port).");
					continue;
				}
				if (endPort < number) {
					reading.error(child(portPath, "endPort"), at(port, "endPort"), "endPort " + endPort
							+ " must be at least port " + number + ".");
					continue;
				}
				end = endPort.intValue();
			}
			ports.add(new PortProtocol(value, end, protocol));
		}
		return List.of(new PortRule(child(rulePath, "ports"), ports, null, List.of(), null, false, false));
	}

	/** The selector with every key given the {@code k8s:} source, as Cilium reads NetworkPolicy selectors. */
	static LabelSelector withSource(LabelSelector selector) {
		Map<String, String> labels = new LinkedHashMap<>();
		selector.matchLabels().forEach((key, value) -> labels.put(sourced(key), value));
		List<Requirement> requirements = selector.matchExpressions().stream()
			.map((r) -> new Requirement(sourced(r.key()), r.operator(), r.values()))
			.toList();
		return new LabelSelector(labels, requirements);
	}

	private static String sourced(String key) {
		return key.startsWith(POD_SOURCE) ? key : POD_SOURCE + key;
	}

}
