package dev.portcullis.replay.recommend;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.portcullis.engine.flow.Flow;
import dev.portcullis.flow.query.WorkloadTuples.Side;
import dev.portcullis.flow.query.WorkloadTuples.Tuple;
import dev.portcullis.simulation.Suggestions;
import org.jspecify.annotations.Nullable;

/**
 * Drafts least-privilege CiliumNetworkPolicies from grouped flows ({@link Tuple}s): one policy per workload that
 * sent or received traffic that got through (FORWARDED, REDIRECTED to the proxy, AUDIT), with an ingress rule per
 * peer that reached it and an egress rule per peer it reached, ports as seen, and optionally the L7 requests seen.
 * Pure (no Spring, no I/O) and deterministic: the same tuples in any order give the same text.
 * <p>
 * Selectors use stable workload labels only: the {@code k8s:} labels common to every pod of the workload seen in
 * the window, without those a controller sets per pod or revision ({@link #UNSTABLE}), the namespace and cluster
 * labels and the namespace's own labels; of those, the fewest (in the order of {@link #PREFERRED}, then by name)
 * that tell the workload apart from the other workloads of its namespace seen in the window. A workload without
 * stable labels gets no policy (a selector would select its whole namespace) and a note says so. Peers are pods
 * (their workload's selector, with the namespace label when it is another namespace), entities (host,
 * remote-node, kube-apiserver, health, init, ingress, unmanaged), addresses outside the cluster ({@code toCIDR} /
 * {@code fromCIDR} {@code /32} or {@code /128}, or the {@code world} entity past {@link #MAX_ADDRESSES} of them
 * per workload and direction) and, on egress, the DNS names Cilium learned for them ({@code toFQDNs}), together
 * with the DNS rule on kube-dns that lets Cilium learn them. With L7: HTTP methods and paths (identifiers
 * generalised, {@link PathPatterns}; gRPC as its POST path) and Kafka API keys and topics on the receiving side
 * when it gets a policy (else on the sending side), DNS names on egress to port 53 (where Cilium's DNS proxy is).
 * Flows a policy cannot express (an identity that is no entity, a protocol without ports) are reported.
 */
final class Recommender {

	/** Labels that differ between the pods of one workload or between its revisions. */
	static final Set<String> UNSTABLE = Set.of("pod-template-hash", "controller-revision-hash",
			"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "pod-template-generation",
			"controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name",
			"io.kubernetes.pod.namespace", "io.cilium.k8s.policy.cluster");

	/** The labels people select workloads by, in the order they are tried. */
	static final List<String> PREFERRED = List.of("app.kubernetes.io/name", "app", "k8s-app", "name",
			"app.kubernetes.io/instance", "app.kubernetes.io/component", "component", "version");

	static final String SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";

	static final String NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace";

	static final String CLUSTER_LABEL = "k8s:io.cilium.k8s.policy.cluster";

	/** How many addresses outside the cluster one rule set lists before it allows {@code world}. */
	static final int MAX_ADDRESSES = 16;

	/** How many HTTP rules one port gets before only its methods are kept. */
	static final int MAX_HTTP_RULES = 64;

	/** How many justifying flow groups a rule lists. */
	static final int MAX_JUSTIFICATIONS = 20;

	static final Set<String> GOT_THROUGH = Set.of("FORWARDED", "REDIRECTED", "AUDIT");

