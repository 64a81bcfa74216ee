package dev.portcullis.engine.parse;

import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.PeerRule.CidrRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** NetworkPolicy validation and its translation into the rule Cilium enforces (pkg/k8s/network_policy.go). */
class NetworkPolicyTranslationTests {

	static String np(String spec) {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\nspec: "
				+ spec + "\n";
	}

	static Rule rule(String spec) {
		ParseResult result = PolicyParserTests.parse(np(spec));
		assertThat(result.errors()).isEmpty();
		Policy policy = result.policies().get(0);
		assertThat(policy.ref().kind()).isEqualTo(PolicyKind.NETWORK_POLICY);
		assertThat(policy.ref().namespace()).isEqualTo("shop");
		assertThat(policy.rules()).hasSize(1);
		return policy.rules().get(0);
	}

	private static boolean isDefaultDeny(PeerRule rule) {
		return rule.endpoints() == null && rule.requires() == null && rule.cidr() == null && rule.cidrSet() == null
				&& rule.entities() == null && rule.nodes() == null && rule.groups() == null && rule.services() == null
				&& rule.fqdns() == null && rule.toPorts() == null && rule.icmps() == null && !rule.deny();
	}

	@Test
	void translateShouldGiveThePodSelectorTheK8sSource() {
		Rule rule = rule("{podSelector: {matchLabels: {app: db}, matchExpressions: [{key: tier, operator: In, values: [a]}]}}");
		assertThat(rule.path()).isEqualTo("spec");
		assertThat(rule.endpointSelector()).isEqualTo(new LabelSelector(Map.of("k8s:app", "db"),
				List.of(new Requirement("k8s:tier", Operator.IN, List.of("a")))));
		assertThat(rule.nodeSelector()).isNull();
	}

	@Test
	void translateWhenNoRulesAndNoPolicyTypesShouldDenyAllIngressOnly() {
		Rule rule = rule("{podSelector: {}}");
		assertThat(rule.endpointSelector()).isEqualTo(LabelSelector.EMPTY);
		assertThat(rule.ingress()).singleElement().satisfies((r) -> {
			assertThat(isDefaultDeny(r)).isTrue();
			assertThat(r.direction()).isEqualTo(Direction.INGRESS);
			assertThat(r.path()).isEqualTo("spec.policyTypes");
		});
		assertThat(rule.egress()).isNull();
		assertThat(rule.ingressDeny()).isNull();
		assertThat(rule.egressDeny()).isNull();
	}

	@ParameterizedTest(name = "policyTypes {0}, ingress {1}, egress {2}")
	@CsvSource(delimiter = '|', textBlock = """
			~                 | no  | no  | deny | absent
			~                 | yes | no  | rule | absent
			~                 | no  | yes | deny | rule
			~                 | yes | yes | rule | rule
			[Ingress]         | no  | no  | deny | absent
			[Egress]          | no  | no  | absent | deny
			[Egress]          | yes | no  | rule | deny
			[Ingress, Egress] | no  | no  | deny | deny
			[Ingress, Egress] | no  | yes | deny | rule
			[Ingress]         | no  | yes | deny | rule
			""")
	void translateShouldApplyPolicyTypesAsCiliumDoes(String types, String ingress, String egress, String expectIngress,
			String expectEgress) {
		String spec = "{podSelector: {}, policyTypes: " + types
				+ (ingress.equals("yes") ? ", ingress: [{from: [{podSelector: {}}]}]" : "")
				+ (egress.equals("yes") ? ", egress: [{to: [{podSelector: {}}]}]" : "") + "}";
		Rule rule = rule(spec);
		check(rule.ingress(), expectIngress);
		check(rule.egress(), expectEgress);
	}

	private static void check(List<PeerRule> rules, String expected) {
		switch (expected) {
			case "absent" -> assertThat(rules).isNull();
			case "deny" -> assertThat(rules).singleElement().satisfies((r) -> assertThat(isDefaultDeny(r)).isTrue());
			default -> assertThat(rules).singleElement().satisfies((r) -> assertThat(r.endpoints()).isNotNull());
		}
	}

