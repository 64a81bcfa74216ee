package dev.portcullis.engine.describe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.portcullis.engine.api.LabelSelector;
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
import dev.portcullis.engine.api.PortRule.KafkaRule;
import dev.portcullis.engine.api.PortRule.L7Rules;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How the parts of a policy read in words: subjects, peers, ports and L7 rules. Shared by
 * {@link PolicyDescription} (sentences) and {@link PolicyGraph} (node and edge labels), so that the summary and the
 * graph say the same thing. Namespace scoping follows Cilium's (pkg/k8s/apis/cilium.io/utils/utils.go
 * {@code getEndpointSelector}): a CNP's peer selector without a namespace key means the policy's namespace, a
 * CCNP's means any namespace.
 */
final class Words {

	static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";

	static final String NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";

	/** A gRPC call as Cilium's gRPC guide writes it: POST on {@code /package.Service/Method}. */
	private static final Pattern GRPC_PATH = Pattern.compile("^/([A-Za-z_][A-Za-z0-9_.]*)/([A-Za-z_][A-Za-z0-9_]*)$");

	private Words() {
	}

	// ---------------------------------------------------------------- subjects

	/**
	 * "Pods app=web in default", "All pods in default", "Pods app=web in every namespace", "All endpoints in the
	 * cluster", "Nodes role=worker (host firewall)": plural, so that a verb follows.
	 */
	static String subject(Policy policy, Rule rule) {
		if (rule.nodeSelector() != null) {
			LabelSelector nodes = rule.nodeSelector();
			return nodes.isEmpty() ? "Every node (host firewall)" : "Nodes " + labels(nodes) + " (host firewall)";
		}
		LabelSelector selector = (rule.endpointSelector() != null) ? rule.endpointSelector() : LabelSelector.EMPTY;
		Scoped scoped = Scoped.of(selector);
		String where;
		if (policy.ref().kind().namespaced()) {
			where = "in " + policy.ref().namespace();
		}
		else if (scoped.namespace() != null) {
			where = scoped.namespace();
		}
		else if (scoped.namespaceLabels() != null) {
			where = "in namespaces " + scoped.namespaceLabels();
		}
		else {
			where = (scoped.labels().isEmpty()) ? "in the cluster" : "in every namespace";
		}
		if (scoped.labels().isEmpty()) {
			return (policy.ref().kind() == PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY && scoped.namespace() == null
					&& scoped.namespaceLabels() == null) ? "All endpoints in the cluster" : "All pods " + where;
		}
		return "Pods " + scoped.labels() + " " + where;
	}

	// ---------------------------------------------------------------- peers

	/**
	 * The peers of one rule item, each in words ("env=prod pods", "the world", "10.0.0.0/8 except 10.1.0.0/16",
	 * "names matching *.cilium.io"); ["any peer"] for an item without peer fields but with ports (Cilium's
	 * wildcard), [] for an item that selects nothing.
	 */
	static List<String> peers(Policy policy, PeerRule item) {
		return peers(policy, item, false);
	}

	/**
	 * The peers in words; with {@code namespaced}, pods of the policy's own namespace say so ("env=prod pods in
	 * default"), as a graph of several namespaces must to tell them apart.
	 */
	static List<String> peers(Policy policy, PeerRule item, boolean namespaced) {
		List<String> out = new ArrayList<>();
		if (item.endpoints() != null) {
			for (LabelSelector selector : item.endpoints()) {
				out.add(pods(policy, selector, namespaced));
			}
		}
		if (item.entities() != null) {
			for (String entity : item.entities()) {
				out.add(entity(entity));
			}
		}
		if (item.cidr() != null) {
			out.addAll(item.cidr());
		}
		if (item.cidrSet() != null) {
			for (CidrRule set : item.cidrSet()) {
				out.add(cidrSet(set));
			}
		}
		if (item.nodes() != null) {
			for (LabelSelector selector : item.nodes()) {
				out.add(selector.isEmpty() ? "every other node" : "nodes " + labels(selector));
			}
		}
		if (item.services() != null) {
			for (ServiceSelector service : item.services()) {
				out.add(service(policy, service));
			}
		}
		if (item.fqdns() != null) {
			for (FqdnSelector fqdn : item.fqdns()) {
				out.add((fqdn.matchName() != null) ? fqdn.matchName() : "names matching " + fqdn.matchPattern());
			}
		}
		if (item.groups() != null) {
			for (int i = 0; i < item.groups().size(); i++) {
				out.add("an AWS security group");
			}
		}
		if (item.requires() != null && !item.requires().isEmpty() && out.isEmpty()) {
			out.add("peers that also carry " + String.join(" or ", item.requires().stream().map(Words::labels).toList()));
		}
		if (!hasPeerField(item) && (hasPorts(item) || (item.icmps() != null && !item.icmps().isEmpty()))) {
			out.add("any peer");
		}
		return out;
	}

