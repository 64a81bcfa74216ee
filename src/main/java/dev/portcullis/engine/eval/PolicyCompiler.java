package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

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
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule;
import dev.portcullis.engine.api.PortRule.DnsRule;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.eval.CompiledEntry.CidrPeer;
import dev.portcullis.engine.eval.CompiledEntry.EntityPeer;
import dev.portcullis.engine.eval.CompiledEntry.FlowPeer;
import dev.portcullis.engine.eval.CompiledEntry.FqdnPeer;
import dev.portcullis.engine.eval.CompiledEntry.IcmpEntry;
import dev.portcullis.engine.eval.CompiledEntry.LabelPeer;
import dev.portcullis.engine.eval.CompiledEntry.PortEntry;
import dev.portcullis.engine.eval.CompiledEntry.PortL7;
import dev.portcullis.engine.eval.CompiledEntry.SelectorPeer;
import dev.portcullis.engine.eval.CompiledEntry.ServicePeer;
import dev.portcullis.engine.eval.CompiledEntry.UnresolvablePeer;
import dev.portcullis.engine.match.Cidr;
import dev.portcullis.engine.match.DnsPattern;
import dev.portcullis.engine.match.Entity;
import dev.portcullis.engine.match.HttpMatcher;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.match.IcmpTypes;
import dev.portcullis.engine.match.Labels;
import dev.portcullis.engine.match.KafkaMatcher;
import dev.portcullis.engine.match.PortRange;
import dev.portcullis.engine.match.SelectorKey;
import dev.portcullis.engine.match.SelectorMatcher;
import dev.portcullis.engine.match.ServerNamePattern;
import org.jspecify.annotations.Nullable;

/**
 * Compiles policies into {@link CompiledRule}s the way Cilium imports them (pkg/k8s/apis/cilium.io/utils/utils.go
 * {@code ParseToCiliumRule}, {@code getEndpointSelector}; pkg/policy/api/rule_validation.go for default deny).
 * Every distinct (scoped) selector is compiled once.
 */
final class PolicyCompiler {

	private static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";

	private static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";

	private static final String CLUSTER_KEY = "io.cilium.k8s.policy.cluster";

	private final EngineOptions options;

	private final @Nullable InventoryIndex inventory;

	private final Map<LabelSelector, SelectorMatcher> selectors = new HashMap<>();

	private final Map<String, DnsPattern> dnsPatterns = new HashMap<>();

	private final Map<HttpRule, HttpMatcher> httpMatchers = new HashMap<>();

	PolicyCompiler(EngineOptions options) {
		this(options, null);
	}

	PolicyCompiler(EngineOptions options, @Nullable InventoryIndex inventory) {
		this.options = options;
		this.inventory = inventory;
	}

	static List<CompiledRule> compile(List<Policy> policies, EngineOptions options) {
		return compileAll(policies, options, null).rules();
	}

	/**
	 * Compiles the policies the agent imports under these settings; the rules of the ones it rejects (a
	 * {@code fromNodes}/{@code toNodes} peer without enable-node-selector-labels: pkg/policy/api/rule_validation.go
	 * returns {@code ErrFromToNodesRequiresNodeSelectorOption} from {@code Rule.Sanitize}, and one failing rule
	 * rejects the whole object) are compiled apart so that explanations can name them. With an inventory,
	 * {@code toServices} and {@code cidrGroupRef}/{@code cidrGroupSelector} are resolved against its services and
	 * CIDR groups as the agent resolves them.
	 */
	static Compilation compileAll(List<Policy> policies, EngineOptions options, @Nullable InventoryIndex inventory) {
		PolicyCompiler compiler = new PolicyCompiler(options, inventory);
		List<CompiledRule> rules = new ArrayList<>();
		List<Rejected> rejected = new ArrayList<>();
		for (int i = 0; i < policies.size(); i++) {
			Policy policy = policies.get(i);
			String rejection = compiler.agentRejection(policy);
			for (Rule rule : policy.rules()) {
				CompiledRule compiled = compiler.rule(policy, i, rule);
				if (compiled != null) {
					if (rejection == null) {
						rules.add(compiled);
					}
					else {
						rejected.add(new Rejected(compiled, rejection));
					}
				}
			}
		}
		return new Compilation(List.copyOf(rules), List.copyOf(rejected));
	}