	@Test
	void translateWhenFromIsMissingOrEmptyShouldAllowEveryPeer() {
		Rule rule = rule("{podSelector: {}, ingress: [{}, {from: []}, {ports: [{port: 80}]}]}");
		assertThat(rule.ingress()).hasSize(3).allSatisfy((r) -> assertThat(r.entities()).containsExactly("all"));
		assertThat(rule.ingress().get(0).toPorts()).isNull();
		assertThat(rule.ingress().get(2).toPorts().get(0).ports())
			.containsExactly(new PortProtocol("80", 0, Protocol.TCP));
		assertThat(rule.ingress()).extracting(PeerRule::path)
			.containsExactly("spec.ingress[0]", "spec.ingress[1]", "spec.ingress[2]");
	}

	@Test
	void translateShouldMakeOnePeerRulePerPeerWithTheSamePorts() {
		Rule rule = rule("""
				{podSelector: {matchLabels: {app: db}}, egress: [{to: [
				  {podSelector: {matchLabels: {app: api}}},
				  {namespaceSelector: {matchLabels: {team: a}}},
				  {namespaceSelector: {}, podSelector: {matchLabels: {app: x}}},
				  {namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}, podSelector: {}},
				  {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}],
				  ports: [{port: 5432}, {protocol: UDP, port: 53}, {protocol: SCTP}, {port: 8000, endPort: 8080}, {port: metrics}]}]}
				""".replace("\n", " "));
		List<PeerRule> egress = rule.egress();
		assertThat(egress).hasSize(5);
		assertThat(egress).extracting(PeerRule::path).containsExactly("spec.egress[0].to[0]", "spec.egress[0].to[1]",
				"spec.egress[0].to[2]", "spec.egress[0].to[3]", "spec.egress[0].to[4]");
		assertThat(egress.get(0).endpoints()).containsExactly(new LabelSelector(
				Map.of("k8s:app", "api", "k8s:io.kubernetes.pod.namespace", "shop"), List.of()));
		assertThat(egress.get(1).endpoints()).containsExactly(
				new LabelSelector(Map.of("k8s:io.cilium.k8s.namespace.labels.team", "a"), List.of()));
		assertThat(egress.get(2).endpoints()).containsExactly(new LabelSelector(Map.of("k8s:app", "x"),
				List.of(new Requirement("k8s:io.kubernetes.pod.namespace", Operator.EXISTS, List.of()))));
		assertThat(egress.get(3).endpoints()).containsExactly(new LabelSelector(Map.of(),
				List.of(new Requirement("k8s:io.cilium.k8s.namespace.labels.env", Operator.NOT_IN, List.of("dev")))));
		assertThat(egress.get(4).cidrSet())
			.containsExactly(new CidrRule("10.0.0.0/8", List.of("10.1.0.0/16"), null, null));
		assertThat(egress.get(4).endpoints()).isNull();
		assertThat(egress).allSatisfy((r) -> {
			assertThat(r.deny()).isFalse();
			assertThat(r.direction()).isEqualTo(Direction.EGRESS);
			assertThat(r.toPorts()).singleElement()
				.satisfies((p) -> assertThat(p.ports()).containsExactly(new PortProtocol("5432", 0, Protocol.TCP),
						new PortProtocol("53", 0, Protocol.UDP), new PortProtocol("0", 0, Protocol.SCTP),
						new PortProtocol("8000", 8080, Protocol.TCP), new PortProtocol("metrics", 0, Protocol.TCP)));
		});
	}

