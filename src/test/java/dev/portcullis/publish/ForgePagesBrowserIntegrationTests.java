package dev.portcullis.publish;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.git.ForgeDouble;
import dev.portcullis.publish.git.TestRepositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Git target with GitHub pull requests and the commit status, added and published from the pages in Chromium
 * (docs/adr/045), against a stand-in GitHub ({@link ForgeDouble}) and a real bare repository: a pull request asked
 * for without a forge is refused under the forge field, then the target is added, published, and the record links
 * the pull request and shows the status; the target's drift names the pull request as not merged yet.
 */
class ForgePagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	PublishWorker worker;

	@TempDir
	Path dir;

	@Test
	void adminShouldAddAGitHubTargetThatOpensPullRequestsAndSeeThePullRequestOnTheRecord() throws Exception {
		String ws = "forgepage-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", ws)
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
					+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
					+ "      - port: \"80\"\n        protocol: TCP\n")
			.exchange().expectStatus().is2xxSuccessful();
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			this.page.setViewportSize(390, 900);
			signIn(Role.ADMIN);
			open("/workspaces/" + ws + "/publishing");
			Locator form = this.page.locator("#add-target");
			form.getByLabel("Name", new Locator.GetByLabelOptions().setExact(true)).fill("gitops");
			form.getByLabel("Repository URL").fill(bare.toUri().toString());
			form.getByLabel("Authentication").selectOption("token");
			form.getByLabel("Token", new Locator.GetByLabelOptions().setExact(true)).fill(ForgeDouble.TOKEN);
			form.getByLabel("Open a pull request instead of pushing to the branch").check();
			form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Check and add")).click();

			assertThat(this.page.locator(".banner-error").first()).containsText("The target was not added");
			assertThat(this.page.locator("#target-forge-kind ~ .field-error"))
				.hasText("Pull requests and commit statuses need a forge: github or gitlab.");
			assertThat(this.page.getByLabel("Open a pull request instead of pushing to the branch")).isChecked();
			assertThat(this.page.getByLabel("Token", new Page.GetByLabelOptions().setExact(true))).hasValue("");
			screenshot("publish-forge-refused-390");

			form = this.page.locator("#add-target");
			form.getByLabel("Token", new Locator.GetByLabelOptions().setExact(true)).fill(ForgeDouble.TOKEN);
			form.getByLabel("Forge").selectOption("github");
			form.getByLabel("API URL (optional)").fill(github.url());
			form.getByLabel("Project (optional)").fill("acme/ops");
			form.getByLabel("Set the commit status portcullis/impact").check();
			form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Check and add")).click();
			assertThat(this.page.locator(".banner-ok")).containsText("Target gitops was checked and added.");

			this.page.setViewportSize(1280, 900);
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Publish now")).click();
			assertThat(this.page.locator("h1")).containsText("Publication #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#publication-pull-request"))
				.hasText("https://github.example/acme/ops/pull/1");
			assertThat(this.page.locator("#publication-commit-status"))
				.containsText("success: No flows in the last 24 h to replay: impact unknown.");
			assertThat(this.page.content()).doesNotContain(ForgeDouble.TOKEN);
			screenshot("publication-pull-request-1280");
			assertThat(github.pulls).singleElement()
				.satisfies((pull) -> assertThat(pull.base()).isEqualTo("main"));
			assertThat(TestRepositories.log(bare)).hasSize(1);

			// the pull request is not merged yet: the target's drift says so instead of reporting drift
			this.page.setViewportSize(390, 900);
			open("/workspaces/" + ws + "/targets/gitops");
			this.page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check now")).click();
			assertThat(this.page.locator("#drift-proposed li")).hasText(
					"CiliumNetworkPolicy/default/web: proposed in pull request #1, not merged yet");
			assertThat(this.page.locator("#drift-proposed a")).hasAttribute("href",
					"https://github.example/acme/ops/pull/1");
			assertThat(this.page.locator("#drift-status")).containsText("in sync, checked");
			assertThat(this.page.locator("#drift-status"))
				.containsText("1 policy proposed in a pull request, not merged yet");
			assertThat(this.page.locator("#drift-items")).hasCount(0);
			screenshot("target-drift-proposed-390");
		}
	}

}