	/** The rules the agent imports, and the rules of policies it rejects under the settings. */
	record Compilation(List<CompiledRule> rules, List<Rejected> rejected) {
	}

	/** A rule of a policy the agent rejects, and the agent's reason. */
	record Rejected(CompiledRule rule, String reason) {
	}

	/** Why the agent refuses the policy under these settings (validation that depends on agent flags), or null. */
	private @Nullable String agentRejection(Policy policy) {
		if (this.options.nodeSelectorLabels()) {
			return null;
		}
		for (Rule rule : policy.rules()) {
			for (List<PeerRule> items : Arrays.asList(rule.ingress(), rule.ingressDeny(), rule.egress(),
					rule.egressDeny())) {
				if (items == null) {
					continue;
				}
				for (PeerRule item : items) {
					if (item.nodes() != null && !item.nodes().isEmpty()) {
						return "the agent rejects it: " + item.path() + " uses "
								+ ((item.direction() == Direction.INGRESS) ? "fromNodes" : "toNodes")
								+ ", which needs enable-node-selector-labels (off), so none of its rules are enforced";
					}
				}
			}
		}
		return null;
	}

	private @Nullable CompiledRule rule(Policy policy, int order, Rule rule) {
		PolicyKind kind = policy.ref().kind();
		String namespace = kind.namespaced() ? namespaceOf(policy) : null;
		boolean nodeSelector = rule.endpointSelector() == null;
		LabelSelector subject = nodeSelector ? rule.nodeSelector() : rule.endpointSelector();
		if (subject == null) {
			return null;
		}
		if (namespace != null && !nodeSelector) {
			// ParseToCiliumRule: AddMatch replaces the matchLabels entry with the same extended key, however spelt.
			Map<String, String> labels = new LinkedHashMap<>(subject.matchLabels());
			labels.keySet().removeIf((k) -> {
				SelectorKey key = SelectorKey.parse(k);
				return key.source().equals("k8s") && key.key().equals(NAMESPACE_KEY);
			});
			labels.put("k8s:" + NAMESPACE_KEY, namespace);
			subject = new LabelSelector(labels, subject.matchExpressions());
		}
		boolean matchesInit = hasKey(subject, "reserved", "init");
		CompiledRule compiled = new CompiledRule(policy.ref(), order, rule.path(), matcher(subject), nodeSelector,
				defaultDeny(rule.ingress(), rule.ingressDeny(), rule.enableDefaultDenyIngress()),
				defaultDeny(rule.egress(), rule.egressDeny(), rule.enableDefaultDenyEgress()),
				nonDefaultDenyIgnored(rule.ingress(), rule.ingressDeny(), rule.enableDefaultDenyIngress()),
				nonDefaultDenyIgnored(rule.egress(), rule.egressDeny(), rule.enableDefaultDenyEgress()));
		entries(compiled, rule.ingress(), Direction.INGRESS, false, namespace, matchesInit, compiled.ingress);
		entries(compiled, rule.ingressDeny(), Direction.INGRESS, true, namespace, matchesInit, compiled.ingressDeny);
		entries(compiled, rule.egress(), Direction.EGRESS, false, namespace, matchesInit, compiled.egress);
		entries(compiled, rule.egressDeny(), Direction.EGRESS, true, namespace, matchesInit, compiled.egressDeny);
		return compiled;
	}

	private static String namespaceOf(Policy policy) {
		String namespace = policy.ref().namespace();
		return (namespace == null || namespace.isEmpty()) ? "default" : namespace;
	}

	/**
	 * Rule.Sanitize: a direction is default-deny when the rule has entries for it, unless
	 * {@code enableDefaultDeny.<direction>} is false (honoured only with enable-non-default-deny-policies).
	 */
	private boolean defaultDeny(@Nullable List<PeerRule> allow, @Nullable List<PeerRule> deny,
			@Nullable Boolean enable) {
		boolean entries = (allow != null && !allow.isEmpty()) || (deny != null && !deny.isEmpty());
		if (!entries) {
			return false;
		}
		return enable == null || enable || !this.options.nonDefaultDenyPolicies();
	}

