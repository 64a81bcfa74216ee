package dev.portcullis.publish.kubernetes;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.ObjectResult.Outcome;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.PlanItem.Action;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes adapter against {@link ApiServerDouble}: server-side apply with the field manager
 * {@code portcullis}, dry-run plans, conflicts with other managers, deletion of managed objects only, drift with
 * owners, Cilium's {@code Valid} condition, and the faults the issue lists.
 */
class KubernetesAdapterTests {

	private final KubernetesAdapter adapter = new KubernetesAdapter(3_000);

	private ApiServerDouble server;

	@BeforeEach
	void start() throws IOException {
		this.server = new ApiServerDouble();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void checkWhenCiliumIsServedAndTheTokenIsGoodShouldPass() {
		this.adapter.check(target(ApiServerDouble.TOKEN));
		assertThat(this.server.requests).anyMatch((r) -> r.startsWith("GET /apis/cilium.io/v2"));
	}

	@Test
	void planWhenTheClusterIsEmptyShouldCreateEveryObjectByDryRunAndWriteNothing() {
		Plan plan = this.adapter.plan(target(ApiServerDouble.TOKEN), List.of(cnp("prod", "web", 80), ccnp("deny-all")));
		assertThat(plan.items()).extracting(PlanItem::ref, PlanItem::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/web", Action.CREATE),
					org.assertj.core.groups.Tuple.tuple("CiliumClusterwideNetworkPolicy/deny-all", Action.CREATE));
		assertThat(plan.items().get(0).diff()).contains("+++ published/CiliumNetworkPolicy/prod/web")
			.contains("+    app.kubernetes.io/managed-by: portcullis").contains("+    portcullis.dev/workspace: shop");
		assertThat(this.server.refs()).isEmpty();
		assertThat(this.server.requests).filteredOn((r) -> r.startsWith("PATCH"))
			.hasSize(2)
			.allMatch((r) -> r.contains("dryRun=All") && r.contains("fieldManager=portcullis") && r.contains("force=false"));
	}

	@Test
	void applyShouldServerSideApplyWithTheLabelsAndThenPlanUnchanged() {
		Target target = target(ApiServerDouble.TOKEN);
		List<DesiredObject> desired = List.of(cnp("prod", "web", 80), np("prod", "default-deny"));
		Applied applied = this.adapter.apply(target, this.adapter.plan(target, desired), publication(false));

		assertThat(applied.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.CREATED, Outcome.CREATED);
		assertThat(applied.results().get(0).message()).isEqualTo("Cilium has not checked it yet");
		assertThat(applied.resourceVersions()).containsOnlyKeys("CiliumNetworkPolicy/prod/web", "NetworkPolicy/prod/default-deny");
		Map<String, Object> live = this.server.get("CiliumNetworkPolicy/prod/web");
		assertThat(ApiServerDouble.at(live, List.of("metadata", "labels")))
			.isEqualTo(Map.of("app.kubernetes.io/managed-by", "portcullis", "portcullis.dev/workspace", "shop", "app", "web"));
		assertThat(live.get("metadata").toString()).contains("manager=portcullis").contains("operation=Apply");

		Plan again = this.adapter.plan(target, desired);
		assertThat(again.unchanged()).isTrue();
		assertThat(again.items()).allMatch((i) -> i.diff().isEmpty());
		Applied twice = this.adapter.apply(target, again, publication(false));
		assertThat(twice.results()).extracting(ObjectResult::outcome).containsOnly(Outcome.UNCHANGED);
		assertThat(twice.resourceVersions()).isEqualTo(applied.resourceVersions());
	}

	@Test
	void planWhenAPortChangesShouldUpdateWithADiffOfThatLine() {
		Target target = target(ApiServerDouble.TOKEN);
		this.adapter.apply(target, this.adapter.plan(target, List.of(cnp("prod", "web", 80))), publication(false));
		Plan plan = this.adapter.plan(target, List.of(cnp("prod", "web", 8080)));
		assertThat(plan.items()).singleElement().satisfies((item) -> {
			assertThat(item.action()).isEqualTo(Action.UPDATE);
			assertThat(item.diff()).contains("-      - port: '80'").contains("+      - port: '8080'");
			assertThat(item.conflicts()).isEmpty();
		});
		Applied applied = this.adapter.apply(target, plan, publication(false));
		assertThat(applied.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.UPDATED);
		assertThat(this.server.get("CiliumNetworkPolicy/prod/web").toString()).contains("port=8080");
	}

	@Test
	void applyWhenAnotherManagerOwnsAFieldShouldListTheConflictAndNotForceUnlessAsked() {
		Target target = target(ApiServerDouble.TOKEN);
		this.adapter.apply(target, this.adapter.plan(target, List.of(cnp("prod", "web", 80))), publication(false));
		this.server.edit("CiliumNetworkPolicy/prod/web", "kubectl-edit", List.of("spec", "ingress"), List.of());

		Plan plan = this.adapter.plan(target, List.of(cnp("prod", "web", 80)));
		assertThat(plan.items()).singleElement().satisfies((item) -> {
			assertThat(item.action()).isEqualTo(Action.UPDATE);
			assertThat(item.conflicts()).containsExactly("spec.ingress owned by kubectl-edit");
		});
		Applied refused = this.adapter.apply(target, plan, publication(false));
		assertThat(refused.failed()).isTrue();
		assertThat(refused.results().get(0).message()).contains("spec.ingress owned by kubectl-edit")
			.contains("taking over conflicting fields");
		assertThat(ApiServerDouble.at(this.server.get("CiliumNetworkPolicy/prod/web"), List.of("spec", "ingress")))
			.isEqualTo(List.of());

		Applied forced = this.adapter.apply(target, plan, publication(true));
		assertThat(forced.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.UPDATED);
		assertThat(this.server.requests).anyMatch((r) -> r.startsWith("PATCH") && r.contains("force=true")
				&& !r.contains("dryRun"));
		assertThat(this.adapter.drift(target, List.of(cnp("prod", "web", 80)))).isEmpty();
	}

	@Test
	void planShouldDeleteOnlyObjectsThisWorkspaceManages() {
		Target target = target(ApiServerDouble.TOKEN);
		this.adapter.apply(target, this.adapter.plan(target, List.of(cnp("prod", "web", 80), cnp("prod", "old", 81))),
				publication(false));
		this.server.create("CiliumNetworkPolicy/prod/hand-made", "kubectl-client-side-apply",
				cnp("prod", "hand-made", 82).object());
		this.server.create("CiliumNetworkPolicy/prod/other-ws", "portcullis",
				KubernetesAdapter.labelled(cnp("prod", "other-ws", 83), "another-workspace"));

		Plan plan = this.adapter.plan(target, List.of(cnp("prod", "web", 80)));
		assertThat(plan.items()).extracting(PlanItem::ref, PlanItem::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/web", Action.UNCHANGED),
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/old", Action.DELETE));
		assertThat(plan.items().get(1).diff()).contains("-  name: old");

		String planned = KubernetesAdapter.planned(plan.basis()).get("CiliumNetworkPolicy/prod/old");
		Applied applied = this.adapter.apply(target, plan, publication(false));
		assertThat(applied.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.UNCHANGED, Outcome.DELETED);
		assertThat(this.server.requests).filteredOn((r) -> r.startsWith("DELETE body"))
			.singleElement().asString().contains("\"preconditions\":{\"resourceVersion\":\"" + planned + "\"}");
		assertThat(this.server.refs()).containsExactly("CiliumNetworkPolicy/prod/hand-made",
				"CiliumNetworkPolicy/prod/other-ws", "CiliumNetworkPolicy/prod/web");
		assertThat(this.server.requests).anyMatch((r) -> r.startsWith("DELETE")).filteredOn((r) -> r.startsWith("DELETE /"))
			.singleElement().asString().endsWith("/namespaces/prod/ciliumnetworkpolicies/old");
	}

	@Test
	void deleteWhenTheObjectChangedSinceThePlanShouldFailAndKeepIt() {
		Target target = target(ApiServerDouble.TOKEN);
		this.adapter.apply(target, this.adapter.plan(target, List.of(cnp("prod", "old", 81))), publication(false));
		Plan plan = this.adapter.plan(target, List.of());
		this.server.edit("CiliumNetworkPolicy/prod/old", "kubectl-edit", List.of("spec", "description"), "keep me");

		Applied applied = this.adapter.apply(target, plan, publication(false));
		assertThat(applied.results()).singleElement().satisfies((r) -> {
			assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
			assertThat(r.message()).startsWith("not deleted: it changed on the cluster since the plan");
		});
		assertThat(this.server.refs()).containsExactly("CiliumNetworkPolicy/prod/old");
	}

	@Test
	void planWhenTheApiServerRejectsAPolicyShouldFailNamingItAndApplyNothing() {
		Target target = target(ApiServerDouble.TOKEN);
		this.server.rejections.put("CiliumNetworkPolicy/prod/bad",
				Map.of("spec.ingress[0].toPorts[0].ports[0].port", "Invalid value: \"99999\": must be at most 65535"));
		assertThatThrownBy(() -> this.adapter.plan(target, List.of(cnp("prod", "web", 80), cnp("prod", "bad", 99999))))
			.isInstanceOf(PublishFailure.class)
			.hasMessage("the API server rejects 1 policy, nothing was applied: CiliumNetworkPolicy/prod/bad: rejected "
					+ "as invalid (422): spec.ingress[0].toPorts[0].ports[0].port: Invalid value: \"99999\": must be at "
					+ "most 65535");
		assertThat(this.server.refs()).isEmpty();
	}

	@Test
	void applyWhenOnePolicyIsRejectedAfterThePlanShouldBePartialAndNameIt() {
		Target target = target(ApiServerDouble.TOKEN);
		Plan plan = this.adapter.plan(target, List.of(cnp("prod", "a", 80), cnp("prod", "b", 81)));
		this.server.rejections.put("CiliumNetworkPolicy/prod/b", Map.of("spec", "admission webhook denied it"));
		Applied applied = this.adapter.apply(target, plan, publication(false));
		assertThat(applied.partial()).isTrue();
		assertThat(applied.results().get(1).message())
			.isEqualTo("not applied: rejected as invalid (422): spec: admission webhook denied it");
		assertThat(this.server.refs()).containsExactly("CiliumNetworkPolicy/prod/a");
	}

	@Test
	void driftShouldNameTheFieldTheValuesAndTheManagerThatOwnsIt() {
		Target target = target(ApiServerDouble.TOKEN);
		List<DesiredObject> published = List.of(cnp("prod", "web", 80), cnp("prod", "api", 81));
		this.adapter.apply(target, this.adapter.plan(target, published), publication(false));
		assertThat(this.adapter.drift(target, published)).isEmpty();

		this.server.edit("CiliumNetworkPolicy/prod/web", "kubectl-edit", List.of("spec", "endpointSelector", "matchLabels", "app"), "webx");
		this.server.edit("CiliumNetworkPolicy/prod/web", "kubectl-edit", List.of("metadata", "labels", "team"), "ops");
		this.server.create("CiliumNetworkPolicy/prod/stray", "portcullis",
				KubernetesAdapter.labelled(cnp("prod", "stray", 90), "shop"));
		this.server.objects().remove("CiliumNetworkPolicy/prod/api");

		List<Drift> drift = this.adapter.drift(target, published);
		assertThat(drift).extracting(Drift::ref, Drift::field, Drift::published, Drift::live, Drift::manager)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/web", "spec.endpointSelector.matchLabels.app",
							"web", "webx", "kubectl-edit"),
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/api", "",
							drift.get(1).published(), null, null),
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/stray", "", null,
							drift.get(2).live(), "portcullis"));
		assertThat(drift.get(1).published()).contains("name: api");
	}

	@Test
	void validityShouldReadCiliumsValidConditionAndNeverCallAbsentValid() {
		Target target = target(ApiServerDouble.TOKEN);
		List<DesiredObject> published = List.of(cnp("prod", "a", 80), cnp("prod", "b", 81), cnp("prod", "c", 82),
				np("prod", "d"), cnp("prod", "gone", 83));
		this.adapter.apply(target, this.adapter.plan(target, published.subList(0, 4)), publication(false));
		this.server.status("CiliumNetworkPolicy/prod/a", Map.of("conditions",
				List.of(Map.of("type", "Valid", "status", "True", "message", "Policy validation succeeded"))));
		this.server.status("CiliumNetworkPolicy/prod/b", Map.of("conditions",
				List.of(Map.of("type", "Valid", "status", "False", "message", "Invalid CiliumNetworkPolicy spec: rule has no ports"))));

		assertThat(this.adapter.validity(target, published)).extracting(PolicyValidity::name, PolicyValidity::words)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("a", "Cilium: valid"),
					org.assertj.core.groups.Tuple.tuple("b", "Cilium: not valid: Invalid CiliumNetworkPolicy spec: rule has no ports"),
					org.assertj.core.groups.Tuple.tuple("c", "Cilium has not checked it yet"),
					org.assertj.core.groups.Tuple.tuple("d", ""),
					org.assertj.core.groups.Tuple.tuple("gone", "not on the cluster"));
	}

	@Test
	void checkWhenTheCiliumCrdsAreNotServedShouldSaySo() {
		this.server.ciliumServed = false;
		assertThatThrownBy(() -> this.adapter.check(target(ApiServerDouble.TOKEN))).isInstanceOf(PublishFailure.class)
			.hasMessage("the cluster at " + this.server.url() + " does not serve the Cilium CRDs "
					+ "ciliumclusterwidenetworkpolicies.cilium.io, ciliumnetworkpolicies.cilium.io (cilium.io/v2): is "
					+ "Cilium installed, in version 1.14 or later?");
	}

	@Test
	void wrongCredentialsShouldBeRefusedInWordsWithoutTheToken() {
		String wrong = "wrong-token-0123456789";
		for (Runnable call : List.<Runnable>of(() -> this.adapter.check(target(wrong)),
				() -> this.adapter.plan(target(wrong), List.of(cnp("prod", "web", 80))),
				() -> this.adapter.apply(target(wrong), new Plan(List.of(), List.of(), null), publication(false)),
				() -> this.adapter.drift(target(wrong), List.of(cnp("prod", "web", 80))))) {
			assertThatThrownBy(call::run).isInstanceOf(PublishFailure.class)
				.hasMessage("the API server at " + this.server.url() + " refused the credentials (401 Unauthorized)")
				.message().doesNotContain(wrong);
		}
	}

	@Test
	void forbiddenWritesShouldFailEachObjectSayingWhoCannotDoWhat() {
		Target target = target(ApiServerDouble.TOKEN);
		Plan plan = this.adapter.plan(target, List.of(cnp("prod", "web", 80)));
		this.server.forbidden.add("patch");
		Applied applied = this.adapter.apply(target, plan, publication(false));
		assertThat(applied.failed()).isTrue();
		assertThat(applied.results().get(0).message()).isEqualTo("not applied: the credentials are not allowed to do "
				+ "this (403 Forbidden): ciliumnetworkpolicies.cilium.io is forbidden: User "
				+ "\"system:serviceaccount:ops:portcullis\" cannot patch resource \"ciliumnetworkpolicies\" in API "
				+ "group \"cilium.io\"");
		assertThat(this.server.refs()).isEmpty();
	}

	@Test
	void anUnreachableApiServerShouldFailInWords() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Target target = new Target("shop", "prod-cluster", "kubernetes",
				Map.of("server", "http://127.0.0.1:" + port, "auth.type", "token"), Map.of("token", ApiServerDouble.TOKEN));
		assertThatThrownBy(() -> this.adapter.check(target)).isInstanceOf(PublishFailure.class)
			.hasMessage("cannot reach the API server at http://127.0.0.1:" + port + ": connection refused");
		assertThatThrownBy(() -> this.adapter.apply(target, new Plan(List.of(), List.of(), null), publication(false)))
			.isInstanceOf(PublishFailure.class)
			.hasMessageStartingWith("cannot reach the API server");
	}

	@Test
	void malformedSettingsShouldBeRefusedInWords() {
		assertThatThrownBy(() -> this.adapter.check(new Target("shop", "t", "kubernetes",
				Map.of("server", "https://admin:pw@k8s.example:6443", "auth.type", "token"), Map.of("token", "abcd"))))
			.hasMessage("server must be an https:// URL with a host and no user name, such as https://203.0.113.10:6443");
		assertThatThrownBy(() -> this.adapter.check(new Target("shop", "t", "kubernetes",
				Map.of("server", "https://k8s.example:6443", "auth.type", "token"), Map.of())))
			.hasMessage("auth.token is required for this auth.type");
		assertThatThrownBy(() -> this.adapter.check(new Target("shop", "t", "kubernetes",
				Map.of("server", "https://k8s.example:6443", "auth.type", "basic"), Map.of())))
			.hasMessage("auth.type must be token, clientCertificate or serviceAccount, not basic");
	}

	// --- fixtures ----------------------------------------------------------------------------------------------

	private Target target(String token) {
		return new Target("shop", "prod-cluster", "kubernetes", Map.of("server", this.server.url(), "auth.type", "token"),
				Map.of("token", token));
	}

	static Publication publication(boolean force) {
		return new Publication(7, "shop", "alice", "workspace shop", Instant.parse("2026-12-05T03:00:00Z"), force,
				List.of());
	}

	static DesiredObject cnp(String ns, String name, int port) {
		Map<String, Object> object = new LinkedHashMap<>();
		object.put("apiVersion", "cilium.io/v2");
		object.put("kind", "CiliumNetworkPolicy");
		object.put("metadata", new LinkedHashMap<>(Map.of("name", name, "namespace", ns,
				"labels", new LinkedHashMap<>(Map.of("app", name)))));
		object.put("spec", Map.of("endpointSelector", Map.of("matchLabels", Map.of("app", name)), "ingress",
				List.of(Map.of("fromEndpoints", List.of(Map.of("matchLabels", Map.of("app", "frontend"))), "toPorts",
						List.of(Map.of("ports", List.of(Map.of("port", String.valueOf(port), "protocol", "TCP"))))))));
		return new DesiredObject("CiliumNetworkPolicy", ns, name, "", object);
	}

	static DesiredObject ccnp(String name) {
		Map<String, Object> object = new LinkedHashMap<>();
		object.put("apiVersion", "cilium.io/v2");
		object.put("kind", "CiliumClusterwideNetworkPolicy");
		object.put("metadata", Map.of("name", name));
		object.put("spec", Map.of("endpointSelector", Map.of(), "ingress", List.of(Map.of())));
		return new DesiredObject("CiliumClusterwideNetworkPolicy", "", name, "", object);
	}

	static DesiredObject np(String ns, String name) {
		Map<String, Object> object = new LinkedHashMap<>();
		object.put("apiVersion", "networking.k8s.io/v1");
		object.put("kind", "NetworkPolicy");
		object.put("metadata", Map.of("name", name, "namespace", ns));
		object.put("spec", Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress")));
		return new DesiredObject("NetworkPolicy", ns, name, "", object);
	}

}
