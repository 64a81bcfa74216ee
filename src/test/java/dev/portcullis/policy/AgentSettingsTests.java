package dev.portcullis.policy;

import java.util.List;
import java.util.Set;

import dev.portcullis.engine.eval.EngineOptions;
import dev.portcullis.engine.eval.EngineOptions.AllowLocalhost;
import dev.portcullis.engine.eval.EngineOptions.DnsRejectResponse;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.parse.CiliumVersion;
import dev.portcullis.web.FieldViolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The one reader and writer of agent settings: names, Cilium's defaults, and a problem per bad member. */
class AgentSettingsTests {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static AgentSettings.Reading read(String json) {
		return AgentSettings.read(JSON.readTree(json), AgentSettings.DEFAULTS, "", Set.of());
	}

	@Test
	void absentEmptyAndNullShouldBeCiliumsDefaults() {
		assertThat(AgentSettings.read(null, AgentSettings.DEFAULTS, "options", Set.of()).settings())
			.isEqualTo(AgentSettings.DEFAULTS);
		assertThat(read("{}").settings()).isEqualTo(AgentSettings.DEFAULTS);
		assertThat(read("{\"clusterName\": null, \"policyDefaultLocalCluster\": null}").settings())
			.isEqualTo(AgentSettings.DEFAULTS);
		assertThat(AgentSettings.DEFAULTS.engineOptions()).isEqualTo(EngineOptions.DEFAULTS);
		assertThat(AgentSettings.DEFAULTS.ciliumVersion()).isEqualTo(CiliumVersion.DEFAULT);
	}

	@Test
	void everySettingShouldBeReadAndWrittenBackTheSame() {
		AgentSettings.Reading reading = read("""
				{"ciliumVersion": "v1.18.4", "policyEnforcementMode": "ALWAYS", "policyAuditMode": true,
				 "clusterName": "prod-eu", "allowLocalhost": "policy", "policyDefaultLocalCluster": false,
				 "policyCidrMatchMode": ["nodes"], "nodeSelectorLabels": true, "nonDefaultDenyPolicies": false,
				 "dnsRejectResponseCode": "NAMEERROR", "hostFirewall": true, "mutualAuthentication": true}
				""");
		assertThat(reading.violations()).isEmpty();
		AgentSettings settings = reading.settings();
		assertThat(settings.ciliumVersion()).isEqualTo(new CiliumVersion(1, 18));
		assertThat(settings.engineOptions()).isEqualTo(new EngineOptions(PolicyEnforcementMode.ALWAYS, true, "prod-eu",
				AllowLocalhost.POLICY, false, true, true, false, DnsRejectResponse.NAME_ERROR, true, true,
				new CiliumVersion(1, 18)));
		assertThat(settings.toJson().keySet()).containsExactlyElementsOf(AgentSettings.NAMES);
		assertThat(AgentSettings.read(JSON.valueToTree(settings.toJson()), AgentSettings.DEFAULTS, "", Set.of())
			.settings()).isEqualTo(settings);
		assertThat(settings.toJson().get("dnsRejectResponseCode")).isEqualTo("nameError");
		for (AgentSettings.Setting setting : AgentSettings.Setting.values()) {
			assertThat(settings.isDefault(setting)).as(setting.json()).isFalse();
			assertThat(AgentSettings.DEFAULTS.isDefault(setting)).isTrue();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			"auto"          | ALWAYS
			"Always"        | ALWAYS
			"policy"        | POLICY
			""")
	void allowLocalhostAutoShouldBeAlwaysAsInKubernetes(String json, AllowLocalhost expected) {
		assertThat(read("{\"allowLocalhost\": " + json + "}").settings().engineOptions().allowLocalhost())
			.isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			[]              | false
			["nodes"]       | true
			""              | false
			"nodes"         | true
			""")
	void policyCidrMatchModeShouldTakeHelmsListOrTheFlagsText(String json, boolean nodes) {
		AgentSettings.Reading reading = read("{\"policyCidrMatchMode\": " + json + "}");
		assertThat(reading.violations()).isEmpty();
		assertThat(reading.settings().engineOptions().cidrMatchesNodes()).isEqualTo(nodes);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			ciliumVersion             | "latest"   | "latest" is not a Cilium version
			ciliumVersion             | 1.19       | must be a Cilium version such as "1.19", not 1.19
			policyEnforcementMode     | "strict"   | must be "default", "always" or "never", not "strict"
			policyAuditMode           | "true"     | must be true or false, not "true"
			clusterName               | "Prod"     | "Prod" is not a cluster name Cilium accepts
			clusterName               | "a-very-long-cluster-name-of-33-ch" | "a-very-long-cluster-name-of-33-ch" is not a cluster name
			clusterName               | "-x"       | is not a cluster name Cilium accepts
			allowLocalhost            | "never"    | must be "always" or "policy", not "never"
			policyCidrMatchMode       | ["all"]    | the only mode Cilium knows is "nodes", not "all"
			policyCidrMatchMode       | true       | must be [] or ["nodes"], not true
			dnsRejectResponseCode     | "servfail" | must be "refused" or "nameError", not "servfail"
			hostFirewall              | 1          | must be true or false, not 1
			colour                    | "red"      | unknown option "colour"; allowed: ciliumVersion, policyEnforcementMode
			""")
	void aBadMemberShouldBeAViolationNamingIt(String member, String json, String message) {
		AgentSettings.Reading reading = AgentSettings.read(JSON.readTree("{\"" + member + "\": " + json + "}"),
				AgentSettings.DEFAULTS, "options", Set.of("explain"));
		assertThat(reading.violations()).extracting(FieldViolation::path).containsExactly("options." + member);
		assertThat(reading.violations().get(0).message()).startsWith("options." + member + ": ").contains(message);
		assertThat(reading.settings()).isEqualTo(AgentSettings.DEFAULTS);
	}

	@Test
	void membersTheCallerReadsShouldBeLeftToIt() {
		JsonNode options = JSON.readTree("{\"explain\": \"whatever\", \"policyAuditMode\": true}");
		AgentSettings.Reading reading = AgentSettings.read(options, AgentSettings.DEFAULTS, "options", Set.of("explain"));
		assertThat(reading.violations()).isEmpty();
		assertThat(reading.settings().engineOptions().auditMode()).isTrue();
		assertThat(AgentSettings.read(JSON.readTree("[1]"), AgentSettings.DEFAULTS, "options", Set.of()).violations())
			.extracting(FieldViolation::message).containsExactly("options: must be a JSON object of settings, not [1]");
	}

	@Test
	void changesShouldListOnlyTheSettingsThatDiffer() {
		AgentSettings after = read("{\"clusterName\": \"b\", \"hostFirewall\": true}").settings();
		assertThat(AgentSettings.DEFAULTS.changesTo(after)).hasToString(
				"{before={clusterName=default, hostFirewall=false}, after={clusterName=b, hostFirewall=true}}");
		assertThat(after.changesTo(after).get("after")).isEqualTo(java.util.Map.of());
		assertThat(List.of(AgentSettings.Setting.values())).hasSize(AgentSettings.NAMES.size());
	}

}