	/** Whether {@code enableDefaultDeny.<direction>: false} is written for entries and the agent ignores it. */
	private boolean nonDefaultDenyIgnored(@Nullable List<PeerRule> allow, @Nullable List<PeerRule> deny,
			@Nullable Boolean enable) {
		return Boolean.FALSE.equals(enable) && !this.options.nonDefaultDenyPolicies()
				&& defaultDeny(allow, deny, enable);
	}

	private void entries(CompiledRule rule, @Nullable List<PeerRule> items, Direction direction, boolean deny,
			@Nullable String namespace, boolean matchesInit, List<CompiledEntry> into) {
		if (items == null) {
			return;
		}
		for (PeerRule item : items) {
			into.add(entry(rule, item, direction, deny, namespace, matchesInit));
			if (item.requires() != null) {
				for (LabelSelector required : item.requires()) {
					rule.requires(direction).add(matcher(scopePeer(required, namespace, matchesInit)));
				}
			}
		}
	}

	private CompiledEntry entry(CompiledRule rule, PeerRule item, Direction direction, boolean deny,
			@Nullable String namespace, boolean matchesInit) {
		String prefix = (direction == Direction.INGRESS) ? "from" : "to";
		List<LabelPeer> labelPeers = new ArrayList<>();
		List<FlowPeer> flowPeers = new ArrayList<>();
		if (item.endpoints() != null) {
			for (int i = 0; i < item.endpoints().size(); i++) {
				LabelSelector scoped = scopePeer(item.endpoints().get(i), namespace, matchesInit);
				labelPeers.add(new SelectorPeer(prefix + "Endpoints[" + i + "]", matcher(scoped), false));
			}
		}
		if (item.nodes() != null) {
			for (int i = 0; i < item.nodes().size(); i++) {
				labelPeers.add(new SelectorPeer(prefix + "Nodes[" + i + "]", matcher(item.nodes().get(i)), true));
			}
		}
		if (item.entities() != null) {
			for (int i = 0; i < item.entities().size(); i++) {
				Entity entity = Entity.parse(item.entities().get(i)).orElse(Entity.NONE);
				labelPeers.add(new EntityPeer(prefix + "Entities[" + i + "]", entity));
			}
		}
		if (item.cidr() != null) {
			for (int i = 0; i < item.cidr().size(); i++) {
				flowPeers.add(new CidrPeer(prefix + "CIDR[" + i + "]", Cidr.parse(item.cidr().get(i)), List.of()));
			}
		}
		if (item.cidrSet() != null) {
			for (int i = 0; i < item.cidrSet().size(); i++) {
				CidrRule set = item.cidrSet().get(i);
				String path = prefix + "CIDRSet[" + i + "]";
				if (set.cidr() != null) {
					flowPeers.add(new CidrPeer(path, Cidr.parse(set.cidr()),
							set.except().stream().map(Cidr::parse).toList()));
				}
				else if (this.inventory != null) {
					cidrGroups(path, set, flowPeers);
				}
				else {
					flowPeers.add(new UnresolvablePeer(path, path + " names CIDR groups ("
							+ ((set.cidrGroupRef() != null) ? "cidrGroupRef " + set.cidrGroupRef() : "cidrGroupSelector")
							+ "), and no inventory gives their CIDRs"));
				}
			}
		}
		if (item.groups() != null) {
			for (int i = 0; i < item.groups().size(); i++) {
				flowPeers.add(new UnresolvablePeer(prefix + "Groups[" + i + "]", prefix + "Groups[" + i
						+ "] selects cloud provider addresses, which the engine does not know"));
			}
		}
		if (item.fqdns() != null) {
			for (int i = 0; i < item.fqdns().size(); i++) {
				FqdnSelector fqdn = item.fqdns().get(i);
				flowPeers.add(new FqdnPeer("toFQDNs[" + i + "]", dnsPattern(fqdn.matchName(), fqdn.matchPattern())));
			}
		}
		if (item.services() != null) {
			for (int i = 0; i < item.services().size(); i++) {
				if (!deny) {
					services("toServices[" + i + "]", item.services().get(i), namespace, matchesInit, labelPeers,
							flowPeers);
				}
			}
		}
		boolean noPeerField = item.endpoints() == null && item.requires() == null && item.cidr() == null
				&& item.cidrSet() == null && item.entities() == null && item.nodes() == null && item.groups() == null
				&& item.services() == null && item.fqdns() == null;
		boolean hasPorts = item.toPorts() != null && !item.toPorts().isEmpty();
		boolean hasIcmps = item.icmps() != null && !item.icmps().isEmpty();
		boolean anyPeer = noPeerField && (hasPorts || hasIcmps);
		List<PortEntry> ports = new ArrayList<>();
		List<PortL7> portRules = new ArrayList<>();
		if (hasPorts) {
			for (int i = 0; i < item.toPorts().size(); i++) {
				PortRule portRule = item.toPorts().get(i);
				String path = "toPorts[" + i + "]";
				portRules.add(deny ? new PortL7(path, List.of(), List.of(), null, List.of(), null, List.of(), false)
						: l7(path, portRule));
				// A toPorts item without ports creates no port filter: it matches nothing (Cilium iterates the
				// listed ports); it still keeps the entry from being an L3-only rule.
				for (int j = 0; j < portRule.ports().size(); j++) {
					ports.add(port(path + ".ports[" + j + "]", i, portRule.ports().get(j)));
				}
			}
		}
		List<IcmpEntry> icmps = new ArrayList<>();
		if (hasIcmps) {
			for (int i = 0; i < item.icmps().size(); i++) {
				IcmpRule icmp = item.icmps().get(i);
				for (int j = 0; j < icmp.fields().size(); j++) {
					IcmpField field = icmp.fields().get(j);
					String family = (field.family() == null || field.family().isEmpty()) ? "IPv4" : field.family();
					OptionalInt type = IcmpTypes.resolve(family, field.type());
					if (type.isPresent()) {
						icmps.add(new IcmpEntry("icmps[" + i + "].fields[" + j + "]",
								family.equalsIgnoreCase("IPv6"), type.getAsInt()));
					}
				}
			}
		}
		return new CompiledEntry(rule, direction, deny, item.path(), anyPeer, !hasPorts && !hasIcmps, labelPeers,
				flowPeers, ports, icmps, portRules, deny ? CompiledEntry.AUTH_UNSET
						: CompiledEntry.authOf(item.authenticationMode()));
	}