	private static final List<String> ENTITIES = List.of("kube-apiserver", "host", "remote-node", "health", "init",
			"ingress", "unmanaged", "world-ipv4", "world-ipv6", "world");

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneOffset.UTC);

	private Recommender() {
	}

	/**
	 * A draft.
	 *
	 * @param yaml the policies, a multi-document YAML stream ("" when nothing got through)
	 * @param policies one entry per policy, in the order of the text
	 * @param rules one entry per rule, in the order of the text
	 * @param patterns the generalised HTTP paths and examples of what they stand for
	 * @param unexpressed flows that got through but that no CiliumNetworkPolicy rule can allow
	 * @param notes what the draft leaves out and why
	 * @param flows how many flows got through (the ones that justify rules)
	 */
	record Draft(String yaml, List<PolicyDraft> policies, List<RuleDraft> rules, List<PathExample> patterns,
			List<Unexpressed> unexpressed, List<String> notes, long flows) {
	}

	/** A policy of the draft: its name, the workload it selects and its line in the text. */
	record PolicyDraft(String policy, String workload, Map<String, String> selector, int line) {
	}

	/**
	 * A rule of the draft.
	 *
	 * @param policy {@code CiliumNetworkPolicy/<namespace>/<name>}
	 * @param path where in the policy ({@code spec.ingress[0]})
	 * @param line its 1-based line in the text
	 * @param peer who it lets in or out, in words
	 * @param ports the ports, {@code 9080/TCP}
	 * @param l7 the L7 rules, in words ({@code GET /reviews/[0-9]+})
	 * @param flows how many flows justify it
	 * @param first the earliest of them
	 * @param last the latest of them
	 * @param justifiedBy the groups of flows behind it, the busiest first (at most {@link #MAX_JUSTIFICATIONS})
	 */
	record RuleDraft(String policy, String path, int line, String peer, List<String> ports, List<String> l7,
			long flows, @Nullable Instant first, @Nullable Instant last, List<Justification> justifiedBy) {
	}

	/** Flows behind a rule: {@code bookinfo/productpage → bookinfo/reviews-v1 9080/TCP GET /reviews/0}. */
	record Justification(String source, String destination, String port, @Nullable String request, long flows,
			Instant first, Instant last) {
	}

	/** A generalised HTTP path and up to three paths it was made from. */
	record PathExample(String regex, List<String> examples) {
	}

	/** Flows that got through and that no rule of a CiliumNetworkPolicy can allow. */
	record Unexpressed(String source, String destination, String port, String reason, long flows) {
	}

	/**
	 * The draft for {@code tuples}; with {@code l7}, with the L7 requests seen. {@code clusterName} is the
	 * workspace's {@code cluster-name}: peers of another cluster (their {@code io.cilium.k8s.policy.cluster} label)
	 * name their cluster, as Cilium scopes peers without one to the local cluster.
	 */
	static Draft recommend(List<Tuple> tuples, boolean l7, String clusterName) {
		return new Builder(tuples, l7, clusterName).build();
	}

	/** Whether a tuple's verdict means the traffic got through (and so justifies an allow). */
	static boolean gotThrough(Tuple tuple) {
		return GOT_THROUGH.contains(tuple.verdict());
	}

	/** The namespace of an endpoint as the engine reads it (the namespace label when the field is missing). */
	static @Nullable String namespace(Side side) {
		if (side.namespace() != null && !side.namespace().isEmpty()) {
			return side.namespace();
		}
		for (String label : side.labels()) {
			if (label.startsWith(NAMESPACE_LABEL + "=")) {
				return label.substring(NAMESPACE_LABEL.length() + 1);
			}
		}
		return null;
	}

	/** The engine's flow for a tuple (the one flow every flow of the group stands for). */
	static Flow flow(Tuple tuple) {
		Flow.L7Request request = null;
		if (tuple.httpMethod() != null && tuple.httpUrl() != null) {
			request = new Flow.Http(tuple.httpMethod(), tuple.httpUrl(), List.of(), tuple.httpProtocol());
		}
		else if (tuple.dnsQuery() != null) {
			request = new Flow.Dns(tuple.dnsQuery(), List.of());
		}
		else if (tuple.kafkaApiKey() != null) {
			request = new Flow.Kafka(kafkaKey(tuple.kafkaApiKey()), 0, null,
					(tuple.kafkaTopic() != null) ? List.of(tuple.kafkaTopic()) : List.of());
		}
		dev.portcullis.engine.api.Protocol protocol = switch (tuple.protocol()) {
			case "TCP" -> dev.portcullis.engine.api.Protocol.TCP;
			case "UDP" -> dev.portcullis.engine.api.Protocol.UDP;
			case "SCTP" -> dev.portcullis.engine.api.Protocol.SCTP;
			case "ICMPv4" -> dev.portcullis.engine.api.Protocol.ICMPV4;
			case "ICMPv6" -> dev.portcullis.engine.api.Protocol.ICMPV6;
			case "VRRP" -> dev.portcullis.engine.api.Protocol.VRRP;
			case "IGMP" -> dev.portcullis.engine.api.Protocol.IGMP;
			default -> dev.portcullis.engine.api.Protocol.ANY;
		};
		return new Flow(endpoint(tuple.source()), endpoint(tuple.destination()), tuple.source().address(),
				tuple.destination().address(), protocol, tuple.port(), tuple.icmpType(), request, tuple.names(), null,
				false);
	}

	private static Flow.Endpoint endpoint(Side side) {
		return new Flow.Endpoint(side.namespace(), side.labels(), null, null, List.of());
	}

	private static String kafkaKey(String key) {
		try {
			return Flow.Kafka.apiKeyName(Integer.parseInt(key));
		}
		catch (NumberFormatException ex) {
			return key;
		}
	}

	/**
	 * The workload of a pod as drafts name it: the flow store's ({@code bookinfo/reviews-v1}); for a pod Hubble gave
	 * without its name, its namespace and the value of its first {@link #PREFERRED} label, with its {@code version}
	 * ({@code bookinfo/reviews-v1}); for a pod without stable labels (an endpoint Hubble saw before it knew its
	 * labels) {@code namespace/name (no labels)}. Anything else is the flow store's workload
	 * ({@code reserved:world}).
	 */
	static String workload(Side side) {
		String namespace = namespace(side);
		if (namespace == null) {
			return side.workload();
		}
		Map<String, String> stable = stable(side.labels());
		if (stable.isEmpty()) {
			return side.workload() + " (no labels)";
		}
		if (!side.workload().endsWith("/")) {
			return side.workload();
		}
		for (String key : PREFERRED) {
			if (stable.containsKey(key) && !key.equals("version")) {
				String version = stable.get("version");
				return namespace + "/" + stable.get(key)
						+ ((version != null && !stable.get(key).endsWith(version)) ? "-" + version : "");
			}
		}
		return namespace + "/" + stable.entrySet().iterator().next().getValue();
	}

	/** A workload's words: {@code bookinfo/reviews-v1}, {@code reserved:world 1.2.3.4}. */
	static String describe(Side side) {
		if (namespace(side) == null && side.address() != null) {
			return side.workload() + " " + side.address();
		}
		return workload(side);
	}

	/** The stable {@code k8s:} labels of a pod, by key without the source (the service account kept). */
	static Map<String, String> stable(List<String> labels) {
		return Builder.stableLabels(labels);
	}

	static String port(Tuple tuple) {
		if (tuple.protocol().startsWith("ICMP")) {
			return tuple.protocol() + ((tuple.icmpType() >= 0) ? " type " + tuple.icmpType() : "");
		}
		return tuple.port() + "/" + (tuple.protocol().isEmpty() ? "?" : tuple.protocol());
	}

	static @Nullable String request(Tuple tuple) {
		if (tuple.httpMethod() != null) {
			return tuple.httpMethod() + " " + ((tuple.httpUrl() != null) ? PathPatterns.pathOf(tuple.httpUrl()) : "");
		}
		if (tuple.dnsQuery() != null) {
			return "DNS " + tuple.dnsQuery();
		}
		if (tuple.kafkaApiKey() != null) {
			return "Kafka " + kafkaKey(tuple.kafkaApiKey()) + ((tuple.kafkaTopic() != null) ? " " + tuple.kafkaTopic()
					: "");
		}
		return null;
	}

	// ---------------------------------------------------------------------------------------------------------

	/** A peer of a rule; {@code key} orders the rules (pods, then entities, CIDRs, FQDNs). */
	private sealed interface Peer permits Pods, EntityPeer, CidrPeer, FqdnPeer {

		String key();

		String words();

	}

	private record Pods(String workload, Map<String, String> labels) implements Peer {

		public String key() {
			return "0 " + this.workload;
		}

		public String words() {
			return this.workload;
		}

	}

	private record EntityPeer(String entity) implements Peer {

		public String key() {
			return "1 " + this.entity;
		}

		public String words() {
			return "entity " + this.entity;
		}

	}

	private record CidrPeer(String cidr) implements Peer {

		public String key() {
			return "2 " + this.cidr;
		}

		public String words() {
			return "CIDR " + this.cidr;
		}

	}

	private record FqdnPeer(String name) implements Peer {

		public String key() {
			return "3 " + this.name;
		}

		public String words() {
			return "FQDN " + this.name;
		}

	}

	/** The port of a rule: protocol and port, or ICMP family and type. */
	private record PortKey(String protocol, int port, int icmpType) implements Comparable<PortKey> {

		public int compareTo(PortKey other) {
			return Comparator.comparing(PortKey::icmp).thenComparingInt(PortKey::port)
				.thenComparing(PortKey::protocol).thenComparingInt(PortKey::icmpType).compare(this, other);
		}

		boolean icmp() {
			return this.protocol.startsWith("ICMP");
		}

		String words() {
			return this.icmp() ? this.protocol + " type " + this.icmpType : this.port + "/" + this.protocol;
		}

	}

	/** What a port allows at L7. */
	private static final class PortRules {

		final TreeSet<String> http = new TreeSet<>();

		final TreeSet<String> grpc = new TreeSet<>();

		final TreeSet<String> kafka = new TreeSet<>();

		final TreeSet<String> dns = new TreeSet<>();

		boolean dnsEverything;

	}

	private static final class Flows {

		long count;

		@Nullable Instant first;

		@Nullable Instant last;

		void add(long n, Instant from, Instant to) {
			this.count += n;
			this.first = (this.first == null || from.isBefore(this.first)) ? from : this.first;
			this.last = (this.last == null || to.isAfter(this.last)) ? to : this.last;
		}

	}

	private static final class Rule {

		final Peer peer;

		final TreeMap<PortKey, PortRules> ports = new TreeMap<>();

		final Flows flows = new Flows();

		final Map<String, Justified> justified = new TreeMap<>();

		Rule(Peer peer) {
			this.peer = peer;
		}

	}

	private record JustKey(String source, String destination, String port, @Nullable String request) {
	}

	private static final class Justified {

		final JustKey key;

		final Flows flows = new Flows();

		Justified(JustKey key) {
			this.key = key;
		}

	}

	private static final class Policy {

		final String namespace;

		final String workload;

		final Map<String, String> selector;

		final TreeMap<String, Rule> ingress = new TreeMap<>();

		final TreeMap<String, Rule> egress = new TreeMap<>();

		final Flows flows = new Flows();

		final TreeSet<String> fqdns = new TreeSet<>();

		Policy(String namespace, String workload, Map<String, String> selector) {
			this.namespace = namespace;
			this.workload = workload;
			this.selector = selector;
		}

	}

	private static final class Builder {

		private final List<Tuple> tuples;

		private final boolean l7;

		/** Per pod workload, its selector; absent when it has no stable labels. */
		private final Map<String, Map<String, String>> selectors = new TreeMap<>();

		private final Map<String, Policy> policies = new TreeMap<>();

		private final Map<String, TreeSet<String>> examples = new TreeMap<>();

		private final Map<String, Unexpressed> unexpressed = new TreeMap<>();

		private final TreeSet<String> notes = new TreeSet<>();

		/** Per policy and direction, the distinct addresses outside the cluster. */
		private final Map<String, TreeSet<String>> addresses = new TreeMap<>();

		private final String clusterName;

		private final TreeSet<String> clusters = new TreeSet<>();

		private long flows;

		Builder(List<Tuple> tuples, boolean l7, String clusterName) {
			List<Tuple> sorted = new ArrayList<>(tuples);
			sorted.sort(Comparator.comparing(Tuple::toString));
			this.tuples = sorted;
			this.l7 = l7;
			this.clusterName = clusterName;
		}

		Draft build() {
			selectors();
			// requests Hubble marked as such, by workloads (for replies it did not mark) and by whole tuple
			Set<String> requests = new java.util.HashSet<>();
			for (Tuple tuple : this.tuples) {
				if (gotThrough(tuple) && Boolean.FALSE.equals(tuple.reply())) {
					requests.add(workload(tuple.source()) + " > " + workload(tuple.destination()));
					requests.add(workload(tuple.source()) + " > " + workload(tuple.destination()) + " " + port(tuple));
				}
			}
			List<Tuple> through = new ArrayList<>();
			for (Tuple tuple : this.tuples) {
				if (!gotThrough(tuple)) {
					continue;
				}
				if (tuple.reply() == null && (getsPolicy(tuple.source()) || getsPolicy(tuple.destination()))
						&& requests.contains(workload(tuple.destination()) + " > " + workload(tuple.source()))
						&& !requests.contains(workload(tuple.source()) + " > " + workload(tuple.destination()) + " "
								+ port(tuple))) {
					unexpressed(tuple, "Hubble did not say whether this is a reply; taken for a reply of "
							+ workload(tuple.destination()) + " to " + workload(tuple.source())
							+ " (policy never decides replies), so no rule allows it");
					continue;
				}
				through.add(tuple);
				addresses(tuple);
			}
			for (Tuple tuple : through) {
				this.flows += tuple.flows();
				add(tuple);
			}
			if (!this.clusters.isEmpty()) {
				this.notes.add("Peers of cluster " + String.join(", ", this.clusters) + " name it in their selector"
						+ " (io.cilium.k8s.policy.cluster): the workspace's cluster name is " + this.clusterName
						+ ". If the flows come from this workspace's own cluster, set its cluster name in the"
						+ " workspace settings and ask again.");
			}
			dnsForFqdns();
			return emit();
		}

		// ---- selectors -------------------------------------------------------------------------------------

		private void selectors() {
			Map<String, List<Map<String, String>>> labelSets = new TreeMap<>();
			for (Tuple tuple : this.tuples) {
				for (Side side : List.of(tuple.source(), tuple.destination())) {
					Map<String, String> stable = stable(side.labels());
					if (namespace(side) != null && !stable.isEmpty()) {
						labelSets.computeIfAbsent(workload(side), (w) -> new ArrayList<>()).add(stable);
					}
				}
			}
			Map<String, Map<String, String>> common = new TreeMap<>();
			for (Map.Entry<String, List<Map<String, String>>> entry : labelSets.entrySet()) {
				Map<String, String> shared = new TreeMap<>(entry.getValue().get(0));
				for (Map<String, String> set : entry.getValue()) {
					shared.entrySet().removeIf((label) -> !label.getValue().equals(set.get(label.getKey())));
				}
				common.put(entry.getKey(), shared);
			}
			for (Map.Entry<String, Map<String, String>> entry : common.entrySet()) {
				String workload = entry.getKey();
				Map<String, String> candidates = entry.getValue();
				Map<String, String> without = new TreeMap<>(candidates);
				without.remove(SERVICE_ACCOUNT);
				if (without.isEmpty()) {
					continue;
				}
				String namespace = workload.substring(0, Math.max(0, workload.indexOf('/')));
				List<List<Map<String, String>>> others = new ArrayList<>();
				for (Map.Entry<String, List<Map<String, String>>> other : labelSets.entrySet()) {
					if (!other.getKey().equals(workload) && other.getKey().startsWith(namespace + "/")) {
						others.add(other.getValue());
					}
				}
				List<String> order = new ArrayList<>();
				for (String key : PREFERRED) {
					if (without.containsKey(key)) {
						order.add(key);
					}
				}
				for (String key : without.keySet()) {
					if (!order.contains(key)) {
						order.add(key);
					}
				}
				Map<String, String> chosen = new TreeMap<>();
				int conflicts = Integer.MAX_VALUE;
				for (String key : order) {
					Map<String, String> tried = new TreeMap<>(chosen);
					tried.put(key, without.get(key));
					int now = conflicts(tried, others);
					if (chosen.isEmpty() || now < conflicts) {
						chosen = tried;
						conflicts = now;
					}
					if (conflicts == 0) {
						break;
					}
				}
				this.selectors.put(workload, chosen);
			}
		}

		private static int conflicts(Map<String, String> selector, List<List<Map<String, String>>> others) {
			int count = 0;
			for (List<Map<String, String>> pods : others) {
				boolean selects = false;
				for (Map<String, String> pod : pods) {
					selects |= pod.entrySet().containsAll(selector.entrySet());
				}
				count += selects ? 1 : 0;
			}
			return count;
		}

		/** The stable {@code k8s:} labels of a pod, by key without the source (the service account kept). */
		private static Map<String, String> stableLabels(List<String> labels) {
			Map<String, String> stable = new TreeMap<>();
			for (String label : labels) {
				if (!label.startsWith("k8s:")) {
					continue;
				}
				int equals = label.indexOf('=');
				String key = (equals >= 0) ? label.substring(4, equals) : label.substring(4);
				String value = (equals >= 0) ? label.substring(equals + 1) : "";
				if (UNSTABLE.contains(key) || key.startsWith("io.cilium.k8s.namespace.labels.")) {
					continue;
				}
				stable.put(key, value);
			}
			return stable;
		}

		// ---- rules -----------------------------------------------------------------------------------------

		private void addresses(Tuple tuple) {
			if (namespace(tuple.source()) != null && namespace(tuple.destination()) == null
					&& tuple.destination().address() != null && tuple.names().isEmpty()) {
				this.addresses.computeIfAbsent(workload(tuple.source()) + " egress", (k) -> new TreeSet<>())
					.add(tuple.destination().address());
			}
			if (namespace(tuple.destination()) != null && namespace(tuple.source()) == null
					&& tuple.source().address() != null) {
				this.addresses.computeIfAbsent(workload(tuple.destination()) + " ingress", (k) -> new TreeSet<>())
					.add(tuple.source().address());
			}
		}

		private void add(Tuple tuple) {
			PortKey port = portKey(tuple);
			if (port == null) {
				unexpressed(tuple, "protocol " + (tuple.protocol().isEmpty() ? "unknown" : tuple.protocol())
						+ " without a destination port cannot be allowed by toPorts or icmps");
				return;
			}
			Policy egress = policy(tuple.source());
			Policy ingress = policy(tuple.destination());
			boolean l7OnIngress = ingress != null;
			if (egress != null) {
				Peer peer = peer(tuple.destination(), tuple, true, egress);
				if (peer == null) {
					unexpressed(tuple, "the destination's identity (" + String.join(", ", reserved(tuple.destination()))
							+ ") is no entity a policy can name");
				}
				else {
					rule(egress, egress.egress, peer, port, tuple, !l7OnIngress, true);
				}
			}
			if (ingress != null) {
				Peer peer = peer(tuple.source(), tuple, false, ingress);
				if (peer == null) {
					unexpressed(tuple, "the source's identity (" + String.join(", ", reserved(tuple.source()))
							+ ") is no entity a policy can name");
				}
				else {
					rule(ingress, ingress.ingress, peer, port, tuple, true, false);
				}
			}
		}

		private static List<String> reserved(Side side) {
			List<String> labels = side.labels().stream().filter((l) -> l.startsWith("reserved:")).toList();
			return labels.isEmpty() ? List.of("no labels") : labels;
		}

		private void unexpressed(Tuple tuple, String reason) {
			String key = describe(tuple.source()) + "|" + describe(tuple.destination()) + "|" + port(tuple) + "|"
					+ reason;
			Unexpressed before = this.unexpressed.get(key);
			long count = ((before != null) ? before.flows() : 0) + tuple.flows();
			this.unexpressed.put(key, new Unexpressed(describe(tuple.source()), describe(tuple.destination()),
					port(tuple), reason, count));
		}

		private static @Nullable PortKey portKey(Tuple tuple) {
			switch (tuple.protocol()) {
				case "TCP", "UDP", "SCTP" -> {
					return (tuple.port() > 0) ? new PortKey(tuple.protocol(), tuple.port(), -1) : null;
				}
				case "ICMPv4", "ICMPv6" -> {
					return (tuple.icmpType() >= 0) ? new PortKey(tuple.protocol(), 0, tuple.icmpType()) : null;
				}
				default -> {
					return null;
				}
			}
		}

		/** The policy of a pod workload with a selector, made on first use; null for any other endpoint. */
		private @Nullable Policy policy(Side side) {
			String namespace = namespace(side);
			if (namespace == null) {
				return null;
			}
			String workload = workload(side);
			Map<String, String> selector = this.selectors.get(workload);
			if (selector == null) {
				this.notes.add(noLabels(workload, namespace));
				return null;
			}
			return this.policies.computeIfAbsent(workload, (w) -> new Policy(namespace, w, selector));
		}

		private @Nullable Peer peer(Side side, Tuple tuple, boolean egress, Policy subject) {
			String namespace = namespace(side);
			if (namespace != null) {
				String workload = workload(side);
				Map<String, String> selector = this.selectors.get(workload);
				Map<String, String> labels = new TreeMap<>();
				if (selector != null) {
					labels.putAll(selector);
				}
				if (selector == null || !namespace.equals(subject.namespace)) {
					labels.put(NAMESPACE_LABEL, namespace);
				}
				for (String label : side.labels()) {
					if (label.startsWith(CLUSTER_LABEL + "=")
							&& !label.substring(CLUSTER_LABEL.length() + 1).equals(this.clusterName)) {
						labels.put(CLUSTER_LABEL, label.substring(CLUSTER_LABEL.length() + 1));
						this.clusters.add(label.substring(CLUSTER_LABEL.length() + 1));
					}
				}
				if (selector == null) {
					this.notes.add(noLabels(workload, namespace));
				}
				return new Pods(workload, labels);
			}
			List<String> labels = side.labels();
			boolean world = labels.stream().noneMatch((l) -> l.startsWith("reserved:"))
					|| labels.contains("reserved:world") || labels.contains("reserved:world-ipv4")
					|| labels.contains("reserved:world-ipv6");
			if (world) {
				if (egress && !tuple.names().isEmpty()) {
					subject.fqdns.addAll(tuple.names().stream().map(Builder::withoutDot).toList());
					return new FqdnPeer(withoutDot(tuple.names().get(0)));
				}
				String direction = subject.workload + (egress ? " egress" : " ingress");
				TreeSet<String> seen = this.addresses.getOrDefault(direction, new TreeSet<>());
				if (side.address() != null && seen.size() <= MAX_ADDRESSES) {
					return new CidrPeer(side.address() + (side.address().contains(":") ? "/128" : "/32"));
				}
				if (side.address() != null) {
					this.notes.add(subject.workload + " " + (egress ? "reached " : "was reached from ") + seen.size()
							+ " addresses outside the cluster: its rule allows the world entity instead of listing"
							+ " them.");
				}
				return new EntityPeer("world");
			}
			for (String entity : ENTITIES) {
				if (labels.contains("reserved:" + entity)) {
					return new EntityPeer(entity);
				}
			}
			return null;
		}

		private static String noLabels(String workload, String namespace) {
			return workload + ": Hubble gave this endpoint without stable labels, so it gets no policy (a selector"
					+ " without labels would select every pod of namespace " + namespace + ") and rules that name it"
					+ " as a peer name every pod of that namespace.";
		}

		private boolean getsPolicy(Side side) {
			return namespace(side) != null && this.selectors.containsKey(workload(side));
		}

		private static String withoutDot(String name) {
			return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
		}

		private void rule(Policy policy, Map<String, Rule> rules, Peer peer, PortKey port, Tuple tuple,
				boolean l7Here, boolean egress) {
			Rule rule = rules.computeIfAbsent(peer.key(), (k) -> new Rule(peer));
			PortRules l7Rules = rule.ports.computeIfAbsent(port, (k) -> new PortRules());
			rule.flows.add(tuple.flows(), tuple.first(), tuple.last());
			policy.flows.add(tuple.flows(), tuple.first(), tuple.last());
			JustKey key = new JustKey(describe(tuple.source()), describe(tuple.destination()), port(tuple),
					this.l7 ? request(tuple) : null);
			rule.justified.computeIfAbsent(key.toString(), (k) -> new Justified(key)).flows.add(tuple.flows(),
					tuple.first(), tuple.last());
			if (!this.l7) {
				return;
			}
			if (l7Here && tuple.httpMethod() != null && tuple.httpUrl() != null) {
				String path = PathPatterns.pathOf(tuple.httpUrl());
				boolean grpc = "POST".equals(tuple.httpMethod()) && tuple.httpProtocol() != null
						&& tuple.httpProtocol().startsWith("HTTP/2") && path.matches("/[A-Za-z0-9_.]+/[A-Za-z0-9_]+");
				if (grpc) {
					l7Rules.grpc.add(Suggestions.anchored(path));
				}
				else {
					PathPatterns.PathPattern pattern = PathPatterns.of(tuple.httpUrl());
					l7Rules.http.add(tuple.httpMethod() + " " + pattern.regex());
					if (pattern.generalised()) {
						TreeSet<String> seen = this.examples.computeIfAbsent(pattern.regex(), (k) -> new TreeSet<>());
						if (seen.size() < 3) {
							seen.add(path);
						}
					}
				}
			}
			else if (l7Here && tuple.kafkaApiKey() != null) {
				l7Rules.kafka.add(kafkaKey(tuple.kafkaApiKey()) + " "
						+ ((tuple.kafkaTopic() != null) ? tuple.kafkaTopic() : ""));
			}
			else if (egress && tuple.dnsQuery() != null) {
				l7Rules.dns.add(withoutDot(tuple.dnsQuery()));
			}
		}

		/**
		 * toFQDNs selects only what Cilium learned from DNS answers it saw through its DNS proxy: a workload with
		 * FQDN rules needs a DNS rule on kube-dns, made here when the flows did not show one.
		 */
		private void dnsForFqdns() {
			for (Policy policy : this.policies.values()) {
				if (policy.fqdns.isEmpty()) {
					continue;
				}
				boolean found = false;
				for (Rule rule : policy.egress.values()) {
					if (rule.peer instanceof Pods pods && "kube-dns".equals(pods.labels().get("k8s-app"))) {
						for (Map.Entry<PortKey, PortRules> port : rule.ports.entrySet()) {
							if (port.getKey().port() == 53) {
								found = true;
								if (this.l7) {
									port.getValue().dns.addAll(policy.fqdns);
								}
								else {
									port.getValue().dnsEverything = true;
								}
							}
						}
					}
				}
				if (!found) {
					Map<String, String> labels = new TreeMap<>();
					labels.put(NAMESPACE_LABEL, "kube-system");
					labels.put("k8s-app", "kube-dns");
					Rule rule = new Rule(new Pods("kube-system/kube-dns", labels));
					for (String protocol : List.of("UDP", "TCP")) {
						PortRules rules = new PortRules();
						if (this.l7) {
							rules.dns.addAll(policy.fqdns);
						}
						else {
							rules.dnsEverything = true;
						}
						rule.ports.put(new PortKey(protocol, 53, -1), rules);
					}
					policy.egress.put(rule.peer.key(), rule);
					this.notes.add(policy.workload + " reaches names outside the cluster (toFQDNs): its draft lets it"
							+ " ask kube-dns so that Cilium learns their addresses, though no DNS flow was in the"
							+ " window.");
				}
			}
		}

		// ---- text ------------------------------------------------------------------------------------------

		private Draft emit() {
			Yaml yaml = new Yaml();
			List<PolicyDraft> policyDrafts = new ArrayList<>();
			List<RuleDraft> ruleDrafts = new ArrayList<>();
			Map<String, Integer> names = new LinkedHashMap<>();
			for (Policy policy : this.policies.values()) {
				if (policy.ingress.isEmpty() && policy.egress.isEmpty()) {
					continue;
				}
				String name = name(policy.workload, names);
				String ref = "CiliumNetworkPolicy/" + policy.namespace + "/" + name;
				if (!policyDrafts.isEmpty()) {
					yaml.line(0, "---");
				}
				yaml.line(0, "# " + policy.workload + ": " + count(policy.flows.count) + " between "
						+ TIME.format(policy.flows.first) + " and " + TIME.format(policy.flows.last) + " UTC");
				int line = yaml.lines() + 1;
				yaml.line(0, "apiVersion: cilium.io/v2");
				yaml.line(0, "kind: CiliumNetworkPolicy");
				yaml.line(0, "metadata:");
				yaml.line(1, "name: " + Yaml.scalar(name));
				yaml.line(1, "namespace: " + Yaml.scalar(policy.namespace));
				yaml.line(0, "spec:");
				yaml.line(1, "description: " + Yaml.scalar("Least privilege for " + policy.workload
						+ ", drafted by Portcullis from the flows it sent and received"));
				yaml.line(1, "endpointSelector:");
				yaml.line(2, "matchLabels:");
				for (Map.Entry<String, String> label : policy.selector.entrySet()) {
					yaml.line(3, Yaml.scalar(label.getKey()) + ": " + Yaml.scalar(label.getValue()));
				}
				policyDrafts.add(new PolicyDraft(ref, policy.workload, policy.selector, line));
				emitRules(yaml, ref, "ingress", policy.ingress, ruleDrafts);
				emitRules(yaml, ref, "egress", policy.egress, ruleDrafts);
			}
			List<PathExample> patterns = new ArrayList<>();
			for (Map.Entry<String, TreeSet<String>> entry : this.examples.entrySet()) {
				patterns.add(new PathExample(entry.getKey(), List.copyOf(entry.getValue())));
			}
			List<String> notes = new ArrayList<>(this.notes);
			if (this.flows == 0) {
				notes.add(0, "No flow in the window got through (FORWARDED, REDIRECTED or AUDIT): there is nothing"
						+ " to allow.");
			}
			return new Draft(policyDrafts.isEmpty() ? "" : yaml.text(), policyDrafts, ruleDrafts, patterns,
					List.copyOf(this.unexpressed.values()), notes, this.flows);
		}

		private void emitRules(Yaml yaml, String ref, String direction, Map<String, Rule> rules,
				List<RuleDraft> drafts) {
			if (rules.isEmpty()) {
				return;
			}
			boolean ingress = direction.equals("ingress");
			yaml.line(1, direction + ":");
			int index = 0;
			for (Rule rule : rules.values()) {
				List<PortKey> ports = rule.ports.keySet().stream().filter((p) -> !p.icmp()).toList();
				List<PortKey> icmps = rule.ports.keySet().stream().filter(PortKey::icmp).toList();
				// Cilium refuses a rule with both toPorts and icmps: one rule for each
				for (List<PortKey> part : List.of(ports, icmps)) {
					if (part.isEmpty()) {
						continue;
					}
					if (rule.flows.first == null || rule.flows.last == null) {
						yaml.line(1, "# no flow in the window: lets Cilium learn the addresses of the toFQDNs names");
					}
					else {
						yaml.line(1, "# " + count(rule.flows.count) + (ingress ? " from " : " to ") + rule.peer.words()
								+ ", " + TIME.format(rule.flows.first) + " to " + TIME.format(rule.flows.last) + " UTC");
					}
					int line = yaml.lines() + 1;
					String path = "spec." + direction + "[" + index + "]";
					peer(yaml, rule.peer, ingress);
					List<String> l7 = new ArrayList<>();
					if (part == icmps) {
						yaml.line(2, "icmps:");
						yaml.line(2, "- fields:");
						for (PortKey port : part) {
							yaml.line(3, "- type: " + port.icmpType());
							yaml.line(4, "family: " + (port.protocol().equals("ICMPv6") ? "IPv6" : "IPv4"));
						}
					}
					else {
						toPorts(yaml, rule, part, l7);
					}
					drafts.add(new RuleDraft(ref, path, line, rule.peer.words(),
							part.stream().map(PortKey::words).toList(), l7, rule.flows.count, rule.flows.first,
							rule.flows.last, justifications(rule)));
					index++;
				}
			}
		}

		private static List<Justification> justifications(Rule rule) {
			List<Justified> all = new ArrayList<>(rule.justified.values());
			all.sort(Comparator.comparingLong((Justified j) -> -j.flows.count).thenComparing((j) -> j.key.toString()));
			List<Justification> out = new ArrayList<>();
			for (Justified j : all.subList(0, Math.min(MAX_JUSTIFICATIONS, all.size()))) {
				out.add(new Justification(j.key.source(), j.key.destination(), j.key.port(), j.key.request(),
						j.flows.count, j.flows.first, j.flows.last));
			}
			return out;
		}

		private static void peer(Yaml yaml, Peer peer, boolean ingress) {
			if (peer instanceof Pods pods) {
				yaml.line(1, "- " + (ingress ? "fromEndpoints" : "toEndpoints") + ":");
				yaml.line(2, "- matchLabels:");
				for (Map.Entry<String, String> label : pods.labels().entrySet()) {
					yaml.line(4, Yaml.scalar(label.getKey()) + ": " + Yaml.scalar(label.getValue()));
				}
			}
			else if (peer instanceof EntityPeer entity) {
				yaml.line(1, "- " + (ingress ? "fromEntities" : "toEntities") + ":");
				yaml.line(2, "- " + Yaml.scalar(entity.entity()));
			}
			else if (peer instanceof CidrPeer cidr) {
				yaml.line(1, "- " + (ingress ? "fromCIDR" : "toCIDR") + ":");
				yaml.line(2, "- " + Yaml.scalar(cidr.cidr()));
			}
			else if (peer instanceof FqdnPeer fqdn) {
				yaml.line(1, "- toFQDNs:");
				yaml.line(2, "- matchName: " + Yaml.scalar(fqdn.name()));
			}
		}

		/** {@code toPorts}: the ports without L7 rules together, each port with L7 rules on its own. */
		private void toPorts(Yaml yaml, Rule rule, List<PortKey> ports, List<String> l7) {
			yaml.line(2, "toPorts:");
			List<PortKey> plain = new ArrayList<>();
			List<PortKey> withRules = new ArrayList<>();
			for (PortKey port : ports) {
				PortRules rules = rule.ports.get(port);
				boolean any = !rules.http.isEmpty() || !rules.grpc.isEmpty() || !rules.kafka.isEmpty()
						|| !rules.dns.isEmpty() || rules.dnsEverything;
				(any ? withRules : plain).add(port);
			}
			if (!plain.isEmpty()) {
				yaml.line(2, "- ports:");
				for (PortKey port : plain) {
					yaml.line(3, "- port: " + Yaml.scalar(String.valueOf(port.port())));
					yaml.line(4, "protocol: " + port.protocol());
				}
			}
			// ports whose L7 rules read the same share one entry (DNS on 53/UDP and 53/TCP)
			Map<String, List<PortKey>> byRules = new LinkedHashMap<>();
			Map<String, Yaml> rendered = new LinkedHashMap<>();
			Map<String, List<String>> words = new LinkedHashMap<>();
			for (PortKey port : withRules) {
				Yaml lines = new Yaml();
				List<String> l7Words = new ArrayList<>();
				l7Rules(lines, rule, port, rule.ports.get(port), l7Words);
				byRules.computeIfAbsent(lines.text(), (k) -> new ArrayList<>()).add(port);
				rendered.putIfAbsent(lines.text(), lines);
				words.putIfAbsent(lines.text(), l7Words);
			}
			for (Map.Entry<String, List<PortKey>> entry : byRules.entrySet()) {
				yaml.line(2, "- ports:");
				for (PortKey port : entry.getValue()) {
					yaml.line(3, "- port: " + Yaml.scalar(String.valueOf(port.port())));
					yaml.line(4, "protocol: " + port.protocol());
				}
				yaml.line(3, "rules:");
				yaml.append(rendered.get(entry.getKey()));
				for (String word : words.get(entry.getKey())) {
					if (!l7.contains(word)) {
						l7.add(word);
					}
				}
			}
		}

		/** The L7 rules of one port, under {@code rules:}. */
		private void l7Rules(Yaml yaml, Rule rule, PortKey port, PortRules rules, List<String> l7) {
			if (!rules.http.isEmpty() || !rules.grpc.isEmpty()) {
				yaml.line(4, "http:");
				List<String> http = new ArrayList<>(rules.http);
				if (http.size() > MAX_HTTP_RULES) {
					TreeSet<String> methods = new TreeSet<>();
					http.forEach((h) -> methods.add(h.substring(0, h.indexOf(' '))));
					this.notes.add(rule.peer.words() + " on " + port.words() + ": " + http.size()
							+ " distinct paths; the draft allows their methods on any path instead.");
					for (String method : methods) {
						yaml.line(4, "- method: " + Yaml.scalar(Suggestions.anchored(method)));
						l7.add(method + " any path");
					}
				}
				else {
					for (String rule2 : http) {
						int space = rule2.indexOf(' ');
						yaml.line(4, "- method: " + Yaml.scalar(Suggestions.anchored(rule2.substring(0, space))));
						yaml.line(5, "path: " + Yaml.scalar(rule2.substring(space + 1)));
						l7.add(rule2);
					}
				}
				for (String grpc : rules.grpc) {
					yaml.line(4, "# gRPC " + grpc.replace("\\", ""));
					yaml.line(4, "- method: POST");
					yaml.line(5, "path: " + Yaml.scalar(grpc));
					l7.add("gRPC " + grpc.replace("\\", ""));
				}
			}
			else if (!rules.kafka.isEmpty()) {
				yaml.line(4, "kafka:");
				for (String kafka : rules.kafka) {
					int space = kafka.indexOf(' ');
					String topic = kafka.substring(space + 1);
					yaml.line(4, "- apiKey: " + Yaml.scalar(kafka.substring(0, space)));
					if (!topic.isEmpty()) {
						yaml.line(5, "topic: " + Yaml.scalar(topic));
					}
					l7.add("Kafka " + kafka.strip());
				}
			}
			else {
				yaml.line(4, "dns:");
				if (rules.dnsEverything) {
					yaml.line(4, "- matchPattern: \"*\"");
					l7.add("DNS *");
				}
				else {
					for (String name : rules.dns) {
						yaml.line(4, "- matchName: " + Yaml.scalar(name));
						l7.add("DNS " + name);
					}
				}
			}
		}

		private static String name(String workload, Map<String, Integer> used) {
			String base = workload.substring(workload.indexOf('/') + 1).toLowerCase(Locale.ROOT)
				.replaceAll("[^a-z0-9.-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
			if (base.isEmpty()) {
				base = "pods";
			}
			String name = "recommended-" + base;
			if (name.length() > 63) {
				name = name.substring(0, 63).replaceAll("[^a-z0-9]+$", "");
			}
			String key = workload.substring(0, Math.max(0, workload.indexOf('/'))) + "/" + name;
			int n = used.merge(key, 1, Integer::sum);
			return (n == 1) ? name : name + "-" + n;
		}

		private static String count(long n) {
			return n + ((n == 1) ? " flow" : " flows");
		}

	}

	/** A small YAML writer: two spaces an indent level, scalars plain when YAML reads them back as the same text. */
	private static final class Yaml {

		private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern
			.compile("[A-Za-z_/][A-Za-z0-9_./-]*");

		private static final Set<String> KEYWORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y",
				"n", "~");

		private final StringBuilder text = new StringBuilder();

		private int lines;

		void line(int indent, String line) {
			this.text.append("  ".repeat(indent)).append(line).append('\n');
			this.lines++;
		}

		int lines() {
			return this.lines;
		}

		void append(Yaml other) {
			this.text.append(other.text);
			this.lines += other.lines;
		}

		String text() {
			return this.text.toString();
		}

		static String scalar(String value) {
			if (PLAIN.matcher(value).matches() && !KEYWORDS.contains(value.toLowerCase(Locale.ROOT))) {
				return value;
			}
			StringBuilder quoted = new StringBuilder("\"");
			for (char c : value.toCharArray()) {
				switch (c) {
					case '"' -> quoted.append("\\\"");
					case '\\' -> quoted.append("\\\\");
					case '\n' -> quoted.append("\\n");
					case '\t' -> quoted.append("\\t");
					default -> {
						if (c < 0x20) {
							quoted.append(String.format("\\x%02x", (int) c));
						}
						else {
							quoted.append(c);
						}
					}
				}
			}
			return quoted.append('"').toString();
		}

	}

}
