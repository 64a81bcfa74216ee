package dev.portcullis.engine.describe;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.describe.PolicyGraph.GraphEdge;
import dev.portcullis.engine.describe.PolicyGraph.GraphNode;
import dev.portcullis.engine.describe.PolicyGraph.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyGraphTests {

	@Test
	void graphWhenHttpExampleShouldHaveThePeerOnTheLeftAndTheL7RuleOnTheEdge() {
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse(BriefExamples.HTTP));
		assertThat(graph.nodes()).containsExactly(
				new GraphNode("i1", Role.INGRESS_PEER, "env=prod pods in default", false, false,
						List.of("CiliumNetworkPolicy/default/service-get-public")),
				new GraphNode("s1", Role.SUBJECT, "Pods app=service in default", true, false,
						List.of("CiliumNetworkPolicy/default/service-get-public")));
		assertThat(graph.edges()).containsExactly(new GraphEdge("i1", "s1", Direction.INGRESS, false,
				"TCP 80: GET /public", List.of("CiliumNetworkPolicy/default/service-get-public"),
				List.of("CiliumNetworkPolicy/default/service-get-public spec.ingress[0]")));
	}

	@Test
	void graphWhenDnsExampleShouldHaveBothEgressPeersOnTheRight() {
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse(BriefExamples.DNS));
		assertThat(graph.nodes()).extracting(GraphNode::role, GraphNode::label).containsExactly(
				org.assertj.core.groups.Tuple.tuple(Role.SUBJECT, "Pods app=crawler in default"),
				org.assertj.core.groups.Tuple.tuple(Role.EGRESS_PEER, "k8s-app=kube-dns pods in kube-system"),
				org.assertj.core.groups.Tuple.tuple(Role.EGRESS_PEER, "names matching *.cilium.io"));
		assertThat(graph.nodes().get(0).egressDefaultDeny()).isTrue();
		assertThat(graph.nodes().get(0).ingressDefaultDeny()).isFalse();
		assertThat(graph.edges()).extracting(GraphEdge::from, GraphEdge::to, GraphEdge::label).containsExactly(
				org.assertj.core.groups.Tuple.tuple("s1", "e1", "port 53 (TCP, UDP, SCTP): DNS lookups of *.cilium.io"),
				org.assertj.core.groups.Tuple.tuple("s1", "e2", "TCP 443"));
	}

	@Test
	void graphWhenTwoPoliciesShareASubjectAndAnEdgeShouldDrawThemOnceNamingBoth() {
		String other = BriefExamples.HTTP.replace("service-get-public", "second");
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse(BriefExamples.HTTP + "---\n" + other
				+ "---\n" + BriefExamples.KAFKA));
		assertThat(graph.nodes()).filteredOn((node) -> node.role() == Role.SUBJECT).hasSize(2);
		assertThat(graph.edges()).hasSize(2);
		assertThat(graph.edges().get(0).policies()).containsExactly("CiliumNetworkPolicy/default/service-get-public",
				"CiliumNetworkPolicy/default/second");
		assertThat(graph.outline()).isEqualTo("2 subjects, 2 peers, 2 allow edges and 0 deny edges.");
	}

	@Test
	void graphWhenPeersOfTwoNamespacesReadTheSameShouldKeepThemApart() {
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse(BriefExamples.HTTP + "---\n"
				+ BriefExamples.HTTP.replace("namespace: default", "namespace: shop")));
		assertThat(graph.nodes()).filteredOn((node) -> node.role() == Role.INGRESS_PEER)
			.extracting(GraphNode::label)
			.containsExactly("env=prod pods in default", "env=prod pods in shop");
	}

	@Test
	void graphWhenDenyRuleShouldMarkTheEdgeDeny() {
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: deny-world, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: db}}
				  egressDeny:
				  - toEntities: [world]
				    toPorts:
				    - ports: [{port: "25", protocol: TCP}]
				"""));
		assertThat(graph.edges()).singleElement().satisfies((edge) -> {
			assertThat(edge.deny()).isTrue();
			assertThat(edge.direction()).isEqualTo(Direction.EGRESS);
			assertThat(edge.label()).isEqualTo("TCP 25");
		});
	}

	@Test
	void graphWhenRuleAllowsNothingShouldHaveTheSubjectAndNoEdge() {
		PolicyGraph graph = PolicyGraph.of(BriefExamples.parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: default-deny, namespace: shop}
				spec:
				  endpointSelector: {}
				  ingress:
				  - {}
				  egress:
				  - {}
				"""));
		assertThat(graph.nodes()).singleElement().satisfies((node) -> {
			assertThat(node.label()).isEqualTo("All pods in shop");
			assertThat(node.ingressDefaultDeny()).isTrue();
			assertThat(node.egressDefaultDeny()).isTrue();
		});
		assertThat(graph.edges()).isEmpty();
	}

}
