package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.eval.Decision.RuleRef;
import dev.portcullis.engine.flow.Flow;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which rules select an endpoint and which name it as a peer, with the evaluator's own matching. */
class EndpointSelectionTests {

	static final String POLICIES = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: api, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: api}}
			  ingress:
			  - fromEndpoints: [{matchLabels: {app: web}}]
			  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ops, app: probe}}]
			  egressDeny:
			  - toEntities: [world]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: web, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: web}}
			  egress:
			  - toEndpoints: [{matchLabels: {app: api}}]
			  - toEndpoints: [{matchExpressions: [{key: app, operator: In, values: [api, db]}]}]
			---
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata: {name: audit-only, namespace: shop}
			spec:
			  endpointSelector: {matchLabels: {app: api}}
			  enableDefaultDeny: {ingress: false}
			  ingress:
			  - fromEntities: [cluster]
			""";

	static CompiledPolicies compiled(EngineOptions options) {
		ParseResult parsed = PolicyParser.parse(YamlReader.read(POLICIES).documents());
		assertThat(parsed.errors()).isEmpty();
		return CompiledPolicies.compile(parsed.policies(), options);
	}

	static Flow.Endpoint pod(String namespace, String... labels) {
		return new Flow.Endpoint(namespace, List.of(labels), null, null, List.of());
	}

	@Test
	void subjectShouldListItsSelectingRulesAndDefaultDenyPerDirection() {
		EndpointSelection api = compiled(EngineOptions.DEFAULTS).selection(pod("shop", "k8s:app=api"));
		assertThat(api.ingress().selectedBy()).extracting(Object::toString)
			.containsExactly("CiliumNetworkPolicy/shop/api", "CiliumNetworkPolicy/shop/audit-only");
		assertThat(api.ingress().defaultDeny()).isTrue();
		assertThat(api.ingress().defaultDenyBy()).extracting((r) -> r.policy().name()).containsExactly("api");
		// an egressDeny section alone puts egress in default deny too, as Cilium does
		assertThat(api.egress().enforced()).isTrue();
		assertThat(api.egress().defaultDeny()).isTrue();
		EndpointSelection db = compiled(EngineOptions.DEFAULTS).selection(pod("shop", "k8s:app=db"));
		assertThat(db.ingress().enforced()).isFalse();
		assertThat(db.ingress().defaultDeny()).isFalse();
		assertThat(api.endpoint()).startsWith("pod shop");
	}

	@Test
	void peerShouldListEveryRuleNamingItWithTheMatchingPeer() {
		EndpointSelection api = compiled(EngineOptions.DEFAULTS).selection(pod("shop", "k8s:app=api"));
		assertThat(api.egress().peerOf()).extracting(RuleRef::policy).extracting(Object::toString)
			.containsExactly("CiliumNetworkPolicy/shop/web", "CiliumNetworkPolicy/shop/web");
		assertThat(api.egress().peerOf()).extracting(RuleRef::path).containsExactly("spec.egress[0]", "spec.egress[1]");
		assertThat(api.egress().peerOf()).allSatisfy((r) -> assertThat(r.direction()).isEqualTo(Direction.EGRESS));
		// the cluster entity names every pod of the local cluster, api included
		assertThat(api.ingress().peerOf()).extracting(RuleRef::peer).containsExactly("fromEntities[0]");
		EndpointSelection web = compiled(EngineOptions.DEFAULTS).selection(pod("shop", "k8s:app=web"));
		assertThat(web.ingress().peerOf()).extracting((r) -> r.policy().name() + " " + r.path() + " " + r.peer())
			.containsExactly("api spec.ingress[0] fromEndpoints[0]", "audit-only spec.ingress[0] fromEntities[0]");
		// selected by web, whose rules are all egress: nothing speaks of its ingress
		assertThat(web.ingress().selectedBy()).isEmpty();
		assertThat(web.ingress().enforced()).isFalse();
		assertThat(web.egress().defaultDeny()).isTrue();
	}

	@Test
	void aPeerSelectorScopedToTheNamespaceShouldNotNameThePodOfAnother() {
		EndpointSelection elsewhere = compiled(EngineOptions.DEFAULTS).selection(pod("other", "k8s:app=web"));
		assertThat(elsewhere.ingress().peerOf()).extracting((r) -> r.policy().name() + " " + r.path())
			.containsExactly("audit-only spec.ingress[0]");
		EndpointSelection probe = compiled(EngineOptions.DEFAULTS).selection(pod("ops", "k8s:app=probe"));
		assertThat(probe.ingress().peerOf()).extracting((r) -> r.policy().name() + " " + r.path())
			.containsExactly("api spec.ingress[1]", "audit-only spec.ingress[0]");
	}

	@Test
	void enforcementModeNeverShouldLeaveNothingEnforced() {
		EndpointSelection api = compiled(EngineOptions.DEFAULTS.withEnforcementMode(
				EngineOptions.PolicyEnforcementMode.NEVER)).selection(pod("shop", "k8s:app=api"));
		assertThat(api.ingress().enforced()).isFalse();
		assertThat(api.ingress().defaultDeny()).isFalse();
		assertThat(api.ingress().selectedBy()).hasSize(2);
		assertThat(api.egress().selectedBy()).extracting((p) -> p.name()).containsExactly("api");
	}

}