	/**
	 * A {@code toServices} item. With an inventory, as pkg/policy/k8s/service.go (cilium/cilium v1.19)
	 * {@code processRule} translates it: every service it names ({@code serviceRefMatches}: the name, and the
	 * namespace unless omitted) or selects ({@code serviceSelectorMatches}: its labels, whatever their source) becomes,
	 * when the service has a selector, an endpoint selector of that selector plus
	 * {@code k8s:io.kubernetes.pod.namespace=<service namespace>} ({@code appendSelector}; scoped further like any
	 * peer, so to the local cluster), which also allows traffic sent straight to the pods; without a selector, its
	 * backend IPs ({@code appendEndpoints}), which the inventory lacks, so the flow's {@code destination_service}
	 * stands in. Without an inventory, the flow's {@code destination_service} stands in for every service.
	 * {@code toServices} of {@code egressDeny} selects nothing: {@code processRule} translates only
	 * {@code rule.Egress}.
	 */
	private void services(String path, ServiceSelector service, @Nullable String namespace, boolean matchesInit,
			List<LabelPeer> labelPeers, List<FlowPeer> flowPeers) {
		String serviceNamespace = (service.namespace() != null && !service.namespace().isEmpty()) ? service.namespace()
				: null;
		SelectorMatcher selector = (service.selector() != null) ? matcher(service.selector()) : null;
		if (this.inventory == null) {
			flowPeers.add(new ServicePeer(path, service.serviceName(), selector, serviceNamespace, path
					+ " needs the Service's selector, and no inventory gives it: matched the flow's destination_service",
					false));
			return;
		}
		for (Inventory.Service candidate : this.inventory.inventory.services()) {
			if (serviceNamespace != null && !serviceNamespace.equals(candidate.namespace())) {
				continue;
			}
			// processRule tries k8sServiceSelector first, k8sService only without it
			boolean matches = (selector != null)
					? selector.matches(Labels.of(candidate.labels().entrySet().stream()
						.map((e) -> "k8s:" + e.getKey() + "=" + e.getValue())
						.toList()))
					: service.serviceName() != null && service.serviceName().equals(candidate.name());
			if (!matches) {
				continue;
			}
			if (candidate.hasSelector()) {
				Map<String, String> labels = new LinkedHashMap<>(candidate.selector());
				labels.put("k8s:" + NAMESPACE_KEY, candidate.namespace());
				LabelSelector pods = scopePeer(new LabelSelector(labels, List.of()), namespace, matchesInit);
				labelPeers.add(new SelectorPeer(path, matcher(pods), false));
			}
			else {
				flowPeers.add(new ServicePeer(path, candidate.name(), null, candidate.namespace(), "Service "
						+ candidate.namespace() + "/" + candidate.name() + " has no selector: its backend IPs"
						+ " (EndpointSlices) are not in the inventory, and the flow names no destination_service", true));
			}
		}
	}

