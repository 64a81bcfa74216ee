package dev.portcullis.policy;

import java.util.UUID;

/** Policy texts and names the store's tests (and the pages' tests) share. */
public final class PolicyFixtures {

	private PolicyFixtures() {
	}

	/** A workspace name no other test (or earlier run on the same database) uses. */
	static String workspaceName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static String cnp(String namespace, String name, String role, int port) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: %s
				  namespace: %s
				  labels:
				    app: %s
				spec:
				  endpointSelector:
				    matchLabels:
				      role: %s
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        role: frontend
				    toPorts:
				    - ports:
				      - port: "%d"
				        protocol: TCP
				""".formatted(name, namespace, role, role, port);
	}

	static String ccnp(String name) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata:
				  name: %s
				spec:
				  endpointSelector: {}
				  ingress:
				  - fromEntities:
				    - cluster
				""".formatted(name);
	}

	static String netpol(String namespace, String name) {
		return """
				apiVersion: networking.k8s.io/v1
				kind: NetworkPolicy
				metadata:
				  name: %s
				  namespace: %s
				spec:
				  podSelector:
				    matchLabels:
				      app: db
				  ingress:
				  - from:
				    - podSelector:
				        matchLabels:
				          app: api
				    ports:
				    - port: 5432
				""".formatted(name, namespace);
	}

	/** A CiliumNetworkPolicy in namespace {@code shop} selecting {@code app=<name>}, admitting TCP {@code port} from
	 * {@code app=frontend}; a port over 65535 makes it invalid at a known place. */
	public static String policy(String name, int port) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: %s
				  namespace: shop
				  labels:
				    team: payments
				spec:
				  endpointSelector:
				    matchLabels:
				      app: %s
				  ingress:
				  - fromEndpoints:
				    - matchLabels:
				        app: frontend
				    toPorts:
				    - ports:
				      - port: "%d"
				        protocol: TCP
				""".formatted(name, name, port);
	}

}
