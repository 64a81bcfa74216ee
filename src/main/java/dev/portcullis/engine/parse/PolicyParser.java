package dev.portcullis.engine.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PolicyRef;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Node;
import dev.portcullis.engine.doc.Node.ListNode;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.engine.doc.Node.ScalarNode;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.match.SelectorKey;
import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

import static dev.portcullis.engine.parse.Reading.at;
import static dev.portcullis.engine.parse.Reading.child;
import static dev.portcullis.engine.parse.Reading.field;
import static dev.portcullis.engine.parse.Reading.item;
import static dev.portcullis.engine.parse.Reading.present;
import static dev.portcullis.engine.parse.Reading.quote;

/**
 * Reads CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and NetworkPolicy documents (and {@code kind: List}
 * documents holding them) and validates them as the CRD schema and Cilium's agent do, reporting every problem
 * at once with its document, path, line and column.
 * <h2>Input</h2>
 * <ul>
 * <li>One tree per document; null (empty) documents are skipped. {@code kind: List} (and typed lists such as
 * {@code CiliumNetworkPolicyList}) are expanded; their items' paths start with {@code items[i]} and their
 * violations carry the list document's index.</li>
 * <li>Cluster-set fields ({@code status}, {@code metadata.uid}, {@code resourceVersion}, {@code managedFields},
 * annotations such as {@code kubectl.kubernetes.io/last-applied-configuration}) are accepted and ignored.</li>
 * <li>Fields the schema does not know are pruned from the model with a WARNING (the API server prunes them;
 * kubectl's strict validation rejects them). Fields whose pruning widens a deny ({@code rules}, {@code serverNames},
 * {@code listener}, TLS fields under {@code ingressDeny}/{@code egressDeny} {@code toPorts}; {@code toFQDNs} under
 * {@code egressDeny}) draw a loud WARNING saying what the pruned rule denies, and the model holds the pruned rule
 * (what the cluster enforces when a client without strict validation applies it). With target 1.20 or later,
 * {@code rules.kafka}, {@code rules.l7proto} and {@code rules.l7} are ERRORs (the CRD no longer has them).</li>
 * <li>A {@code null} field is absent (the API server prunes nulls): {@code egress:} with no value is no egress.</li>
 * <li>A JSON array at the top level (the agent-side rule list format of {@code cilium policy import}) is an
 * ERROR: "not a Kubernetes object".</li>
 * <li>An object with any ERROR is left out of {@link ParseResult#policies()} whole, as Cilium rejects it whole.</li>
 * </ul>
 * <h2>What is emitted</h2>
 * <ul>
 * <li><b>CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy</b>: one {@link Rule} for {@code spec} (first,
 * path {@code spec}), then one per {@code specs} item (path {@code specs[i]}). Selectors, CIDRs, entities are kept
 * as written: the evaluator adds the implicit namespace and cluster scoping (from {@link PolicyRef#kind()} and
 * {@link PolicyRef#namespace()}). Numeric ports are canonical decimal strings (Go's base-0 parsing:
 * {@code "010"} is {@code "8"}); named ports are lower-cased; an omitted protocol is {@code ANY}. A CNP without
 * {@code metadata.namespace} is placed in {@code default} (what kubectl does in the default context) with a
 * WARNING. {@code listener.envoyConfig.kind} defaults to CiliumEnvoyConfig in a CNP and
 * CiliumClusterwideEnvoyConfig in a CCNP.</li>
 * <li><b>NetworkPolicy</b> (pkg/k8s/network_policy.go): one {@link Rule} at path {@code spec} whose
 * {@code endpointSelector} is {@code podSelector} with every key given the {@code k8s:} source. Each element of
 * {@code from}/{@code to} becomes its own allow {@link dev.portcullis.engine.api.PeerRule} (path
 * {@code spec.ingress[i].from[j]}) carrying that rule's ports:
 * <ul>
 * <li>{@code podSelector} only: {@code endpoints} = [the selector with {@code k8s:} keys and
 * {@code k8s:io.kubernetes.pod.namespace} set to the policy's namespace (parsePodSelector): a matchLabels entry
 * for the namespace label is overwritten, a matchExpressions requirement on it is kept and ANDed, so such a peer
 * never reaches another namespace];</li>
 * <li>{@code namespaceSelector} (with or without {@code podSelector}): {@code endpoints} = [one selector holding the
 * pod keys as {@code k8s:<key>} and the namespace keys as {@code k8s:io.cilium.k8s.namespace.labels.<key>}];
 * {@code namespaceSelector: {}} adds {@code k8s:io.kubernetes.pod.namespace Exists} instead (every
 * namespace);</li>
 * <li>{@code ipBlock}: {@code cidrSet} = [{cidr, except}];</li>
 * <li>{@code from}/{@code to} missing or empty: {@code entities: ["all"]} (every peer, world included).</li>
 * </ul>
 * Ports: {@code protocol} defaults to TCP, {@code port} (int or name) becomes a string, a missing port is
 * {@code "0"} (all ports of the protocol), {@code endPort} is kept; no ports means {@code toPorts} null (all ports
 * and protocols).
 * <br>
 * Default deny: {@code policyTypes} defaults to [Ingress] plus Egress when egress rules exist. When a direction has
 * no rules and is covered (ingress: Ingress listed or Egress not listed; egress: Egress listed), its list holds one
 * all-null PeerRule (no peers, no ports): it selects nothing but, as Cilium's empty rule, puts the direction into
 * default deny. ParseNetworkPolicy translates every {@code ingress} and {@code egress} rule whatever
 * {@code policyTypes} lists (policyTypes only decides the default-deny entries of directions without rules), so
 * ingress rules under [Egress] and egress rules under [Ingress] are enforced, with a WARNING (Kubernetes would
 * ignore them).</li>
 * </ul>
 */
