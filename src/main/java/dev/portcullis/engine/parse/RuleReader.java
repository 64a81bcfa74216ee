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
import dev.portcullis.engine.api.PeerRule.FqdnSelector;
import dev.portcullis.engine.api.PeerRule.IcmpField;
import dev.portcullis.engine.api.PeerRule.IcmpRule;
import dev.portcullis.engine.api.PeerRule.ServiceSelector;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.DnsRule;
import dev.portcullis.engine.api.PortRule.HeaderMatch;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.Listener;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Node.ScalarType;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.Entity;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.match.IcmpTypes;
import dev.portcullis.engine.match.KafkaMatcher;
import dev.portcullis.engine.match.ServerNamePattern;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.item;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates one Cilium rule ({@code spec} or an item of {@code specs}) against the CRD schema
 * (pkg/k8s/apis/cilium.io/client/crds/v2) and the agent's {@code Rule.Sanitize} (pkg/policy/api/rule_validation.go).
 */
final class RuleReader {

	static final CiliumVersion V1_16 = new CiliumVersion(1, 16);

	static final CiliumVersion V1_17 = new CiliumVersion(1, 17);

	static final CiliumVersion V1_19 = new CiliumVersion(1, 19);

	static final CiliumVersion V1_20 = new CiliumVersion(1, 20);

	private static final Set<String> RULE_FIELDS = Set.of("endpointSelector", "nodeSelector", "ingress", "ingressDeny",
			"egress", "egressDeny", "labels", "description", "enableDefaultDeny", "log");

	private static final Set<String> SELECTOR_FIELDS = Set.of("matchLabels", "matchExpressions");

	private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

	private static final Pattern CIDR_GROUP_REF = Pattern
		.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

	private static final Pattern KAFKA_TOPIC = Pattern.compile("^[a-zA-Z0-9\\\\._\\-]+$");

	private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP", "VRRP", "IGMP", "ANY");

	private static final List<String> ENTITIES_IN_CRD = List.of("all", "world", "cluster", "host", "init", "ingress",
			"unmanaged", "remote-node", "health", "none", "kube-apiserver");

	private static final int MAX_PORTS = 40;

	private static final int MAX_ICMP_FIELDS = 40;

	/**
	 * Fields of deny rules that are unknown there and whose pruning widens the deny. They draw a loud WARNING, not
	 * an ERROR: kubectl (strict field validation) rejects the object, but API clients with the server default
	 * prune the field and the pruned deny is enforced, which is what the model holds (conformance case DN-06).
	 */
	private static final String WIDENED = " kubectl's strict validation rejects the object; other API clients get it"
			+ " pruned, and then ";

	private static final Map<String, String> WIDENING_IN_DENY_PORT = Map.of("rules",
			"deny rules cannot carry L7 rules." + WIDENED + "the rule DENIES THE WHOLE PORT. Deny the port on purpose,"
					+ " or use an allow rule with L7 rules instead.",
			"serverNames", "deny rules cannot match TLS server names." + WIDENED + "the rule denies the whole port.",
			"listener", "deny rules cannot redirect to a listener." + WIDENED + "the rule denies the whole port.",
			"terminatingTLS", "deny rules cannot terminate TLS." + WIDENED + "the rule denies the whole port.",
			"originatingTLS", "deny rules cannot originate TLS." + WIDENED + "the rule denies the whole port.");

	private static final Map<String, String> WIDENING_IN_EGRESS_DENY = Map.of("toFQDNs",
			"egressDeny does not support toFQDNs." + WIDENED + "the rule DENIES EVERY DESTINATION (on its ports, if"
					+ " any). Deny by toCIDRSet, or allow only what is needed.");

	private final Reading reading;

	private final PolicyKind kind;

	private final @Nullable String namespace;

	private boolean hostPolicy;

	RuleReader(Reading reading, PolicyKind kind, @Nullable String namespace) {
		this.reading = reading;
		this.kind = kind;
		this.namespace = namespace;
	}

