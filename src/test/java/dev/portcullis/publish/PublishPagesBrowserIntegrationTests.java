package dev.portcullis.publish;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.git.TestRepositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing in Chromium as a new user would: an administrator adds a {@code file://} Git target, shows the plan,
 * applies it, and reads the record with its commit; then the target page shows drift.
 */
class PublishPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	PublishWorker worker;

	@TempDir
	Path dir;

	@Test
	void adminShouldAddAGitTargetShowThePlanApplyItAndSeeTheRecord() throws Exception {
		String ws = "pubpage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", ws)
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
					+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
					+ "      - port: \"80\"\n        protocol: TCP\n")
			.exchange().expectStatus().is2xxSuccessful();
		Path bare = TestRepositories.bare(this.dir, "ops.git");

		for (int width : new int[] { 1280, 390 }) {
			this.page.setViewportSize(width, 900);
			if (width == 1280) {
				signIn(Role.ADMIN);
				open("/workspaces/" + ws + "/publishing");
				this.page.locator("#add-target").getByLabel("Name", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true))
					.fill("gitops");
				this.page.locator("#add-target").getByLabel("Repository URL").fill(bare.toUri().toString().replace("ops.git", "nope.git"));
				this.page.locator("#add-target").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
					.setName("Check and add")).click();
				assertThat(this.page.locator(".banner-error").first()).containsText("The target was not added");
				assertThat(this.page.locator(".field-error").first()).containsText("There is no Git repository");
				screenshot("publish-target-refused-" + width);
				this.page.locator("#add-target").getByLabel("Repository URL").fill(bare.toUri().toString());
				this.page.locator("#add-target").getByLabel("Folder (optional)").fill("clusters/prod");
				this.page.locator("#add-target").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
					.setName("Check and add")).click();
				assertThat(this.page.locator(".banner-ok")).containsText("Target gitops was checked and added.");
			}
			else {
				open("/workspaces/" + ws + "/publishing");
			}
			screenshot("publishing-" + width);

			this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions()
				.setName("Show the plan")).click();
			assertThat(this.page.locator("h1")).containsText("Plan #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20000));
			if (width == 1280) {
				assertThat(this.page.locator("#plan tbody tr")).hasCount(1);
				assertThat(this.page.locator("#plan tbody tr td").nth(1)).hasText("CREATE");
				this.page.locator("#plan summary").first().click();
				screenshot("publish-plan-" + width);
				this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions()
					.setName("Apply this plan")).click();
				assertThat(this.page.locator("h1")).containsText("Publication #");
				this.worker.drain();
				assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
						new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20000));
				assertThat(this.page.locator("#publication-commit"))
					.hasText(TestRepositories.log(bare).get(0).name());
				assertThat(this.page.locator("#results tbody tr td").nth(1)).hasText("CREATED");
				screenshot("publication-" + width);
				TestRepositories.push(this.dir, bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml",
						TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml")
							.replace("\"80\"", "\"8080\""));
			}
			else {
				assertThat(this.page.locator("#plan tbody tr td").nth(1)).hasText("UPDATE");
				screenshot("publish-plan-" + width);
			}
			open("/workspaces/" + ws + "/targets/gitops");
			if (width == 1280) {
				this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions()
					.setName("Check now")).click();
				assertThat(this.page.locator("#drift-items tbody tr")).hasCount(1);
				assertThat(this.page.locator("#drift-items")).containsText("Someone Else");
			}
			screenshot("publish-target-" + width);
		}
		assertThat(TestRepositories.log(bare)).hasSize(3);
	}

}