public final class PolicyParser {

	private static final Set<String> CILIUM_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "specs",
			"status");

	private static final Set<String> METADATA_FIELDS = Set.of("name", "namespace", "labels", "annotations", "uid",
			"resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
			"managedFields", "finalizers", "ownerReferences", "generateName", "selfLink");

	private static final Pattern DNS_SUBDOMAIN = Pattern
		.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

	private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

	private static final Map<String, String> LIST_KINDS = Map.of("List", "", "CiliumNetworkPolicyList", "",
			"CiliumClusterwideNetworkPolicyList", "", "NetworkPolicyList", "");

	private PolicyParser() {
	}

	/** Parses documents for {@link CiliumVersion#DEFAULT}. */
	public static ParseResult parse(List<Node> documents) {
		return parse(documents, CiliumVersion.DEFAULT);
	}

	/**
	 * Parses documents.
	 * @param documents one tree per document of the input stream, in order
	 * @param target the Cilium version that warnings about removed or missing features refer to
	 */
	public static ParseResult parse(List<Node> documents, CiliumVersion target) {
		List<Policy> policies = new ArrayList<>();
		List<Violation> violations = new ArrayList<>();
		Map<String, java.util.Optional<String>> checks = new java.util.HashMap<>();
		for (int i = 0; i < documents.size(); i++) {
			Reading reading = new Reading(i, target, violations, checks);
			readDocument(documents.get(i), "", reading, policies, true);
		}
		return new ParseResult(policies, violations);
	}

	private static void readDocument(Node node, String path, Reading reading, List<Policy> policies,
			boolean topLevel) {
		if (node instanceof ScalarNode scalar && scalar.isNull()) {
			if (!topLevel) {
				reading.error(path, node.position(), "A list item must be a Kubernetes object, not null.");
			}
			return;
		}
		if (node instanceof ListNode) {
			reading.error(path, node.position(), "Not a Kubernetes object: this is a list"
					+ (topLevel ? " (the agent-side rule list format of \"cilium policy import\")" : "")
					+ ". Write each policy as an object with apiVersion, kind, metadata and spec.");
			return;
		}
		if (!(node instanceof MapNode object)) {
			reading.error(path, node.position(), "Not a Kubernetes object: found " + Reading.describe(node)
					+ ". Write an object with apiVersion, kind, metadata and spec.");
			return;
		}
		String apiVersion = requiredString(object, "apiVersion", path, reading);
		String kind = requiredString(object, "kind", path, reading);
		if (apiVersion == null || kind == null) {
			return;
		}
		if (LIST_KINDS.containsKey(kind)) {
			readList(object, path, reading, policies);
			return;
		}
		PolicyKind policyKind = kind(object, kind, apiVersion, path, reading);
		if (policyKind == null) {
			return;
		}
		int errors = reading.errorCount();
		Policy policy = (policyKind == PolicyKind.NETWORK_POLICY) ? NetworkPolicyReader.read(object, path, reading)
				: readCilium(object, policyKind, path, reading);
		if (policy != null && reading.errorCount() == errors) {
			policies.add(policy);
		}
	}

	private static void readList(MapNode list, String path, Reading reading, List<Policy> policies) {
		List<Node> items = reading.array(list, "items", path);
		if (items == null) {
			return;
		}
		for (int i = 0; i < items.size(); i++) {
			readDocument(items.get(i), item(child(path, "items"), i), reading, policies, false);
		}
	}

	private static @Nullable String requiredString(MapNode object, String key, String path, Reading reading) {
		if (!present(object, key)) {
			String similar = object.entries().keySet().stream().filter((k) -> k.equalsIgnoreCase(key)).findFirst()
				.orElse(null);
			reading.error(child(path, key), (similar != null) ? object.keyPosition(similar) : object.position(),
					key + " is required" + ((similar != null) ? " (found " + quote(similar)
							+ ": field names are case-sensitive)" : "") + ".");
			return null;
		}
		return reading.string(object, key, path);
	}

	private static @Nullable PolicyKind kind(MapNode object, String kind, String apiVersion, String path,
			Reading reading) {
		for (PolicyKind candidate : PolicyKind.values()) {
			if (!candidate.kindName().equals(kind)) {
				continue;
			}
			if (candidate.apiVersion().equals(apiVersion)) {
				return candidate;
			}
			String why;
			if (apiVersion.equals("cilium.io/v1")) {
				why = "cilium.io/v1 is no longer served; use cilium.io/v2.";
			}
			else if (candidate == PolicyKind.NETWORK_POLICY
					&& (apiVersion.equals("extensions/v1beta1") || apiVersion.equals("networking.k8s.io/v1beta1"))) {
				why = apiVersion + " NetworkPolicy was removed in Kubernetes 1.16; use networking.k8s.io/v1.";
			}
			else {
				why = "use " + candidate.apiVersion() + ".";
			}
			reading.error(child(path, "apiVersion"), at(object, "apiVersion"), "apiVersion " + quote(apiVersion)
					+ " is not served for " + kind + ": " + why);
			return null;
		}
		reading.error(child(path, "kind"), at(object, "kind"), "kind " + quote(kind) + " (apiVersion "
				+ quote(apiVersion) + ") is not a network policy: Portcullis reads CiliumNetworkPolicy,"
				+ " CiliumClusterwideNetworkPolicy and NetworkPolicy (and List objects holding them).");
		return null;
	}

	/** metadata: name (required, DNS subdomain), namespace, labels. Returns {name, namespace} or null. */
	static @Nullable Metadata metadata(MapNode object, PolicyKind kind, String path, Reading reading) {
		MapNode metadata = reading.object(object, "metadata", path);
		String metaPath = child(path, "metadata");
		if (metadata == null) {
			if (!present(object, "metadata")) {
				reading.error(metaPath, object.position(), "metadata with a name is required.");
			}
			return null;
		}
		reading.knownFields(metadata, metaPath, METADATA_FIELDS);
		String name = reading.string(metadata, "name", metaPath);
		if (!present(metadata, "name")) {
			reading.error(child(metaPath, "name"), metadata.position(),
					"metadata.name is required" + (present(metadata, "generateName")
							? " (generateName works only with kubectl create, not apply)" : "")
							+ ".");
		}
		else if (name != null && (name.length() > 253 || !DNS_SUBDOMAIN.matches(name))) {
			reading.error(child(metaPath, "name"), at(metadata, "name"), "metadata.name " + quote(name)
					+ " is not a valid name: use at most 253 lower-case letters, digits, '-' and '.', starting and"
					+ " ending with a letter or digit.");
		}
		String namespace = reading.string(metadata, "namespace", metaPath);
		if (namespace != null && (namespace.length() > 63 || !DNS_LABEL.matches(namespace))) {
			reading.error(child(metaPath, "namespace"), at(metadata, "namespace"), "metadata.namespace "
					+ quote(namespace) + " is not a valid namespace name: use at most 63 lower-case letters, digits"
					+ " and '-', starting and ending with a letter or digit.");
		}
		if (kind.namespaced()) {
			if (namespace == null || namespace.isEmpty()) {
				reading.warning(child(metaPath, "namespace"), metadata.position(), "metadata.namespace is not set: the"
						+ " policy is placed in namespace \"default\" (kubectl uses the namespace of its current"
						+ " context, usually \"default\"). Set it to be explicit.");
				namespace = "default";
			}
		}
		else if (namespace != null) {
			reading.warning(child(metaPath, "namespace"), at(metadata, "namespace"), kind.kindName()
					+ " is cluster-scoped: metadata.namespace " + quote(namespace) + " is ignored.");
			namespace = null;
		}
		Map<String, String> labels = reading.stringMap(metadata, "labels", metaPath);
		if (labels != null) {
			MapNode labelNode = (MapNode) field(metadata, "labels");
			for (Map.Entry<String, String> label : labels.entrySet()) {
				String labelPath = child(child(metaPath, "labels"), label.getKey());
				if (!SelectorKey.isQualifiedName(label.getKey())) {
					reading.error(labelPath, labelNode.keyPosition(label.getKey()), "The label key "
							+ quote(label.getKey()) + " is not valid: an optional DNS-subdomain prefix and '/', then at"
							+ " most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.");
				}
				if (!SelectorKey.isLabelValue(label.getValue())) {
					reading.error(labelPath, at(labelNode, label.getKey()), "The label value " + quote(label.getValue())
							+ " is not valid: at most 63 letters, digits, '-', '_' and '.', starting and ending with a"
							+ " letter or digit (or empty).");
				}
			}
		}
		MapNode annotations = reading.object(metadata, "annotations", metaPath);
		if (annotations != null) {
			reading.stringMap(metadata, "annotations", metaPath);
		}
		if (name == null) {
			return null;
		}
		return new Metadata(name, namespace, (labels != null) ? labels : Map.of());
	}

	record Metadata(String name, @Nullable String namespace, Map<String, String> labels) {
	}

	private static @Nullable Policy readCilium(MapNode object, PolicyKind kind, String path, Reading reading) {
		reading.knownFields(object, path, CILIUM_FIELDS);
		Metadata metadata = metadata(object, kind, path, reading);
		String namespace = (metadata != null) ? metadata.namespace() : null;
		RuleReader rules = new RuleReader(reading, kind, namespace);
		List<Rule> read = new ArrayList<>();
		Node spec = field(object, "spec");
		if (spec != null) {
			Rule rule = rules.read(spec, child(path, "spec"));
			if (rule != null) {
				read.add(rule);
			}
		}
		List<Node> specs = reading.array(object, "specs", path);
		if (specs != null) {
			for (int i = 0; i < specs.size(); i++) {
				Rule rule = rules.read(specs.get(i), item(child(path, "specs"), i));
				if (rule != null) {
					read.add(rule);
				}
			}
		}
		if (spec == null && (specs == null || specs.isEmpty())) {
			reading.error(path, object.position(), (kind == PolicyKind.CILIUM_NETWORK_POLICY)
					? "Invalid CiliumNetworkPolicy spec(s): empty policy: spec or specs must hold a rule."
					: "Invalid CiliumClusterwideNetworkPolicy spec(s): empty policy: spec or specs must hold a rule.");
		}
		if (metadata == null) {
			return null;
		}
		return new Policy(new PolicyRef(kind, metadata.namespace(), metadata.name()), reading.document, read,
				metadata.labels());
	}

}
