package dev.portcullis.policy;

import java.util.List;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.engine.doc.Node.MapNode;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StructuralDiff}: what a reviewer wants to know about a change, in rules, peers, ports and L7 rules. */
class StructuralDiffTests {

	static final PolicyKey KEY = new PolicyKey(PolicyKind.CILIUM_NETWORK_POLICY, "default", "api");

	static String canonical(String spec) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: api, namespace: default}\n"
				+ spec;
		return Canonical.write((MapNode) YamlReader.read(yaml).documents().get(0), KEY);
	}

	static List<String> changes(String from, String to) {
		return StructuralDiff.between(canonical(from), canonical(to)).stream()
			.map((c) -> c.element() + " " + c.kind() + " " + c.path() + ": " + c.summary())
			.toList();
	}

	static final String BASE = """
			spec:
			  endpointSelector: {matchLabels: {app: api}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: web}}]
			    toPorts:
			    - ports: [{port: "80", protocol: TCP}]
			      rules:
			        http: [{method: GET, path: /public}]
			""";

	@Test
	void identicalPoliciesShouldHaveNoChanges() {
		assertThat(changes(BASE, BASE)).isEmpty();
	}

	@Test
	void aChangedRuleShouldNameItsPeersPortsAndL7Rules() {
		String to = BASE.replace("app: web}}]", "app: web}}, {matchLabels: {app: admin}}]")
			.replace("protocol: TCP}]", "protocol: TCP}, {port: \"443\", protocol: TCP}]")
			.replace("path: /public}]", "path: /public}, {method: POST, path: /login}]");
		assertThat(changes(BASE, to)).containsExactly(
				"RULE CHANGED spec.ingress[0]: ingress rule changed",
				"PEER ADDED spec.ingress[0].fromEndpoints[1]: fromEndpoints peer added: {matchLabels: {app: admin}}",
				"PORT ADDED spec.ingress[0].toPorts[0].ports[1]: port added: 443/TCP",
				"L7_RULE ADDED spec.ingress[0].toPorts[0].rules.http[1]: L7 rule added: HTTP {method: POST, path: /login}");
	}

	@Test
	void rulesAddedOrRemovedShouldBeReportedWhereverTheyMoved() {
		String to = """
				spec:
				  endpointSelector: {matchLabels: {app: api}}
				  ingress:
				  - fromEntities: [world]
				  - fromEndpoints: [{matchLabels: {app: web}}]
				    toPorts:
				    - ports: [{port: "80", protocol: TCP}]
				      rules:
				        http: [{method: GET, path: /public}]
				  egressDeny:
				  - toCIDR: [10.0.0.0/8]
				""";
		assertThat(changes(BASE, to)).containsExactly(
				"RULE ADDED spec.ingress[0]: ingress rule added: {fromEntities: [world]}",
				"RULE ADDED spec.egressDeny[0]: egressDeny rule added: {toCIDR: [10.0.0.0/8]}");
		assertThat(changes(to, BASE)).containsExactly(
				"RULE REMOVED spec.ingress[0]: ingress rule removed: {fromEntities: [world]}",
				"RULE REMOVED spec.egressDeny[0]: egressDeny rule removed: {toCIDR: [10.0.0.0/8]}");
	}

	@Test
	void selectorAndLabelChangesShouldBeReported() {
		String to = BASE.replace("{matchLabels: {app: api}}", "{matchLabels: {app: api2}}");
		assertThat(changes(BASE, to)).containsExactly(
				"SELECTOR CHANGED spec.endpointSelector: endpointSelector changed: {matchLabels: {app: api}} → {matchLabels: {app: api2}}");
	}

	@Test
	void networkPolicyPortsAndPeersShouldBeCompared() {
		PolicyKey key = new PolicyKey(PolicyKind.NETWORK_POLICY, "data", "db");
		String from = """
				apiVersion: networking.k8s.io/v1
				kind: NetworkPolicy
				metadata: {name: db, namespace: data}
				spec:
				  podSelector: {matchLabels: {app: db}}
				  ingress:
				  - from: [{podSelector: {matchLabels: {app: api}}}]
				    ports: [{port: 5432}]
				""";
		String to = from.replace("ports: [{port: 5432}]", "ports: [{port: 5432}, {port: 6432, protocol: TCP}]")
			.replace("app: api}}}]", "app: api}}}, {ipBlock: {cidr: 10.0.0.0/8}}]");
		List<String> summaries = StructuralDiff
			.between(Canonical.write((MapNode) YamlReader.read(from).documents().get(0), key),
					Canonical.write((MapNode) YamlReader.read(to).documents().get(0), key))
			.stream().map(PolicyDiff.Change::summary).toList();
		assertThat(summaries).containsExactly("ingress rule changed", "from peer added: {ipBlock: {cidr: 10.0.0.0/8}}",
				"port added: 6432/TCP");
	}

	@Test
	void tombstonesShouldCompareAsNoPolicy() {
		assertThat(StructuralDiff.between("", canonical(BASE))).extracting(PolicyDiff.Change::summary)
			.containsExactly("policy created");
		assertThat(StructuralDiff.between(canonical(BASE), "")).extracting(PolicyDiff.Change::summary)
			.containsExactly("policy deleted");
	}

}
