package dev.portcullis.engine.parse;

import java.util.List;
import java.util.Set;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.CiliumVersion.V1_16;
import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates one Cilium rule ({@code spec} or an item of {@code specs}) against the CRD schema
 * (pkg/k8s/apis/cilium.io/client/crds/v2) and the agent's {@code Rule.Sanitize} (pkg/policy/api/rule_validation.go).
 * Its subject selector is read by {@link SelectorReader}, its peer rules by {@link PeerReader}. Holds no state of
 * its own beyond the shared {@link Reading}, so one instance reads every rule of a policy object.
 */
final class RuleReader {

	private static final Set<String> RULE_FIELDS = Set.of("endpointSelector", "nodeSelector", "ingress", "ingressDeny",
			"egress", "egressDeny", "labels", "description", "enableDefaultDeny", "log");

	private final Reading reading;

	private final PolicyKind kind;

	private final @Nullable String namespace;

	private final SelectorReader selectors;

	private final PeerReader peers;

	/**
	 * @param kind a Cilium policy kind
	 * @param namespace the namespace of a CiliumNetworkPolicy; null for a clusterwide one
	 */
	RuleReader(Reading reading, PolicyKind kind, @Nullable String namespace) {
		this.reading = reading;
		this.kind = kind;
		this.namespace = namespace;
		this.selectors = new SelectorReader(reading);
		this.peers = new PeerReader(reading, kind);
	}

	@Nullable Rule read(Node node, String path) {
		MapNode spec = this.reading.object(node, path);
		if (spec == null) {
			return null;
		}
		this.reading.knownFields(spec, path, RULE_FIELDS);
		LabelSelector endpointSelector = this.selectors.selector(spec, "endpointSelector", path);
		LabelSelector nodeSelector = this.selectors.selector(spec, "nodeSelector", path);
		boolean hasEndpoints = present(spec, "endpointSelector");
		boolean hasNodes = present(spec, "nodeSelector");
		if (hasEndpoints && hasNodes) {
			this.reading.error(path, spec.keyPosition("nodeSelector"),
					"A rule has exactly one of endpointSelector and nodeSelector, not both.");
		}
		else if (!hasEndpoints && !hasNodes) {
			this.reading.error(path, spec.position(),
					"A rule needs endpointSelector (the pods it applies to) or, in a CiliumClusterwideNetworkPolicy,"
							+ " nodeSelector (the nodes).");
		}
		if (hasNodes && this.kind == PolicyKind.CILIUM_NETWORK_POLICY) {
			this.reading.error(child(path, "nodeSelector"), spec.keyPosition("nodeSelector"),
					"Invalid CiliumNetworkPolicy spec: rule cannot have NodeSelector; host policies (nodeSelector) are"
							+ " only allowed in a CiliumClusterwideNetworkPolicy.");
		}
		boolean hostPolicy = hasNodes && !hasEndpoints;
		if (endpointSelector != null && this.kind == PolicyKind.CILIUM_NETWORK_POLICY) {
			checkSubjectNamespace(spec, endpointSelector, path);
		}
		List<PeerRule> ingress = this.peers.peerRules(spec, "ingress", path, Direction.INGRESS, false, hostPolicy);
		List<PeerRule> ingressDeny = this.peers.peerRules(spec, "ingressDeny", path, Direction.INGRESS, true,
				hostPolicy);
		List<PeerRule> egress = this.peers.peerRules(spec, "egress", path, Direction.EGRESS, false, hostPolicy);
		List<PeerRule> egressDeny = this.peers.peerRules(spec, "egressDeny", path, Direction.EGRESS, true,
				hostPolicy);
		if (size(ingress) + size(ingressDeny) + size(egress) + size(egressDeny) == 0) {
			this.reading.error(path, spec.position(),
					"Invalid rule: rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny (an empty or"
							+ " null list counts as none). To deny all traffic in a direction write one empty item,"
							+ " for example \"ingress: [{}]\".");
		}
		Boolean defaultDenyIngress = null;
		Boolean defaultDenyEgress = null;
		MapNode defaultDeny = this.reading.object(spec, "enableDefaultDeny", path);
		if (defaultDeny != null) {
			String denyPath = child(path, "enableDefaultDeny");
			this.reading.knownFields(defaultDeny, denyPath, Set.of("ingress", "egress"));
			defaultDenyIngress = this.reading.bool(defaultDeny, "ingress", denyPath);
			defaultDenyEgress = this.reading.bool(defaultDeny, "egress", denyPath);
			this.reading.since(V1_16, denyPath, spec.keyPosition("enableDefaultDeny"), "enableDefaultDeny");
		}
		String description = this.reading.string(spec, "description", path);
		String log = log(spec, path);
		labels(spec, path);
		return new Rule(path, hasEndpoints ? endpointSelector : null, hasNodes ? nodeSelector : null, ingress,
				ingressDeny, egress, egressDeny, defaultDenyIngress, defaultDenyEgress, description, log);
	}

	private static int size(@Nullable List<?> list) {
		return (list != null) ? list.size() : 0;
	}

	private void checkSubjectNamespace(MapNode spec, LabelSelector selector, String path) {
		for (String key : List.of("k8s:io.kubernetes.pod.namespace", "io.kubernetes.pod.namespace",
				"any:io.kubernetes.pod.namespace")) {
			String value = selector.matchLabels().get(key);
			if (value != null && !value.equals(this.namespace)) {
				this.reading.warning(child(child(path, "endpointSelector"), "matchLabels." + key),
						at(spec, "endpointSelector"), "The endpointSelector of a CiliumNetworkPolicy always selects"
								+ " its own namespace " + quote(String.valueOf(this.namespace)) + ": Cilium overwrites "
								+ key + "=" + quote(value) + " with it. Use a CiliumClusterwideNetworkPolicy to select"
								+ " pods in other namespaces.");
			}
		}
	}

	private @Nullable String log(MapNode spec, String path) {
		MapNode log = this.reading.object(spec, "log", path);
		if (log == null) {
			return null;
		}
		String logPath = child(path, "log");
		this.reading.knownFields(log, logPath, Set.of("value"));
		String value = this.reading.string(log, "value", logPath);
		if (value == null) {
			return null;
		}
		if (value.codePointCount(0, value.length()) > 32) {
			this.reading.error(child(logPath, "value"), at(log, "value"),
					"log.value " + quote(value) + " is longer than 32 characters.");
			return null;
		}
		boolean printable = value.codePoints().noneMatch(RuleReader::isOtherCategory);
		if (!printable) {
			this.reading.error(child(logPath, "value"), at(log, "value"),
					"log.value may hold only printable characters (no control or format characters).");
			return null;
		}
		return value;
	}

	/** Unicode general category C (what the CRD's {@code \PC} excludes). */
	private static boolean isOtherCategory(int codePoint) {
		int type = Character.getType(codePoint);
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
				|| type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
	}

	/** Validates the rule's {@code labels} items, which the model does not keep. */
	private void labels(MapNode spec, String path) {
		this.reading.objects(spec, "labels", path, (label, labelPath) -> {
			this.reading.knownFields(label, labelPath, Set.of("key", "value", "source"));
			if (!present(label, "key")) {
				this.reading.error(labelPath, label.position(), "A label needs a key.");
			}
			this.reading.string(label, "key", labelPath);
			this.reading.string(label, "value", labelPath);
			this.reading.string(label, "source", labelPath);
			return null;
		});
	}

}