	@Test
	void translateWhenPolicyTypesOmitsIngressShouldStillTranslateIngressRulesWithAWarning() {
		ParseResult result = PolicyParserTests
			.parse(np("{podSelector: {}, policyTypes: [Egress], ingress: [{from: [{podSelector: {}}]}]}"));
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("Cilium still enforces them"));
		Rule rule = result.policies().get(0).rules().get(0);
		assertThat(rule.ingress()).singleElement().satisfies((r) -> assertThat(r.endpoints()).isNotNull());
	}

	@Test
	void translateWhenPolicyTypesOmitsEgressShouldStillTranslateEgressRulesWithAWarning() {
		ParseResult result = PolicyParserTests
			.parse(np("{podSelector: {}, policyTypes: [Ingress], egress: [{to: [{podSelector: {}}]}]}"));
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("Cilium still enforces them"));
		Rule rule = result.policies().get(0).rules().get(0);
		assertThat(rule.egress()).singleElement().satisfies((r) -> assertThat(r.endpoints()).isNotNull());
	}

	@Test
	void translateWhenPodSelectorNamesTheNamespaceLabelShouldKeepThePolicyNamespace() {
		Rule rule = rule("""
				{podSelector: {}, ingress: [{from: [
				  {podSelector: {matchLabels: {io.kubernetes.pod.namespace: other, app: a}}},
				  {podSelector: {matchExpressions: [{key: io.kubernetes.pod.namespace, operator: Exists}]}}]}]}
				""".replace("\n", " "));
		assertThat(rule.ingress().get(0).endpoints()).containsExactly(new LabelSelector(
				Map.of("k8s:app", "a", "k8s:io.kubernetes.pod.namespace", "shop"), List.of()));
		assertThat(rule.ingress().get(1).endpoints()).containsExactly(new LabelSelector(
				Map.of("k8s:io.kubernetes.pod.namespace", "shop"),
				List.of(new Requirement("k8s:io.kubernetes.pod.namespace", Operator.EXISTS, List.of()))));
	}

	@Test
	void translateWhenNamespaceIsMissingShouldUseDefault() {
		ParseResult result = PolicyParserTests.parse(np("{podSelector: {}}").replace(", namespace: shop", ""));
		assertThat(result.policies().get(0).ref().namespace()).isEqualTo("default");
	}

	@ParameterizedTest(name = "{1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			"{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}" | spec.ingress[0].from[0] | ipBlock or podSelector/namespaceSelector, not both
			"{podSelector: {}, ingress: [{from: [{}]}]}"                                             | spec.ingress[0].from[0] | needs at least one of podSelector
			"{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]}" | spec.ingress[0].from[0].ipBlock.except | strict subset
			"{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.1}}]}]}"                    | spec.ingress[0].from[0].ipBlock.cidr | write a prefix such as 10.0.0.1/32
			"{podSelector: {}, ingress: [{from: [{ipBlock: {}}]}]}"                                  | spec.ingress[0].from[0].ipBlock.cidr | ipBlock needs a cidr
			"{podSelector: {}, ingress: [{ports: [{protocol: ICMP}]}]}"                              | spec.ingress[0].ports[0].protocol | supported values are TCP, UDP, SCTP
			"{podSelector: {}, ingress: [{ports: [{port: 0}]}]}"                                     | spec.ingress[0].ports[0].port | must be from 1 to 65535
			"{podSelector: {}, ingress: [{ports: [{port: '80'}]}]}"                                  | spec.ingress[0].ports[0].port | must be a number from 1 to 65535 (unquoted)
			"{podSelector: {}, ingress: [{ports: [{port: http, endPort: 90}]}]}"                     | spec.ingress[0].ports[0].endPort | endPort needs a numeric port
			"{podSelector: {}, ingress: [{ports: [{port: 90, endPort: 80}]}]}"                       | spec.ingress[0].ports[0].endPort | must be at least port 90
			"{podSelector: {}, policyTypes: [ingress]}"                                              | spec.policyTypes | supported values are Ingress, Egress
			"{ingress: [{}]}"                                                                        | spec.podSelector | spec.podSelector is required
			"{podSelector: {}, ingress: [{from: [{podSelector: {matchLabels: {app: 'a b'}}}]}]}"     | spec.ingress[0].from[0].podSelector.matchLabels.app | is not valid
			""")
	void parseWhenNetworkPolicyIsInvalidShouldSayWhere(String spec, String path, String message) {
		ParseResult result = PolicyParserTests.parse(np(spec));
		assertThat(result.errors()).anySatisfy((v) -> {
			assertThat(v.path()).isEqualTo(path);
			assertThat(v.message()).contains(message);
			assertThat(v.line()).isEqualTo(4);
		});
		assertThat(result.policies()).isEmpty();
	}

}
