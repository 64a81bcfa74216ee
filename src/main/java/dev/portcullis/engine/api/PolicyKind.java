package dev.portcullis.engine.api;

/** The kinds of policy objects the engine reads. */
public enum PolicyKind {

	CILIUM_NETWORK_POLICY("CiliumNetworkPolicy", "cilium.io/v2", true),

	CILIUM_CLUSTERWIDE_NETWORK_POLICY("CiliumClusterwideNetworkPolicy", "cilium.io/v2", false),

	NETWORK_POLICY("NetworkPolicy", "networking.k8s.io/v1", true);

	private final String kindName;

	private final String apiVersion;

	private final boolean namespaced;

	PolicyKind(String kindName, String apiVersion, boolean namespaced) {
		this.kindName = kindName;
		this.apiVersion = apiVersion;
		this.namespaced = namespaced;
	}

	/** The Kubernetes {@code kind}, for example {@code CiliumNetworkPolicy}. */
	public String kindName() {
		return this.kindName;
	}

	public String apiVersion() {
		return this.apiVersion;
	}

	public boolean namespaced() {
		return this.namespaced;
	}

}
