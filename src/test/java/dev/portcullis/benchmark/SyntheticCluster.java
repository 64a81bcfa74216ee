package dev.portcullis.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;

/**
 * A generated cluster for benchmarks: {@code namespaces} namespaces with 100 pod identities each (5,000 for 50
 * namespaces) and 20 CiliumNetworkPolicies per namespace (1,000 for 50), mixing L3/L4 rules with DNS proxying,
 * HTTP rules, Kafka rules, and CIDR, entity and deny rules. Deterministic for a seed.
 * <p>
 * Pod {@code k} of namespace {@code i} carries {@code app=svc-(k/5)}, {@code version=v(k%5)}, a tier and the
 * labels Cilium adds (namespace, service account, cluster, namespace labels). Policy {@code j} of a namespace
 * selects {@code app=svc-j}; its kind of rules is {@code j % 4}: 0 L3/L4 + DNS egress, 1 HTTP ingress,
 * 2 Kafka ingress, 3 CIDR egress with an egress deny and an entity ingress.
 */
public final class SyntheticCluster {

	static final String[] TIERS = { "web", "api", "db", "worker" };

	final int namespaces;

	final Random random;

	public SyntheticCluster(int namespaces, long seed) {
		this.namespaces = namespaces;
		this.random = new Random(seed);
	}

	static String namespace(int i) {
		return String.format("ns-%02d", i);
	}

	/** The labels Hubble shows for pod {@code k} of namespace {@code i}. */
	static List<String> podLabels(int i, int k) {
		String ns = namespace(i);
		return List.of("k8s:app=svc-" + (k / 5), "k8s:version=v" + (k % 5), "k8s:tier=" + TIERS[(k / 5) % 4],
				"k8s:io.kubernetes.pod.namespace=" + ns, "k8s:io.cilium.k8s.policy.serviceaccount=svc-" + (k / 5),
				"k8s:io.cilium.k8s.policy.cluster=default",
				"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=" + ns,
				"k8s:io.cilium.k8s.namespace.labels.team=team-" + (i % 5));
	}

	static Flow.Endpoint pod(int i, int k) {
		// a fresh list per flow, as a flow parser would produce
		return new Flow.Endpoint(namespace(i), new ArrayList<>(podLabels(i, k)), "svc-" + (k / 5) + "-" + k, null,
				List.of());
	}

	static Flow.Endpoint kubeDns() {
		return new Flow.Endpoint("kube-system", List.of("k8s:k8s-app=kube-dns",
				"k8s:io.kubernetes.pod.namespace=kube-system", "k8s:io.cilium.k8s.policy.cluster=default",
				"k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system"), "coredns-0", null,
				List.of());
	}

	/** All policies as one multi-document YAML stream. */
	public String policiesYaml() {
		StringBuilder yaml = new StringBuilder(1 << 20);
		for (int i = 0; i < this.namespaces; i++) {
			for (int j = 0; j < 20; j++) {
				yaml.append("---\n").append(policy(i, j));
			}
		}
		return yaml.toString();
	}

	public int policyCount() {
		return this.namespaces * 20;
	}

