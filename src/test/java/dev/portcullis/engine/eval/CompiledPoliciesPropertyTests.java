package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** Memoized views must never change a decision: order of evaluation and fresh instances agree. */
class CompiledPoliciesPropertyTests {

	private static final List<Policy> POLICIES = PolicyParser.parse(YamlReader.read("""
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: a, namespace: ns0}
			spec:
			  endpointSelector: {matchLabels: {app: a0}}
			  ingress:
			  - fromEndpoints:
			    - matchLabels: {app: a1}
			    toPorts:
			    - ports: [{port: "80", endPort: 90, protocol: TCP}]
			  - fromCIDRSet:
			    - {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
			  egress:
			  - toEntities: [world]
			  egressDeny:
			  - toCIDR: [10.2.0.0/16]
			---
			apiVersion: cilium.io/v2
			kind: CiliumClusterwideNetworkPolicy
			metadata: {name: b}
			spec:
			  endpointSelector: {matchLabels: {app: a2}}
			  ingress:
			  - fromEndpoints:
			    - {}
			  ingressDeny:
			  - fromEndpoints:
			    - matchLabels: {app: a3}
			    toPorts:
			    - ports: [{port: "22", protocol: TCP}]
			""").documents()).policies();

	@Property(tries = 200)
	void decideShouldNotDependOnEvaluationOrderOrMemoState(@ForAll("flows") List<Flow> flows) {
		assertThat(POLICIES).hasSize(2);
		CompiledPolicies forward = CompiledPolicies.compile(POLICIES, EngineOptions.DEFAULTS);
		CompiledPolicies backward = CompiledPolicies.compile(POLICIES, EngineOptions.DEFAULTS);
		List<Decision> expected = flows.stream().map(forward::decide).toList();
		List<Decision> reversed = new ArrayList<>();
		for (int i = flows.size() - 1; i >= 0; i--) {
			reversed.add(0, backward.decide(flows.get(i)));
		}
		assertThat(reversed).isEqualTo(expected);
		for (int i = 0; i < flows.size(); i++) {
			CompiledPolicies fresh = CompiledPolicies.compile(POLICIES, EngineOptions.DEFAULTS);
			assertThat(fresh.decide(flows.get(i))).isEqualTo(expected.get(i));
			assertThat(forward.explain(flows.get(i)).verdict()).isEqualTo(expected.get(i).verdict());
		}
	}

	@Provide
	Arbitrary<List<Flow>> flows() {
		Arbitrary<Endpoint> endpoints = Arbitraries.oneOf(
				Combinators.combine(Arbitraries.of("ns0", "ns1"), Arbitraries.of("a0", "a1", "a2", "a3"))
					.as((ns, app) -> Fixtures.pod(ns, "app", app)),
				Arbitraries.just(Fixtures.world()), Arbitraries.just(Fixtures.reserved("reserved:host")));
		Arbitrary<String> ips = Arbitraries.of("10.0.0.1", "10.1.2.3", "10.2.0.9", "192.0.2.1");
		Arbitrary<Flow> flow = Combinators.combine(endpoints, endpoints, ips, Arbitraries.of(22, 80, 85, 91, 443),
				Arbitraries.of(Protocol.TCP, Protocol.UDP, Protocol.ICMPV4))
			.as((src, dst, ip, port, protocol) -> new Flow(src, dst, ip, ip, protocol,
					(protocol == Protocol.ICMPV4) ? 0 : port, (protocol == Protocol.ICMPV4) ? 8 : -1, null, List.of(),
					null, false));
		return flow.list().ofMinSize(1).ofMaxSize(20);
	}

}
