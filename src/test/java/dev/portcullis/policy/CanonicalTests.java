package dev.portcullis.policy;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Canonical}: one text per meaning, readable back by YAML 1.1 (kubectl) and 1.2 as the same values. */
class CanonicalTests {

	static String canonical(String yaml, PolicyKey key) {
		return Canonical.write((MapNode) YamlReader.read(yaml).documents().get(0), key);
	}

	static final PolicyKey WEB = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "web");

	@Test
	void writeShouldSortKeysStripClusterFieldsAndMakeTheNamespaceExplicit() {
		String yaml = """
				{"kind": "CiliumNetworkPolicy", "apiVersion": "cilium.io/v2",
				 "metadata": {"uid": "u", "name": "web", "labels": {"b": "2", "a": "1"}, "managedFields": [{"x": 1}],
				   "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "net"}},
				 "spec": {"ingress": [{"toPorts": [{"ports": [{"protocol": "TCP", "port": "80"}]}], "fromEntities": ["world"]}],
				   "endpointSelector": {"matchLabels": {"k8s:app": "web"}}, "egress": null},
				 "status": {"ok": true}}
				""";
		assertThat(canonical(yaml, WEB)).isEqualTo("""
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata:
				  name: web
				  namespace: default
				  annotations:
				    team: net
				  labels:
				    a: "1"
				    b: "2"
				spec:
				  endpointSelector:
				    matchLabels:
				      k8s:app: web
				  ingress:
				  - fromEntities:
				    - world
				    toPorts:
				    - ports:
				      - port: "80"
				        protocol: TCP
				""");
	}

	@Test
	void writeShouldDropTheNamespaceOfClusterWideKinds() {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: all, namespace: x}\n"
				+ "spec: {endpointSelector: {}, ingress: [{}], egress: []}\n";
		assertThat(canonical(yaml, new PolicyKey(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, "", "all")))
			.isEqualTo("""
					apiVersion: cilium.io/v2
					kind: CiliumClusterwideNetworkPolicy
					metadata:
					  name: all
					spec:
					  egress: []
					  endpointSelector: {}
					  ingress:
					  - {}
					""");
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
			"web|web",
			"/public/.*|/public/.*",
			"k8s:io.kubernetes.pod.namespace|k8s:io.kubernetes.pod.namespace",
			"'80'|'\"80\"'",
			"yes|'\"yes\"'",
			"'On'|'\"On\"'",
			"null|'\"null\"'",
			"'10.0.0.0/8'|'\"10.0.0.0/8\"'",
			"'a b'|'\"a b\"'",
			"'-x'|'\"-x\"'",
			"'x:'|'\"x:\"'",
			"'*.example.com'|'\"*.example.com\"'",
			"'say \"hi\"'|'\"say \\\"hi\\\"\"'",
			"''|'\"\"'" })
	void stringsShouldBePlainOnlyWhenUnambiguous(String value, String written) {
		assertThat(Canonical.string(value)).isEqualTo(written);
	}

	@Test
	void writeShouldNormaliseScalarsByType() {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: web}\n"
				+ "spec: {a: 0x1F, b: 0o17, c: +5, d: TRUE, e: 'multi\nline', f: ~}\n";
		assertThat(canonical(yaml, WEB)).endsWith("""
				spec:
				  a: 31
				  b: 15
				  c: 5
				  d: true
				  e: "multi line"
				""");
	}

	@Test
	void writeShouldReadBackToTheSameText() {
		String yaml = """
				apiVersion: cilium.io/v2
				kind: CiliumNetworkPolicy
				metadata: {name: web, namespace: default}
				spec:
				  endpointSelector: {matchLabels: {"app": "web"}}
				  ingress:
				  - toPorts:
				    - ports: [{port: "443", protocol: TCP}]
				      rules:
				        http: [{method: GET, path: "/a b", headers: ["X-A: 1"]}]
				    fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}]
				  - {}
				""";
		String once = canonical(yaml, WEB);
		assertThat(canonical(once, WEB)).isEqualTo(once);
		assertThat(YamlReader.read(once).hasErrors()).isFalse();
	}

	@Test
	void hashShouldBeSha256Hex() {
		assertThat(Canonical.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

}