	/**
	 * A {@code cidrGroupRef} or {@code cidrGroupSelector} resolved against the inventory's CiliumCIDRGroups: each
	 * external CIDR of each named or selected group, with the item's excepts (pkg/policy/api/cidr.go
	 * {@code CIDRRuleSlice.GetAsEndpointSelectors}: the group's prefixes carry
	 * {@code cidrgroup:io.cilium.policy.cidrgroupname/<name>} and the group's labels; excepts are carved out). A
	 * group the inventory lacks contributes nothing, as an unknown group does in the agent
	 * (pkg/policy/k8s/cilium_cidr_group.go {@code applyCIDRGroup}).
	 */
	private void cidrGroups(String path, CidrRule set, List<FlowPeer> flowPeers) {
		List<Cidr> except = set.except().stream().map(Cidr::parse).toList();
		SelectorMatcher selector = (set.cidrGroupSelector() != null) ? matcher(set.cidrGroupSelector()) : null;
		for (Inventory.CidrGroup group : this.inventory.inventory.cidrGroups()) {
			boolean selected = (set.cidrGroupRef() != null) ? set.cidrGroupRef().equals(group.name())
					: selector != null && selector.matches(Labels.of(group.labels().entrySet().stream()
						.map((e) -> "cidrgroup:" + e.getKey() + "=" + e.getValue())
						.toList()));
			if (!selected) {
				continue;
			}
			for (String cidr : group.externalCidrs()) {
				flowPeers.add(new CidrPeer(path, Cidr.parse(cidr), except));
			}
		}
	}

	static PortEntry port(String path, int portRuleIndex, PortProtocol port) {
		Protocol protocol = port.protocol();
		boolean any = protocol == null || protocol == Protocol.ANY;
		boolean tcp = any || protocol == Protocol.TCP;
		boolean udp = any || protocol == Protocol.UDP;
		boolean sctp = any || protocol == Protocol.SCTP;
		Protocol other = (any || tcp || udp || sctp) ? null : protocol;
		String text = port.port().trim();
		String protocolName = any ? "ANY" : protocol.name();
		if (text.isEmpty() || text.chars().allMatch(Character::isDigit)) {
			PortRange range = PortRange.of(text.isEmpty() ? 0 : Integer.parseInt(text), port.endPort());
			String display = (range.isAll() ? "all ports" : range.toString()) + "/" + protocolName;
			return new PortEntry(path, display, portRuleIndex, range.from(), range.to(), null, tcp, udp, sctp, other);
		}
		// A named port keeps its endPort: the datapath key is the range from the resolved port to endPort
		// (pkg/policy/l4.go createL4Filter keeps EndPort for named ports; toMapState resolves the name, then
		// PortRangeToMaskedPorts(resolved, EndPort)).
		String name = text.toLowerCase(Locale.ROOT);
		String display = name + ((port.endPort() > 0) ? "-" + port.endPort() : "") + "/" + protocolName;
		return new PortEntry(path, display, portRuleIndex, 0, port.endPort(), name, tcp, udp, sctp, other);
	}

