package dev.portcullis.engine.describe;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyDescriptionTests {

	private static List<String> summary(String yaml) {
		List<PolicyDescription> all = PolicyDescription.of(BriefExamples.parse(yaml));
		assertThat(all).hasSize(1);
		return all.get(0).summary();
	}

	@Test
	void describeWhenHttpExampleShouldSayWhoMayCallWhatOnWhichPort() {
		assertThat(summary(BriefExamples.HTTP)).containsExactly(
				"Pods app=service in default accept TCP 80 from env=prod pods, only GET /public.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"This policy leaves their egress alone.");
	}

	@Test
	void describeWhenGrpcExampleShouldNameTheServiceAndMethod() {
		assertThat(summary(BriefExamples.GRPC)).containsExactly(
				"Pods app=greeter in default accept TCP 50051 from app=client pods, only gRPC helloworld.Greeter/SayHello.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"This policy leaves their egress alone.");
	}

	@Test
	void describeWhenKafkaExampleShouldNameTheRoleAndTopic() {
		assertThat(summary(BriefExamples.KAFKA)).containsExactly(
				"Pods app=kafka in default accept TCP 9092 from app=empire-hq pods, only produce to topic empire-announce.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"This policy leaves their egress alone.");
	}

	@Test
	void describeWhenDnsExampleShouldSayWhichNamesAndWhichFqdnsOnWhichPort() {
		assertThat(summary(BriefExamples.DNS)).containsExactly(
				"This policy leaves their ingress alone.",
				"Pods app=crawler in default may send port 53 (TCP, UDP, SCTP) to k8s-app=kube-dns pods in kube-system,"
						+ " only DNS lookups of *.cilium.io.",
				"Pods app=crawler in default may send TCP 443 to names matching *.cilium.io.",
				"Their egress is default-deny: what no policy allows is dropped.");
	}

	@Test
	void describeWhenDenyRulesShouldSayTheyWinOverEveryAllow() {
		assertThat(summary("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: no-world}
				spec:
				  endpointSelector: {}
				  ingressDeny:
				  - fromEntities: [world]
				  ingress:
				  - fromEntities: [all]
				""")).containsExactly(
				"All endpoints in the cluster accept all traffic from every endpoint and the world (all).",
				"All endpoints in the cluster never accept all traffic from the world (outside the cluster), whatever any policy allows.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"This policy leaves their egress alone.");
	}

	@Test
	void describeWhenEmptyRuleShouldSayTheDirectionBecomesDefaultDenyAndAllowsNothing() {
		assertThat(summary("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: deny-egress, namespace: shop}
				spec:
				  endpointSelector: {}
				  egress:
				  - {}
				""")).containsExactly("This policy leaves their ingress alone.",
				"All pods in shop may send no egress: this policy makes their egress default-deny and allows nothing.");
	}

	@Test
	void describeWhenEnableDefaultDenyFalseShouldSayTheRuleOnlyAdds() {
		assertThat(summary("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: add-only, namespace: shop}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				  enableDefaultDeny: {egress: false}
				  egress:
				  - toCIDRSet:
				    - cidr: 10.0.0.0/8
				      except: [10.96.0.0/12]
				    toPorts:
				    - ports: [{port: "5432", protocol: TCP}]
				""")).containsExactly("This policy leaves their ingress alone.",
				"Pods app=web in shop may send TCP 5432 to 10.0.0.0/8 except 10.96.0.0/12.",
				"This rule does not make their egress default-deny (enableDefaultDeny.egress: false): it only adds to what other policies allow.");
	}

	@Test
	void describeWhenHostPolicyShouldNameTheNodesAndEveryPeerKind() {
		assertThat(summary("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: host}
				spec:
				  nodeSelector: {matchLabels: {role: worker}}
				  ingress:
				  - fromEntities: [cluster]
				  - fromCIDR: [192.168.0.0/16]
				    toPorts:
				    - ports: [{port: "22", protocol: TCP}]
				  - icmps:
				    - fields: [{type: EchoRequest}]
				  egress:
				  - toEndpoints:
				    - matchExpressions:
				      - {key: k8s:io.kubernetes.pod.namespace, operator: In, values: [monitoring]}
				      - {key: app, operator: Exists}
				  - toServices:
				    - k8sService: {serviceName: api, namespace: prod}
				""")).containsExactly(
				"Nodes role=worker (host firewall) accept all traffic from the whole cluster.",
				"Nodes role=worker (host firewall) accept TCP 22 from 192.168.0.0/16.",
				"Nodes role=worker (host firewall) accept ICMP EchoRequest from any peer.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"Nodes role=worker (host firewall) may send all traffic to app=* pods in monitoring.",
				"Nodes role=worker (host firewall) may send all traffic to service prod/api.",
				"Their egress is default-deny: what no policy allows is dropped.");
	}

	@Test
	void describeWhenNetworkPolicyShouldReadLikeTheCiliumPolicyItBecomes() {
		assertThat(summary("""
				apiVersion: networking.k8s.io/v1
				kind: NetworkPolicy
				metadata: {name: db, namespace: shop}
				spec:
				  podSelector: {matchLabels: {app: db}}
				  ingress:
				  - from:
				    - podSelector: {matchLabels: {app: api}}
				    ports:
				    - {port: 5432}
				""")).containsExactly("Pods app=db in shop accept TCP 5432 from app=api pods.",
				"Their ingress is default-deny: what no policy allows is dropped.",
				"This policy leaves their egress alone.");
	}

}
