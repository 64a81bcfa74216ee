package dev.portcullis.engine.conformance;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The conformance case format is strict: a misspelt key fails the load instead of disabling a check. */
class ConformanceCaseTests {

	private static final String CASE = """
			id: X-01
			title: "a case"
			agent_config: {policy_audit_mode: true}
			expect_policy: {policy_valid: true}
			policies: []
			flows:
			- src: {pod: {ns: default, labels: {app: a}}}
			  dst: {pod: {ns: default, labels: {app: b}, named_ports: [{name: http, port: 80}]}}
			  proto: TCP
			  dport: 80
			  http: {method: GET, path: /}
			  expect:
			    verdict: ALLOWED
			    response: {http_status: 403}
			    would_be: {verdict: DENIED}
			    sides: {egress: NOT_ENFORCED}
			    explanation: {summary_contains: [FORWARDED], ingress: {decided_by: null}}
			rationale: "why"
			""";

	private static Map<String, Object> load(String yaml) {
		return ConformanceCase.map(new Load(LoadSettings.builder().build()).loadFromString(yaml));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/conformance/cilium-vectors.yaml", "/conformance/portcullis-cases.yaml" })
	void everyCaseOfOurFilesShouldLoad(String resource) throws IOException {
		List<Map<String, Object>> cases = ConformanceCase.maps(CiliumVectorsTests.load(resource).get("cases"));
		assertThat(cases).hasSizeGreaterThan(50);
		assertThat(cases).allSatisfy((raw) -> assertThat(new ConformanceCase(raw).id()).isEqualTo(raw.get("id")));
		// each checks something: a case without flows expects its policies to be refused
		assertThat(cases).filteredOn((raw) -> ConformanceCase.maps(raw.get("flows")).isEmpty())
			.extracting((raw) -> ConformanceCase.map(raw.get("expect_policy")).get("policy_valid"))
			.allSatisfy((valid) -> assertThat(valid).isEqualTo(false));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"'title: \"a case\"'                | 'titel: \"a case\"'               | 'case X-01: unknown key titel'",
			"'expect_policy: {policy_valid:'    | 'expect_policy: {policy_vaild:'   | 'case X-01, expect_policy: unknown key policy_vaild'",
			"'agent_config: {policy_audit_mode' | 'agent_config: {policy_audit_mod' | 'case X-01, agent_config: unknown key policy_audit_mod'",
			"'  dport: 80'                      | '  dprot: 80'                     | 'case X-01, flow 0: unknown key dprot'",
			"'src: {pod: {ns: default'          | 'src: {pod: {namespace: default'  | 'case X-01, flow 0, src, pod: unknown key namespace'",
			"'{pod: {ns: default, labels: {app: a}}}' | '{pods: {ns: default, labels: {app: a}}}' | 'case X-01, flow 0, src: unknown key pods'",
			"'{name: http, port: 80}'           | '{name: http, prot: 80}'          | 'case X-01, flow 0, dst, pod.named_ports: unknown key prot'",
			"'http: {method: GET'               | 'http: {verb: GET'                | 'case X-01, flow 0, http: unknown key verb'",
			"'    verdict: ALLOWED'             | '    verdit: ALLOWED'              | 'case X-01, flow 0, expect: unknown key verdit'",
			"'    verdict: ALLOWED'             | '    verdict: ALOWED'              | 'case X-01, flow 0, expect: verdict is ALLOWED or DENIED, not \"ALOWED\"'",
			"'response: {http_status:'          | 'response: {http_code:'           | 'case X-01, flow 0, expect.response: unknown key http_code'",
			"'would_be: {verdict:'              | 'would_be: {verdikt:'             | 'case X-01, flow 0, expect.would_be: unknown key verdikt'",
			"'sides: {egress:'                  | 'sides: {egres:'                  | 'case X-01, flow 0, expect.sides: unknown key egres'",
			"'{summary_contains:'               | '{summary_contain:'               | 'case X-01, flow 0, expect.explanation: unknown key summary_contain'",
			"'ingress: {decided_by:'            | 'ingress: {decidedby:'            | 'case X-01, flow 0, expect.explanation.ingress: unknown key decidedby'" })
	void caseWithAMisspeltKeyShouldFailToLoadNamingTheKeyAndTheCase(String correct, String misspelt,
			String message) {
		assertThat(CASE).contains(correct);
		assertThat(new ConformanceCase(load(CASE)).flows()).hasSize(1);
		Map<String, Object> raw = load(CASE.replace(correct, misspelt));
		assertThatIllegalArgumentException().isThrownBy(() -> new ConformanceCase(raw)).withMessageStartingWith(message);
	}

	@Test
	void fileWithAMisspeltTopLevelKeyShouldFailToLoad() {
		assertThat(CiliumVectorsTests.read("schema: v1\ncases: []\n", "cases.yaml")).containsKey("cases");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CiliumVectorsTests.read("schema: v1\ncase: []\n", "cases.yaml"))
			.withMessageStartingWith("cases.yaml: unknown key case");
	}

}