	private PortL7 l7(String path, PortRule portRule) {
		List<ServerNamePattern> serverNames = portRule.serverNames().stream().map(ServerNamePattern::parse).toList();
		L7Rules rules = portRule.rules();
		boolean listener = portRule.listener() != null;
		if (rules == null || rules.isEmpty()) {
			return new PortL7(path, List.of(), List.of(), null, List.of(), null, serverNames, listener);
		}
		List<HttpMatcher> http = rules.http().stream()
			.map((rule) -> this.httpMatchers.computeIfAbsent(rule, HttpMatcher::compile))
			.toList();
		KafkaMatcher kafka = rules.kafka().isEmpty() ? null : KafkaMatcher.compile(rules.kafka());
		List<DnsPattern> dns = new ArrayList<>();
		for (DnsRule rule : rules.dns()) {
			dns.add(dnsPattern(rule.matchName(), rule.matchPattern()));
		}
		return new PortL7(path, http, rules.kafka(), kafka, dns, rules.l7proto(), serverNames, listener);
	}

	private DnsPattern dnsPattern(@Nullable String matchName, @Nullable String matchPattern) {
		if (matchName != null) {
			return this.dnsPatterns.computeIfAbsent("name:" + matchName, (k) -> DnsPattern.matchName(matchName));
		}
		String pattern = (matchPattern != null) ? matchPattern : "";
		return this.dnsPatterns.computeIfAbsent("pattern:" + pattern, (k) -> DnsPattern.matchPattern(pattern));
	}

	/**
	 * getEndpointSelector: a selector with a reserved key ({@code reserved:x}, {@code reserved.x}, {@code $x}: keys
	 * are compared as {@link SelectorKey} reads them) is left alone; otherwise, unless it names the
	 * namespace, a namespaced policy adds its namespace (unless the selector uses namespace labels) and a
	 * cluster-wide one requires some namespace (unless the subject selects {@code reserved:init}); then, unless it
	 * names a cluster, the local cluster is added (policy-default-local-cluster).
	 */
	LabelSelector scopePeer(LabelSelector selector, @Nullable String namespace, boolean matchesInit) {
		if (anyKey(selector, SelectorKey::isReserved)) {
			return selector;
		}
		Map<String, String> labels = new LinkedHashMap<>(selector.matchLabels());
		List<Requirement> expressions = new ArrayList<>(selector.matchExpressions());
		if (!hasAnyOrK8sKey(selector, NAMESPACE_KEY)) {
			if (namespace == null) {
				if (!matchesInit) {
					expressions.add(new Requirement("k8s:" + NAMESPACE_KEY, Operator.EXISTS, List.of()));
				}
			}
			else if (!hasAnyOrK8sKeyPrefix(selector, NAMESPACE_LABELS_PREFIX)) {
				labels.put("k8s:" + NAMESPACE_KEY, namespace);
			}
		}
		if (this.options.policyDefaultLocalCluster() && !hasAnyOrK8sKey(selector, CLUSTER_KEY)) {
			labels.put("k8s:" + CLUSTER_KEY, this.options.clusterName());
		}
		return new LabelSelector(labels, expressions);
	}

	private SelectorMatcher matcher(LabelSelector selector) {
		return this.selectors.computeIfAbsent(selector, SelectorMatcher::compile);
	}

	/** Whether a key of the selector (matchLabels or matchExpressions), read as Cilium reads it, satisfies the test. */
	private static boolean anyKey(LabelSelector selector, Predicate<SelectorKey> test) {
		for (String key : selector.matchLabels().keySet()) {
			if (test.test(SelectorKey.parse(key))) {
				return true;
			}
		}
		for (Requirement requirement : selector.matchExpressions()) {
			if (test.test(SelectorKey.parse(requirement.key()))) {
				return true;
			}
		}
		return false;
	}

	/** Whether the selector has {@code source:key} exactly ({@code reserved:init}, however spelt). */
	private static boolean hasKey(LabelSelector selector, String source, String key) {
		return anyKey(selector, (k) -> k.source().equals(source) && k.key().equals(key));
	}

	/** Whether the selector has {@code key} with source {@code k8s} or {@code any}, however spelt. */
	private static boolean hasAnyOrK8sKey(LabelSelector selector, String key) {
		return anyKey(selector, (k) -> isAnyOrK8s(k) && k.key().equals(key));
	}

	private static boolean hasAnyOrK8sKeyPrefix(LabelSelector selector, String prefix) {
		return anyKey(selector, (k) -> isAnyOrK8s(k) && k.key().startsWith(prefix));
	}

	private static boolean isAnyOrK8s(SelectorKey key) {
		return key.isAnySource() || key.source().equals("k8s");
	}

}