	static String policy(int i, int j) {
		String header = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: svc-%d-policy
				  namespace: %s
				  labels:
				    team: team-%d
				spec:
				  endpointSelector:
				    matchLabels:
				      app: svc-%d
				""".formatted(j, namespace(i), i % 5, j);
		String body = switch (j % 4) {
			case 0 -> """
					  ingress:
					  - fromEndpoints:
					    - matchLabels:
					        app: svc-%d
					    toPorts:
					    - ports:
					      - port: "8080"
					        protocol: TCP
					  egress:
					  - toEndpoints:
					    - matchLabels:
					        app: svc-%d
					    toPorts:
					    - ports:
					      - port: "5432"
					        protocol: TCP
					  - toEndpoints:
					    - matchLabels:
					        k8s:io.kubernetes.pod.namespace: kube-system
					        k8s-app: kube-dns
					    toPorts:
					    - ports:
					      - port: "53"
					        protocol: ANY
					      rules:
					        dns:
					        - matchPattern: "*.%s.svc.cluster.local"
					        - matchName: api.example.com
					""".formatted((j + 1) % 20, (j + 2) % 20, namespace(i));
			case 1 -> """
					  ingress:
					  - fromEndpoints:
					    - matchLabels:
					        app: svc-%d
					    - matchExpressions:
					      - key: tier
					        operator: In
					        values: [web, api]
					    toPorts:
					    - ports:
					      - port: "8080"
					        protocol: TCP
					      rules:
					        http:
					        - method: GET
					          path: /api/v1/items(/[0-9]+)?
					        - method: POST
					          path: /api/v1/orders
					          headers:
					          - "X-Request-Source: internal"
					        - method: GET
					          path: /healthz
					""".formatted((j + 1) % 20);
			case 2 -> """
					  ingress:
					  - fromEndpoints:
					    - matchLabels:
					        app: svc-%d
					    toPorts:
					    - ports:
					      - port: "9092"
					        protocol: TCP
					      rules:
					        kafka:
					        - role: produce
					          topic: orders-%d
					        - apiKey: fetch
					          topic: orders-%d
					""".formatted((j + 3) % 20, i, i);
			default -> """
					  ingress:
					  - fromEntities:
					    - cluster
					    toPorts:
					    - ports:
					      - port: "9090"
					        protocol: TCP
					  egress:
					  - toCIDRSet:
					    - cidr: 10.0.0.0/8
					      except:
					      - 10.96.0.0/12
					    toPorts:
					    - ports:
					      - port: "443"
					        protocol: TCP
					  egressDeny:
					  - toEntities:
					    - world
					    toPorts:
					    - ports:
					      - port: "25"
					        protocol: TCP
					""";
		};
		return header + body;
	}

	private static Flow tcp(Flow.Endpoint source, Flow.Endpoint destination, int port, Flow.L7Request l7) {
		return new Flow(source, destination, "10.1.0.1", "10.1.0.2", Protocol.TCP, port, -1, l7, List.of(), null,
				false);
	}

	/** L3/L4 flows between pods of one namespace: about half allowed, half dropped. */
	public List<Flow> l3l4Flows(int count) {
		List<Flow> flows = new ArrayList<>(count);
		int[] ports = { 8080, 5432, 9090, 8080, 443, 22 };
		for (int n = 0; n < count; n++) {
			int i = this.random.nextInt(this.namespaces);
			int target = this.random.nextInt(20);
			int source = (this.random.nextInt(10) < 6) ? (target + 1) % 20 : this.random.nextInt(20);
			int port = switch (target % 4) {
				case 0 -> 8080;
				case 3 -> 9090;
				default -> ports[this.random.nextInt(ports.length)];
			};
			flows.add(tcp(pod(i, source * 5 + this.random.nextInt(5)), pod(i, target * 5 + this.random.nextInt(5)),
					port, null));
		}
		return flows;
	}

	/** HTTP requests to the HTTP-filtered services: allowed paths and methods, and others. */
	public List<Flow> httpFlows(int count) {
		List<Flow> flows = new ArrayList<>(count);
		String[][] requests = { { "GET", "/api/v1/items" }, { "GET", "/api/v1/items/42" }, { "POST", "/api/v1/orders" },
				{ "DELETE", "/api/v1/items/42" }, { "GET", "/admin" }, { "GET", "/healthz" } };
		for (int n = 0; n < count; n++) {
			int i = this.random.nextInt(this.namespaces);
			int target = 4 * this.random.nextInt(5) + 1;
			int source = (target + 1) % 20;
			String[] request = requests[this.random.nextInt(requests.length)];
			List<Flow.Header> headers = this.random.nextBoolean()
					? List.of(new Flow.Header("X-Request-Source", "internal")) : List.of();
			Flow.Http http = new Flow.Http(request[0], "http://svc-" + target + "." + namespace(i) + ":8080" + request[1],
					headers, "HTTP/1.1");
			flows.add(tcp(pod(i, source * 5 + this.random.nextInt(5)), pod(i, target * 5 + this.random.nextInt(5)), 8080,
					http));
		}
		return flows;
	}

	/** Kafka produce and fetch requests to the Kafka-filtered services, on their own and other topics. */
	public List<Flow> kafkaFlows(int count) {
		List<Flow> flows = new ArrayList<>(count);
		for (int n = 0; n < count; n++) {
			int i = this.random.nextInt(this.namespaces);
			int target = 4 * this.random.nextInt(5) + 2;
			int source = (target + 3) % 20;
			String topic = this.random.nextBoolean() ? "orders-" + i : "payments-" + i;
			Flow.Kafka kafka = new Flow.Kafka(this.random.nextBoolean() ? "produce" : "fetch", 8, "client-" + n % 7,
					List.of(topic));
			flows.add(tcp(pod(i, source * 5), pod(i, target * 5), 9092, kafka));
		}
		return flows;
	}

	/** DNS lookups to kube-dns from the DNS-proxied services. */
	public List<Flow> dnsFlows(int count) {
		List<Flow> flows = new ArrayList<>(count);
		for (int n = 0; n < count; n++) {
			int i = this.random.nextInt(this.namespaces);
			int j = 4 * this.random.nextInt(5);
			String query = switch (this.random.nextInt(3)) {
				case 0 -> "svc-" + n % 20 + "." + namespace(i) + ".svc.cluster.local.";
				case 1 -> "api.example.com.";
				default -> "tracker.example.net.";
			};
			flows.add(new Flow(pod(i, j * 5), kubeDns(), "10.1.0.1", "10.96.0.10", Protocol.UDP, 53, -1,
					new Flow.Dns(query, List.of("A")), List.of(), null, false));
		}
		return flows;
	}

}
