package dev.portcullis.engine.parse;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.api.Rule;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.doc.Violation.Severity;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PolicyParserTests {

	private static final Duration HANG_GUARD = Duration.ofSeconds(20);

	static ParseResult parse(String yaml) {
		return parse(yaml, CiliumVersion.DEFAULT);
	}

	static ParseResult parse(String yaml, CiliumVersion target) {
		YamlDocuments documents = YamlReader.read(yaml);
		assertThat(documents.errors()).as("YAML errors").isEmpty();
		return PolicyParser.parse(documents.documents(), target);
	}

	/** A CiliumNetworkPolicy in namespace default with the given spec (flow or block YAML, one line). */
	static String cnp(String spec) {
		return "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: default}\nspec: "
				+ spec + "\n";
	}

	static String ccnp(String spec) {
		return "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: p}\nspec: " + spec
				+ "\n";
	}

	static Stream<Arguments> invalidSpecs() {
		String sel = "endpointSelector: {}, ";
		return Stream.of(
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: 80}]}]}]}",
						"spec.ingress[0].toPorts[0].ports[0].port", "Must be a string, not the integer 80; quote it"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: tcp}]}]}]}",
						"spec.ingress[0].toPorts[0].ports[0].protocol",
						"Unsupported value \"tcp\" for protocol: supported values are TCP, UDP, SCTP, VRRP, IGMP, ANY"),
				arguments("{" + sel + "ingress: [{fromEndpoints: [{matchExpressions: [{key: a, operator: in, values: [x]}]}]}]}",
						"spec.ingress[0].fromEndpoints[0].matchExpressions[0].operator",
						"Unsupported value \"in\" for operator: supported values are In, NotIn, Exists, DoesNotExist"),
				arguments("{" + sel + "ingress: [{fromEndpoints: [{matchExpressions: [{key: a, operator: In}]}]}]}",
						"spec.ingress[0].fromEndpoints[0].matchExpressions[0].values", "needs at least one value"),
				arguments("{" + sel + "ingress: [{fromEndpoints: [{matchExpressions: [{key: a, operator: Exists, values: [x]}]}]}]}",
						"spec.ingress[0].fromEndpoints[0].matchExpressions[0].values", "takes no values"),
				arguments("{" + sel + "ingress: [{fromEndpoints: [{matchLabels: {app: 'bad value'}}]}]}",
						"spec.ingress[0].fromEndpoints[0].matchLabels.app", "The label value \"bad value\" is not valid"),
				arguments("{" + sel + "ingress: [{fromEntities: [world-ipv4]}]}", "spec.ingress[0].fromEntities[0]",
						"Unsupported entity \"world-ipv4\" (the agent knows it but the CRD does not admit it)"),
				arguments("{" + sel + "ingress: [{fromEntities: [everything]}]}", "spec.ingress[0].fromEntities[0]",
						"Unsupported entity \"everything\": supported values are all, world"),
				arguments("{" + sel + "ingress: [{fromRequires: [{matchLabels: {env: prod}}]}]}",
						"spec.ingress[0].fromRequires", "fromRequires was removed in Cilium 1.19"),
				arguments("{" + sel + "egress: [{toFQDNs: [{matchName: 'a b'}]}]}",
						"spec.egress[0].toFQDNs[0].matchName", "matchName \"a b\" is not allowed"),
				arguments("{" + sel + "egress: [{toFQDNs: [{matchName: a.com, matchPattern: '*.a.com'}]}]}",
						"spec.egress[0].toFQDNs[0]", "Exactly one of matchName and matchPattern is needed, not both"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}], serverNames: ['a b']}]}]}",
						"spec.egress[0].toPorts[0].serverNames", "serverNames entry \"a b\" is not allowed"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}], serverNames: []}]}]}",
						"spec.egress[0].toPorts[0].serverNames", "at least one item"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, cidrGroupRef: grp}]}]}",
						"spec.egress[0].toCIDRSet[0]", "needs exactly one of cidr, cidrGroupRef and cidrGroupSelector, not 2"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{except: [10.0.0.0/16]}]}]}", "spec.egress[0].toCIDRSet[0]",
						"needs exactly one of cidr, cidrGroupRef and cidrGroupSelector"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}]}",
						"spec.egress[0].toCIDRSet[0].except", "does not contain exclude CIDR prefix 192.168.0.0/16"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: ['2001:db8::/64']}]}]}",
						"spec.egress[0].toCIDRSet[0].except", "does not contain exclude CIDR prefix 2001:db8::/64"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{cidr: 10.1.2.3}]}]}", "spec.egress[0].toCIDRSet[0].cidr",
						"must be a prefix such as 10.1.2.3/32"),
				arguments("{" + sel + "egress: [{toCIDR: [10.0.0.0/33]}]}", "spec.egress[0].toCIDR[0]",
						"Unable to parse CIDR: \"10.0.0.0/33\" is not a CIDR"),
				arguments("{" + sel + "egress: [{toCIDRSet: [{cidrGroupRef: Bad_Name}]}]}",
						"spec.egress[0].toCIDRSet[0].cidrGroupRef", "is not a valid CiliumCIDRGroup name"),
				arguments("{endpointSelector: {}}", "spec", "rule must have at least one of Ingress, IngressDeny"),
				arguments("{endpointSelector: {}, ingress: [], egress: ~}", "spec",
						"rule must have at least one of Ingress, IngressDeny"),
				arguments("{ingress: [{}]}", "spec", "A rule needs endpointSelector"),
				arguments("{nodeSelector: {}, ingress: [{}]}", "spec.nodeSelector", "rule cannot have NodeSelector"),
				arguments("{" + sel + "ingress: [{fromEndpoints: [{}], fromCIDR: [10.0.0.0/8]}]}", "spec.ingress[0]",
						"Combining fromEndpoints and fromCIDR is not supported yet"),
				arguments("{" + sel + "egress: [{toFQDNs: [{matchName: a.com}], toEndpoints: [{}]}]}", "spec.egress[0]",
						"Combining toEndpoints and toFQDNs is not supported yet"),
				arguments("{" + sel + "egress: [{icmps: [{fields: [{type: 8}]}], toPorts: [{ports: [{port: '80'}]}]}]}",
						"spec.egress[0].icmps", "The ICMPs block may only be present without ToPorts"),
				arguments("{" + sel + "egress: [{icmps: [{fields: [{family: IPv6, type: Timestamp}]}]}]}",
						"spec.egress[0].icmps[0].fields[0].type", "The ICMP type \"Timestamp\" is not valid for family IPv6"),
				arguments("{" + sel + "egress: [{icmps: [{fields: [{family: ipv4, type: 8}]}]}]}",
						"spec.egress[0].icmps[0].fields[0].family", "Unsupported value \"ipv4\" for family"),
				arguments("{" + sel + "egress: [{icmps: [{fields: [{type: 256}]}]}]}",
						"spec.egress[0].icmps[0].fields[0].type", "The ICMP type \"256\" is not valid"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80'}], rules: {http: [{method: GET}]}}]}]}",
						"spec.ingress[0].toPorts[0].ports[0].protocol",
						"L7 rules can only apply to TCP (not ANY) except for DNS rules"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '53', protocol: UDP}], rules: {dns: [{matchPattern: '*'}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.dns", "DNS rules are not allowed on ingress"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '0', protocol: TCP}], rules: {http: [{}]}}]}]}",
						"spec.ingress[0].toPorts[0].ports", "L7 rules can not be used when a port is 0"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '53', endPort: 54, protocol: UDP}], rules: {dns: [{matchPattern: '*'}]}}]}]}",
						"spec.egress[0].toPorts[0].ports[0].endPort", "DNS rules do not support port ranges"),
				arguments("{" + sel + "egress: [{toPorts: [{rules: {dns: [{matchPattern: '*'}]}}]}]}",
						"spec.egress[0].toPorts[0].ports", "Port 53 must be specified for DNS rules"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{protocol: TCP}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "Port must be specified"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: ''}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "Port must be specified"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: REMOVE_ME_AFTER_DOUBLE_CHECKING_PORTS}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "Unable to parse port \"REMOVE_ME_AFTER_DOUBLE_CHECKING_PORTS\""),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '-80'}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "is not a number from 0 to 65535 or a port name"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '70000'}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "Unable to parse port \"70000\""),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '80', endPort: 70000}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].endPort", "Must be an integer from 0 to 65535, not 70000"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '80', endPort: '90'}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].endPort", "(remove the quotes)"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '112', protocol: VRRP}]}]}]}",
						"spec.egress[0].toPorts[0].ports[0].port", "Port must be empty or 0 for protocol VRRP"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{path: '(('}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.http[0].path", "Invalid regular expression for path"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{headerMatches: [{name: X, mismatch: log}]}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.http[0].headerMatches[0].mismatch",
						"Unsupported value \"log\" for mismatch: supported values are LOG, ADD, DELETE, REPLACE"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{headerMatches: [{value: x}]}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.http[0].headerMatches[0].name", "needs a non-empty name"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{role: produce, apiKey: produce}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.kafka[0]", "cannot set both Role"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{apiKey: createtopic}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.kafka[0].apiKey", "invalid Kafka APIKey :\"createtopic\""),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{role: Produce}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.kafka[0].role", "supported values are produce, consume"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{topic: 'a/b'}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.kafka[0].topic", "invalid Kafka Topic name \"a/b\""),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {}}]}]}",
						"spec.ingress[0].toPorts[0].rules", "rules needs exactly one of http, kafka, dns, l7proto"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '53', protocol: TCP}], rules: {http: [], dns: []}}]}]}",
						"spec.egress[0].toPorts[0].rules", "Multiple L7 protocol rule types specified in single rule: http and dns"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {HTTP: [{}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules", "(field names are case-sensitive)"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {l7: [{a: b}], http: [{}]}}]}]}",
						"spec.ingress[0].toPorts[0].rules.l7", "'l7' may only be specified when a 'l7proto' is also specified"),
				arguments("{" + sel + "ingress: [{authentication: {mode: strict}}]}", "spec.ingress[0].authentication.mode",
						"Unsupported value \"strict\" for mode: supported values are disabled, required, test-always-fail"),
				arguments("{" + sel + "ingress: [{}], log: {value: '123456789012345678901234567890123'}}", "spec.log.value",
						"is longer than 32 characters"),
				arguments("{" + sel + "ingress: [{}], log: {value: \"a\\tb\"}}", "spec.log.value", "only printable"),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], listener: {envoyConfig: {name: e}, name: l}}]}]}",
						"spec.ingress[0].toPorts[0].listener", "Listener is not allowed on ingress"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], listener: {envoyConfig: {name: e}, name: l, priority: 0}}]}]}",
						"spec.egress[0].toPorts[0].listener.priority", "Must be an integer from 1 to 100, not 0"),
				arguments("{" + sel + "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}], serverNames: [a.com], rules: {http: [{}]}}]}]}",
						"spec.egress[0].toPorts[0].serverNames", "ServerNames are not allowed with L7 rules without TLS termination"),
				arguments("{" + sel + "egress: {toEndpoints: [{}]}}", "spec.egress", "Must be a list, not an object"),
				arguments("{" + sel + "enableDefaultDeny: {ingress: 'false'}, ingress: [{}]}", "spec.enableDefaultDeny.ingress",
						"Must be a boolean (true or false), not the string \"false\""),
				arguments("{" + sel + "ingress: [{toPorts: [{ports: " + ports(41) + "}]}]}", "spec.ingress[0].toPorts[0].ports",
						"Too many ports: 41; the max is 40"),
				arguments("{" + sel + "ingress: [{icmps: [{fields: " + icmpFields(41) + "}]}]}", "spec.ingress[0].icmps[0].fields",
						"Too many ICMP fields: 41; the max is 40"));
	}

	private static String ports(int count) {
		StringBuilder ports = new StringBuilder("[");
		for (int i = 0; i < count; i++) {
			ports.append((i > 0) ? ", " : "").append("{port: '").append(1000 + i).append("', protocol: TCP}");
		}
		return ports.append(']').toString();
	}

	private static String icmpFields(int count) {
		StringBuilder fields = new StringBuilder("[");
		for (int i = 0; i < count; i++) {
			fields.append((i > 0) ? ", " : "").append("{type: ").append(i).append('}');
		}
		return fields.append(']').toString();
	}

	@ParameterizedTest(name = "{1}: {2}")
	@MethodSource("invalidSpecs")
	void parseWhenSpecBreaksARuleShouldReportItAtItsPathAndRejectThePolicy(String spec, String path, String message) {
		ParseResult result = parse(cnp(spec));
		assertThat(result.errors()).anySatisfy((v) -> {
			assertThat(v.path()).isEqualTo(path);
			assertThat(v.message()).contains(message);
			assertThat(v.line()).isEqualTo(4);
			assertThat(v.column()).isGreaterThanOrEqualTo(7);
		});
		assertThat(result.policies()).isEmpty();
	}

	static Stream<String> validSpecs() {
		String sel = "endpointSelector: {matchLabels: {app: web}}, ";
		return Stream.of("{" + sel + "ingress: [{}]}", "{" + sel + "egress: [{}], ingress: []}",
				"{" + sel + "ingress: [{fromEndpoints: [{}]}]}",
				"{" + sel + "ingress: [{fromEndpoints: [{matchExpressions: [{key: 'k8s:io.kubernetes.pod.namespace', operator: Exists}]}]}]}",
				"{" + sel + "ingress: [{fromEntities: [all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none, kube-apiserver]}]}",
				"{" + sel + "ingress: [{fromCIDR: [192.0.2.1, 10.0.0.0/8, '2001:db8::/32']}]}",
				"{" + sel + "ingress: [{fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12, 10.0.0.0/8]}]}]}",
				"{" + sel + "ingress: [{fromCIDRSet: [{cidrGroupSelector: {matchLabels: {env: prod}}}]}]}",
				"{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}, {port: http}, {port: '8000', endPort: 8080, protocol: UDP}]}]}]}",
				"{" + sel + "ingress: [{toPorts: [{ports: [{port: '0', protocol: ANY}]}]}]}",
				"{" + sel + "ingress: [{toPorts: [{ports: [{protocol: VRRP}, {port: '0', protocol: IGMP}]}]}]}",
				"{" + sel + "ingress: [{icmps: [{fields: [{type: 8}, {type: EchoRequest}, {family: IPv6, type: 128}, {family: IPv6, type: NeighborSolicitation}]}]}]}",
				"{" + sel + "ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{path: '/api/.*', method: 'GET|POST', host: '^a\\.com$', headers: ['X-A: 1', 'X-B'], headerMatches: [{name: X-C, value: v, mismatch: LOG}, {name: X-D, secret: {name: s}}]}]}}]}]}",
				"{" + sel + "egress: [{toEndpoints: [{matchLabels: {k8s-app: kube-dns}}], toPorts: [{ports: [{port: '53', protocol: ANY}], rules: {dns: [{matchPattern: '*'}, {matchName: cilium.io}]}}]}]}",
				"{" + sel + "egress: [{toPorts: [{ports: [{port: '53', endPort: 53, protocol: UDP}], rules: {dns: [{matchPattern: '**.cilium.io'}]}}]}]}",
				"{" + sel + "egress: [{toFQDNs: [{matchName: api.example.com}, {matchPattern: '*.example.com'}], toPorts: [{ports: [{port: '443', protocol: TCP}], serverNames: [api.example.com, '*.example.com', '**.b.com']}]}]}",
				"{" + sel + "egress: [{toServices: [{k8sService: {serviceName: s, namespace: n}}, {k8sServiceSelector: {selector: {matchLabels: {a: b}}}}]}]}",
				"{" + sel + "egress: [{toGroups: [{aws: {securityGroupsIds: [sg-1], region: eu-west-1}}]}]}",
				"{" + sel + "egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], listener: {envoyConfig: {kind: CiliumEnvoyConfig, name: e}, name: l, priority: 10}}]}]}",
				"{" + sel + "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}], terminatingTLS: {secret: {name: s}}, originatingTLS: {secret: {name: c, namespace: n}}, serverNames: [a.com], rules: {http: [{}]}}]}]}",
				"{" + sel + "ingress: [{fromEndpoints: [{}], authentication: {mode: required}}]}",
				"{" + sel + "ingressDeny: [{fromEntities: [world], toPorts: [{ports: [{port: '22', protocol: TCP}]}]}], egressDeny: [{toCIDR: [10.0.0.0/8]}]}",
				"{" + sel + "ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{role: produce, topic: t}, {apiKey: fetch, apiVersion: '3', clientID: c}]}}]}]}",
				"{" + sel + "ingress: [{}], enableDefaultDeny: {ingress: false, egress: true}, log: {value: 'allow web'}, description: d, labels: [{key: a, value: b}]}");
	}

	@ParameterizedTest
	@MethodSource("validSpecs")
	void parseWhenSpecIsValidShouldGiveOnePolicyWithoutErrors(String spec) {
		ParseResult result = parse(cnp(spec));
		assertThat(result.errors()).isEmpty();
		assertThat(result.policies()).singleElement().satisfies((p) -> assertThat(p.rules()).hasSize(1));
	}

	@Test
	void parseShouldReportEveryProblemAtOnceWithLinesAndColumns() {
		ParseResult result = parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: default
				spec:
				  endpointSelector:
				    matchLabels:
				      app: web
				  ingress:
				  - fromEntities: [wrold]
				    toPorts:
				    - ports:
				      - port: 80
				        protocol: tcp
				""");
		assertThat(result.errors()).extracting(Violation::path, Violation::line, Violation::column)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("spec.ingress[0].fromEntities[0]", 11, 20),
					org.assertj.core.groups.Tuple.tuple("spec.ingress[0].toPorts[0].ports[0].port", 14, 15),
					org.assertj.core.groups.Tuple.tuple("spec.ingress[0].toPorts[0].ports[0].protocol", 15, 19));
		assertThat(result.errors()).allSatisfy((v) -> assertThat(v.document()).isZero());
		assertThat(result.policies()).isEmpty();
	}

	@Test
	void parseShouldReadSpecThenSpecsInOrder() {
		ParseResult result = parse("""
				apiVersion: cilium.io/v2
				kind: CiliumClusterwideNetworkPolicy
				metadata: {name: both, labels: {team: net}}
				spec: {endpointSelector: {}, ingress: [{}]}
				specs:
				- {nodeSelector: {matchLabels: {role: worker}}, egress: [{toEntities: [world]}]}
				- {endpointSelector: {matchLabels: {a: b}}, egressDeny: [{toEntities: [world]}]}
				""");
		assertThat(result.violations()).isEmpty();
		Policy policy = result.policies().get(0);
		assertThat(policy.ref().kind()).isEqualTo(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY);
		assertThat(policy.ref().namespace()).isNull();
		assertThat(policy.ref().toString()).isEqualTo("CiliumClusterwideNetworkPolicy/both");
		assertThat(policy.labels()).containsEntry("team", "net");
		assertThat(policy.rules()).extracting(Rule::path).containsExactly("spec", "specs[0]", "specs[1]");
		assertThat(policy.rules().get(1).nodeSelector()).isNotNull();
		assertThat(policy.rules().get(1).endpointSelector()).isNull();
		PeerRule deny = policy.rules().get(2).egressDeny().get(0);
		assertThat(deny.deny()).isTrue();
		assertThat(deny.direction()).isEqualTo(Direction.EGRESS);
		assertThat(deny.path()).isEqualTo("specs[1].egressDeny[0]");
		assertThat(deny.entities()).containsExactly("world");
		assertThat(deny.endpoints()).isNull();
	}

	@Test
	void parseShouldKeepAbsentAndEmptyPeerListsApart() {
		Rule rule = parse(cnp("{endpointSelector: {}, ingress: [{fromEndpoints: [], toPorts: [{ports: [{port: '80'}]}]}, {}]}"))
			.policies().get(0).rules().get(0);
		assertThat(rule.ingress().get(0).endpoints()).isEmpty();
		assertThat(rule.ingress().get(0).cidr()).isNull();
		PeerRule empty = rule.ingress().get(1);
		assertThat(empty.endpoints()).isNull();
		assertThat(empty.toPorts()).isNull();
		assertThat(rule.egress()).isNull();
	}

	@Test
	void parseShouldCanonicalizePortsAsCiliumDoes() {
		Rule rule = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '010'}, {port: '0x50', protocol: UDP}, {port: HTTP-Alt, protocol: TCP}, {port: '1_000'}, {port: '8080', endPort: 8090}]}]}]}"))
			.policies().get(0).rules().get(0);
		assertThat(rule.ingress().get(0).toPorts().get(0).ports()).containsExactly(new PortProtocol("8", 0, Protocol.ANY),
				new PortProtocol("0x50", 0, Protocol.UDP), new PortProtocol("http-alt", 0, Protocol.TCP),
				new PortProtocol("1000", 0, Protocol.ANY), new PortProtocol("8080", 8090, Protocol.ANY));
	}

	@Test
	void parseWhenEndPortIsBelowPortShouldWarnAndKeepTheSinglePort() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', endPort: 70}]}]}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement().satisfies((w) -> assertThat(w.message()).contains("range is empty"));
		assertThat(result.policies().get(0).rules().get(0).ingress().get(0).toPorts().get(0).ports())
			.containsExactly(new PortProtocol("80", 0, Protocol.ANY));
	}

	@Test
	void parseWhenFieldIsUnknownShouldWarnAndPruneIt() {
		ParseResult result = parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				description: top-level
				metadata: {name: p, namespace: default}
				spec:
				  endpointSelector: {}
				  ingress:
				  - fromEndpoint: [{matchLabels: {app: x}}]
				    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
				""");
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).extracting(Violation::path)
			.containsExactly("description", "spec.ingress[0].fromEndpoint");
		assertThat(result.warnings().get(1).message()).contains("did you mean \"fromEndpoints\"")
			.contains("the API server prunes it").contains("strict field validation rejects the object");
		PeerRule rule = result.policies().get(0).rules().get(0).ingress().get(0);
		assertThat(rule.endpoints()).isNull();
		assertThat(rule.toPorts()).hasSize(1);
	}

	@Test
	void parseWhenToPortsItemListsNoPortsShouldWarnThatItMatchesNothing() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{fromEndpoints: [{}], toPorts: [{}]}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement().satisfies((w) -> {
			assertThat(w.path()).isEqualTo("spec.ingress[0].toPorts[0].ports");
			assertThat(w.message()).contains("matches no traffic");
		});
	}

	@Test
	void parseWhenHttpHeaderHasColonButNoSpaceShouldWarnThatItNamesNoHeader() {
		for (String header : List.of("X-Token:", "X-Token:abc")) {
			ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80',"
					+ " protocol: TCP}], rules: {http: [{headers: ['" + header + "']}]}}]}]}"));
			assertThat(result.errors()).isEmpty();
			assertThat(result.warnings()).as(header).singleElement().satisfies((w) -> {
				assertThat(w.path()).isEqualTo("spec.ingress[0].toPorts[0].rules.http[0].headers");
				assertThat(w.message()).contains("never exists").contains("\"Name\" to require the header");
			});
		}
	}

	@Test
	void parseWhenDenyPortHasL7RulesShouldWarnLoudlyAndKeepThePortDeny() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingressDeny: [{fromEndpoints: [{}], toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{method: DELETE}]}}]}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement().satisfies((w) -> {
			assertThat(w.path()).isEqualTo("spec.ingressDeny[0].toPorts[0].rules");
			assertThat(w.message()).contains("DENIES THE WHOLE PORT").contains("kubectl");
		});
		PeerRule deny = result.policies().get(0).rules().get(0).ingressDeny().get(0);
		assertThat(deny.toPorts().get(0).rules()).isNull();
		assertThat(deny.toPorts().get(0).ports()).containsExactly(new PortProtocol("80", 0, Protocol.TCP));
	}

	@Test
	void parseWhenEgressDenyHasToFqdnsShouldWarnThatItDeniesEverything() {
		ParseResult result = parse(cnp("{endpointSelector: {}, egressDeny: [{toFQDNs: [{matchName: a.com}]}]}"));
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("DENIES EVERY DESTINATION"));
		assertThat(result.policies().get(0).rules().get(0).egressDeny().get(0).fqdns()).isNull();
	}

	@Test
	void parseWhenCnpSubjectNamesAnotherNamespaceShouldWarn() {
		ParseResult result = parse(cnp("{endpointSelector: {matchLabels: {k8s:io.kubernetes.pod.namespace: other}}, ingress: [{}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("overwrites").contains("\"other\""));
	}

	@Test
	void parseWhenListenerOmitsKindShouldDefaultItByPolicyKind() {
		String egress = "{endpointSelector: {}, egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], listener: {envoyConfig: {name: e}, name: l}}]}]}";
		assertThat(parse(cnp(egress)).policies().get(0).rules().get(0).egress().get(0).toPorts().get(0).listener()
			.envoyConfigKind()).isEqualTo("CiliumEnvoyConfig");
		assertThat(parse(ccnp(egress)).policies().get(0).rules().get(0).egress().get(0).toPorts().get(0).listener()
			.envoyConfigKind()).isEqualTo("CiliumClusterwideEnvoyConfig");
		ParseResult namespaced = parse(ccnp(egress.replace("{name: e}", "{kind: CiliumEnvoyConfig, name: e}")));
		assertThat(namespaced.errors()).singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("cannot refer to a namespaced CiliumEnvoyConfig"));
	}

	@Test
	void parseWhenHostPolicyHasL7ShouldRejectItAsCiliumDoes() {
		ParseResult ingress = parse(ccnp("{nodeSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{}]}}]}]}"));
		assertThat(ingress.errors()).anySatisfy((v) -> assertThat(v.message()).contains("not supported on host ingress"));
		ParseResult egress = parse(ccnp("{nodeSelector: {}, egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{}]}}]}]}"));
		assertThat(egress.errors()).anySatisfy((v) -> assertThat(v.message()).contains("not supported on host egress"));
		ParseResult dns = parse(ccnp("{nodeSelector: {}, egress: [{toPorts: [{ports: [{port: '53', protocol: ANY}], rules: {dns: [{matchPattern: '*'}]}}]}]}"));
		assertThat(dns.errors()).isEmpty();
	}

	@Test
	void parseWhenBothSelectorsAreSetShouldReject() {
		ParseResult result = parse(ccnp("{endpointSelector: {}, nodeSelector: {}, ingress: [{}]}"));
		assertThat(result.errors()).singleElement()
			.satisfies((v) -> assertThat(v.message()).contains("exactly one of endpointSelector and nodeSelector"));
	}

	@Test
	void parseWhenHttpRegexWouldBacktrackInJavaShouldStillCompleteQuickly() {
		String regex = "(a+)+$";
		ParseResult result = assertTimeoutPreemptively(HANG_GUARD, () -> parse(cnp(
				"{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{path: '"
						+ regex + "', host: '" + "a".repeat(5000) + "!'}]}}]}]}")));
		assertThat(result.errors()).isEmpty();
		assertThat(result.policies().get(0).rules().get(0).ingress().get(0).toPorts().get(0).rules().http().get(0).path())
			.isEqualTo(regex);
	}

	@Test
	void parseWhenRegexUsesSyntaxRe2LacksShouldReject() {
		ParseResult result = parse(cnp(
				"{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{path: '/(?=x)'}]}}]}]}"));
		assertThat(result.errors()).singleElement()
			.satisfies((v) -> assertThat(v.message()).startsWith("Invalid regular expression for path"));
	}

	@Test
	void parseWhenValuesHaveWrongTypesShouldReportEachNeverThrow() {
		ParseResult result = parse("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: 7, namespace: [a]}
				spec:
				  endpointSelector: [app]
				  ingress:
				  - fromEndpoints: {app: x}
				    fromCIDR: 10.0.0.0/8
				    toPorts: [{ports: [{port: true, endPort: 1.5}]}]
				  - 42
				""");
		assertThat(result.errors()).extracting(Violation::path).contains("metadata.name", "metadata.namespace",
				"spec.endpointSelector", "spec.ingress[0].fromEndpoints", "spec.ingress[0].fromCIDR",
				"spec.ingress[0].toPorts[0].ports[0].port", "spec.ingress[0].toPorts[0].ports[0].endPort",
				"spec.ingress[1]");
		assertThat(result.policies()).isEmpty();
	}

	// ---------------------------------------------------------------- documents, kinds, metadata

	@Test
	void parseShouldSkipNullDocumentsAndKeepDocumentIndexes() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{}]}") + "---\n---\n"
				+ cnp("{endpointSelector: {}}").replace("name: p", "name: q"));
		assertThat(result.policies()).singleElement().satisfies((p) -> assertThat(p.document()).isZero());
		assertThat(result.errors()).singleElement().satisfies((v) -> {
			assertThat(v.document()).isEqualTo(2);
			assertThat(v.line()).isEqualTo(10);
		});
	}

	@Test
	void parseShouldExpandKubectlListsIgnoringClusterSetFields() {
		ParseResult result = parse("""
				apiVersion: v1
				kind: List
				metadata: {resourceVersion: ""}
				items:
				- apiVersion: cilium.io/v2
				  kind: CiliumNetworkPolicy
				  metadata:
				    name: a
				    namespace: shop
				    uid: 7d3c8c2e-1111-2222-3333-444455556666
				    resourceVersion: "12345"
				    generation: 2
				    creationTimestamp: "2025-01-01T00:00:00Z"
				    annotations:
				      kubectl.kubernetes.io/last-applied-configuration: |
				        {"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy"}
				    managedFields:
				    - manager: kubectl-client-side-apply
				      operation: Update
				      fieldsV1: {"f:spec": {".": {}}}
				  spec: {endpointSelector: {}, ingress: [{}]}
				  status:
				    conditions: [{type: Valid, status: "True"}]
				- apiVersion: networking.k8s.io/v1
				  kind: NetworkPolicy
				  metadata: {name: b, namespace: shop}
				  spec: {podSelector: {}}
				- apiVersion: cilium.io/v2
				  kind: CiliumClusterwideNetworkPolicy
				  metadata: {name: c}
				  spec: {endpointSelector: {}, egress: [{toEntities: [wrong]}]}
				""");
		assertThat(result.policies()).extracting((p) -> p.ref().toString())
			.containsExactly("CiliumNetworkPolicy/shop/a", "NetworkPolicy/shop/b");
		assertThat(result.warnings()).isEmpty();
		assertThat(result.errors()).singleElement().satisfies((v) -> {
			assertThat(v.document()).isZero();
			assertThat(v.path()).isEqualTo("items[2].spec.egress[0].toEntities[0]");
			assertThat(v.line()).isEqualTo(31);
		});
	}

	static Stream<Arguments> badObjects() {
		return Stream.of(
				arguments("apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: {name: a}\nspec: {}\n",
						"apiVersion", "cilium.io/v1 is no longer served"),
				arguments("apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {}\n",
						"apiVersion", "removed in Kubernetes 1.16"),
				arguments("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", "kind",
						"kind \"Namespace\" (apiVersion \"v1\") is not a network policy"),
				arguments("apiversion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a}\nspec: {}\n",
						"apiVersion", "apiVersion is required (found \"apiversion\": field names are case-sensitive)"),
				arguments("kind: CiliumNetworkPolicy\n", "apiVersion", "apiVersion is required"),
				arguments("[{endpointSelector: {}, ingress: [{}]}]\n", "", "Not a Kubernetes object: this is a list"),
				arguments("just text\n", "", "Not a Kubernetes object: found the string \"just text\""),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {namespace: a}\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata.name", "metadata.name is required"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata", "metadata with a name is required"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: Bad_Name}\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata.name", "is not a valid name"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, namespace: default}\n",
						"", "Invalid CiliumNetworkPolicy spec(s): empty policy"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: a}\nspecs: []\n",
						"", "Invalid CiliumClusterwideNetworkPolicy spec(s): empty policy"),
				arguments("apiVersion: v1\nkind: List\nitems: [~]\n", "items[0]", "must be a Kubernetes object"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, labels: {'a b': x}}\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata.labels.a b", "The label key \"a b\" is not valid"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, labels: {example.com/team: -x}}\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata.labels.example.com/team", "The label value \"-x\" is not valid"),
				arguments("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a, annotations: {n: 1}}\nspec: {endpointSelector: {}, ingress: [{}]}\n",
						"metadata.annotations.n", "Must be a string, not the integer 1"));
	}

	@ParameterizedTest(name = "{2}")
	@MethodSource("badObjects")
	void parseWhenObjectIsNotAValidPolicyShouldSayWhy(String yaml, String path, String message) {
		ParseResult result = parse(yaml);
		assertThat(result.errors()).anySatisfy((v) -> {
			assertThat(v.path()).isEqualTo(path);
			assertThat(v.message()).contains(message);
		});
		assertThat(result.policies()).isEmpty();
	}

	@Test
	void parseWhenCnpHasNoNamespaceShouldPlaceItInDefaultWithAWarning() {
		ParseResult result = parse("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: a}\n"
				+ "spec: {endpointSelector: {}, ingress: [{}]}\n");
		assertThat(result.policies().get(0).ref().namespace()).isEqualTo("default");
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("metadata.namespace is not set"));
	}

	@Test
	void parseWhenCcnpHasANamespaceShouldIgnoreItWithAWarning() {
		ParseResult result = parse(ccnp("{endpointSelector: {}, ingress: [{}]}").replace("{name: p}",
				"{name: p, namespace: x}"));
		assertThat(result.policies().get(0).ref().namespace()).isNull();
		assertThat(result.warnings()).singleElement().satisfies((w) -> assertThat(w.message()).contains("cluster-scoped"));
	}

	// ---------------------------------------------------------------- versions

	@Test
	void parseWhenTargetPredatesAFeatureShouldWarn() {
		CiliumVersion old = CiliumVersion.parse("1.14");
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{protocol: VRRP}]}]}], enableDefaultDeny: {ingress: false}}"), old);
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).extracting(Violation::message).anySatisfy((m) -> assertThat(m)
			.contains("enableDefaultDeny is new in Cilium 1.16")).anySatisfy((m) -> assertThat(m).contains("VRRP is new in Cilium 1.19"));
		assertThat(parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{protocol: VRRP}]}]}], enableDefaultDeny: {ingress: false}}"))
			.warnings()).isEmpty();
	}

	@Test
	void parseRequiresShouldDependOnTheTarget() {
		String spec = "{endpointSelector: {}, ingress: [{fromRequires: [{matchLabels: {env: prod}}], fromEndpoints: [{}]}]}";
		ParseResult v116 = parse(cnp(spec), new CiliumVersion(1, 16));
		assertThat(v116.violations()).isEmpty();
		assertThat(v116.policies().get(0).rules().get(0).ingress().get(0).requires()).hasSize(1);
		ParseResult v118 = parse(cnp(spec), new CiliumVersion(1, 18));
		assertThat(v118.errors()).isEmpty();
		assertThat(v118.warnings()).singleElement().satisfies((w) -> assertThat(w.message()).contains("deprecated since Cilium 1.17"));
		ParseResult v119 = parse(cnp(spec), new CiliumVersion(1, 19));
		assertThat(v119.errors()).singleElement().satisfies((v) -> assertThat(v.message()).contains("maxItems 0"));
		assertThat(parse(cnp(spec.replace("[{matchLabels: {env: prod}}]", "[]")), new CiliumVersion(1, 19)).errors()).isEmpty();
	}

	@Test
	void parseKafkaShouldBeDeprecatedIn119AndRejectedFrom120() {
		String spec = "{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '9092', protocol: TCP}], rules: {kafka: [{role: produce, topic: t}]}}]}]}";
		ParseResult v119 = parse(cnp(spec));
		assertThat(v119.errors()).isEmpty();
		assertThat(v119.warnings()).singleElement().satisfies((w) -> assertThat(w.message()).contains("removed in Cilium 1.20"));
		assertThat(v119.policies().get(0).rules().get(0).ingress().get(0).toPorts().get(0).rules().kafka()).hasSize(1);
		ParseResult v120 = parse(cnp(spec), new CiliumVersion(1, 20));
		assertThat(v120.errors()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.ingress[0].toPorts[0].rules.kafka");
			assertThat(v.message()).contains("removed in Cilium 1.20");
		});
	}

	// ---------------------------------------------------------------- performance guard

	@Test
	void parseShouldHandleAThousandPolicies() {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 1000; i++) {
			text.append("---\n").append(cnp("{endpointSelector: {matchLabels: {app: a" + i + "}}, ingress: [{fromEndpoints: [{matchLabels: {app: b}}], toPorts: [{ports: [{port: '80', protocol: TCP}], rules: {http: [{method: GET, path: '/api/.*'}]}}]}], egress: [{toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]}]}")
				.replace("name: p", "name: p" + i));
		}
		ParseResult result = assertTimeoutPreemptively(HANG_GUARD, () -> parse(text.toString()));
		assertThat(result.violations()).isEmpty();
		assertThat(result.policies()).hasSize(1000);
		assertThat(result.policies().get(999).document()).isEqualTo(999);
	}

	@Test
	void violationsShouldBeErrorsOrWarnings() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{fromEndpoint: [{}]}], egress: [{toEntities: [x]}]}"));
		assertThat(result.violations()).extracting(Violation::severity)
			.containsExactly(Severity.WARNING, Severity.ERROR);
		assertThat(List.copyOf(result.violations())).hasSize(2);
	}

	@Test
	void parseWhenPortZeroHasAnEndPortShouldWarnThatItIsNotEveryPort() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: '0', endPort: 100,"
				+ " protocol: TCP}]}]}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("covers ports 0 to 100 only"));
		assertThat(result.policies().get(0).rules().get(0).ingress().get(0).toPorts().get(0).ports().get(0).endPort())
			.isEqualTo(100);
	}

	@Test
	void parseWhenANamedPortHasAnEndPortShouldKeepItAndWarn() {
		ParseResult result = parse(cnp("{endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: http, endPort: 8090,"
				+ " protocol: TCP}]}]}]}"));
		assertThat(result.errors()).isEmpty();
		assertThat(result.warnings()).singleElement()
			.satisfies((w) -> assertThat(w.message()).contains("from the resolved one up to 8090"));
		assertThat(result.policies().get(0).rules().get(0).ingress().get(0).toPorts().get(0).ports().get(0).endPort())
			.isEqualTo(8090);
	}

	@Test
	void parseWhenIcmpTypeIsExtendedEchoReplyShouldReportTheApiServersRejection() {
		ParseResult result = parse(cnp("{endpointSelector: {}, egress: [{icmps: [{fields: [{type: ExtendedEchoReply,"
				+ " family: IPv6}]}]}]}"));
		assertThat(result.policies()).isEmpty();
		assertThat(result.errors()).singleElement().satisfies((v) -> {
			assertThat(v.path()).isEqualTo("spec.egress[0].icmps[0].fields[0].type");
			assertThat(v.message()).contains("API server rejects").contains("number 161");
		});
	}

	@ParameterizedTest
	@CsvSource({ "1.19, '*.example.com', true", "1.19, '**.example.com', true", "1.19, api.example.com, true",
			"1.19, '*example.com', false", "1.19, 'api.*.example.com', false", "1.19, '*', false",
			"1.18, 'a*.example.com', false", "1.20, '*example.com', true", "1.20, 'api.*.example.com', true",
			"1.20, '*', true" })
	void parseShouldCheckServerNamesAgainstTheTargetVersionsCrd(String version, String serverName, boolean valid) {
		ParseResult result = parse(cnp("{endpointSelector: {}, egress: [{toEntities: [world], toPorts: [{ports:"
				+ " [{port: '443', protocol: TCP}], serverNames: ['" + serverName + "']}]}]}"), CiliumVersion.parse(version));
		assertThat(result.errors()).as(result.errors().toString())
			.filteredOn((v) -> v.path().endsWith("serverNames"))
			.hasSize(valid ? 0 : 1);
	}

}
