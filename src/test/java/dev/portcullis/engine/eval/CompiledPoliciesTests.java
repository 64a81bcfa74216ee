package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.portcullis.engine.api.Direction;
import dev.portcullis.engine.api.LabelSelector;
import dev.portcullis.engine.api.PeerRule;
import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.api.Protocol;
import dev.portcullis.engine.eval.Decision.DropReason;
import dev.portcullis.engine.eval.Decision.Outcome;
import dev.portcullis.engine.eval.Decision.Verdict;
import dev.portcullis.engine.eval.EngineOptions.PolicyEnforcementMode;
import dev.portcullis.engine.flow.Flow;
import org.junit.jupiter.api.Test;

import static dev.portcullis.engine.eval.Fixtures.cnp;
import static dev.portcullis.engine.eval.Fixtures.fromEndpoints;
import static dev.portcullis.engine.eval.Fixtures.get;
import static dev.portcullis.engine.eval.Fixtures.http;
import static dev.portcullis.engine.eval.Fixtures.httpGet;
import static dev.portcullis.engine.eval.Fixtures.ingressDenyFrom;
import static dev.portcullis.engine.eval.Fixtures.pod;
import static dev.portcullis.engine.eval.Fixtures.reserved;
import static dev.portcullis.engine.eval.Fixtures.rule;
import static dev.portcullis.engine.eval.Fixtures.selector;
import static dev.portcullis.engine.eval.Fixtures.tcp;
import static dev.portcullis.engine.eval.Fixtures.world;
import static org.assertj.core.api.Assertions.assertThat;

class CompiledPoliciesTests {

	private static final Policy BACKEND_FROM_FRONTEND = cnp("default", "l3-rule",
			rule(selector("role", "backend"), fromEndpoints(selector("role", "frontend"))));

	private static CompiledPolicies compile(EngineOptions options, Policy... policies) {
		return CompiledPolicies.compile(List.of(policies), options);
	}

	@Test
	void decideWhenNoPolicySelectsEitherEndpointShouldForwardUnenforced() {
		Decision decision = compile(EngineOptions.DEFAULTS).decide(tcp(pod("a", "app", "x"), pod("b", "app", "y"), 80));
		assertThat(decision.verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(decision.egress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);
		assertThat(decision.ingress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);
		assertThat(decision.explanation()).isNull();
	}

	@Test
	void decideWhenPeerSelectorMatchesInPolicyNamespaceShouldAllow() {
		CompiledPolicies policies = compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND);
		Flow allowed = tcp(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80);
		Flow otherNamespace = tcp(pod("other", "role", "frontend"), pod("default", "role", "backend"), 80);
		assertThat(policies.decide(allowed).ingress().outcome()).isEqualTo(Outcome.ALLOWED);
		Decision denied = policies.decide(otherNamespace);
		assertThat(denied.verdict()).isEqualTo(Verdict.DROPPED);
		assertThat(denied.deniedAt()).isEqualTo(Direction.INGRESS);
		assertThat(denied.dropReason()).isEqualTo(DropReason.POLICY_DENIED);
		assertThat(denied.egress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);
	}

