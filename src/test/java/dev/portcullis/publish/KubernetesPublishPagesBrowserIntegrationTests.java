package dev.portcullis.publish;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.kubernetes.ApiServerDouble;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing to a Kubernetes target from Chromium: the plan (a server-side dry run on the API server double), apply,
 * the record with per-object results, then drift on the target page naming the manager that changed the field, and
 * that drift proposed as a change request; and adding a Kubernetes target from the form.
 */
class KubernetesPublishPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	PublishWorker worker;

	@Test
	void reviewerShouldPublishToAClusterFromTheBrowserAndSeeDriftWithItsManager() throws Exception {
		String ws = "k8spage-" + UUID.randomUUID().toString().substring(0, 8);
		try (ApiServerDouble cluster = new ApiServerDouble()) {
			as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
			as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", ws)
				.contentType(MediaType.parseMediaType("application/yaml"))
				.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
						+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
						+ "      - port: \"80\"\n        protocol: TCP\n")
				.exchange().expectStatus().is2xxSuccessful();
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", ws).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "prod", "type", "kubernetes", "server", cluster.url(), "auth",
						Map.of("type", "token", "token", ApiServerDouble.TOKEN)))
				.exchange().expectStatus().isCreated();

			this.page.setViewportSize(1280, 900);
			signIn(Role.ADMIN);
			open("/workspaces/" + ws + "/publishing");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show the plan")).click();
			assertThat(this.page.locator("h1")).containsText("Plan #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#plan tbody tr td").nth(1)).hasText("CREATE");
			assertThat(cluster.refs()).as("a plan is a dry run").isEmpty();
			screenshot("k8s-plan-1280");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply this plan")).click();
			assertThat(this.page.locator("h1")).containsText("Publication #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#results tbody tr td").nth(1)).hasText("CREATED");
			screenshot("k8s-publication-1280");
			assertThat(cluster.refs()).containsExactly("CiliumNetworkPolicy/default/web");

			cluster.edit("CiliumNetworkPolicy/default/web", "kubectl-edit",
					List.of("spec", "endpointSelector", "matchLabels", "app"), "web-v2");
			open("/workspaces/" + ws + "/targets/prod");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check now")).click();
			assertThat(this.page.locator("#drift-items tbody tr")).hasCount(1);
			assertThat(this.page.locator("#drift-items")).containsText("kubectl-edit");
			screenshot("k8s-target-1280");
			this.page.setViewportSize(390, 900);
			open("/workspaces/" + ws + "/targets/prod");
			assertThat(this.page.locator("#drift-status")).containsText("drift found just now: 1 object");
			screenshot("k8s-target-390");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Propose the live state as a change"))
				.click();
			assertThat(this.page.locator("h1")).containsText("Accept the live state of target prod");
			assertThat(this.page.locator("main")).containsText("web");
			screenshot("k8s-live-proposed-390");

			// publishing over the edit: the field kubectl-edit owns stops the apply and is named; the page then
			// offers to take it over, which the user must choose
			open("/workspaces/" + ws + "/publishing");
			assertThat(this.page.locator("#publish-force-conflicts")).not().isChecked();
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Publish now")).click();
			assertThat(this.page.locator("h1")).containsText("Publication #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("FAILED",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#results")).containsText("kubectl-edit");
			assertThat(ApiServerDouble.at(cluster.get("CiliumNetworkPolicy/default/web"),
					List.of("spec", "endpointSelector", "matchLabels", "app"))).isEqualTo("web-v2");
			screenshot("k8s-conflict-390");
			this.page.getByRole(AriaRole.BUTTON,
					new Page.GetByRoleOptions().setName("Publish again, taking over the conflicting fields")).click();
			assertThat(this.page.locator("h1")).containsText("Publication #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#publish-force")).hasCount(0);
			assertThat(ApiServerDouble.at(cluster.get("CiliumNetworkPolicy/default/web"),
					List.of("spec", "endpointSelector", "matchLabels", "app"))).isEqualTo("web");
		}
	}

	@Test
	void adminShouldAddAKubernetesTargetFromTheFormWithInlineErrorsAndSecretsNeverShownBack() throws Exception {
		String ws = "k8sadd-" + UUID.randomUUID().toString().substring(0, 8);
		try (ApiServerDouble cluster = new ApiServerDouble()) {
			as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
			expectFailedResponse(422, "/workspaces/" + ws + "/targets");
			this.page.setViewportSize(390, 900);
			signIn(Role.ADMIN);
			open("/workspaces/" + ws + "/publishing");
			Locator form = this.page.locator("#add-kubernetes-target");
			form.getByLabel("Name").fill("prod");
			form.getByLabel("API server URL").fill(cluster.url());
			form.getByLabel("Authentication").selectOption("token");
			form.getByLabel("Bearer token").fill("not-the-" + ApiServerDouble.TOKEN);
			form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Check and add")).click();
			assertThat(this.page.locator("#kube-server-error")).containsText("401");
			assertThat(this.page.locator("#kube-name")).hasValue("prod");
			assertThat(this.page.locator("#kube-server")).hasValue(cluster.url());
			assertThat(this.page.locator("#kube-token")).hasValue("");
			assertThat(this.page.content()).doesNotContain("not-the-" + ApiServerDouble.TOKEN);
			screenshot("k8s-add-error-390");

			cluster.ciliumServed = false;
			form.getByLabel("Bearer token").fill(ApiServerDouble.TOKEN);
			form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Check and add")).click();
			assertThat(this.page.locator("#kube-server-error")).containsText("cilium.io/v2");

			cluster.ciliumServed = true;
			form.getByLabel("Bearer token").fill(ApiServerDouble.TOKEN);
			form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Check and add")).click();
			assertThat(this.page.locator("[role=status]").first()).containsText("Target prod was checked and added.");
			assertThat(this.page.locator("#publish-summary")).containsText(cluster.url());
			this.page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("prod")).click();
			assertThat(this.page.locator("h1")).hasText("prod");
			assertThat(this.page.locator("main")).containsText("bearer token (set)");
			assertThat(this.page.content()).doesNotContain(ApiServerDouble.TOKEN);
			screenshot("k8s-added-target-390");
		}
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/prod", ws).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.type").isEqualTo("kubernetes").jsonPath("$.auth.token").doesNotExist();
	}

}
