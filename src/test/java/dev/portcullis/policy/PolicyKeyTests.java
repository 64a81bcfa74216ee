package dev.portcullis.policy;

import dev.portcullis.engine.api.PolicyKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link PolicyKey}: how policies are named in URLs and exports. */
class PolicyKeyTests {

	@ParameterizedTest(name = "{0}/{1}/{2} -> {3}")
	@CsvSource({
			"CiliumNetworkPolicy, default, web, CiliumNetworkPolicy/default/web",
			"cnp, default, web, CiliumNetworkPolicy/default/web",
			"ciliumnetworkpolicies, prod, api, CiliumNetworkPolicy/prod/api",
			"CiliumClusterwideNetworkPolicy, _, all, CiliumClusterwideNetworkPolicy/all",
			"ccnp, _, all, CiliumClusterwideNetworkPolicy/all",
			"NetworkPolicy, data, db, NetworkPolicy/data/db",
			"netpol, data, db, NetworkPolicy/data/db" })
	void parseShouldAcceptKindNamesPluralsAndShortNames(String kind, String namespace, String name, String key) {
		assertThat(PolicyKey.parse(kind, namespace, name)).hasToString(key);
	}

	@Test
	void parseShouldRefuseUnknownKindsAndNamespacesThatDoNotFitTheKind() {
		assertThatIllegalArgumentException().isThrownBy(() -> PolicyKey.parse("Pod", "default", "web"))
			.withMessageContaining("Unknown kind \"Pod\"");
		assertThatIllegalArgumentException().isThrownBy(() -> PolicyKey.parse("ccnp", "default", "all"))
			.withMessageContaining("cluster-wide");
		assertThatIllegalArgumentException().isThrownBy(() -> PolicyKey.parse("cnp", "_", "web"))
			.withMessageContaining("namespaced");
	}

	@Test
	void pathShouldWriteTheClusterWideNamespaceAsUnderscore() {
		assertThat(new PolicyKey(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, "", "all").path())
			.isEqualTo("CiliumClusterwideNetworkPolicy/_/all");
	}

}
