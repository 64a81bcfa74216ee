package dev.portcullis.engine.lint;

import java.util.List;

import dev.portcullis.engine.describe.BriefExamples;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each lint: a policy that fires it (with line and column) and a close one that does not. */
class PolicyLintTests {

	private static List<Violation> lint(String yaml) {
		YamlDocuments documents = YamlReader.read(yaml);
		assertThat(documents.errors()).isEmpty();
		ParseResult parsed = PolicyParser.parse(documents.documents());
		assertThat(parsed.errors()).as("errors in the test policy").isEmpty();
		List<Violation> found = PolicyLint.lint(documents.documents(), parsed.policies());
		assertThat(found).allMatch((v) -> !v.isError());
		return found;
	}

	private static final String CNP = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: %s, namespace: shop}
			spec:
			""";

	private static String cnp(String name, String spec) {
		return CNP.formatted(name) + spec.indent(2);
	}

	@Test
	void lintWhenBriefExamplesShouldFindNothing() {
		assertThat(lint(BriefExamples.HTTP)).isEmpty();
		assertThat(lint(BriefExamples.GRPC)).isEmpty();
		assertThat(lint(BriefExamples.KAFKA)).isEmpty();
		assertThat(lint(BriefExamples.DNS)).isEmpty();
	}

	// ---------------------------------------------------------------- cluster-wide default deny

	@Test
	void lintWhenClusterwideEmptySelectorMakesADirectionDefaultDenyShouldWarnAtTheSelector() {
		List<Violation> found = lint("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: everyone}
				spec:
				  endpointSelector: {}
				  egress:
				  - toEntities: [world]
				""");
		assertThat(found).hasSize(1);
		assertThat(found.get(0).path()).isEqualTo("spec.endpointSelector");
		assertThat(found.get(0).line()).isEqualTo(5);
		assertThat(found.get(0).column()).isEqualTo(3);
		assertThat(found.get(0).message()).contains("every endpoint in the cluster", "egress default deny",
				"enableDefaultDeny.egress: false");
	}

	@Test
	void lintWhenClusterwideEmptySelectorOptsOutOrAllowsAllShouldNotWarn() {
		assertThat(lint("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: everyone}
				spec:
				  endpointSelector: {}
				  enableDefaultDeny: {egress: false}
				  egress:
				  - toEntities: [world]
				""")).isEmpty();
		assertThat(lint("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: from-world-deny}
				spec:
				  endpointSelector: {}
				  ingressDeny:
				  - fromEntities: [world]
				  ingress:
				  - fromEntities: [all]
				""")).isEmpty();
		assertThat(lint("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: some}
				spec:
				  endpointSelector: {matchLabels: {app: web}}
				  egress:
				  - toEntities: [world]
				""")).isEmpty();
	}

	// ---------------------------------------------------------------- never matches

	@Test
	void lintWhenPeerListIsEmptyShouldSayTheRuleNeverMatches() {
		List<Violation> found = lint(cnp("empty", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromEndpoints: []
				  toPorts:
				  - ports: [{port: "80", protocol: TCP}]
				"""));
		assertThat(found).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.ingress[0].fromEndpoints");
			assertThat(v.line()).isEqualTo(7);
			assertThat(v.column()).isEqualTo(5);
			assertThat(v.message()).contains("empty list", "never matches");
		});
	}

	@Test
	void lintWhenPeerFieldIsAbsentOrHasASelectorShouldNotWarn() {
		assertThat(lint(cnp("wildcard", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- toPorts:
				  - ports: [{port: "80", protocol: TCP}]
				- fromEndpoints: [{}]
				"""))).isEmpty();
	}

	@Test
	void lintWhenSelectorContradictsItselfShouldSaySo() {
		List<Violation> found = lint(cnp("contradiction", """
				endpointSelector:
				  matchLabels: {app: web}
				  matchExpressions:
				  - {key: app, operator: In, values: [api]}
				ingress:
				- fromEndpoints:
				  - matchExpressions:
				    - {key: tier, operator: Exists}
				    - {key: tier, operator: DoesNotExist}
				"""));
		assertThat(found).extracting(Violation::path).containsExactly("spec.endpointSelector",
				"spec.ingress[0].fromEndpoints[0]");
		assertThat(found.get(0).message()).contains("app=web contradicts app In (api)", "applies to no endpoint");
		assertThat(found.get(1).message()).contains("tier Exists contradicts tier DoesNotExist");
	}

	@Test
	void lintWhenSelectorRequirementsCanHoldTogetherShouldNotWarn() {
		assertThat(lint(cnp("compatible", """
				endpointSelector:
				  matchLabels: {app: web}
				  matchExpressions:
				  - {key: app, operator: In, values: [web, api]}
				  - {key: tier, operator: NotIn, values: [db]}
				ingress:
				- fromEntities: [cluster]
				"""))).isEmpty();
	}

	@Test
	void lintWhenExceptCoversTheWholeCidrShouldSayItSelectsNoAddress() {
		List<Violation> found = lint(cnp("excepts", """
				endpointSelector: {matchLabels: {app: web}}
				egress:
				- toCIDRSet:
				  - cidr: 10.0.0.0/24
				    except: [10.0.0.0/25, 10.0.0.128/25]
				  - cidr: 10.1.0.0/24
				    except: [10.1.0.0/25]
				"""));
		assertThat(found).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.egress[0].toCIDRSet[0].except");
			assertThat(v.message()).contains("cover all of 10.0.0.0/24");
		});
	}

	@Test
	void lintWhenToPortsItemListsNoPortShouldSayItMatchesNothing() {
		List<Violation> found = lint(cnp("no-ports", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromEntities: [world]
				  toPorts:
				  - rules:
				      http:
				      - method: GET
				"""));
		assertThat(found).extracting(Violation::path).contains("spec.ingress[0].toPorts[0]");
		assertThat(found).anySatisfy((v) -> assertThat(v.message()).contains("lists no port"));
	}

	@Test
	void lintWhenOnlyEntityIsNoneShouldSayTheRuleNeverMatches() {
		assertThat(lint(cnp("none", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromEntities: [none]
				"""))).singleElement().satisfies((v) -> assertThat(v.message()).contains("fromEntities: [none]"));
	}

	// ---------------------------------------------------------------- moot L7

	@Test
	void lintWhenAnotherPolicyAllowsTheSamePeerOnThePortWithoutL7ShouldNameIt() {
		List<Violation> found = lint(BriefExamples.HTTP + "---\n" + """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: prod-on-80, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {app: service}}
				  ingress:
				  - fromEndpoints:
				    - matchLabels: {env: prod}
				    toPorts:
				    - ports: [{port: "80", protocol: TCP}]
				""");
		assertThat(found).singleElement().satisfies((v) -> {
			assertThat(v.document()).isZero();
			assertThat(v.path()).isEqualTo("spec.ingress[0].toPorts[0].rules");
			assertThat(v.line()).isEqualTo(18);
			assertThat(v.column()).isEqualTo(7);
			assertThat(v.message()).startsWith("Another rule allows the same peer on this port without L7 rules"
					+ " (CiliumNetworkPolicy/default/prod-on-80 spec.ingress[0])")
				.contains("HTTP rules restrict nothing");
		});
	}

	@Test
	void lintWhenTheOtherAllowIsForAnotherPortPeerOrSubjectShouldNotWarn() {
		String other = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: other, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {app: %s}}
				  ingress:
				  - fromEndpoints:
				    - matchLabels: {env: %s}
				    toPorts:
				    - ports: [{port: "%s", protocol: TCP}]
				""";
		assertThat(lint(BriefExamples.HTTP + "---\n" + other.formatted("service", "prod", "8080"))).isEmpty();
		assertThat(lint(BriefExamples.HTTP + "---\n" + other.formatted("service", "dev", "80"))).isEmpty();
		assertThat(lint(BriefExamples.HTTP + "---\n" + other.formatted("other", "prod", "80"))).isEmpty();
	}

	@Test
	void lintWhenAnL3OnlyAllowCoversTheSamePeerShouldWarnToo() {
		List<Violation> found = lint(BriefExamples.HTTP + "---\n" + """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: all-from-prod, namespace: default}
				spec:
				  endpointSelector: {}
				  ingress:
				  - fromEndpoints:
				    - {}
				""");
		assertThat(found).singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("CiliumNetworkPolicy/default/all-from-prod spec.ingress[0]"));
	}

	// ---------------------------------------------------------------- toFQDNs without DNS

	@Test
	void lintWhenToFqdnsHasNoDnsRuleShouldSayNoIpIsLearned() {
		List<Violation> found = lint(cnp("fqdn", """
				endpointSelector: {matchLabels: {app: crawler}}
				egress:
				- toFQDNs:
				  - matchName: api.github.com
				  toPorts:
				  - ports: [{port: "443", protocol: TCP}]
				"""));
		assertThat(found).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.egress[0].toFQDNs[0]");
			assertThat(v.line()).isEqualTo(8);
			assertThat(v.column()).isEqualTo(7);
			assertThat(v.message()).contains("matchName api.github.com", "no egress rule covering them has rules.dns");
		});
	}

	@Test
	void lintWhenDnsRuleDoesNotMatchTheNameShouldSaySo() {
		assertThat(lint(BriefExamples.DNS.replace("- matchPattern: \"*.cilium.io\"\n    toPorts",
				"- matchName: api.github.com\n    toPorts")))
			.singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("the DNS rules covering them do not match it"));
	}

	@Test
	void lintWhenAClusterwideDnsPolicyCoversTheSubjectShouldNotWarn() {
		assertThat(lint(cnp("fqdn", """
				endpointSelector: {matchLabels: {app: crawler}}
				egress:
				- toFQDNs:
				  - matchName: api.github.com
				  toPorts:
				  - ports: [{port: "443", protocol: TCP}]
				""") + "---\n" + """
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: dns}
				spec:
				  endpointSelector: {matchLabels: {app: crawler}}
				  egress:
				  - toEndpoints:
				    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
				    toPorts:
				    - ports: [{port: "53", protocol: ANY}]
				      rules:
				        dns: [{matchPattern: "*"}]
				""")).isEmpty();
	}

	// ---------------------------------------------------------------- deny shadows allow

	@Test
	void lintWhenADenyMatchesEverythingAnAllowMatchesShouldNameTheDeny() {
		List<Violation> found = lint(cnp("shadowed", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromCIDR: [10.1.0.0/16]
				  toPorts:
				  - ports: [{port: "443", protocol: TCP}]
				ingressDeny:
				- fromCIDRSet:
				  - cidr: 10.0.0.0/8
				"""));
		assertThat(found).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.ingress[0]");
			assertThat(v.line()).isEqualTo(7);
			assertThat(v.column()).isEqualTo(5);
			assertThat(v.message()).contains("spec.ingressDeny[0] of this policy", "never lets anything through");
		});
	}

	@Test
	void lintWhenADenyCoversOnlyPartShouldNotWarn() {
		assertThat(lint(cnp("partly", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromCIDR: [10.1.0.0/16]
				  toPorts:
				  - ports: [{port: "443", protocol: TCP}, {port: "80", protocol: TCP}]
				ingressDeny:
				- fromCIDRSet:
				  - cidr: 10.0.0.0/8
				  toPorts:
				  - ports: [{port: "80", protocol: TCP}]
				- fromCIDRSet:
				  - cidr: 10.0.0.0/8
				    except: [10.1.2.0/24]
				"""))).isEmpty();
	}

	@Test
	void lintShouldComeInLineOrderAcrossRules() {
		List<Violation> found = lint(cnp("several", """
				endpointSelector: {matchLabels: {app: web}}
				ingress:
				- fromEndpoints: []
				egress:
				- toEndpoints: []
				- toFQDNs: [{matchName: example.com}]
				"""));
		assertThat(found).extracting(Violation::line).isSorted().hasSize(3);
	}

}
