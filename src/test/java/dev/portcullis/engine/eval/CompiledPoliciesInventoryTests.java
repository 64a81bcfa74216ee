package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.inventory.Inventory;
import dev.portcullis.engine.inventory.InventoryReadResult;
import dev.portcullis.engine.inventory.InventoryReader;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster state in evaluation, checked against the translation Cilium's agent makes (cilium/cilium v1.19
 * pkg/policy/k8s/service.go {@code processRule}): a {@code toServices} of a service with a selector decides every
 * flow as the {@code toEndpoints} of that selector plus the service's namespace does.
 */
class CompiledPoliciesInventoryTests {

	private static final String INVENTORY = """
			apiVersion: v1
			kind: List
			items:
			- {apiVersion: v1, kind: Service, metadata: {name: cart, namespace: shop, labels: {tier: backend}}, spec: {selector: {app: cart, track: stable}}}
			- {apiVersion: v1, kind: Service, metadata: {name: cart, namespace: other, labels: {tier: backend}}, spec: {selector: {app: cart}}}
			- {apiVersion: v1, kind: Service, metadata: {name: db, namespace: shop, labels: {tier: data}}, spec: {selector: {app: db}}}
			""";

	private static List<Policy> policies(String yaml) {
		ParseResult parsed = PolicyParser.parse(YamlReader.read(yaml).documents());
		assertThat(parsed.errors()).isEmpty();
		return parsed.policies();
	}

	private static Inventory inventory() {
		InventoryReadResult read = InventoryReader.read(YamlReader.read(INVENTORY).documents());
		assertThat(read.errors()).isEmpty();
		return read.inventory();
	}

	private static String egress(String peer) {
		return """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: p, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				  egress:
				  - %s
				    toPorts:
				    - ports: [{port: "8080", protocol: TCP}]
				""".formatted(peer);
	}

	private static List<Flow> flows() {
		List<Flow> flows = new ArrayList<>();
		for (String namespace : List.of("shop", "other")) {
			for (String app : List.of("cart", "db", "web")) {
				for (String track : List.of("stable", "canary", "")) {
					for (int port : List.of(8080, 9090)) {
						List<String> labels = new ArrayList<>(List.of("k8s:app=" + app,
								"k8s:io.kubernetes.pod.namespace=" + namespace));
						if (!track.isEmpty()) {
							labels.add("k8s:track=" + track);
						}
						Endpoint source = new Endpoint("shop", List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=shop"),
								"web-1", null, List.of());
						Endpoint destination = new Endpoint(namespace, labels, app + "-1", null, List.of());
						flows.add(new Flow(source, destination, "10.0.0.1", "10.0.0.2", Protocol.TCP, port, -1, null,
								List.of(), null, false));
					}
				}
			}
		}
		return flows;
	}

	@Test
	void toServicesWithInventoryShouldDecideAsTheServiceSelectorInItsNamespaceDoes() {
		record Pair(String toServices, String toEndpoints) {
		}
		List<Pair> pairs = List.of(
				new Pair("toServices: [{k8sService: {serviceName: cart, namespace: shop}}]",
						"toEndpoints: [{matchLabels: {app: cart, track: stable, k8s:io.kubernetes.pod.namespace: shop}}]"),
				new Pair("toServices: [{k8sService: {serviceName: cart}}]",
						"toEndpoints: [{matchLabels: {app: cart, track: stable, k8s:io.kubernetes.pod.namespace: shop}}, "
								+ "{matchLabels: {app: cart, k8s:io.kubernetes.pod.namespace: other}}]"),
				new Pair("toServices: [{k8sServiceSelector: {selector: {matchLabels: {tier: data}}}}]",
						"toEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: shop}}]"),
				new Pair("toServices: [{k8sServiceSelector: {selector: {matchLabels: {tier: backend}}, namespace: other}}]",
						"toEndpoints: [{matchLabels: {app: cart, k8s:io.kubernetes.pod.namespace: other}}]"));
		for (Pair pair : pairs) {
			CompiledPolicies services = CompiledPolicies.compile(policies(egress(pair.toServices())),
					EngineOptions.DEFAULTS, inventory());
			CompiledPolicies endpoints = CompiledPolicies.compile(policies(egress(pair.toEndpoints())),
					EngineOptions.DEFAULTS);
			int allowed = 0;
			for (Flow flow : flows()) {
				Decision viaService = services.decide(flow);
				assertThat(viaService.verdict()).as(pair + " " + flow.destination())
					.isEqualTo(endpoints.decide(flow).verdict());
				assertThat(viaService.uncertain()).as("the inventory gives every service").isNull();
				allowed += viaService.allowed() ? 1 : 0;
			}
			assertThat(allowed).as("some flows of " + pair + " are allowed").isPositive();
		}
	}

	@Test
	void compileWithoutInventoryShouldKeepNoStateAndAnswerUncertain() {
		List<Policy> policies = policies(egress("toServices: [{k8sService: {serviceName: cart, namespace: shop}}]"));
		CompiledPolicies without = CompiledPolicies.compile(policies, EngineOptions.DEFAULTS);
		assertThat(without.inventory()).isNull();
		assertThat(CompiledPolicies.compile(policies, EngineOptions.DEFAULTS, inventory()).inventory())
			.isEqualTo(inventory());
		Flow toCart = flows().get(0);
		Decision decision = without.decide(toCart);
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.uncertain()).contains("toServices[0]");
		assertThat(without.explain(toCart).explanation().notes()).anyMatch((note) -> note.startsWith("uncertain: "));
	}

	@Test
	void policiesThatNeedNoStateShouldNeverBeUncertain() {
		CompiledPolicies compiled = CompiledPolicies.compile(
				policies(egress("toEndpoints: [{matchLabels: {app: cart}}]")), EngineOptions.DEFAULTS);
		for (Flow flow : flows()) {
			assertThat(compiled.decide(flow).uncertain()).isNull();
		}
	}

}
