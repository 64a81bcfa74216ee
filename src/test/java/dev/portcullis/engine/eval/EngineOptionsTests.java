package dev.portcullis.engine.eval;

import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.DnsRejectResponse;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.parse.CiliumVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EngineOptionsTests {

	@Test
	void defaultsShouldBeCiliums() {
		EngineOptions defaults = EngineOptions.DEFAULTS;
		assertThat(defaults.enforcementMode()).isEqualTo(PolicyEnforcementMode.DEFAULT);
		assertThat(defaults.auditMode()).isFalse();
		assertThat(defaults.clusterName()).isEqualTo("default");
		assertThat(defaults.allowLocalhost()).isEqualTo(AllowLocalhost.ALWAYS);
		assertThat(defaults.policyDefaultLocalCluster()).isTrue();
		assertThat(defaults.cidrMatchesNodes()).isFalse();
		assertThat(defaults.nodeSelectorLabels()).isFalse();
		assertThat(defaults.nonDefaultDenyPolicies()).isTrue();
		assertThat(defaults.dnsRejectResponse()).isEqualTo(DnsRejectResponse.REFUSED);
	}

	@Test
	void ofShouldChangeOnlyTheCommonSettings() {
		EngineOptions options = EngineOptions.of(PolicyEnforcementMode.ALWAYS, true, "east");
		assertThat(options).isEqualTo(new EngineOptions(PolicyEnforcementMode.ALWAYS, true, "east",
				AllowLocalhost.ALWAYS, true, false, false, true, DnsRejectResponse.REFUSED, false, false,
				CiliumVersion.DEFAULT));
	}

	@Test
	void withShouldChangeOneSetting() {
		EngineOptions options = EngineOptions.DEFAULTS.withAllowLocalhost(AllowLocalhost.POLICY)
			.withCidrMatchesNodes(true)
			.withNodeSelectorLabels(true)
			.withNonDefaultDenyPolicies(false)
			.withPolicyDefaultLocalCluster(false)
			.withDnsRejectResponse(DnsRejectResponse.NAME_ERROR)
			.withHostFirewall(true)
			.withMutualAuthentication(true)
			.withCiliumVersion(new CiliumVersion(1, 20));
		assertThat(options).isEqualTo(new EngineOptions(PolicyEnforcementMode.DEFAULT, false, "default",
				AllowLocalhost.POLICY, false, true, true, false, DnsRejectResponse.NAME_ERROR, true, true,
				new CiliumVersion(1, 20)));
		assertThat(options.egressNamedPortsAcrossPods()).isFalse();
		assertThat(EngineOptions.DEFAULTS.egressNamedPortsAcrossPods()).isTrue();
		assertThat(DnsRejectResponse.NAME_ERROR.rcodeName()).isEqualTo("NXDOMAIN");
	}

}
