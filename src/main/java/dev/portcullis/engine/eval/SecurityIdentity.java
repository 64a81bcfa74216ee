package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.match.Labels;
import org.jspecify.annotations.Nullable;

/**
 * A security identity: the normalised label set of a flow endpoint, interned per {@link CompiledPolicies} so that
 * per-identity policy views are computed once (Cilium's identity + policy map). Pods get
 * {@code k8s:io.kubernetes.pod.namespace} and {@code k8s:io.cilium.k8s.policy.cluster} when the flow lacks them;
 * an endpoint without namespace and without {@code reserved:} labels is world; the host endpoint carries the
 * node's labels.
 */
final class SecurityIdentity {

	static final String NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace";

	static final String CLUSTER_LABEL = "k8s:io.cilium.k8s.policy.cluster";

	final int id;

	final Kind kind;

	final List<String> labelList;

	final Labels labels;

	final @Nullable String namespace;

	/**
	 * Whether a label keyed {@code host} of any source is present ({@code reserved:host}, but also a pod label
	 * {@code k8s:host=...}): pkg/policy/repository.go {@code computePolicyEnforcementAndRules} tests
	 * {@code lbls.Has(labels.IDNameHost)}, and {@code LabelArray.Has} reads the bare key {@code host} as any source.
	 */
	final boolean hostKeyed;

	/** Likewise for {@code init} ({@code lbls.Has(labels.IDNameInit)}): {@code reserved:init} or any label keyed init. */
	final boolean initKeyed;

	@SuppressWarnings("unchecked")
	final ConcurrentHashMap<SecurityIdentity, PeerView>[] peerViews = new ConcurrentHashMap[] { new ConcurrentHashMap<>(),
			new ConcurrentHashMap<>() };

	final SubjectView[] subjectViews = new SubjectView[2];

	private SecurityIdentity(int id, Kind kind, List<String> labelList, @Nullable String namespace) {
		this.id = id;
		this.kind = kind;
		this.labelList = labelList;
		this.labels = Labels.of(labelList);
		this.namespace = namespace;
		this.hostKeyed = this.labels.has("host");
		this.initKeyed = this.labels.has("init");
	}

	/** The kinds of endpoints a flow can name. */
	enum Kind {

		/**
		 * A pod (or any endpoint with a namespace). Pods of other clusters (ClusterMesh) are evaluated with the same
		 * policies: the engine holds one policy set, and a cluster-name mismatch is far more often a setting to fix
		 * than a remote pod (the explanation says so).
		 */
		POD(true, true),
		/** The local node ({@code reserved:host}); a subject only of {@code nodeSelector} policies. */
		HOST(true, true),
		/** Local endpoints with a reserved identity that endpointSelector policies can select. */
		RESERVED_ENDPOINT(true, true),
		/** Other nodes ({@code reserved:remote-node}, {@code reserved:kube-apiserver}). */
		REMOTE_NODE(false, true),
		/** Other identities inside the cluster ({@code reserved:unmanaged}, unknown reserved labels). */
		OTHER_CLUSTER(false, true),
		/** Outside the cluster ({@code reserved:world*}, {@code cidr:} identities). */
		WORLD(false, false);

		final boolean local;

		final boolean cluster;

		Kind(boolean local, boolean cluster) {
			this.local = local;
			this.cluster = cluster;
		}

	}

	boolean isLocalEndpoint() {
		return this.kind.local;
	}

	boolean isHost() {
		return this.kind == Kind.HOST;
	}

	/** Whether CIDR (and FQDN) selectors can select this identity. */
	boolean cidrSelectable(boolean cidrMatchesNodes) {
		return !this.kind.cluster || (cidrMatchesNodes && (this.kind == Kind.HOST || this.kind == Kind.REMOTE_NODE));
	}

	/** Interns identities; thread-safe. */
	static final class Table {

		private static final int RECENT = 16384;

		private final ConcurrentHashMap<Key, SecurityIdentity> identities = new ConcurrentHashMap<>();

		/**
		 * A direct-mapped cache by endpoint instance, so that re-deciding the same flow objects (replays, what-if
		 * runs over a stored log) skips hashing the label list. Slots are immutable; a racy read just misses.
		 */
		private final Recent[] recent = new Recent[RECENT];

		private final String clusterName;

		private final AtomicInteger ids = new AtomicInteger();

		Table(String clusterName) {
			this.clusterName = clusterName;
		}

