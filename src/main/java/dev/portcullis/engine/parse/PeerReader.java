package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PeerRule.CidrRule;
import dev.portcullis.engine.api.PeerRule.FqdnSelector;
import dev.portcullis.engine.api.PeerRule.IcmpRule;
import dev.portcullis.engine.api.PeerRule.ServiceSelector;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.DnsRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.Entity;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.CiliumVersion.V1_16;
import static dev.portcullis.engine.parse.CiliumVersion.V1_17;
import static dev.portcullis.engine.parse.CiliumVersion.V1_19;
import static dev.portcullis.engine.parse.Reading.WIDENED;
import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.item;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads and validates the peer rules of a Cilium rule ({@code ingress}, {@code ingressDeny}, {@code egress},
 * {@code egressDeny} items): their peers (endpoints, CIDRs, entities, nodes, groups, services, FQDNs), with
 * ports and ICMP read by {@link PortReader}. Stateless apart from the shared {@link Reading}: whether the rule is
 * a host policy comes with each call.
 */
final class PeerReader {

	private static final Pattern CIDR_GROUP_REF = Pattern
		.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

	private static final List<String> ENTITIES_IN_CRD = List.of("all", "world", "cluster", "host", "init", "ingress",
			"unmanaged", "remote-node", "health", "none", "kube-apiserver");

	private static final Map<String, String> WIDENING_IN_EGRESS_DENY = Map.of("toFQDNs",
			"egressDeny does not support toFQDNs." + WIDENED + "the rule DENIES EVERY DESTINATION (on its ports, if"
					+ " any). Deny by toCIDRSet, or allow only what is needed.");

	private final Reading reading;

	private final SelectorReader selectors;

	private final PortReader ports;

	private final L7Reader l7;

	PeerReader(Reading reading, PolicyKind kind) {
		this.reading = reading;
		this.selectors = new SelectorReader(reading);
		this.ports = new PortReader(reading, kind);
		this.l7 = new L7Reader(reading);
	}

	/**
	 * The items of the peer rule list {@code key} of a rule, invalid ones left out; null when absent.
	 * @param hostPolicy whether the rule selects nodes (nodeSelector), which limits the L7 rules it may carry
	 */
	@Nullable List<PeerRule> peerRules(MapNode spec, String key, String rulePath, Direction direction, boolean deny,
			boolean hostPolicy) {
		return this.reading.objects(spec, key, rulePath,
				(map, path) -> peerRule(map, path, direction, deny, hostPolicy));
	}

