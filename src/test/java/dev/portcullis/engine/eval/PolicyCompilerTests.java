package dev.portcullis.engine.eval;

import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.LabelSelector.Operator;
import dev.portcullis.engine.api.LabelSelector.Requirement;
import dev.portcullis.engine.api.PortRule.PortProtocol;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.CompiledEntry.PortEntry;
import dev.portcullis.engine.flow.Flow.Endpoint;
import dev.portcullis.engine.flow.Flow.NamedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.portcullis.engine.eval.Fixtures.ccnp;
import static dev.portcullis.engine.eval.Fixtures.cnp;
import static dev.portcullis.engine.eval.Fixtures.fromEndpoints;
import static dev.portcullis.engine.eval.Fixtures.rule;
import static dev.portcullis.engine.eval.Fixtures.selector;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyCompilerTests {

	private static final Requirement NAMESPACE_EXISTS = new Requirement("k8s:io.kubernetes.pod.namespace",
			Operator.EXISTS, List.of());

	@Test
	void scopePeerWhenNamespacedShouldAddPolicyNamespaceAndLocalCluster() {
		assertThat(scope(selector("app", "a"), "ns1", false)).isEqualTo(new LabelSelector(Map.of("app", "a",
				"k8s:io.kubernetes.pod.namespace", "ns1", "k8s:io.cilium.k8s.policy.cluster", "default"), List.of()));
	}

	@Test
	void scopePeerWhenClusterwideShouldRequireSomeNamespace() {
		assertThat(scope(selector("app", "a"), null, false)).isEqualTo(new LabelSelector(
				Map.of("app", "a", "k8s:io.cilium.k8s.policy.cluster", "default"), List.of(NAMESPACE_EXISTS)));
	}

	@Test
	void scopePeerWhenClusterwideSubjectSelectsInitShouldNotRequireNamespace() {
		assertThat(scope(LabelSelector.EMPTY, null, true).matchExpressions()).isEmpty();
	}

	@ParameterizedTest
	@CsvSource({ "k8s:io.kubernetes.pod.namespace", "io.kubernetes.pod.namespace", "any:io.kubernetes.pod.namespace",
			"io.cilium.k8s.namespace.labels.team", "k8s:io.cilium.k8s.namespace.labels.team" })
	void scopePeerWhenSelectorNamesNamespaceOrNamespaceLabelsShouldNotAddNamespace(String key) {
		LabelSelector scoped = scope(selector(key, "x"), "ns1", false);
		assertThat(scoped.matchLabels()).doesNotContainEntry("k8s:io.kubernetes.pod.namespace", "ns1");
	}

	@ParameterizedTest
	@CsvSource({ "reserved:host", "reserved:health" })
	void scopePeerWhenSelectorHasReservedKeyShouldLeaveItAlone(String key) {
		LabelSelector selector = selector(key, "");
		assertThat(scope(selector, "ns1", false)).isEqualTo(selector);
		assertThat(scope(selector, null, false)).isEqualTo(selector);
	}

	@ParameterizedTest
	@CsvSource({ "io.cilium.k8s.policy.cluster", "k8s:io.cilium.k8s.policy.cluster" })
	void scopePeerWhenSelectorNamesClusterShouldKeepIt(String key) {
		assertThat(scope(selector(key, "c2"), "ns1", false).matchLabels()).containsEntry(key, "c2")
			.doesNotContainKey((key.startsWith("k8s:") ? "" : "k8s:") + "io.cilium.k8s.policy.cluster");
	}

	@Test
	void scopePeerWhenDefaultLocalClusterIsOffShouldNotAddCluster() {
		PolicyCompiler compiler = compiler(EngineOptions.DEFAULTS.withPolicyDefaultLocalCluster(false));
		assertThat(compiler.scopePeer(selector("app", "a"), "ns1", false).matchLabels())
			.doesNotContainKey("k8s:io.cilium.k8s.policy.cluster");
	}

	@Test
	void compileWhenEnableDefaultDenyIsFalseShouldNotMakeTheDirectionDefaultDeny() {
		List<CompiledRule> rules = PolicyCompiler.compile(List.of(cnp("default", "p",
				rule(selector("app", "a"), false, null, fromEndpoints(selector("app", "b"))))), EngineOptions.DEFAULTS);
		assertThat(rules).singleElement().satisfies((r) -> {
			assertThat(r.defaultDenyIngress).isFalse();
			assertThat(r.defaultDenyEgress).isFalse();
			assertThat(r.ingress).hasSize(1);
		});
		List<CompiledRule> ignored = PolicyCompiler.compile(List.of(cnp("default", "p",
				rule(selector("app", "a"), false, null, fromEndpoints(selector("app", "b"))))),
				EngineOptions.DEFAULTS.withNonDefaultDenyPolicies(false));
		assertThat(ignored.get(0).defaultDenyIngress).isTrue();
	}

	@Test
	void compileWhenClusterwideSubjectIsEmptyShouldSelectEveryLocalEndpointButNotHost() {
		CompiledRule rule = PolicyCompiler.compile(List.of(ccnp("all", rule(LabelSelector.EMPTY,
				fromEndpoints(LabelSelector.EMPTY)))), EngineOptions.DEFAULTS).get(0);
		SecurityIdentity.Table table = new SecurityIdentity.Table("default");
		assertThat(rule.selects(table.of(Fixtures.pod("x", "app", "y"), List.of()))).isTrue();
		assertThat(rule.selects(table.of(Fixtures.reserved("reserved:health"), List.of()))).isTrue();
		assertThat(rule.selects(table.of(Fixtures.reserved("reserved:host"), List.of()))).isFalse();
		assertThat(rule.selects(table.of(Fixtures.world(), List.of()))).isFalse();
		assertThat(rule.selects(table.of(Fixtures.reserved("reserved:remote-node"), List.of()))).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "80, 0, TCP, TCP, 80, true", "80, 0, TCP, UDP, 80, false", "80, 0, ANY, UDP, 80, true",
			"80, 0, ANY, SCTP, 80, true", "80, 444, TCP, TCP, 444, true", "80, 444, TCP, TCP, 445, false",
			"80, 444, TCP, TCP, 79, false", "80, 70, TCP, TCP, 80, true", "80, 70, TCP, TCP, 75, false",
			"0, 0, TCP, TCP, 12345, true", "0, 0, UDP, TCP, 12345, false", "http-alt, 0, TCP, TCP, 8080, true",
			"HTTP-ALT, 0, TCP, TCP, 8080, true", "http-alt, 0, TCP, TCP, 80, false", "http-alt, 0, UDP, UDP, 8080, false",
			"53, 0, VRRP, VRRP, 0, false", "0, 0, VRRP, VRRP, 0, true", "0, 100, TCP, TCP, 100, true",
			"0, 100, TCP, TCP, 101, false", "0, 65535, TCP, TCP, 40000, true", "http-alt, 8090, TCP, TCP, 8085, true",
			"http-alt, 8090, TCP, TCP, 8091, false", "http-alt, 8000, TCP, TCP, 8080, true",
			"http-alt, 8000, TCP, TCP, 8000, false", "http-alt, 8090, TCP, TCP, 8079, false" })
	void portEntryShouldCoverPortsRangesNamesAndProtocols(String port, int endPort, Protocol protocol,
			Protocol flowProtocol, int flowPort, boolean matches) {
		PortEntry entry = PolicyCompiler.port("ports[0]", 0, new PortProtocol(port, endPort, protocol));
		Endpoint destination = new Endpoint("default", List.of(), null, null,
				List.of(new NamedPort("http-alt", 8080, Protocol.TCP)));
		assertThat(entry.matches(flowProtocol, flowPort, destination)).isEqualTo(matches);
	}

	private static LabelSelector scope(LabelSelector selector, String namespace, boolean matchesInit) {
		return compiler(EngineOptions.DEFAULTS).scopePeer(selector, namespace, matchesInit);
	}

	private static PolicyCompiler compiler(EngineOptions options) {
		return new PolicyCompiler(options);
	}

}