	@Test
	void decideWhenDenyRuleMatchesShouldDropEvenIfAllowed() {
		Policy deny = cnp("default", "deny", rule(selector("role", "backend"),
				ingressDenyFrom(selector("role", "frontend"))));
		Decision decision = compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND, deny)
			.decide(tcp(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80));
		assertThat(decision.verdict()).isEqualTo(Verdict.DROPPED);
		assertThat(decision.dropReason()).isEqualTo(DropReason.POLICY_DENY);
		assertThat(decision.dropReason().code()).isEqualTo(181);
	}

	@Test
	void decideWhenAuditModeShouldForwardAndReportWhatWouldDrop() {
		Decision decision = compile(EngineOptions.DEFAULTS.withAuditMode(true), BACKEND_FROM_FRONTEND)
			.decide(tcp(pod("default", "role", "other"), pod("default", "role", "backend"), 80));
		assertThat(decision.verdict()).isEqualTo(Verdict.AUDIT);
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.ingress()).isEqualTo(new Decision.SideDecision(Outcome.AUDIT, DropReason.POLICY_DENIED, false));
		assertThat(decision.deniedAt()).isNull();
	}

	@Test
	void decideWhenReplyShouldNotEvaluate() {
		Flow flow = tcp(pod("default", "role", "other"), pod("default", "role", "backend"), 80);
		Flow reply = new Flow(flow.source(), flow.destination(), null, null, Protocol.TCP, 80, -1, null, List.of(),
				null, true);
		Decision decision = compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND).explain(reply);
		assertThat(decision.verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(decision.ingress().outcome()).isEqualTo(Outcome.NOT_EVALUATED);
		assertThat(decision.explanation().notes()).anySatisfy((n) -> assertThat(n).contains("reply"));
	}

	@Test
	void decideWhenEnforcementModeNeverShouldNotEnforce() {
		Decision decision = compile(EngineOptions.of(PolicyEnforcementMode.NEVER, false, "default"),
				BACKEND_FROM_FRONTEND)
			.decide(tcp(pod("default", "role", "other"), pod("default", "role", "backend"), 80));
		assertThat(decision.verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(decision.ingress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);
	}

	@Test
	void decideWhenEnforcementModeAlwaysShouldDenyWithoutPolicies() {
		Decision decision = compile(EngineOptions.of(PolicyEnforcementMode.ALWAYS, false, "default"))
			.decide(tcp(pod("a", "app", "x"), pod("b", "app", "y"), 80));
		assertThat(decision.deniedAt()).isEqualTo(Direction.EGRESS);
		assertThat(decision.ingress().outcome()).isEqualTo(Outcome.DENIED);
		assertThat(decision.dropReason()).isEqualTo(DropReason.POLICY_DENIED);
	}

	@Test
	void decideWhenHostReachesDefaultDenyPodShouldAllowUnlessAllowLocalhostIsPolicy() {
		Flow fromHost = tcp(reserved("reserved:host"), pod("default", "role", "backend"), 8080);
		assertThat(compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND).decide(fromHost).verdict())
			.isEqualTo(Verdict.FORWARDED);
		assertThat(compile(EngineOptions.DEFAULTS.withAllowLocalhost(EngineOptions.AllowLocalhost.POLICY),
				BACKEND_FROM_FRONTEND)
			.decide(fromHost)
			.verdict()).isEqualTo(Verdict.DROPPED);
	}

	@Test
	void decideWhenWorldReachesPodShouldIdentifyWorldWithoutLabels() {
		Flow flow = tcp(new Flow.Endpoint(null, List.of(), null, null, List.of()), pod("default", "role", "backend"),
				80);
		Policy fromWorld = cnp("default", "w", rule(selector("role", "backend"), Fixtures.fromEntities("world")));
		assertThat(compile(EngineOptions.DEFAULTS, fromWorld).decide(flow).verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(compile(EngineOptions.DEFAULTS, fromWorld).decide(tcp(world(), pod("default", "role", "backend"), 80))
			.verdict()).isEqualTo(Verdict.FORWARDED);
	}

	@Test
	void decideWhenHttpRuleDoesNotMatchShouldDenyInTheProxy() {
		Policy l7 = cnp("default", "l7", rule(selector("app", "service"),
				fromEndpoints(List.of(http("80", get("/public"))), selector("env", "prod"))));
		CompiledPolicies policies = compile(EngineOptions.DEFAULTS, l7);
		Decision allowed = policies.decide(httpGet(pod("default", "env", "prod"), pod("default", "app", "service"), 80,
				"http://service/public"));
		assertThat(allowed.verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(allowed.ingress().redirectedToProxy()).isTrue();
		Decision denied = policies.decide(httpGet(pod("default", "env", "prod"), pod("default", "app", "service"), 80,
				"http://service/private"));
		assertThat(denied.verdict()).isEqualTo(Verdict.DROPPED);
		assertThat(denied.ingress().outcome()).isEqualTo(Outcome.L7_DENIED);
		assertThat(denied.l7().httpStatus()).isEqualTo(403);
		assertThat(denied.dropReason()).isNull();
		Decision noRequest = policies.decide(tcp(pod("default", "env", "prod"), pod("default", "app", "service"), 80));
		assertThat(noRequest.verdict()).isEqualTo(Verdict.FORWARDED);
		assertThat(noRequest.ingress().redirectedToProxy()).isTrue();
	}

	@Test
	void explainShouldNamePoliciesDefaultDenyCauseAndDecidingRule() {
		Decision decision = compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND)
			.explain(tcp(pod("default", "role", "frontend"), pod("default", "role", "backend"), 80));
		Decision.SideExplanation ingress = decision.explanation().ingress();
		assertThat(ingress.selectedBy()).extracting(Object::toString)
			.containsExactly("CiliumNetworkPolicy/default/l3-rule");
		assertThat(ingress.defaultDeny()).isTrue();
		assertThat(ingress.defaultDenyBy()).extracting(Decision.RuleRef::path).containsExactly("spec");
		assertThat(ingress.decidedBy()).hasToString(
				"CiliumNetworkPolicy/default/l3-rule spec.ingress[0] peer fromEndpoints[0]");
		assertThat(ingress.reason()).startsWith("allowed by ");
		Decision.SideExplanation egress = decision.explanation().egress();
		assertThat(egress.selectedBy()).isEmpty();
		assertThat(egress.reason()).contains("not enforced");
		assertThat(decision.explanation().summary()).startsWith("FORWARDED");
	}

	@Test
	void explainWhenNoRuleMatchesShouldSayWhichPolicyMadeTheSideDefaultDeny() {
		Decision decision = compile(EngineOptions.DEFAULTS, BACKEND_FROM_FRONTEND)
			.explain(tcp(pod("default", "role", "other"), pod("default", "role", "backend"), 80));
		assertThat(decision.explanation().summary()).startsWith("DROPPED at ingress of pod default [role=backend]: no rule matched")
			.contains("CiliumNetworkPolicy/default/l3-rule spec")
			.contains("133");
		assertThat(decision.explanation().ingress().decidedBy()).isNull();
	}

	@Test
	void decideFromManyThreadsShouldAgreeWithOneThread() throws Exception {
		List<Policy> policies = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			policies.add(cnp("ns" + (i % 5), "p" + i, rule(selector("app", "a" + i),
					fromEndpoints(List.of(Fixtures.tcp(String.valueOf(8000 + i))), selector("app", "b" + i)))));
		}
		List<Flow> flows = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			flows.add(tcp(pod("ns" + (i % 5), "app", "b" + (i % 53)), pod("ns" + (i % 7 % 5), "app", "a" + (i % 50)),
					8000 + (i % 60)));
		}
		List<Decision> expected = flows.stream()
			.map(CompiledPolicies.compile(policies, EngineOptions.DEFAULTS)::decide)
			.toList();
		CompiledPolicies shared = CompiledPolicies.compile(policies, EngineOptions.DEFAULTS);
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<List<Decision>>> results = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				results.add(pool.submit(() -> flows.stream().map(shared::decide).toList()));
			}
			for (Future<List<Decision>> result : results) {
				assertThat(result.get()).isEqualTo(expected);
			}
		}
		finally {
			pool.shutdown();
		}
		assertThat(expected).extracting(Decision::verdict).contains(Verdict.FORWARDED, Verdict.DROPPED);
	}

	@Test
	void compileWhenSameSelectorRepeatsShouldStillDecideEachPolicy() {
		LabelSelector frontend = selector("role", "frontend");
		Policy a = cnp("default", "a", rule(selector("app", "x"), fromEndpoints(frontend)));
		Policy b = cnp("default", "b", rule(selector("app", "y"), fromEndpoints(frontend)));
		CompiledPolicies policies = compile(EngineOptions.DEFAULTS, a, b);
		assertThat(policies.decide(tcp(pod("default", "role", "frontend"), pod("default", "app", "y"), 1)).verdict())
			.isEqualTo(Verdict.FORWARDED);
		assertThat(policies.decide(tcp(pod("default", "role", "nope"), pod("default", "app", "x"), 1)).verdict())
			.isEqualTo(Verdict.DROPPED);
	}

	@Test
	void compileWhenNodeSelectorLabelsAreOffShouldLeaveOutPoliciesWithFromNodesAndListThem() {
		PeerRule fromNodes = new PeerRule("", Direction.INGRESS, false, null, null, null, null, null,
				List.of(selector("role", "cp")), null, null, null, null, null, null);
		Policy policy = cnp("default", "from-cp", rule(selector("app", "api"), fromNodes));
		Flow flow = tcp(world(), pod("default", "app", "api"), 443);

		CompiledPolicies off = compile(EngineOptions.DEFAULTS, policy);
		assertThat(off.agentRejections()).singleElement().satisfies((r) -> {
			assertThat(r.policy()).isEqualTo(policy.ref());
			assertThat(r.reason()).contains("fromNodes").contains("enable-node-selector-labels");
		});
		assertThat(off.decide(flow).ingress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);

		CompiledPolicies on = compile(EngineOptions.DEFAULTS.withNodeSelectorLabels(true), policy);
		assertThat(on.agentRejections()).isEmpty();
		assertThat(on.decide(flow).dropReason()).isEqualTo(DropReason.POLICY_DENIED);
	}

	@Test
	void decideWhenHostFirewallIsOffShouldNotEnforceTheHostEvenInAlwaysMode() {
		Flow toHost = tcp(world(), reserved("reserved:host"), 22);
		EngineOptions always = EngineOptions.DEFAULTS.withEnforcementMode(PolicyEnforcementMode.ALWAYS);
		Decision off = compile(always).explain(toHost);
		assertThat(off.ingress().outcome()).isEqualTo(Outcome.NOT_ENFORCED);
		assertThat(off.explanation().ingress().reason()).contains("enable-host-firewall=false");
		Decision on = compile(always.withHostFirewall(true)).decide(toHost);
		assertThat(on.dropReason()).isEqualTo(DropReason.POLICY_DENIED);
	}

}
