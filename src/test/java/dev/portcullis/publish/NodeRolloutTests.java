package dev.portcullis.publish;

import java.time.Instant;
import java.util.List;

import dev.portcullis.flow.sources.NodeAgentEvents.NodeEvents;
import dev.portcullis.flow.sources.NodeAgentEvents.PolicyEvent;
import dev.portcullis.flow.sources.NodeAgentEvents.Reading;
import dev.portcullis.publish.ObjectResult.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule of docs/adr/046 that says which agent event reports which applied object, and the count it gives. */
class NodeRolloutTests {

	private static final Instant APPLIED = Instant.parse("2026-12-05T10:00:00Z");

	private static final ObjectResult WEB = new ObjectResult("CiliumNetworkPolicy", "shop", "web", Outcome.UPDATED, "",
			"12");

	private static final ObjectResult DENY = new ObjectResult("CiliumClusterwideNetworkPolicy", "", "deny-all",
			Outcome.DELETED, "", null);

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# case                                   | object | deleted | seconds | labels                                                                                                                                            | names
			all three labels                          | web    | false   | 1       | k8s:io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop              | true
			at the very moment the apply started      | web    | false   | 0       | k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop                                                                           | true
			an older agent without derived-from       | web    | false   | 5       | k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop                                                                           | true
			another source prefix                     | web    | false   | 5       | unspec:io.cilium.k8s.policy.name=web unspec:io.cilium.k8s.policy.namespace=shop                                                                     | true
			before the apply started                  | web    | false   | -1      | k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop                                                                           | false
			another name                              | web    | false   | 5       | k8s:io.cilium.k8s.policy.name=web2 k8s:io.cilium.k8s.policy.namespace=shop                                                                          | false
			another namespace                         | web    | false   | 5       | k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=default                                                                        | false
			no namespace for a namespaced policy      | web    | false   | 5       | k8s:io.cilium.k8s.policy.name=web                                                                                                                   | false
			a NetworkPolicy of the same name          | web    | false   | 5       | k8s:io.cilium.k8s.policy.derived-from=NetworkPolicy k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop                      | false
			a deletion does not report an update      | web    | true    | 5       | k8s:io.cilium.k8s.policy.name=web k8s:io.cilium.k8s.policy.namespace=shop                                                                           | false
			cluster-wide deletion                     | deny   | true    | 5       | k8s:io.cilium.k8s.policy.derived-from=CiliumClusterwideNetworkPolicy k8s:io.cilium.k8s.policy.name=deny-all                                         | true
			cluster-wide with a namespace label       | deny   | true    | 5       | k8s:io.cilium.k8s.policy.name=deny-all k8s:io.cilium.k8s.policy.namespace=shop                                                                      | false
			an update does not report a deletion      | deny   | false   | 5       | k8s:io.cilium.k8s.policy.name=deny-all                                                                                                              | false
			""")
	void anEventNamesAnObjectByNameNamespaceAndKind(String why, String object, boolean deleted, long seconds,
			String labels, boolean names) {
		ObjectResult result = object.equals("web") ? WEB : DENY;
		PolicyEvent event = new PolicyEvent(APPLIED.plusSeconds(seconds), deleted, List.of(labels.split(" ")));
		assertThat(NodeRollout.names(event, result, result.outcome() == Outcome.DELETED, APPLIED)).as(why)
			.isEqualTo(names);
	}

	@Test
	void anEventWithoutATimeNeverCounts() {
		PolicyEvent event = new PolicyEvent(null, false,
				List.of("k8s:io.cilium.k8s.policy.name=web", "k8s:io.cilium.k8s.policy.namespace=shop"));
		assertThat(NodeRollout.names(event, WEB, false, APPLIED)).isFalse();
	}

	@Test
	void aNodeCountsOnlyWithEveryChangeAndAMissingOneSaysWhy() {
		ObjectResult unchanged = new ObjectResult("CiliumNetworkPolicy", "shop", "db", Outcome.UNCHANGED, "", "3");
		ObjectResult failed = new ObjectResult("CiliumNetworkPolicy", "shop", "cache", Outcome.FAILED, "refused", null);
		PolicyEvent web = new PolicyEvent(APPLIED.plusSeconds(2), false,
				List.of("k8s:io.cilium.k8s.policy.name=web", "k8s:io.cilium.k8s.policy.namespace=shop"));
		PolicyEvent deny = new PolicyEvent(APPLIED.plusSeconds(3), true, List.of("k8s:io.cilium.k8s.policy.name=deny-all"));
		Reading reading = new Reading(null, List.of(new NodeEvents("a", null, List.of(web, deny)),
				new NodeEvents("b", null, List.of(web)), new NodeEvents("c", null, List.of()),
				new NodeEvents("d", "not reachable by the Relay (NODE_UNAVAILABLE)", List.of())));

		NodeRollout rollout = NodeRollout.of(List.of(WEB, unchanged, failed, DENY), APPLIED, reading);

		assertThat(rollout.state()).isEqualTo(NodeRollout.State.COUNTED);
		assertThat(rollout.summary()).isEqualTo("Policy updated on 1 of 4 nodes");
		assertThat(rollout.complete()).isFalse();
		assertThat(rollout.missing()).extracting(NodeRollout.Node::name, NodeRollout.Node::reason).containsExactly(
				org.assertj.core.groups.Tuple.tuple("b", "no policy deletion yet for CiliumClusterwideNetworkPolicy/deny-all"),
				org.assertj.core.groups.Tuple.tuple("c", "no policy update yet for CiliumNetworkPolicy/shop/web and 1 more"),
				org.assertj.core.groups.Tuple.tuple("d", "not reachable by the Relay (NODE_UNAVAILABLE)"));
	}

	@Test
	void everyNodeUpdatedIsComplete() {
		PolicyEvent web = new PolicyEvent(APPLIED, false,
				List.of("k8s:io.cilium.k8s.policy.name=web", "k8s:io.cilium.k8s.policy.namespace=shop"));
		NodeRollout rollout = NodeRollout.of(List.of(WEB), APPLIED,
				new Reading(null, List.of(new NodeEvents("only", null, List.of(web)))));
		assertThat(rollout.summary()).isEqualTo("Policy updated on 1 of 1 node");
		assertThat(rollout.complete()).isTrue();
	}

	@Test
	void withoutARelayOrWithoutChangesThereIsNoCount() {
		NodeRollout unknown = NodeRollout.of(List.of(WEB), APPLIED,
				new Reading("the Relay at relay:4245 cannot be reached: UNAVAILABLE", List.of()));
		assertThat(unknown.state()).isEqualTo(NodeRollout.State.UNKNOWN);
		assertThat(unknown.complete()).isFalse();
		assertThat(unknown.summary()).isEqualTo(
				"Nodes that have the policy: unknown (the Relay at relay:4245 cannot be reached: UNAVAILABLE)");

		ObjectResult unchanged = new ObjectResult("CiliumNetworkPolicy", "shop", "db", Outcome.UNCHANGED, "", "3");
		NodeRollout nothing = NodeRollout.of(List.of(unchanged), APPLIED, new Reading("never asked", List.of()));
		assertThat(nothing.state()).isEqualTo(NodeRollout.State.NOTHING_CHANGED);
		assertThat(nothing.complete()).isTrue();
	}

}
