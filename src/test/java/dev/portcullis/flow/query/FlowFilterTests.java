package dev.portcullis.flow.query;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FlowFilterTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

	/** xwing (default) → deathstar (empire) :80 HTTP POST /v1/request-landing answered 503, dropped. */
	private static final FlowFacts XWING = facts("""
			{"flow":{"time":"2026-12-04T23:30:00Z","verdict":"DROPPED","drop_reason_desc":"POLICY_DENIED",
			"IP":{"source":"10.0.0.5","destination":"10.96.1.7"},
			"l4":{"TCP":{"source_port":41000,"destination_port":80}},
			"source":{"namespace":"default","pod_name":"xwing-7d8f","labels":["k8s:app=xwing","k8s:class=fighter",
			"k8s:io.kubernetes.pod.namespace=default"]},
			"destination":{"namespace":"empire","pod_name":"deathstar-1","labels":["k8s:app=deathstar",
			"k8s:io.kubernetes.pod.namespace=empire"]},
			"destination_names":["deathstar.empire.svc.cluster.local"],
			"l7":{"type":"RESPONSE","http":{"code":503,"method":"POST","url":"http://deathstar/v1/request-landing?x=1"}},
			"event_type":{"type":129},"node_name":"kind/worker-1","traffic_direction":"INGRESS"}}""");

	/** The node (reserved:host) → coredns over UDP 53, forwarded. */
	private static final FlowFacts HOST_DNS = facts("""
			{"time":"2026-12-04T22:00:00Z","verdict":"FORWARDED","IP":{"source":"10.0.0.1","destination":"10.0.0.53"},
			"l4":{"UDP":{"source_port":5353,"destination_port":53}},"source":{"identity":1,"labels":["reserved:host"]},
			"destination":{"labels":["k8s:k8s-app=kube-dns","k8s:io.kubernetes.pod.namespace=kube-system"],
			"pod_name":"coredns-abc"},"event_type":{"type":4,"sub_type":3},"node_name":"kind/worker-2",
			"traffic_direction":"EGRESS"}""");

	private static FlowFacts facts(String json) {
		return FlowFacts.of(JSON.readTree(json));
	}

	private static boolean matches(String line, FlowFacts flow) {
		return FlowFilter.parseLine(line).compile(NOW).matches(flow, null);
	}

	@ParameterizedTest(name = "{0} → xwing {1}, host-dns {2}")
	@CsvSource(delimiter = '|', value = {
			"''                                               | true  | true",
			"--from-pod default/xwing                         | true  | false",
			"--from-pod xwing                                 | true  | false",
			"--from-pod default/x                             | true  | false",
			"--from-pod default/wing                          | false | false",
			"--from-pod empire/deathstar                      | false | false",
			"--to-pod empire/deathstar                        | true  | false",
			"--pod empire/deathstar                           | true  | false",
			"--pod kube-system/coredns                        | false | true",
			"--namespace empire                               | true  | false",
			"-n kube-system                                   | false | true",
			"--from-namespace empire                          | false | false",
			"--to-namespace empire --to-namespace kube-system | true  | true",
			"--verdict DROPPED                                | true  | false",
			"--verdict DROPPED --verdict FORWARDED            | true  | true",
			"--verdict DROPPED --namespace kube-system        | false | false",
			"--http-status 5+                                 | true  | false",
			"--http-status 50+                                | true  | false",
			"--http-status 503                                | true  | false",
			"--http-status 4+                                 | false | false",
			"--http-method post                               | true  | false",
			"--http-path ^/v1/request                         | true  | false",
			"--http-path landing$                             | true  | false",
			"--http-path ^/v2                                 | false | false",
			"--label k8s:app=xwing                            | true  | false",
			"--label app=deathstar                            | true  | false",
			"--label reserved:host                            | false | true",
			"--from-label 'class in (fighter,bomber)'         | true  | false",
			"--from-label '!reserved:host'                    | true  | false",
			"--to-label 'k8s-app!=kube-dns'                   | true  | false",
			"--from-ip 10.0.0.0/24                            | true  | true",
			"--from-ip 10.0.0.5                               | true  | false",
			"--to-ip 10.96.0.0/12                             | true  | false",
			"--ip 10.0.0.53                                   | false | true",
			"--to-fqdn *.empire.svc.cluster.local             | true  | false",
			"--fqdn deathstar.*                               | true  | false",
			"--port 53                                        | false | true",
			"--port 41000                                     | true  | false",
			"--to-port 41000                                  | false | false",
			"--from-port 5353                                 | false | true",
			"--protocol tcp                                   | true  | false",
			"--protocol UDP                                   | false | true",
			"--protocol http                                  | true  | false",
			"--type l7                                        | true  | false",
			"--type trace:to-stack                            | false | true",
			"--type trace:to-endpoint                         | false | false",
			"--drop-reason-desc POLICY_DENIED                 | true  | false",
			"--node-name worker-1                             | true  | false",
			"--node-name kind/worker-*                        | true  | true",
			"--traffic-direction egress                       | false | true",
			"--not --verdict DROPPED                          | false | true",
			"--not --namespace empire                         | false | true",
			"--not --namespace empire --not --verdict FORWARDED | true | true",
			"--namespace empire --not --from-pod default/xwing | false | false",
			"--since 1h                                       | true  | false",
			"--since 3h --until 90m                           | false | true",
			"hubble observe -f --since=2026-12-04 -o json --verdict=DROPPED | true | false",
	})
	void flagLineShouldHaveTheCliSemantics(String line, boolean xwing, boolean hostDns) {
		FlowMatcher matcher = FlowFilter.parseLine(line).compile(NOW);
		assertThat(matcher.matches(XWING, Instant.parse("2026-12-04T23:30:00Z"))).as("xwing").isEqualTo(xwing);
		assertThat(matcher.matches(HOST_DNS, Instant.parse("2026-12-04T22:00:00Z"))).as("host-dns").isEqualTo(hostDns);
	}

	@Test
	void bothSidesFlagShouldMakeTwoAlternativesThatShareTheOtherFlags() {
		FlowMatcher matcher = FlowFilter.parseLine("--pod default/xwing --verdict DROPPED").compile(NOW);
		assertThat(matcher.allow()).hasSize(2);
		assertThat(matcher.allow().get(0)).extracting(Condition::field)
			.containsExactly(Condition.Field.SOURCE_POD, Condition.Field.VERDICT);
		assertThat(matcher.allow().get(1)).extracting(Condition::field)
			.containsExactly(Condition.Field.DESTINATION_POD, Condition.Field.VERDICT);
		assertThat(FlowFilter.parseLine("--from-pod default/xwing --verdict DROPPED").compile(NOW).allow()).hasSize(1);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"--from-pod default/xwing --verdict DROPPED --http-status 5+ --since 1h | hubble observe --since 1h --from-pod default/xwing --verdict DROPPED --http-status 5+",
			"--not --label 'k8s:app in (a,b)'                                   | hubble observe --not --label 'k8s:app in (a,b)'",
			"-n kube-system -t trace:to-stack                                    | hubble observe --namespace kube-system --type trace:to-stack",
			"--to-fqdn '*.cilium.io'                                              | hubble observe --to-fqdn '*.cilium.io'",
	})
	void commandShouldReadBackAsTheSameFilter(String line, String command) {
		FlowFilter filter = FlowFilter.parseLine(line);
		assertThat(filter.toCommand()).isEqualTo(command);
		assertThat(FlowFilter.parseLine(filter.toCommand())).isEqualTo(filter);
	}

	@Test
	void queryParametersShouldReadBackAsTheSameFilter() {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		parameters.put("from_pod", List.of("default/xwing"));
		parameters.put("verdict", List.of("DROPPED", "AUDIT"));
		parameters.put("since", List.of("1h"));
		parameters.put("hide", List.of("host,kube-dns"));
		parameters.put("q", List.of("--not --to-port 53"));
		FlowFilter filter = FlowFilter.fromParameters(parameters);
		assertThat(filter.toCommand())
			.isEqualTo("hubble observe --since 1h --from-pod default/xwing --verdict DROPPED --verdict AUDIT"
					+ " --not --to-port 53");
		assertThat(filter.hide()).containsExactlyInAnyOrder(FlowFilter.Noise.HOST, FlowFilter.Noise.KUBE_DNS);
		assertThat(FlowFilter.fromParameters(filter.toParameters())).isEqualTo(filter);
		assertThat(filter.toQueryString()).isEqualTo("from_pod=default%2Fxwing&verdict=DROPPED&verdict=AUDIT"
				+ "&since=1h&hide=host&hide=kube-dns&q=--not+--to-port+53");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"host                      | --verdict FORWARDED | hubble observe --verdict FORWARDED --not --label reserved:host",
			"kube-dns,host,remote-node | ''                  | hubble observe --not --label reserved:host --not --label k8s:k8s-app=kube-dns --not --label reserved:remote-node",
	})
	void commandShouldHideTheNoiseThePageHides(String hide, String line, String command) {
		FlowFilter filter = FlowFilter.fromParameters(Map.of("hide", List.of(hide), "q", List.of(line)));

		assertThat(filter.toCommand()).isEqualTo(command);
		assertThat(filter.commandLeavesOutHide()).isFalse();
		FlowMatcher asTheCliReadsIt = FlowFilter.parseLine(filter.toCommand()).compile(NOW);
		for (FlowFacts flow : List.of(XWING, HOST_DNS)) {
			assertThat(asTheCliReadsIt.matches(flow, null)).as(flow.toString())
				.isEqualTo(filter.compile(NOW).matches(flow, null));
		}
	}

	@Test
	void commandWithNegatedFlagsShouldSayItLeavesOutTheHideSwitches() {
		FlowFilter filter = FlowFilter.fromParameters(Map.of("hide", List.of("host"), "q",
				List.of("--not --verdict DROPPED")));

		assertThat(filter.toCommand()).isEqualTo("hubble observe --not --verdict DROPPED");
		assertThat(filter.commandLeavesOutHide()).isTrue();
		assertThat(FlowFilter.parseLine("--not --verdict DROPPED").commandLeavesOutHide()).isFalse();
	}

	@Test
	void hiddenLabelSelectorShouldLeaveOutFlowsOfEitherSideAndReadBack() {
		FlowFilter filter = FlowFilter.fromParameters(Map.of("hide_label", List.of("app=deathstar", " "),
				"q", List.of("--verdict DROPPED")));
		assertThat(filter.hideLabels()).extracting(LabelSelectorText::text).containsExactly("app=deathstar");
		// the destination carries it
		assertThat(filter.compile(NOW).matches(XWING, null)).isFalse();
		FlowFilter source = FlowFilter.fromParameters(Map.of("hide_label", List.of("k8s:class=fighter")));
		assertThat(source.compile(NOW).matches(XWING, null)).isFalse();
		assertThat(source.compile(NOW).matches(HOST_DNS, null)).isTrue();
		assertThat(FlowFilter.fromParameters(filter.toParameters())).isEqualTo(filter);
		assertThat(filter.toQueryString()).isEqualTo("verdict=DROPPED&hide_label=app%3Ddeathstar");
		assertThat(filter.toCommand()).isEqualTo("hubble observe --verdict DROPPED --not --label app=deathstar");
		assertThat(filter.and(FlowFilter.parseLine("--since 1h")).hideLabels()).isEqualTo(filter.hideLabels());
		// what the command shows is what the page shows
		FlowMatcher asTheCliReadsIt = FlowFilter.parseLine(source.toCommand()).compile(NOW);
		for (FlowFacts flow : List.of(XWING, HOST_DNS)) {
			assertThat(asTheCliReadsIt.matches(flow, null)).isEqualTo(source.compile(NOW).matches(flow, null));
		}
		FlowFilter negated = FlowFilter.fromParameters(Map.of("hide_label", List.of("app=x"), "q",
				List.of("--not --verdict DROPPED")));
		assertThat(negated.commandLeavesOutHide()).isTrue();
		assertThat(negated.toCommand()).isEqualTo("hubble observe --not --verdict DROPPED");
		assertThatExceptionOfType(FilterRefused.class)
			.isThrownBy(() -> FlowFilter.fromParameters(Map.of("hide_label", List.of("app in ("))))
			.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo("hide_label"));
	}

	@Test
	void withoutHideLabelShouldDropThatSelectorAloneAndKeepEverythingElse() {
		FlowFilter filter = FlowFilter.fromParameters(new LinkedHashMap<>(Map.of("hide_label",
				List.of("app=deathstar", "k8s:class=fighter"), "hide", List.of("host"), "q",
				List.of("--verdict DROPPED --since 1h"))));
		FlowFilter without = filter.withoutHideLabel(0);
		assertThat(without.hideLabels()).extracting(LabelSelectorText::text).containsExactly("k8s:class=fighter");
		assertThat(without.terms()).isEqualTo(filter.terms());
		assertThat(without.since()).isEqualTo(filter.since());
		assertThat(without.hide()).isEqualTo(filter.hide());
		assertThat(without.toQueryString())
			.isEqualTo("verdict=DROPPED&since=1h&hide=host&hide_label=k8s%3Aclass%3Dfighter");
		// either selector hides the xwing's flow (one its destination's, one its source's): shown once both are gone
		assertThat(filter.compile(NOW).matches(XWING, null)).isFalse();
		assertThat(filter.withoutHideLabel(1).compile(NOW).matches(XWING, null)).isFalse();
		assertThat(without.withoutHideLabel(0).hideLabels()).isEmpty();
		assertThat(without.withoutHideLabel(0).compile(NOW).matches(XWING, null)).isTrue();
	}

	@Test
	void hideNoiseShouldLeaveOutEachKindOnItsOwn() {
		FlowFilter filter = FlowFilter.fromParameters(Map.of("hide", List.of("kube-dns")));
		assertThat(filter.compile(NOW).matches(HOST_DNS, null)).isFalse();
		assertThat(filter.compile(NOW).matches(XWING, null)).isTrue();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"--verdict MAYBE             | q | 11",
			"--bogus x                   | q | 1",
			"--verdict DROPPED --pod     | q | 19",
			"--not --not --verdict AUDIT | q | 7",
			"--http-status 5             | q | 1",
			"--port 70000                | q | 1",
			"--from-ip 10.0.0.300        | q | 1",
			"--http-path '('             | q | 1",
			"--label 'a in b'            | q | 1",
			"--since yesterday           | q | 1",
			"--from-pod a --namespace b  | q | 0",
			"--verdict 'DROPPED          | q | 11",
			"--not                       | q | 1",
			"dropped                     | q | 1",
	})
	void badFlagLineShouldBeRefusedNamingWhere(String line, String parameter, int column) {
		assertThatExceptionOfType(FilterRefused.class).isThrownBy(() -> FlowFilter.parseLine(line))
			.satisfies((ex) -> {
				assertThat(ex.parameter()).isEqualTo(parameter);
				assertThat(ex.getMessage()).isNotBlank();
			});
	}

	@Test
	void flagValueProblemShouldGiveItsColumn() {
		assertThatExceptionOfType(FilterRefused.class).isThrownBy(() -> FlowFilter.parseLine("--since 1h --verdict X"))
			.satisfies((ex) -> {
				assertThat(ex.column()).isEqualTo(12);
				assertThat(ex.getMessage()).contains("--verdict at column 12").contains("\"X\"").contains("DROPPED");
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"verdict        | MAYBE | verdict",
			"from-pod       | x     | from-pod",
			"verdicts       | X     | verdicts",
			"http_status    | 5     | http_status",
			"since          | later | since",
			"hide           | noise | hide",
	})
	void badParameterShouldBeRefusedNamingIt(String name, String value, String parameter) {
		assertThatExceptionOfType(FilterRefused.class)
			.isThrownBy(() -> FlowFilter.fromParameters(Map.of(name, List.of(value))))
			.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo(parameter));
	}

	@Test
	void podWithoutNamespaceShouldMeanTheDefaultNamespace() {
		assertThat(matches("--pod coredns", HOST_DNS)).isFalse();
		assertThat(matches("--pod kube-system/", HOST_DNS)).isTrue();
	}

}