	static boolean hasPeerField(PeerRule item) {
		return item.endpoints() != null || item.requires() != null || item.cidr() != null || item.cidrSet() != null
				|| item.entities() != null || item.nodes() != null || item.groups() != null || item.services() != null
				|| item.fqdns() != null;
	}

	static boolean hasPorts(PeerRule item) {
		return item.toPorts() != null && !item.toPorts().isEmpty();
	}

	/** An item with no peer field and no ports ({@code - {}}): it selects nothing but makes the direction default-deny. */
	static boolean isEmptyItem(PeerRule item) {
		return !hasPeerField(item) && !hasPorts(item) && (item.icmps() == null || item.icmps().isEmpty());
	}

	static String pods(Policy policy, LabelSelector selector, boolean namespaced) {
		Scoped scoped = Scoped.of(selector);
		if (scoped.reserved() != null) {
			return scoped.reserved();
		}
		String where;
		boolean ownNamespace = policy.ref().namespace() != null
				&& ("in " + policy.ref().namespace()).equals(scoped.namespace());
		if (scoped.namespace() != null && !ownNamespace) {
			where = " " + scoped.namespace();
		}
		else if (scoped.namespaceLabels() != null) {
			where = " in namespaces " + scoped.namespaceLabels();
		}
		else if (policy.ref().kind().namespaced() || ownNamespace) {
			// the policy's own namespace, written or implicit (a NetworkPolicy's pod selector names it)
			where = "";
		}
		else {
			where = " in any namespace";
		}
		String who = scoped.labels().isEmpty() ? "all pods" : scoped.labels() + " pods";
		if (where.isEmpty() && (scoped.labels().isEmpty() || namespaced)) {
			return who + " in " + policy.ref().namespace();
		}
		return who + where;
	}

	static String entity(String entity) {
		return switch (entity) {
			case "all" -> "every endpoint and the world (all)";
			case "world", "world-ipv4", "world-ipv6" -> "the world (outside the cluster" + (entity.equals("world") ? ")"
					: ", " + entity.substring(6) + ")");
			case "cluster" -> "the whole cluster";
			case "host" -> "the local host";
			case "remote-node" -> "other nodes";
			case "kube-apiserver" -> "the kube-apiserver";
			case "health" -> "Cilium health endpoints";
			case "init" -> "endpoints without an identity yet (init)";
			case "ingress" -> "the Cilium ingress proxy";
			case "unmanaged" -> "endpoints Cilium does not manage";
			case "none" -> "nothing (none)";
			default -> "entity " + entity;
		};
	}

	static String cidrSet(CidrRule set) {
		if (set.cidr() != null) {
			return set.cidr() + (set.except().isEmpty() ? "" : " except " + String.join(", ", set.except()));
		}
		if (set.cidrGroupRef() != null) {
			return "CIDR group " + set.cidrGroupRef();
		}
		return "CIDR groups " + labels((set.cidrGroupSelector() != null) ? set.cidrGroupSelector() : LabelSelector.EMPTY);
	}

	static String service(Policy policy, ServiceSelector service) {
		String namespace = (service.namespace() != null && !service.namespace().isEmpty()) ? service.namespace()
				: policy.ref().namespace();
		String prefix = (namespace != null) ? namespace + "/" : "";
		if (service.serviceName() != null) {
			return "service " + prefix + service.serviceName();
		}
		return "services " + labels((service.selector() != null) ? service.selector() : LabelSelector.EMPTY)
				+ ((namespace != null) ? " in " + namespace : "");
	}

	// ---------------------------------------------------------------- labels

