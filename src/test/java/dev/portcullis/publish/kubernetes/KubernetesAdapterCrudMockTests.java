package dev.portcullis.publish.kubernetes;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.ObjectResult.Outcome;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.PlanItem.Action;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import dev.portcullis.publish.kubernetes.KubernetesAdapter.PolicyKind;

import static dev.portcullis.publish.kubernetes.KubernetesAdapterTests.cnp;
import static dev.portcullis.publish.kubernetes.KubernetesAdapterTests.publication;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes adapter against fabric8's mock API server in CRUD mode, which stores objects faithfully
 * (resource versions, 409 on a stale one, label selectors, the status subresource) but serves neither server-side
 * apply nor dry runs nor managed fields (those are {@link KubernetesAdapterTests}' double's job): the CRD check,
 * create and update by other clients seen as drift, delete of managed objects only with a resource-version
 * precondition, and Cilium's {@code Valid} condition read back.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesAdapterCrudMockTests {

	KubernetesMockServer server;

	KubernetesClient client;

	private final KubernetesAdapter adapter = new KubernetesAdapter(3_000);

	@Test
	void checkWhenTheClusterHasNoCiliumCrdsShouldSaySo() {
		assertThatThrownBy(() -> this.adapter.check(target())).isInstanceOf(PublishFailure.class)
			.hasMessageContaining("does not serve the Cilium CRDs ciliumclusterwidenetworkpolicies.cilium.io, "
					+ "ciliumnetworkpolicies.cilium.io (cilium.io/v2): is Cilium installed");
	}

	@Test
	void checkWhenTheCiliumCrdsAreInstalledShouldPass() {
		installCilium();
		this.adapter.check(target());
	}

	@Test
	void driftShouldSeeAnUpdateByAnotherClientAndAnObjectDeletedByHand() {
		installCilium();
		DesiredObject web = cnp("prod", "web", 80);
		DesiredObject api = cnp("prod", "api", 81);
		GenericKubernetesResource created = create(web);
		create(api);
		assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
		assertThat(this.adapter.drift(target(), List.of(web, api))).isEmpty();

		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("web")
			.edit((live) -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> spec = (Map<String, Object>) live.getAdditionalProperties().get("spec");
				spec.put("description", "opened by hand");
				return live;
			});
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("api").delete();

		List<Drift> drift = this.adapter.drift(target(), List.of(web, api));
		assertThat(drift).extracting(Drift::ref, Drift::field, Drift::published, Drift::live, Drift::manager)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/web", "spec.description", null,
							"opened by hand", null),
					org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/api", "", drift.get(1).published(),
							null, null));
	}

	@Test
	void updateWithAStaleResourceVersionShouldBeRefusedWith409() {
		installCilium();
		GenericKubernetesResource created = create(cnp("prod", "web", 80));
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("web")
			.edit((live) -> {
				live.getMetadata().getLabels().put("touched", "yes");
				return live;
			});
		created.getMetadata().getLabels().put("touched", "again");
		assertThatThrownBy(() -> this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod")
			.resource(created).update())
			.isInstanceOfSatisfying(KubernetesClientException.class, (ex) -> assertThat(ex.getCode()).isEqualTo(409));
	}

	@Test
	void planAndApplyShouldDeleteOnlyManagedObjectsOfTheWorkspace() {
		installCilium();
		create(cnp("prod", "old", 81));
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod")
			.resource(generic(cnp("prod", "hand-made", 82).object())).create();
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod")
			.resource(generic(KubernetesAdapter.labelled(cnp("prod", "theirs", 83), "another-workspace"))).create();

		Plan plan = this.adapter.plan(target(), List.of());
		assertThat(plan.items()).extracting(PlanItem::ref, PlanItem::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("CiliumNetworkPolicy/prod/old", Action.DELETE));
		Applied applied = this.adapter.apply(target(), plan, publication(false));
		assertThat(applied.results()).extracting(ObjectResult::outcome).containsExactly(Outcome.DELETED);
		assertThat(this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").list().getItems())
			.extracting((r) -> r.getMetadata().getName())
			.containsExactlyInAnyOrder("hand-made", "theirs");
	}

	@Test
	void deleteWhenTheObjectChangedSinceThePlanShouldFailAndKeepIt() {
		// the mock ignores delete preconditions: this checks the adapter's own comparison with the planned version
		installCilium();
		create(cnp("prod", "old", 81));
		Plan plan = this.adapter.plan(target(), List.of());
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("old")
			.edit((live) -> {
				live.getMetadata().getLabels().put("touched", "yes");
				return live;
			});
		Applied applied = this.adapter.apply(target(), plan, publication(false));
		assertThat(applied.results()).singleElement().satisfies((r) -> {
			assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
			assertThat(r.message()).startsWith("not deleted: it changed on the cluster since the plan");
		});
		assertThat(this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("old")
			.get()).isNotNull();
	}

	@Test
	void validityShouldFollowTheStatusSubresource() {
		installCilium();
		DesiredObject web = cnp("prod", "web", 80);
		create(web);
		assertThat(this.adapter.validity(target(), List.of(web))).extracting(PolicyValidity::state)
			.containsExactly(PolicyValidity.State.NOT_CHECKED);

		setValid("False", "Invalid CiliumNetworkPolicy spec: port 0 is not allowed");
		assertThat(this.adapter.validity(target(), List.of(web))).extracting(PolicyValidity::words)
			.containsExactly("Cilium: not valid: Invalid CiliumNetworkPolicy spec: port 0 is not allowed");
		setValid("True", "Policy validation succeeded");
		assertThat(this.adapter.validity(target(), List.of(web))).extracting(PolicyValidity::state)
			.containsExactly(PolicyValidity.State.VALID);
	}

	@Test
	void planWhenTheServerCannotServerSideApplyShouldFailInWords() {
		installCilium();
		assertThatThrownBy(() -> this.adapter.plan(target(), List.of(cnp("prod", "web", 80))))
			.isInstanceOf(PublishFailure.class)
			.hasMessageStartingWith("not found (404) while planning");
	}

	// --- fixtures ----------------------------------------------------------------------------------------------

	private Target target() {
		return new Target("shop", "mock", "kubernetes",
				Map.of("server", this.client.getConfiguration().getMasterUrl(), "auth.type", "token"),
				Map.of("token", "mock-token-value"));
	}

	private void installCilium() {
		for (PolicyKind kind : List.of(PolicyKind.CNP, PolicyKind.CCNP)) {
			this.client.apiextensions().v1().customResourceDefinitions()
				.resource(new CustomResourceDefinitionBuilder().withNewMetadata()
					.withName(kind.context.getPlural() + ".cilium.io")
					.endMetadata()
					.withNewSpec()
					.withGroup("cilium.io")
					.withScope(kind.context.isNamespaceScoped() ? "Namespaced" : "Cluster")
					.withNewNames()
					.withKind(kind.kind)
					.withPlural(kind.context.getPlural())
					.endNames()
					.addNewVersion()
					.withName("v2")
					.withServed(true)
					.withStorage(true)
					.withNewSubresources()
					.withNewStatus()
					.endStatus()
					.endSubresources()
					.endVersion()
					.endSpec()
					.build())
				.create();
		}
	}

	/** Creates the object as a previous publication left it (labelled for the workspace). */
	private GenericKubernetesResource create(DesiredObject object) {
		return this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace(object.namespace())
			.resource(generic(KubernetesAdapter.labelled(object, "shop"))).create();
	}

	private GenericKubernetesResource generic(Map<String, Object> object) {
		return this.client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
	}

	private void setValid(String status, String message) {
		this.client.genericKubernetesResources(PolicyKind.CNP.context).inNamespace("prod").withName("web")
			.editStatus((live) -> {
				live.getAdditionalProperties().put("status", Map.of("conditions",
						List.of(Map.of("type", "Valid", "status", status, "message", message))));
				return live;
			});
	}

}