	@Nullable Rule read(Node node, String path) {
		MapNode spec = this.reading.object(node, path);
		if (spec == null) {
			return null;
		}
		this.reading.knownFields(spec, path, RULE_FIELDS);
		LabelSelector endpointSelector = selector(spec, "endpointSelector", path);
		LabelSelector nodeSelector = selector(spec, "nodeSelector", path);
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
		this.hostPolicy = hasNodes && !hasEndpoints;
		if (endpointSelector != null && this.kind == PolicyKind.CILIUM_NETWORK_POLICY) {
			checkSubjectNamespace(spec, endpointSelector, path);
		}
		List<PeerRule> ingress = peerRules(spec, "ingress", path, Direction.INGRESS, false);
		List<PeerRule> ingressDeny = peerRules(spec, "ingressDeny", path, Direction.INGRESS, true);
		List<PeerRule> egress = peerRules(spec, "egress", path, Direction.EGRESS, false);
		List<PeerRule> egressDeny = peerRules(spec, "egressDeny", path, Direction.EGRESS, true);
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
			since(V1_16, child(path, "enableDefaultDeny"), spec.keyPosition("enableDefaultDeny"), "enableDefaultDeny");
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

	private void labels(MapNode spec, String path) {
		List<Node> labels = this.reading.array(spec, "labels", path);
		if (labels == null) {
			return;
		}
		for (int i = 0; i < labels.size(); i++) {
			String labelPath = item(child(path, "labels"), i);
			MapNode label = this.reading.object(labels.get(i), labelPath);
			if (label == null) {
				continue;
			}
			this.reading.knownFields(label, labelPath, Set.of("key", "value", "source"));
			if (!present(label, "key")) {
				this.reading.error(labelPath, label.position(), "A label needs a key.");
			}
			this.reading.string(label, "key", labelPath);
			this.reading.string(label, "value", labelPath);
			this.reading.string(label, "source", labelPath);
		}
	}

	// ---------------------------------------------------------------- selectors

	@Nullable LabelSelector selector(MapNode parent, String key, String parentPath) {
		Node node = field(parent, key);
		return (node != null) ? selector(node, child(parentPath, key)) : null;
	}

	@Nullable LabelSelector selector(Node node, String path) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, SELECTOR_FIELDS);
		int errors = this.reading.errorCount();
		Map<String, String> labels = this.reading.stringMap(map, "matchLabels", path);
		if (labels != null) {
			MapNode labelNode = (MapNode) field(map, "matchLabels");
			for (Map.Entry<String, String> label : labels.entrySet()) {
				String labelPath = child(child(path, "matchLabels"), label.getKey());
				Position position = (labelNode != null) ? at(labelNode, label.getKey()) : map.position();
				if (label.getValue().length() > 63) {
					this.reading.error(labelPath, position, "The label value " + quote(label.getValue())
							+ " is longer than 63 characters.");
				}
				else if (!isLabelValue(label.getValue())) {
					this.reading.error(labelPath, position, "The label value " + quote(label.getValue())
							+ " is not valid: use letters, digits, '-', '_' and '.', starting and ending with a letter"
							+ " or digit (or leave it empty).");
				}
				if (label.getKey().isEmpty()) {
					this.reading.error(labelPath, position, "A label key must not be empty.");
				}
			}
		}
		List<Requirement> requirements = new ArrayList<>();
		List<Node> expressions = this.reading.array(map, "matchExpressions", path);
		if (expressions != null) {
			for (int i = 0; i < expressions.size(); i++) {
				Requirement requirement = requirement(expressions.get(i), item(child(path, "matchExpressions"), i));
				if (requirement != null) {
					requirements.add(requirement);
				}
			}
		}
		if (this.reading.errorCount() != errors) {
			return null;
		}
		return new LabelSelector((labels != null) ? labels : Map.of(), requirements);
	}

	private @Nullable Requirement requirement(Node node, String path) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, Set.of("key", "operator", "values"));
		String key = this.reading.string(map, "key", path);
		if (!present(map, "key")) {
			this.reading.error(path, map.position(), "A match expression needs a key.");
		}
		if (!present(map, "operator")) {
			this.reading.error(path, map.position(),
					"A match expression needs an operator: In, NotIn, Exists or DoesNotExist.");
		}
		String operatorText = this.reading.enumeration(map, "operator", path, OPERATORS);
		List<String> values = this.reading.strings(map, "values", path);
		if (key == null || operatorText == null) {
			return null;
		}
		Operator operator = switch (operatorText) {
			case "In" -> Operator.IN;
			case "NotIn" -> Operator.NOT_IN;
			case "Exists" -> Operator.EXISTS;
			default -> Operator.DOES_NOT_EXIST;
		};
		List<String> list = (values != null) ? values : List.of();
		boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
		if (needsValues && list.isEmpty()) {
			this.reading.error(child(path, "values"), map.position(), "The operator " + operatorText
					+ " needs at least one value: values must be non-empty for In and NotIn.");
			return null;
		}
		if (!needsValues && !list.isEmpty()) {
			this.reading.error(child(path, "values"), at(map, "values"), "The operator " + operatorText
					+ " takes no values: values must be empty for Exists and DoesNotExist.");
			return null;
		}
		for (String value : list) {
			if (value.length() > 63 || !isLabelValue(value)) {
				this.reading.error(child(path, "values"), at(map, "values"), "The value " + quote(value)
						+ " is not a valid label value (at most 63 letters, digits, '-', '_' and '.', starting and ending"
						+ " with a letter or digit).");
				return null;
			}
		}
		return new Requirement(key, operator, list);
	}

	private @Nullable List<LabelSelector> selectors(MapNode parent, String key, String parentPath) {
		List<Node> items = this.reading.array(parent, key, parentPath);
		if (items == null) {
			return null;
		}
		List<LabelSelector> selectors = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			LabelSelector selector = selector(items.get(i), item(child(parentPath, key), i));
			if (selector != null) {
				selectors.add(selector);
			}
		}
		return selectors;
	}

	// ---------------------------------------------------------------- peer rules

	private @Nullable List<PeerRule> peerRules(MapNode spec, String key, String rulePath, Direction direction,
			boolean deny) {
		List<Node> items = this.reading.array(spec, key, rulePath);
		if (items == null) {
			return null;
		}
		List<PeerRule> rules = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			PeerRule rule = peerRule(items.get(i), item(child(rulePath, key), i), direction, deny);
			if (rule != null) {
				rules.add(rule);
			}
		}
		return rules;
	}

	private @Nullable PeerRule peerRule(Node node, String path, Direction direction, boolean deny) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		boolean ingress = direction == Direction.INGRESS;
		String prefix = ingress ? "from" : "to";
		List<String> peerFields = ingress
				? List.of("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "fromNodes", "fromGroups")
				: new ArrayList<>(List.of("toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toServices", "toFQDNs",
						"toGroups", "toNodes"));
		if (!ingress && deny) {
			peerFields.remove("toFQDNs");
		}
		Set<String> known = new java.util.HashSet<>(peerFields);
		known.add(prefix + "Requires");
		known.add("toPorts");
		known.add("icmps");
		if (!deny) {
			known.add("authentication");
		}
		this.reading.knownFields(map, path, known, (!ingress && deny) ? WIDENING_IN_EGRESS_DENY : Map.of(), false);

		List<LabelSelector> endpoints = selectors(map, prefix + "Endpoints", path);
		List<LabelSelector> requires = requires(map, prefix + "Requires", path);
		List<String> cidr = cidrs(map, prefix + "CIDR", path);
		List<CidrRule> cidrSet = cidrSet(map, prefix + "CIDRSet", path);
		List<String> entities = entities(map, prefix + "Entities", path);
		List<LabelSelector> nodes = selectors(map, prefix + "Nodes", path);
		if (nodes != null && !nodes.isEmpty()) {
			since(V1_16, child(path, prefix + "Nodes"), map.keyPosition(prefix + "Nodes"), prefix + "Nodes");
			this.reading.warning(child(path, prefix + "Nodes"), map.keyPosition(prefix + "Nodes"), prefix
					+ "Nodes needs the agent flag --enable-node-selector-labels=true; without it Cilium rejects the"
					+ " policy (\"FromNodes/ToNodes rules can only be applied when the enable-node-selector-labels"
					+ " flag is set\").");
		}
		List<String> groups = groups(map, prefix + "Groups", path);
		List<ServiceSelector> services = ingress ? null : services(map, path);
		List<FqdnSelector> fqdns = (ingress || deny) ? null : fqdns(map, path);

		// pkg/policy/api/ingress.go, egress.go sanitize: one kind of peer per rule item
		List<String> used = peerFields.stream().filter((f) -> {
			List<Node> list = (field(map, f) instanceof Node.ListNode l) ? l.items() : List.of();
			return !list.isEmpty();
		}).toList();
		if (used.size() > 1) {
			this.reading.error(path, map.keyPosition(used.get(1)), "Combining " + used.get(0) + " and " + used.get(1)
					+ " is not supported yet: put each kind of peer in its own list item.");
		}

		List<PortRule> toPorts = toPorts(map, path, ingress, deny);
		List<IcmpRule> icmps = icmps(map, path);
		if (icmps != null && !icmps.isEmpty() && toPorts != null && !toPorts.isEmpty()) {
			this.reading.error(child(path, "icmps"), map.keyPosition("icmps"),
					"The ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts.");
		}
		String authentication = null;
		if (!deny) {
			MapNode auth = this.reading.object(map, "authentication", path);
			if (auth != null) {
				String authPath = child(path, "authentication");
				this.reading.knownFields(auth, authPath, Set.of("mode"));
				if (!present(auth, "mode")) {
					this.reading.error(authPath, auth.position(),
							"authentication needs a mode: disabled, required or test-always-fail.");
				}
				authentication = this.reading.enumeration(auth, "mode", authPath,
						List.of("disabled", "required", "test-always-fail"));
			}
		}
		if (this.hostPolicy && toPorts != null) {
			checkHostL7(toPorts, path, map, ingress);
		}
		return new PeerRule(path, direction, deny, endpoints, requires, cidr, cidrSet, entities, nodes, groups,
				services, fqdns, toPorts, icmps, authentication);
	}

	private void checkHostL7(List<PortRule> toPorts, String path, MapNode map, boolean ingress) {
		for (PortRule port : toPorts) {
			L7Rules rules = port.rules();
			if (rules == null || rules.isEmpty()) {
				continue;
			}
			if (ingress) {
				this.reading.error(child(port.path(), "rules"), map.keyPosition("toPorts"),
						"L7 policy is not supported on host ingress yet (nodeSelector rules take no L7 rules at"
								+ " ingress).");
			}
			else if (!rules.http().isEmpty() || !rules.kafka().isEmpty() || rules.l7proto() != null) {
				this.reading.error(child(port.path(), "rules"), map.keyPosition("toPorts"),
						"L7 protocol rules other than DNS are not supported on host egress yet (nodeSelector rules).");
			}
		}
	}

	private @Nullable List<LabelSelector> requires(MapNode map, String key, String path) {
		List<Node> items = this.reading.array(map, key, path);
		if (items == null) {
			return null;
		}
		if (!items.isEmpty()) {
			String at = child(path, key);
			if (!this.reading.target.isBefore(V1_19)) {
				this.reading.error(at, map.keyPosition(key), key + " was removed in Cilium 1.19 (deprecated since 1.17):"
						+ " the CRD allows no items (maxItems 0). Add the required labels to each " + key.substring(0,
								key.length() - "Requires".length()) + "Endpoints selector instead.");
				return null;
			}
			if (!this.reading.target.isBefore(V1_17)) {
				this.reading.warning(at, map.keyPosition(key), key + " is deprecated since Cilium 1.17 and removed in"
						+ " 1.19; add the required labels to each selector instead.");
			}
		}
		return selectors(map, key, path);
	}

	private @Nullable List<String> cidrs(MapNode map, String key, String path) {
		List<String> values = this.reading.strings(map, key, path);
		if (values == null) {
			return null;
		}
		List<String> valid = new ArrayList<>();
		List<Node> nodes = ((Node.ListNode) map.get(key)).items();
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			Position position = (i < nodes.size()) ? nodes.get(i).position() : map.keyPosition(key);
			try {
				Cidr.parse(value);
				valid.add(value);
			}
			catch (IllegalArgumentException ex) {
				this.reading.error(item(child(path, key), i), position, "Unable to parse CIDR: " + ex.getMessage()
						+ ".");
			}
		}
		return valid;
	}

	private @Nullable List<CidrRule> cidrSet(MapNode map, String key, String path) {
		List<Node> items = this.reading.array(map, key, path);
		if (items == null) {
			return null;
		}
		List<CidrRule> rules = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(path, key), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			this.reading.knownFields(entry, itemPath, Set.of("cidr", "except", "cidrGroupRef", "cidrGroupSelector"));
			int set = (present(entry, "cidr") ? 1 : 0) + (present(entry, "cidrGroupRef") ? 1 : 0)
					+ (present(entry, "cidrGroupSelector") ? 1 : 0);
			if (set != 1) {
				this.reading.error(itemPath, entry.position(), "A " + key + " item needs exactly one of cidr,"
						+ " cidrGroupRef and cidrGroupSelector" + ((set == 0) ? "" : ", not " + set) + ".");
			}
			String cidrText = this.reading.string(entry, "cidr", itemPath);
			Cidr cidr = null;
			if (cidrText != null) {
				try {
					cidr = Cidr.parse(cidrText);
					if (!Cidr.isPrefixNotation(cidrText)) {
						this.reading.error(child(itemPath, "cidr"), at(entry, "cidr"), "Unable to parse CIDRRule "
								+ quote(cidrText) + ": the cidr of a " + key + " item must be a prefix such as "
								+ cidrText + "/32, not a bare address.");
						cidr = null;
					}
				}
				catch (IllegalArgumentException ex) {
					this.reading.error(child(itemPath, "cidr"), at(entry, "cidr"), "Unable to parse CIDRRule: "
							+ ex.getMessage() + ".");
				}
			}
			List<String> except = this.reading.strings(entry, "except", itemPath);
			List<String> validExcept = new ArrayList<>();
			if (except != null) {
				for (String text : except) {
					try {
						Cidr prefix = Cidr.parse(text);
						if (cidr != null && !cidr.contains(prefix)) {
							this.reading.error(child(itemPath, "except"), at(entry, "except"), "Allow CIDR prefix "
									+ cidrText + " does not contain exclude CIDR prefix " + text
									+ ": an except must lie inside its cidr (same address family).");
						}
						else {
							validExcept.add(text);
						}
					}
					catch (IllegalArgumentException ex) {
						this.reading.error(child(itemPath, "except"), at(entry, "except"), "Unable to parse except: "
								+ ex.getMessage() + ".");
					}
				}
				if (!except.isEmpty() && cidrText == null) {
					this.reading.warning(child(itemPath, "except"), at(entry, "except"),
							"except applies only to a cidr; with a CIDR group it is ignored.");
				}
			}
			String groupRef = this.reading.string(entry, "cidrGroupRef", itemPath);
			if (groupRef != null && (groupRef.length() > 253 || !CIDR_GROUP_REF.matches(groupRef))) {
				this.reading.error(child(itemPath, "cidrGroupRef"), at(entry, "cidrGroupRef"), "cidrGroupRef "
						+ quote(groupRef) + " is not a valid CiliumCIDRGroup name (lower-case DNS subdomain, at most"
						+ " 253 characters).");
			}
			LabelSelector groupSelector = selector(entry, "cidrGroupSelector", itemPath);
			rules.add(new CidrRule(cidrText, validExcept, groupRef, groupSelector));
		}
		return rules;
	}

	private @Nullable List<String> entities(MapNode map, String key, String path) {
		List<String> values = this.reading.strings(map, key, path);
		if (values == null) {
			return null;
		}
		List<String> valid = new ArrayList<>();
		List<Node> nodes = ((Node.ListNode) map.get(key)).items();
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			Position position = (i < nodes.size()) ? nodes.get(i).position() : map.keyPosition(key);
			if (!ENTITIES_IN_CRD.contains(value)) {
				boolean agentKnows = Entity.parse(value).isPresent();
				this.reading.error(item(child(path, key), i), position, "Unsupported entity " + quote(value)
						+ ((agentKnows) ? " (the agent knows it but the CRD does not admit it)" : "")
						+ ": supported values are " + String.join(", ", ENTITIES_IN_CRD) + ".");
				continue;
			}
			valid.add(value);
		}
		return valid;
	}

	private @Nullable List<String> groups(MapNode map, String key, String path) {
		List<Node> items = this.reading.array(map, key, path);
		if (items == null) {
			return null;
		}
		List<String> groups = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(path, key), i);
			MapNode group = this.reading.object(items.get(i), itemPath);
			if (group == null) {
				continue;
			}
			this.reading.knownFields(group, itemPath, Set.of("aws"));
			MapNode aws = this.reading.object(group, "aws", itemPath);
			if (aws == null) {
				continue;
			}
			String awsPath = child(itemPath, "aws");
			this.reading.knownFields(aws, awsPath, Set.of("labels", "securityGroupsIds", "securityGroupsNames",
					"region"));
			Map<String, String> labels = this.reading.stringMap(aws, "labels", awsPath);
			List<String> ids = this.reading.strings(aws, "securityGroupsIds", awsPath);
			List<String> names = this.reading.strings(aws, "securityGroupsNames", awsPath);
			String region = this.reading.string(aws, "region", awsPath);
			StringBuilder text = new StringBuilder("aws:");
			if (region != null) {
				text.append(" region=").append(region);
			}
			if (ids != null && !ids.isEmpty()) {
				text.append(" securityGroupsIds=").append(ids);
			}
			if (names != null && !names.isEmpty()) {
				text.append(" securityGroupsNames=").append(names);
			}
			if (labels != null && !labels.isEmpty()) {
				text.append(" labels=").append(new java.util.TreeMap<>(labels));
			}
			groups.add(text.toString());
		}
		return groups;
	}

	private @Nullable List<ServiceSelector> services(MapNode map, String path) {
		List<Node> items = this.reading.array(map, "toServices", path);
		if (items == null) {
			return null;
		}
		List<ServiceSelector> services = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(path, "toServices"), i);
			MapNode service = this.reading.object(items.get(i), itemPath);
			if (service == null) {
				continue;
			}
			this.reading.knownFields(service, itemPath, Set.of("k8sService", "k8sServiceSelector"));
			MapNode byName = this.reading.object(service, "k8sService", itemPath);
			MapNode bySelector = this.reading.object(service, "k8sServiceSelector", itemPath);
			if (byName != null) {
				String namePath = child(itemPath, "k8sService");
				this.reading.knownFields(byName, namePath, Set.of("serviceName", "namespace"));
				services.add(new ServiceSelector(this.reading.string(byName, "serviceName", namePath), null,
						this.reading.string(byName, "namespace", namePath)));
			}
			if (bySelector != null) {
				String selectorPath = child(itemPath, "k8sServiceSelector");
				this.reading.knownFields(bySelector, selectorPath, Set.of("selector", "namespace"));
				if (!present(bySelector, "selector")) {
					this.reading.error(selectorPath, bySelector.position(), "k8sServiceSelector needs a selector.");
				}
				LabelSelector selector = selector(bySelector, "selector", selectorPath);
				services.add(new ServiceSelector(null, selector, this.reading.string(bySelector, "namespace",
						selectorPath)));
			}
		}
		return services;
	}

	private @Nullable List<FqdnSelector> fqdns(MapNode map, String path) {
		List<Node> items = this.reading.array(map, "toFQDNs", path);
		if (items == null) {
			return null;
		}
		List<FqdnSelector> fqdns = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(path, "toFQDNs"), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			String[] names = dnsNames(entry, itemPath);
			if (names != null) {
				fqdns.add(new FqdnSelector(names[0], names[1]));
			}
		}
		return fqdns;
	}

	/** {@code matchName} / {@code matchPattern} of a toFQDNs or DNS rule item, validated; null when invalid. */
	private String @Nullable [] dnsNames(MapNode entry, String itemPath) {
		this.reading.knownFields(entry, itemPath, Set.of("matchName", "matchPattern"));
		boolean hasName = present(entry, "matchName");
		boolean hasPattern = present(entry, "matchPattern");
		if (hasName == hasPattern) {
			this.reading.error(itemPath, entry.position(),
					"Exactly one of matchName and matchPattern is needed" + (hasName ? ", not both." : "."));
			return null;
		}
		String name = this.reading.string(entry, "matchName", itemPath);
		String pattern = this.reading.string(entry, "matchPattern", itemPath);
		java.util.Optional<String> problem = (name != null)
				? this.reading.check("matchName", name, (v) -> problem(() -> DnsPattern.matchName(v)))
				: (pattern != null)
						? this.reading.check("matchPattern", pattern, (v) -> problem(() -> DnsPattern.matchPattern(v)))
						: java.util.Optional.empty();
		if (problem.isPresent()) {
			String key = (name != null) ? "matchName" : "matchPattern";
			this.reading.error(child(itemPath, key), at(entry, key), problem.get());
			return null;
		}
		if (name == null && pattern == null) {
			return null;
		}
		return new String[] { name, pattern };
	}

	// ---------------------------------------------------------------- ports

	private @Nullable List<PortRule> toPorts(MapNode map, String path, boolean ingress, boolean deny) {
		List<Node> items = this.reading.array(map, "toPorts", path);
		if (items == null) {
			return null;
		}
		List<PortRule> rules = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			PortRule rule = portRule(items.get(i), item(child(path, "toPorts"), i), ingress, deny);
			if (rule != null) {
				rules.add(rule);
			}
		}
		return rules;
	}

	private @Nullable PortRule portRule(Node node, String path, boolean ingress, boolean deny) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		int errors = this.reading.errorCount();
		if (deny) {
			this.reading.knownFields(map, path, Set.of("ports"), WIDENING_IN_DENY_PORT, false);
		}
		else {
			this.reading.knownFields(map, path, Set.of("ports", "rules", "serverNames", "listener", "terminatingTLS",
					"originatingTLS"));
		}
		L7Rules rules = deny ? null : l7Rules(map, path, ingress);
		boolean hasL7 = rules != null && !rules.isEmpty();
		boolean hasDns = rules != null && !rules.dns().isEmpty();
		if (hasDns && ingress) {
			this.reading.error(child(path, "rules.dns"), map.keyPosition("rules"),
					"DNS rules are not allowed on ingress: DNS rules apply to egress only.");
		}
		List<PortProtocol> ports = new ArrayList<>();
		List<Node> portItems = this.reading.array(map, "ports", path);
		boolean zeroPort = false;
		if (portItems != null) {
			if (portItems.size() > MAX_PORTS) {
				this.reading.error(child(path, "ports"), map.keyPosition("ports"),
						"Too many ports: " + portItems.size() + "; the max is " + MAX_PORTS + ".");
			}
			for (int i = 0; i < portItems.size(); i++) {
				String portPath = item(child(path, "ports"), i);
				PortProtocol port = portProtocol(portItems.get(i), portPath, hasDns);
				if (port == null) {
					continue;
				}
				ports.add(port);
				if (port.port().equals("0")) {
					zeroPort = true;
				}
				if (hasL7 && !hasDns && port.protocol() != Protocol.TCP) {
					this.reading.error(child(portPath, "protocol"), portItems.get(i).position(),
							"L7 rules can only apply to TCP (not " + port.protocol()
									+ ") except for DNS rules: set protocol: TCP explicitly.");
				}
			}
		}
		if ((portItems == null || portItems.isEmpty()) && !hasDns) {
			this.reading.warning(child(path, "ports"), map.position(), "This toPorts item lists no ports, so it matches"
					+ " no traffic: Cilium builds its port filters from the ports listed. List the ports, or use"
					+ " port \"0\" for every port.");
		}
		if (hasL7 && zeroPort) {
			this.reading.error(child(path, "ports"), map.keyPosition("ports"),
					"L7 rules can not be used when a port is 0 (every port): name the ports the L7 rules apply to.");
		}
		if (hasDns && ports.isEmpty()) {
			this.reading.error(child(path, "ports"), map.position(),
					"Port 53 must be specified for DNS rules: add ports such as {port: \"53\", protocol: ANY}.");
		}
		List<String> serverNames = deny ? List.of() : serverNames(map, path);
		if (!serverNames.isEmpty() && hasL7 && !present(map, "terminatingTLS")) {
			this.reading.error(child(path, "serverNames"), map.keyPosition("serverNames"),
					"ServerNames are not allowed with L7 rules without TLS termination: add terminatingTLS or move the"
							+ " L7 rules to another port rule.");
		}
		Listener listener = deny ? null : listener(map, path, ingress, hasL7);
		boolean terminating = !deny && tls(map, "terminatingTLS", path);
		boolean originating = !deny && tls(map, "originatingTLS", path);
		if (this.reading.errorCount() != errors) {
			return null;
		}
		return new PortRule(path, ports, rules, serverNames, listener, terminating, originating);
	}

	private @Nullable PortProtocol portProtocol(Node node, String path, boolean hasDns) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, Set.of("port", "endPort", "protocol"));
		int errors = this.reading.errorCount();
		String port = this.reading.string(map, "port", path);
		Long endPort = this.reading.integer(map, "endPort", path, 0, 65535);
		String protocolText = this.reading.enumeration(map, "protocol", path, PROTOCOLS);
		if (this.reading.errorCount() != errors) {
			return null;
		}
		Protocol protocol = (protocolText == null) ? Protocol.ANY : Protocol.valueOf(protocolText);
		if ((protocol == Protocol.VRRP || protocol == Protocol.IGMP) && this.reading.target.isBefore(V1_19)) {
			this.reading.warning(child(path, "protocol"), at(map, "protocol"), "Protocol " + protocolText
					+ " is new in Cilium 1.19; Cilium " + this.reading.target + " does not know it.");
		}
		int end = (endPort != null) ? endPort.intValue() : 0;
		boolean extended = protocol == Protocol.VRRP || protocol == Protocol.IGMP;
		if (port == null || port.isEmpty()) {
			if (extended) {
				return new PortProtocol("0", 0, protocol);
			}
			this.reading.error(child(path, "port"), (port == null) ? map.position() : at(map, "port"),
					"Port must be specified: a number from 0 to 65535 (\"0\" = every port) or a named container"
							+ " port.");
			return null;
		}
		if (!Character.isDigit(port.charAt(0)) && !Ports.CRD_PATTERN.matcher(port).find()) {
			this.reading.error(child(path, "port"), at(map, "port"), "The port " + quote(port)
					+ " is not a number from 0 to 65535 or a port name (letters, digits and single hyphens).");
			return null;
		}
		String canonical;
		if (Ports.isServiceName(port)) {
			canonical = port.toLowerCase(java.util.Locale.ROOT);
			if (end != 0) {
				this.reading.warning(child(path, "endPort"), at(map, "endPort"), "endPort " + end
						+ " is ignored for the named port " + quote(port) + ": ranges need numeric ports.");
				end = 0;
			}
		}
		else {
			OptionalInt number = Ports.parseNumber(port);
			if (number.isEmpty()) {
				this.reading.error(child(path, "port"), at(map, "port"), "Unable to parse port " + quote(port)
						+ ": use a number from 0 to 65535 or an IANA service name (at most 15 letters, digits and"
						+ " single inner hyphens, with at least one letter).");
				return null;
			}
			canonical = Integer.toString(number.getAsInt());
			if (extended && number.getAsInt() != 0) {
				this.reading.error(child(path, "port"), at(map, "port"), "Port must be empty or 0 for protocol "
						+ protocol + ", which has no ports; not " + quote(port) + ".");
				return null;
			}
			if (hasDns && end > number.getAsInt()) {
				this.reading.error(child(path, "endPort"), at(map, "endPort"),
						"DNS rules do not support port ranges: remove endPort.");
				return null;
			}
			if (end != 0 && end < number.getAsInt()) {
				this.reading.warning(child(path, "endPort"), at(map, "endPort"), "endPort " + end + " is below port "
						+ canonical + ": the range is empty, so only port " + canonical + " is matched.");
				end = 0;
			}
		}
		return new PortProtocol(canonical, end, protocol);
	}

	private List<String> serverNames(MapNode map, String path) {
		List<String> names = this.reading.strings(map, "serverNames", path);
		if (names == null) {
			return List.of();
		}
		if (names.isEmpty()) {
			this.reading.error(child(path, "serverNames"), map.keyPosition("serverNames"),
					"serverNames must have at least one item (omit it to match any server name).");
		}
		List<String> valid = new ArrayList<>();
		for (String name : names) {
			java.util.Optional<String> problem = this.reading.check("serverName", name,
					(v) -> problem(() -> ServerNamePattern.parse(v)));
			if (problem.isPresent()) {
				this.reading.error(child(path, "serverNames"), at(map, "serverNames"), problem.get());
			}
			else {
				valid.add(name);
			}
		}
		return valid;
	}

	private @Nullable Listener listener(MapNode map, String path, boolean ingress, boolean hasL7) {
		MapNode listener = this.reading.object(map, "listener", path);
		if (listener == null) {
			return null;
		}
		String listenerPath = child(path, "listener");
		this.reading.knownFields(listener, listenerPath, Set.of("envoyConfig", "name", "priority"));
		if (ingress) {
			this.reading.error(listenerPath, map.keyPosition("listener"), "Listener is not allowed on ingress.");
		}
		if (hasL7) {
			this.reading.error(listenerPath, map.keyPosition("listener"),
					"Listener is not allowed with L7 rules on the same port rule.");
		}
		String name = this.reading.string(listener, "name", listenerPath);
		if (name == null || name.isEmpty()) {
			this.reading.error(child(listenerPath, "name"), listener.position(), "listener needs a non-empty name.");
		}
		Long priority = this.reading.integer(listener, "priority", listenerPath, 1, 100);
		MapNode config = this.reading.object(listener, "envoyConfig", listenerPath);
		String configKind = null;
		String configName = null;
		if (config == null) {
			this.reading.error(child(listenerPath, "envoyConfig"), listener.position(),
					"listener needs envoyConfig with the name (and kind) of a CiliumEnvoyConfig.");
		}
		else {
			String configPath = child(listenerPath, "envoyConfig");
			this.reading.knownFields(config, configPath, Set.of("kind", "name"));
			configKind = this.reading.enumeration(config, "kind", configPath,
					List.of("CiliumEnvoyConfig", "CiliumClusterwideEnvoyConfig"));
			configName = this.reading.string(config, "name", configPath);
			if (configName == null || configName.isEmpty()) {
				this.reading.error(child(configPath, "name"), config.position(), "envoyConfig needs a non-empty name.");
			}
			if (configKind == null) {
				configKind = (this.kind == PolicyKind.CILIUM_NETWORK_POLICY) ? "CiliumEnvoyConfig"
						: "CiliumClusterwideEnvoyConfig";
			}
			else if (configKind.equals("CiliumEnvoyConfig") && this.kind != PolicyKind.CILIUM_NETWORK_POLICY) {
				this.reading.error(child(configPath, "kind"), at(config, "kind"), "A CiliumClusterwideNetworkPolicy"
						+ " cannot refer to a namespaced CiliumEnvoyConfig; use a CiliumClusterwideEnvoyConfig.");
			}
		}
		if (name == null || configName == null || configKind == null) {
			return null;
		}
		return new Listener(configKind, configName, name, (priority != null) ? priority.intValue() : 0);
	}

	private boolean tls(MapNode map, String key, String path) {
		MapNode tls = this.reading.object(map, key, path);
		if (tls == null) {
			return false;
		}
		String tlsPath = child(path, key);
		this.reading.knownFields(tls, tlsPath, Set.of("secret", "trustedCA", "certificate", "privateKey"));
		MapNode secret = this.reading.object(tls, "secret", tlsPath);
		if (secret == null) {
			this.reading.error(child(tlsPath, "secret"), tls.position(), key + " needs a secret {namespace, name}.");
		}
		else {
			String secretPath = child(tlsPath, "secret");
			this.reading.knownFields(secret, secretPath, Set.of("name", "namespace"));
			if (!present(secret, "name")) {
				this.reading.error(secretPath, secret.position(), "The secret needs a name.");
			}
			this.reading.string(secret, "name", secretPath);
			this.reading.string(secret, "namespace", secretPath);
		}
		this.reading.string(tls, "trustedCA", tlsPath);
		this.reading.string(tls, "certificate", tlsPath);
		this.reading.string(tls, "privateKey", tlsPath);
		return true;
	}

	// ---------------------------------------------------------------- L7

	private @Nullable L7Rules l7Rules(MapNode portRule, String path, boolean ingress) {
		MapNode rules = this.reading.object(portRule, "rules", path);
		if (rules == null) {
			return null;
		}
		String rulesPath = child(path, "rules");
		boolean legacy = this.reading.target.isBefore(V1_20);
		Set<String> known = legacy ? Set.of("http", "kafka", "dns", "l7proto", "l7") : Set.of("http", "dns");
		Map<String, String> fatal = new LinkedHashMap<>();
		if (!legacy) {
			String removed = "Kafka and generic L7 (l7proto/l7) rules were removed in Cilium 1.20 (with proxylib);"
					+ " the CRD prunes the field and the rules then match neither http nor dns.";
			fatal.put("kafka", removed);
			fatal.put("l7proto", removed);
			fatal.put("l7", removed);
		}
		this.reading.knownFields(rules, rulesPath, known, fatal, true);
		List<String> kinds = new ArrayList<>();
		for (String kindName : legacy ? List.of("http", "kafka", "dns", "l7proto") : List.of("http", "dns")) {
			if (present(rules, kindName)) {
				kinds.add(kindName);
			}
		}
		if (kinds.size() != 1 && fatal.keySet().stream().noneMatch(rules.entries()::containsKey)) {
			this.reading.error(rulesPath, portRule.keyPosition("rules"), (kinds.isEmpty())
					? "rules needs exactly one of " + String.join(", ", legacy ? List.of("http", "kafka", "dns",
							"l7proto") : List.of("http", "dns"))
							+ " (field names are case-sensitive); omit rules for a plain L4 rule."
					: "Multiple L7 protocol rule types specified in single rule: " + String.join(" and ", kinds)
							+ "; use one per port rule.");
		}
		List<HttpRule> http = httpRules(rules, rulesPath);
		List<KafkaRule> kafka = legacy ? kafkaRules(rules, rulesPath) : List.of();
		List<DnsRule> dns = dnsRules(rules, rulesPath);
		String l7proto = legacy ? this.reading.string(rules, "l7proto", rulesPath) : null;
		List<Map<String, String>> l7 = new ArrayList<>();
		if (legacy) {
			List<Node> l7Items = this.reading.array(rules, "l7", rulesPath);
			if (l7Items != null) {
				if (l7proto == null && !l7Items.isEmpty()) {
					this.reading.error(child(rulesPath, "l7"), rules.keyPosition("l7"),
							"'l7' may only be specified when a 'l7proto' is also specified.");
				}
				for (int i = 0; i < l7Items.size(); i++) {
					String itemPath = item(child(rulesPath, "l7"), i);
					MapNode entry = this.reading.object(l7Items.get(i), itemPath);
					if (entry == null) {
						continue;
					}
					Map<String, String> values = new LinkedHashMap<>();
					for (String key : entry.entries().keySet()) {
						String value = this.reading.string(entry, key, itemPath);
						if (value != null) {
							values.put(key, value);
						}
					}
					l7.add(values);
				}
			}
			if (l7proto != null || present(rules, "kafka")) {
				String feature = (l7proto != null) ? "Generic L7 rules (l7proto/l7)" : "Kafka rules";
				this.reading.warning(child(rulesPath, (l7proto != null) ? "l7proto" : "kafka"),
						rules.keyPosition((l7proto != null) ? "l7proto" : "kafka"), feature
								+ " are deprecated and were removed in Cilium 1.20 (proxylib removal); they are read"
								+ " for Cilium " + this.reading.target + " but must go before upgrading.");
			}
		}
		return new L7Rules(http, kafka, dns, l7proto, l7);
	}

	private List<HttpRule> httpRules(MapNode rules, String rulesPath) {
		List<Node> items = this.reading.array(rules, "http", rulesPath);
		if (items == null) {
			return List.of();
		}
		List<HttpRule> http = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(rulesPath, "http"), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			this.reading.knownFields(entry, itemPath, Set.of("path", "method", "host", "headers", "headerMatches"));
			String path = regex(entry, "path", itemPath);
			String method = regex(entry, "method", itemPath);
			String host = regex(entry, "host", itemPath);
			List<String> headers = this.reading.strings(entry, "headers", itemPath);
			if (headers != null) {
				for (String header : headers) {
					int space = header.indexOf(' ');
					String name = (space < 0) ? header : header.substring(0, space);
					if (space < 0 && name.indexOf(':') > 0 && name.indexOf(':') < name.length() - 1) {
						this.reading.warning(child(itemPath, "headers"), at(entry, "headers"), "The header "
								+ quote(header) + " has no space after ':', so it names a header called "
								+ quote(name) + " that never exists; write \"Name: value\".");
					}
				}
			}
			List<HeaderMatch> headerMatches = headerMatches(entry, itemPath);
			http.add(new HttpRule(path, method, host, (headers != null) ? headers : List.of(), headerMatches));
		}
		return http;
	}

	private @Nullable String regex(MapNode entry, String key, String itemPath) {
		String value = this.reading.string(entry, key, itemPath);
		if (value == null) {
			return null;
		}
		var error = this.reading.check("regex", value, HttpMatcher::regexError);
		if (error.isPresent()) {
			this.reading.error(child(itemPath, key), at(entry, key), "Invalid regular expression for " + key + ": "
					+ error.get());
			return null;
		}
		return value;
	}

	private List<HeaderMatch> headerMatches(MapNode entry, String itemPath) {
		List<Node> items = this.reading.array(entry, "headerMatches", itemPath);
		if (items == null) {
			return List.of();
		}
		List<HeaderMatch> matches = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String matchPath = item(child(itemPath, "headerMatches"), i);
			MapNode match = this.reading.object(items.get(i), matchPath);
			if (match == null) {
				continue;
			}
			this.reading.knownFields(match, matchPath, Set.of("name", "value", "secret", "mismatch"));
			String name = this.reading.string(match, "name", matchPath);
			if (name == null || name.isEmpty()) {
				this.reading.error(child(matchPath, "name"), match.position(), "A header match needs a non-empty name.");
				continue;
			}
			String value = this.reading.string(match, "value", matchPath);
			String mismatch = this.reading.enumeration(match, "mismatch", matchPath,
					List.of("LOG", "ADD", "DELETE", "REPLACE"));
			String secretNamespace = null;
			String secretName = null;
			MapNode secret = this.reading.object(match, "secret", matchPath);
			if (secret != null) {
				String secretPath = child(matchPath, "secret");
				this.reading.knownFields(secret, secretPath, Set.of("name", "namespace"));
				secretName = this.reading.string(secret, "name", secretPath);
				secretNamespace = this.reading.string(secret, "namespace", secretPath);
				if (secretName == null) {
					this.reading.error(secretPath, secret.position(), "The secret needs a name.");
				}
			}
			matches.add(new HeaderMatch(name, value, secretNamespace, secretName, mismatch));
		}
		return matches;
	}

	private List<KafkaRule> kafkaRules(MapNode rules, String rulesPath) {
		List<Node> items = this.reading.array(rules, "kafka", rulesPath);
		if (items == null) {
			return List.of();
		}
		List<KafkaRule> kafka = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(rulesPath, "kafka"), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			this.reading.knownFields(entry, itemPath, Set.of("role", "apiKey", "apiVersion", "clientID", "topic"));
			String role = this.reading.enumeration(entry, "role", itemPath, List.of("produce", "consume"));
			String apiKey = this.reading.string(entry, "apiKey", itemPath);
			String apiVersion = this.reading.string(entry, "apiVersion", itemPath);
			String clientId = this.reading.string(entry, "clientID", itemPath);
			String topic = this.reading.string(entry, "topic", itemPath);
			boolean valid = true;
			if (role != null && apiKey != null) {
				this.reading.error(itemPath, entry.position(), "cannot set both Role " + quote(role) + " and APIKey "
						+ quote(apiKey) + " together: a role stands for a set of API keys; keep one of them.");
				valid = false;
			}
			if (apiKey != null && KafkaMatcher.apiKey(apiKey).isEmpty()) {
				this.reading.error(child(itemPath, "apiKey"), at(entry, "apiKey"), "invalid Kafka APIKey :"
						+ quote(apiKey) + ": use a Kafka API name such as produce, fetch, offsets, metadata,"
						+ " createtopics, deletetopics.");
				valid = false;
			}
			if (apiVersion != null) {
				Long version = Reading.parseInt(apiVersion);
				if (version == null || version < 0 || version > 32767) {
					this.reading.error(child(itemPath, "apiVersion"), at(entry, "apiVersion"),
							"invalid Kafka APIVersion :" + quote(apiVersion) + ": use a number from 0 to 32767.");
					valid = false;
				}
			}
			if (topic != null && (topic.length() > 255 || !KAFKA_TOPIC.matches(topic))) {
				this.reading.error(child(itemPath, "topic"), at(entry, "topic"), "invalid Kafka Topic name "
						+ quote(topic) + ": at most 255 letters, digits, '.', '_' and '-'.");
				valid = false;
			}
			if (valid) {
				kafka.add(new KafkaRule(role, apiKey, apiVersion, clientId, topic));
			}
		}
		return kafka;
	}

	private List<DnsRule> dnsRules(MapNode rules, String rulesPath) {
		List<Node> items = this.reading.array(rules, "dns", rulesPath);
		if (items == null) {
			return List.of();
		}
		List<DnsRule> dns = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(rulesPath, "dns"), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			String[] names = dnsNames(entry, itemPath);
			if (names != null) {
				dns.add(new DnsRule(names[0], names[1]));
			}
		}
		return dns;
	}

	// ---------------------------------------------------------------- ICMP

	private @Nullable List<IcmpRule> icmps(MapNode map, String path) {
		List<Node> items = this.reading.array(map, "icmps", path);
		if (items == null) {
			return null;
		}
		List<IcmpRule> rules = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			String itemPath = item(child(path, "icmps"), i);
			MapNode entry = this.reading.object(items.get(i), itemPath);
			if (entry == null) {
				continue;
			}
			this.reading.knownFields(entry, itemPath, Set.of("fields"));
			List<Node> fieldItems = this.reading.array(entry, "fields", itemPath);
			List<IcmpField> fields = new ArrayList<>();
			if (fieldItems != null) {
				if (fieldItems.size() > MAX_ICMP_FIELDS) {
					this.reading.error(child(itemPath, "fields"), entry.keyPosition("fields"), "Too many ICMP fields: "
							+ fieldItems.size() + "; the max is " + MAX_ICMP_FIELDS + ".");
				}
				for (int j = 0; j < fieldItems.size(); j++) {
					IcmpField field = icmpField(fieldItems.get(j), item(child(itemPath, "fields"), j));
					if (field != null) {
						fields.add(field);
					}
				}
			}
			rules.add(new IcmpRule(fields));
		}
		return rules;
	}

	private @Nullable IcmpField icmpField(Node node, String path) {
		MapNode map = this.reading.object(node, path);
		if (map == null) {
			return null;
		}
		this.reading.knownFields(map, path, Set.of("family", "type"));
		String family = this.reading.enumeration(map, "family", path, List.of("IPv4", "IPv6"));
		if (present(map, "family") && family == null) {
			return null;
		}
		String effectiveFamily = (family != null) ? family : "IPv4";
		Node typeNode = field(map, "type");
		if (typeNode == null) {
			this.reading.error(path, map.position(), "An ICMP field needs a type: a number from 0 to 255 or a name"
					+ " such as EchoRequest.");
			return null;
		}
		if (!(typeNode instanceof ScalarNode scalar)
				|| (scalar.type() != ScalarType.INT && scalar.type() != ScalarType.STRING)) {
			this.reading.error(child(path, "type"), typeNode.position(), "The ICMP type must be a number from 0 to"
					+ " 255 or a name such as EchoRequest, not " + Reading.describe(typeNode) + ".");
			return null;
		}
		String type = scalar.value();
		if (IcmpTypes.resolve(effectiveFamily, type).isEmpty()) {
			this.reading.error(child(path, "type"), typeNode.position(), "The ICMP type " + quote(type)
					+ " is not valid for family " + effectiveFamily + ": use a number from 0 to 255 or an "
					+ effectiveFamily + " message name such as " + (effectiveFamily.equals("IPv4") ? "EchoRequest"
							: "EchoRequest, NeighborSolicitation")
					+ ".");
			return null;
		}
		return new IcmpField(effectiveFamily, type);
	}

	/** The message of the IllegalArgumentException {@code parse} throws, or empty. */
	private static java.util.Optional<String> problem(Runnable parse) {
		try {
			parse.run();
			return java.util.Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return java.util.Optional.of(String.valueOf(ex.getMessage()));
		}
	}

	/** The CRD's label value pattern {@code ^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$}. */
	static boolean isLabelValue(String value) {
		int length = value.length();
		if (length == 0) {
			return true;
		}
		if (!isAlphanumeric(value.charAt(0)) || !isAlphanumeric(value.charAt(length - 1))) {
			return false;
		}
		for (int i = 1; i < length - 1; i++) {
			char c = value.charAt(i);
			if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
				return false;
			}
		}
		return true;
	}

	private static boolean isAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	// ---------------------------------------------------------------- versions

	private void since(CiliumVersion introduced, String path, Position at, String feature) {
		if (this.reading.target.isBefore(introduced)) {
			this.reading.warning(path, at, feature + " is new in Cilium " + introduced + "; Cilium " + this.reading.target
					+ " does not know it (the API server prunes it there).");
		}
	}

}