	/** "app=web, tier in (a, b), team=*, no debug label"; "any labels" for an empty selector. */
	static String labels(LabelSelector selector) {
		List<String> parts = new ArrayList<>();
		new TreeMap<>(selector.matchLabels()).forEach((key, value) -> parts.add(key(key) + "=" + value));
		for (Requirement requirement : selector.matchExpressions()) {
			parts.add(requirement(requirement));
		}
		return parts.isEmpty() ? "any labels" : String.join(", ", parts);
	}

	static String requirement(Requirement requirement) {
		String key = key(requirement.key());
		return switch (requirement.operator()) {
			case IN -> (requirement.values().size() == 1) ? key + "=" + requirement.values().get(0)
					: key + " in (" + String.join(", ", requirement.values()) + ")";
			case NOT_IN -> (requirement.values().size() == 1) ? key + "!=" + requirement.values().get(0)
					: key + " not in (" + String.join(", ", requirement.values()) + ")";
			case EXISTS -> key + "=*";
			case DOES_NOT_EXIST -> "no " + key + " label";
		};
	}

	/** A selector key without the {@code k8s:} / {@code any:} source, which readers do not need. */
	static String key(String key) {
		if (key.startsWith("k8s:") || key.startsWith("any:")) {
			return key.substring(4);
		}
		return key;
	}

	/**
	 * A selector split into what readers think of separately: the namespace it names, the namespace labels it
	 * requires, a reserved identity, and the remaining pod labels.
	 */
	record Scoped(String labels, @Nullable String namespace, @Nullable String namespaceLabels,
			@Nullable String reserved) {

		static Scoped of(LabelSelector selector) {
			List<String> pod = new ArrayList<>();
			List<String> nsLabels = new ArrayList<>();
			String namespace = null;
			String reserved = null;
			for (Map.Entry<String, String> entry : new TreeMap<>(selector.matchLabels()).entrySet()) {
				String key = key(entry.getKey());
				if (key.equals(NAMESPACE_KEY)) {
					namespace = "in " + entry.getValue();
				}
				else if (key.startsWith(NAMESPACE_LABEL_PREFIX)) {
					nsLabels.add(key.substring(NAMESPACE_LABEL_PREFIX.length()) + "=" + entry.getValue());
				}
				else if (key.startsWith("reserved:") || key.startsWith("reserved.")) {
					reserved = entity(key.substring(9));
				}
				else {
					pod.add(key + "=" + entry.getValue());
				}
			}
			for (Requirement requirement : selector.matchExpressions()) {
				String key = key(requirement.key());
				if (key.equals(NAMESPACE_KEY)) {
					namespace = switch (requirement.operator()) {
						case EXISTS -> "in any namespace";
						case IN -> "in " + String.join(" or ", requirement.values());
						case NOT_IN -> "in any namespace but " + String.join(" or ", requirement.values());
						case DOES_NOT_EXIST -> "outside every namespace";
					};
				}
				else if (key.startsWith(NAMESPACE_LABEL_PREFIX)) {
					nsLabels.add(requirement(new Requirement(key.substring(NAMESPACE_LABEL_PREFIX.length()),
							requirement.operator(), requirement.values())));
				}
				else {
					pod.add(requirement(requirement));
				}
			}
			return new Scoped(String.join(", ", pod), namespace, nsLabels.isEmpty() ? null : String.join(", ", nsLabels),
					reserved);
		}

	}

	// ---------------------------------------------------------------- ports and L7

	/** "TCP 80", "TCP 8000-8080", "UDP port dns", "all TCP ports", "port 53 (TCP, UDP, SCTP)"; joined with "and". */
	static String ports(PortRule rule) {
		List<String> out = new ArrayList<>();
		for (PortProtocol port : rule.ports()) {
			out.add(port(port));
		}
		return out.isEmpty() ? "no port" : join(out);
	}

	static String port(PortProtocol port) {
		boolean any = port.protocol() == Protocol.ANY;
		String protocol = any ? "" : port.protocol().name() + " ";
		String number = port.port();
		if (number.isEmpty() || number.equals("0")) {
			return any ? "every port" : "all " + port.protocol().name() + " ports";
		}
		boolean named = !number.chars().allMatch(Character::isDigit);
		String value = (named ? "port " : "") + number + ((port.endPort() > 0 && !named
				&& port.endPort() > Integer.parseInt(number)) ? "-" + port.endPort() : "");
		return any ? ((named ? "" : "port ") + value + " (TCP, UDP, SCTP)") : protocol + value;
	}

