package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.Decision.Verdict;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.NamedPort;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.inventory.InventoryReadResult;
import dev.portcullis.engine.inventory.InventoryReader;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlReader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Egress named ports per Cilium version, against a model of the agent's resolution: before 1.20 the name resolves
 * over every pod's named ports (cilium/cilium v1.19 pkg/policy/types {@code namedPortMultiMap.GetNamedPort}: other
 * protocols skipped, {@code ErrDuplicateNamedPorts} when two numbers remain, then no key in pkg/policy/l4.go
 * {@code toMapState}); from 1.20 on the destination.
 */
class EgressNamedPortsTests {

	private static final String POLICY = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: to-api, namespace: default}
			spec:
			  endpointSelector: {matchLabels: {app: client}}
			  egress:
			  - toEndpoints: [{matchLabels: {app: api}}]
			    toPorts:
			    - ports: [{port: http, protocol: TCP}]
			""";

	/** A pod's "http" port: none, a TCP number, or UDP 9090 (another protocol, which TCP resolution skips). */
	private static final List<@Nullable String> POD_PORTS = new ArrayList<>();

	static {
		POD_PORTS.add(null);
		POD_PORTS.add("8080/TCP");
		POD_PORTS.add("9090/TCP");
		POD_PORTS.add("9090/UDP");
	}

	@Test
	void egressNamedPortShouldResolveAcrossAllPodsBefore120AndOnTheDestinationFrom120() {
		List<Policy> policies = policies();
		int checked = 0;
		for (String first : POD_PORTS) {
			for (String second : POD_PORTS) {
				Inventory inventory = inventory(first, second);
				CompiledPolicies v119 = CompiledPolicies.compile(policies,
						EngineOptions.DEFAULTS.withCiliumVersion(new CiliumVersion(1, 19)), inventory);
				CompiledPolicies v120 = CompiledPolicies.compile(policies,
						EngineOptions.DEFAULTS.withCiliumVersion(new CiliumVersion(1, 20)), inventory);
				for (Integer own : new Integer[] { null, 7070, 8080 }) {
					for (int port : List.of(7070, 8080, 9090)) {
						Flow flow = flow(own, port);
						Set<Integer> numbers = new TreeSet<>();
						for (String pod : new String[] { first, second }) {
							if (pod != null && pod.endsWith("/TCP")) {
								numbers.add(Integer.parseInt(pod.substring(0, 4)));
							}
						}
						if (own != null) {
							numbers.add(own);
						}
						boolean allowed119 = numbers.size() == 1 && numbers.contains(port);
						boolean allowed120 = own != null && own == port;
						String where = "pods " + first + ", " + second + "; destination " + own + "; port " + port;
						Decision decided = v119.decide(flow);
						assertThat(decided.verdict()).as("1.19: " + where)
							.isEqualTo(allowed119 ? Verdict.FORWARDED : Verdict.DROPPED);
						assertThat(decided.uncertain()).as("1.19 with the inventory is certain: " + where).isNull();
						assertThat(v120.decide(flow).verdict()).as("1.20: " + where)
							.isEqualTo(allowed120 ? Verdict.FORWARDED : Verdict.DROPPED);
						checked++;
					}
				}
			}
		}
		assertThat(checked).isEqualTo(4 * 4 * 3 * 3);
	}

	@Test
	void explanationShouldNameThePodsThatDisagree() {
		CompiledPolicies compiled = CompiledPolicies.compile(policies(), EngineOptions.DEFAULTS,
				inventory("8080/TCP", "9090/TCP"));
		Decision decision = compiled.explain(flow(8080, 8080));
		assertThat(decision.verdict()).isEqualTo(Verdict.DROPPED);
		assertThat(decision.explanation().notes()).anySatisfy((note) -> assertThat(note)
			.contains("spec.egress[0] port toPorts[0].ports[0] names \"http\"")
			.contains("8080 (default/pod-1, the destination pod), 9090 (other/pod-2)")
			.contains("Cilium 1.19 resolves an egress named port across all pods"));
	}

	@Test
	void without120AndWithoutInventoryAnEgressNamedPortVerdictShouldBeUncertain() {
		CompiledPolicies v119 = CompiledPolicies.compile(policies(), EngineOptions.DEFAULTS);
		for (int port : List.of(8080, 9090)) {
			assertThat(v119.decide(flow(8080, port)).uncertain())
				.contains("Cilium 1.19 resolves egress named ports across all pods; import the inventory");
		}
		CompiledPolicies v120 = CompiledPolicies.compile(policies(),
				EngineOptions.DEFAULTS.withCiliumVersion(new CiliumVersion(1, 20)));
		assertThat(v120.decide(flow(8080, 8080)).uncertain()).isNull();
	}

	private static List<Policy> policies() {
		ParseResult parsed = PolicyParser.parse(YamlReader.read(POLICY).documents());
		assertThat(parsed.errors()).isEmpty();
		return parsed.policies();
	}

	/** Two pods outside the flow, in default and other, with their "http" ports. */
	private static Inventory inventory(@Nullable String first, @Nullable String second) {
		StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
		String[] namespaces = { "default", "other" };
		String[] ports = { first, second };
		for (int i = 0; i < 2; i++) {
			String port = (ports[i] != null) ? "{name: http, containerPort: " + ports[i].substring(0, 4)
					+ ", protocol: " + ports[i].substring(5) + "}" : "{containerPort: 1}";
			yaml.append("- {apiVersion: v1, kind: Pod, metadata: {name: pod-").append(i + 1).append(", namespace: ")
				.append(namespaces[i]).append(", labels: {app: api}}, spec: {containers: [{name: c, ports: [")
				.append(port).append("]}]}, status: {podIP: 10.0.0.").append(i + 10).append("}}\n");
		}
		InventoryReadResult read = InventoryReader.read(YamlReader.read(yaml.toString()).documents());
		assertThat(read.errors()).isEmpty();
		return read.inventory();
	}

	/** client to an api pod that is not in the inventory, with its own "http" port (or none). */
	private static Flow flow(@Nullable Integer own, int port) {
		Endpoint source = new Endpoint("default", List.of("k8s:app=client", "k8s:io.kubernetes.pod.namespace=default"),
				"client-1", null, List.of());
		List<NamedPort> ports = (own != null) ? List.of(new NamedPort("http", own, Protocol.TCP)) : List.of();
		Endpoint destination = new Endpoint("default", List.of("k8s:app=api", "k8s:io.kubernetes.pod.namespace=default"),
				"api-9", null, ports);
		return new Flow(source, destination, "10.0.0.1", "10.0.0.99", Protocol.TCP, port, -1, null, List.of(), null,
				false);
	}

}