	private PeerRule peerRule(MapNode map, String path, Direction direction, boolean deny, boolean hostPolicy) {
		boolean ingress = direction == Direction.INGRESS;
		String prefix = ingress ? "from" : "to";
		List<String> peerFields = ingress
				? List.of("fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "fromNodes", "fromGroups")
				: new ArrayList<>(List.of("toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toServices", "toFQDNs",
						"toGroups", "toNodes"));
		if (!ingress && deny) {
			peerFields.remove("toFQDNs");
		}
		Set<String> known = new HashSet<>(peerFields);
		known.add(prefix + "Requires");
		known.add("toPorts");
		known.add("icmps");
		if (!deny) {
			known.add("authentication");
		}
		this.reading.knownFields(map, path, known, (!ingress && deny) ? WIDENING_IN_EGRESS_DENY : Map.of(), false);

		List<LabelSelector> endpoints = this.selectors.selectors(map, prefix + "Endpoints", path);
		List<LabelSelector> requires = requires(map, prefix + "Requires", path);
		List<String> cidr = cidrs(map, prefix + "CIDR", path);
		List<CidrRule> cidrSet = cidrSet(map, prefix + "CIDRSet", path);
		List<String> entities = entities(map, prefix + "Entities", path);
		List<LabelSelector> nodes = this.selectors.selectors(map, prefix + "Nodes", path);
		if (nodes != null && !nodes.isEmpty()) {
			this.reading.since(V1_16, child(path, prefix + "Nodes"), map.keyPosition(prefix + "Nodes"),
					prefix + "Nodes");
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

		List<PortRule> toPorts = this.ports.toPorts(map, path, ingress, deny);
		List<IcmpRule> icmps = this.ports.icmps(map, path);
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
		if (hostPolicy && toPorts != null) {
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
		return this.selectors.selectors(map, key, path);
	}

	/** Checks one value of a list of strings, reporting it at its path and position when it is not accepted. */
	@FunctionalInterface
	private interface ValueCheck {

		boolean accepts(String value, String path, Position at);

	}

	/** The strings of list field {@code key} that {@code check} accepts; null when absent. */
	private @Nullable List<String> accepted(MapNode map, String key, String path, ValueCheck check) {
		List<String> values = this.reading.strings(map, key, path);
		if (values == null) {
			return null;
		}
		List<String> valid = new ArrayList<>();
		List<Node> nodes = ((Node.ListNode) map.get(key)).items();
		for (int i = 0; i < values.size(); i++) {
			String value = values.get(i);
			Position position = (i < nodes.size()) ? nodes.get(i).position() : map.keyPosition(key);
			if (check.accepts(value, item(child(path, key), i), position)) {
				valid.add(value);
			}
		}
		return valid;
	}

	private @Nullable List<String> cidrs(MapNode map, String key, String path) {
		return accepted(map, key, path, (value, at, position) -> {
			try {
				Cidr.parse(value);
				return true;
			}
			catch (IllegalArgumentException ex) {
				this.reading.error(at, position, "Unable to parse CIDR: " + ex.getMessage() + ".");
				return false;
			}
		});
	}

	private @Nullable List<String> entities(MapNode map, String key, String path) {
		return accepted(map, key, path, (value, at, position) -> {
			if (ENTITIES_IN_CRD.contains(value)) {
				return true;
			}
			boolean agentKnows = Entity.parse(value).isPresent();
			this.reading.error(at, position, "Unsupported entity " + quote(value)
					+ ((agentKnows) ? " (the agent knows it but the CRD does not admit it)" : "")
					+ ": supported values are " + String.join(", ", ENTITIES_IN_CRD) + ".");
			return false;
		});
	}

	private @Nullable List<CidrRule> cidrSet(MapNode map, String key, String path) {
		return this.reading.objects(map, key, path, (entry, itemPath) -> cidrRule(entry, itemPath, key));
	}

	private CidrRule cidrRule(MapNode entry, String itemPath, String key) {
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
		List<String> except = except(entry, itemPath, cidrText, cidr);
		String groupRef = this.reading.string(entry, "cidrGroupRef", itemPath);
		if (groupRef != null && (groupRef.length() > 253 || !CIDR_GROUP_REF.matches(groupRef))) {
			this.reading.error(child(itemPath, "cidrGroupRef"), at(entry, "cidrGroupRef"), "cidrGroupRef "
					+ quote(groupRef) + " is not a valid CiliumCIDRGroup name (lower-case DNS subdomain, at most"
					+ " 253 characters).");
		}
		LabelSelector groupSelector = this.selectors.selector(entry, "cidrGroupSelector", itemPath);
		return new CidrRule(cidrText, except, groupRef, groupSelector);
	}

	/** The valid {@code except} prefixes of a CIDR rule item whose cidr is {@code cidr} (null when invalid). */
	private List<String> except(MapNode entry, String itemPath, @Nullable String cidrText, @Nullable Cidr cidr) {
		List<String> except = this.reading.strings(entry, "except", itemPath);
		List<String> valid = new ArrayList<>();
		if (except == null) {
			return valid;
		}
		for (String text : except) {
			try {
				Cidr prefix = Cidr.parse(text);
				if (cidr != null && !cidr.contains(prefix)) {
					this.reading.error(child(itemPath, "except"), at(entry, "except"), "Allow CIDR prefix "
							+ cidrText + " does not contain exclude CIDR prefix " + text
							+ ": an except must lie inside its cidr (same address family).");
				}
				else {
					valid.add(text);
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
		return valid;
	}

	private @Nullable List<String> groups(MapNode map, String key, String path) {
		return this.reading.objects(map, key, path, this::group);
	}

	/** A {@code fromGroups}/{@code toGroups} item as text ({@code aws: region=… …}); null without aws. */
	private @Nullable String group(MapNode group, String itemPath) {
		this.reading.knownFields(group, itemPath, Set.of("aws"));
		MapNode aws = this.reading.object(group, "aws", itemPath);
		if (aws == null) {
			return null;
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
			text.append(" labels=").append(new TreeMap<>(labels));
		}
		return text.toString();
	}

	private @Nullable List<ServiceSelector> services(MapNode map, String path) {
		List<List<ServiceSelector>> items = this.reading.objects(map, "toServices", path, this::service);
		return (items != null) ? items.stream().flatMap(List::stream).toList() : null;
	}

	/** The selectors of a toServices item: by name, by selector, or both. */
	private List<ServiceSelector> service(MapNode service, String itemPath) {
		List<ServiceSelector> services = new ArrayList<>();
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
			LabelSelector selector = this.selectors.selector(bySelector, "selector", selectorPath);
			services.add(new ServiceSelector(null, selector, this.reading.string(bySelector, "namespace",
					selectorPath)));
		}
		return services;
	}

	private @Nullable List<FqdnSelector> fqdns(MapNode map, String path) {
		return this.reading.objects(map, "toFQDNs", path, (entry, itemPath) -> {
			DnsRule names = this.l7.dnsRule(entry, itemPath);
			return (names != null) ? new FqdnSelector(names.matchName(), names.matchPattern()) : null;
		});
	}

}