	static String icmps(List<IcmpRule> icmps) {
		List<String> out = new ArrayList<>();
		for (IcmpRule rule : icmps) {
			for (IcmpField field : rule.fields()) {
				String family = "IPv6".equalsIgnoreCase(field.family()) ? "ICMPv6 " : "ICMP ";
				out.add(family + field.type());
			}
		}
		return join(out);
	}

	/** What the L7 rules allow, or null when there are none: "GET /public", "produce to topic t". */
	static @Nullable String l7(@Nullable L7Rules rules) {
		if (rules == null || rules.isEmpty()) {
			return null;
		}
		List<String> out = new ArrayList<>();
		for (HttpRule http : rules.http()) {
			out.add(http(http));
		}
		for (KafkaRule kafka : rules.kafka()) {
			out.add(kafka(kafka));
		}
		for (DnsRule dns : rules.dns()) {
			out.add((dns.matchName() != null) ? dns.matchName() : dns.matchPattern());
		}
		if (!rules.dns().isEmpty()) {
			return "DNS lookups of " + orJoin(out);
		}
		if (rules.l7proto() != null) {
			List<String> generic = new ArrayList<>();
			for (Map<String, String> entry : rules.l7()) {
				generic.add(new TreeMap<>(entry).toString());
			}
			return rules.l7proto() + " requests" + (generic.isEmpty() ? "" : " matching " + orJoin(generic));
		}
		return orJoin(out);
	}

	static String http(HttpRule http) {
		if ("POST".equals(http.method()) && http.path() != null && http.host() == null && http.headers().isEmpty()
				&& http.headerMatches().isEmpty()) {
			var grpc = GRPC_PATH.matcher(http.path());
			if (grpc.matches()) {
				return "gRPC " + grpc.group(1) + "/" + grpc.group(2);
			}
		}
		StringBuilder text = new StringBuilder();
		text.append((http.method() != null) ? http.method() : "any method");
		text.append(' ').append((http.path() != null) ? http.path() : "any path");
		if (http.host() != null) {
			text.append(" on host ").append(http.host());
		}
		for (String header : http.headers()) {
			text.append(" with header ").append(header);
		}
		for (PortRule.HeaderMatch match : http.headerMatches()) {
			text.append(" with header ").append(match.name());
			if (match.value() != null) {
				text.append(": ").append(match.value());
			}
			else if (match.secretName() != null) {
				text.append(" from secret ").append(match.secretNamespace()).append('/').append(match.secretName());
			}
			if (match.mismatch() != null) {
				text.append(" (on mismatch ").append(match.mismatch()).append(')');
			}
		}
		if (http.method() == null && http.path() == null && http.host() == null && http.headers().isEmpty()
				&& http.headerMatches().isEmpty()) {
			return "any HTTP request";
		}
		return text.toString();
	}

	static String kafka(KafkaRule kafka) {
		StringBuilder text = new StringBuilder();
		if (kafka.role() != null) {
			text.append(kafka.role());
		}
		else if (kafka.apiKey() != null) {
			text.append("Kafka ").append(kafka.apiKey());
		}
		else {
			text.append("any Kafka request");
		}
		if (kafka.topic() != null) {
			text.append(kafka.role() != null && kafka.role().equalsIgnoreCase("produce") ? " to" : " on")
				.append(" topic ").append(kafka.topic());
		}
		if (kafka.clientID() != null) {
			text.append(" by client ").append(kafka.clientID());
		}
		if (kafka.apiVersion() != null) {
			text.append(" (API version ").append(kafka.apiVersion()).append(')');
		}
		return text.toString();
	}

	static String join(List<String> parts) {
		return joinWith(parts, " and ");
	}

	static String orJoin(List<String> parts) {
		return joinWith(parts, " or ");
	}

	private static String joinWith(List<String> parts, String last) {
		if (parts.isEmpty()) {
			return "";
		}
		if (parts.size() == 1) {
			return parts.get(0);
		}
		return String.join(", ", parts.subList(0, parts.size() - 1)) + last + parts.get(parts.size() - 1);
	}

}