		SecurityIdentity of(Endpoint endpoint, List<String> nodeLabels) {
			int slot = System.identityHashCode(endpoint) & (RECENT - 1);
			Recent hit = this.recent[slot];
			if (hit != null && hit.endpoint() == endpoint && (!hit.identity().isHost() || hit.nodeLabels() == nodeLabels)) {
				return hit.identity();
			}
			SecurityIdentity identity = lookUp(endpoint, nodeLabels);
			this.recent[slot] = new Recent(endpoint, nodeLabels, identity);
			return identity;
		}

		private SecurityIdentity lookUp(Endpoint endpoint, List<String> nodeLabels) {
			boolean host = endpoint.namespace() == null && endpoint.labels().contains("reserved:host");
			Key key = new Key(endpoint.namespace(), endpoint.labels(), endpoint.clusterName(),
					host ? nodeLabels : List.of());
			SecurityIdentity identity = this.identities.get(key);
			if (identity == null) {
				identity = this.identities.computeIfAbsent(key, (k) -> create(k, this.ids.incrementAndGet()));
			}
			return identity;
		}

		private SecurityIdentity create(Key key, int id) {
			TreeSet<String> labels = new TreeSet<>(key.labels());
			String namespace = key.namespace();
			Kind kind;
			if (namespace != null) {
				labels.removeIf((l) -> l.startsWith(NAMESPACE_LABEL + "="));
				labels.add(NAMESPACE_LABEL + "=" + namespace);
				if (labels.stream().noneMatch((l) -> l.startsWith(CLUSTER_LABEL + "="))) {
					labels.add(CLUSTER_LABEL + "=" + ((key.clusterName() != null) ? key.clusterName() : this.clusterName));
				}
				kind = Kind.POD;
			}
			else {
				kind = reservedKind(labels);
				if (kind == Kind.HOST) {
					for (String label : key.nodeLabels()) {
						labels.add(label.contains(":") ? label : "k8s:" + label);
					}
				}
				if (kind == Kind.WORLD && labels.stream().noneMatch((l) -> l.startsWith("reserved:world"))) {
					labels.add("reserved:world");
				}
			}
			return new SecurityIdentity(id, kind, List.copyOf(new ArrayList<>(labels)), namespace);
		}

		private static Kind reservedKind(TreeSet<String> labels) {
			boolean anyReserved = false;
			for (String label : labels) {
				anyReserved |= label.startsWith("reserved:");
			}
			if (!anyReserved) {
				return Kind.WORLD;
			}
			if (has(labels, "reserved:host")) {
				return Kind.HOST;
			}
			if (has(labels, "reserved:health") || has(labels, "reserved:init") || has(labels, "reserved:ingress")) {
				return Kind.RESERVED_ENDPOINT;
			}
			if (has(labels, "reserved:remote-node") || has(labels, "reserved:kube-apiserver")) {
				return Kind.REMOTE_NODE;
			}
			if (has(labels, "reserved:world") || has(labels, "reserved:world-ipv4")
					|| has(labels, "reserved:world-ipv6")) {
				return Kind.WORLD;
			}
			return Kind.OTHER_CLUSTER;
		}

		private static boolean has(TreeSet<String> labels, String label) {
			return labels.contains(label) || labels.stream().anyMatch((l) -> l.startsWith(label + "="));
		}

		private record Recent(Endpoint endpoint, List<String> nodeLabels, SecurityIdentity identity) {
		}

		/**
		 * The interning key. Flows parsed from text carry fresh label strings whose {@code String.hashCode} is not
		 * cached yet, and hashing every character of every label dominated a decision; so the hash samples each
		 * label (length and a few characters near its end, where label values differ) and {@link #equals} still
		 * compares everything. A poor sample only costs speed, never correctness.
		 */
		private record Key(@Nullable String namespace, List<String> labels, @Nullable String clusterName,
				List<String> nodeLabels) {

			@Override
			public int hashCode() {
				int hash = sample(this.namespace);
				for (int i = 0, n = this.labels.size(); i < n; i++) {
					hash = 31 * hash + sample(this.labels.get(i));
				}
				hash = 31 * hash + sample(this.clusterName);
				return 31 * hash + this.nodeLabels.size();
			}

			private static int sample(@Nullable String text) {
				if (text == null) {
					return 0;
				}
				int length = text.length();
				int hash = length;
				for (int i = Math.max(0, length - 6); i < length; i++) {
					hash = 31 * hash + text.charAt(i);
				}
				return 31 * hash + ((length > 0) ? text.charAt(length / 2) : 0);
			}

			@Override
			public boolean equals(@Nullable Object other) {
				return other instanceof Key key && java.util.Objects.equals(this.namespace, key.namespace)
						&& this.labels.equals(key.labels) && java.util.Objects.equals(this.clusterName, key.clusterName)
						&& this.nodeLabels.equals(key.nodeLabels);
			}

		}

	}

}
