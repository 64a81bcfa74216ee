package dev.portcullis.publish;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.UUID;

import com.microsoft.playwright.options.AriaRole;
import dev.portcullis.BrowserTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.git.GitSshServer;
import dev.portcullis.publish.git.TestRepositories;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishing in Chromium as a new user would: an administrator adds a {@code file://} Git target, shows the plan,
 * applies it, and reads the record with its commit; then the target page shows drift. An SSH target (a real SSH
 * server in the test) is refused while its host key is not among the known hosts, then added and published to.
 */
class PublishPagesBrowserIntegrationTests extends BrowserTest {

	@Autowired
	PublishWorker worker;

	@TempDir
	Path dir;

	@Test
	void adminShouldAddAGitTargetShowThePlanApplyItAndSeeTheRecord() throws Exception {
		String ws = workspaceWithOnePolicy("pubpage-");
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

	@Test
	void adminShouldAddAnSshTargetWithAKeyOnlyWhenItsHostKeyIsKnownAndPublishOverSsh() throws Exception {
		String ws = workspaceWithOnePolicy("pubssh-");
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		String passphrase = "open sesame 42";
		String privateKey = GitSshServer.openSsh(key, passphrase);
		KeyPair impostor = GitSshServer.keyPair(KeyPairProvider.ECDSA_SHA2_NISTP256);
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			this.page.setViewportSize(390, 900);
			signIn(Role.ADMIN);
			open("/workspaces/" + ws + "/publishing");
			this.page.locator("#add-target").getByLabel("Name", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true))
				.fill("gitssh");
			this.page.locator("#add-target").getByLabel("Repository URL").fill(server.url("ops.git"));
			this.page.locator("#add-target").getByLabel("Authentication").selectOption("ssh-key");
			this.page.locator("#add-target").getByLabel("SSH private key").fill(privateKey);
			this.page.locator("#add-target").getByLabel("Key passphrase (if the key is encrypted)").fill(passphrase);
			String impostorLine = "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(impostor.getPublic());
			this.page.locator("#add-target").getByLabel("Known hosts").fill(impostorLine);
			this.page.locator("#add-target").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
				.setName("Check and add")).click();

			assertThat(this.page.locator(".banner-error").first()).containsText("The target was not added");
			assertThat(this.page.locator("#target-known-hosts ~ .field-error"))
				.containsText("is not among the target's known hosts");
			assertThat(this.page.locator("#target-known-hosts ~ .field-error")).containsText(server.fingerprint());
			assertThat(this.page.getByLabel("Known hosts")).hasValue(impostorLine);
			assertThat(this.page.getByLabel("SSH private key")).hasValue("");
			assertThat(this.page.content()).doesNotContain(privateKey.lines().skip(1).findFirst().get(), passphrase);
			assertThat(server.commands).isEmpty();
			screenshot("publish-ssh-target-refused-390");

			this.page.setViewportSize(1280, 900);
			this.page.locator("#add-target").getByLabel("SSH private key").fill(privateKey);
			this.page.locator("#add-target").getByLabel("Key passphrase (if the key is encrypted)").fill(passphrase);
			this.page.locator("#add-target").getByLabel("Known hosts").fill(server.knownHostsLine());
			this.page.locator("#add-target").getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
				.setName("Check and add")).click();
			assertThat(this.page.locator(".banner-ok")).containsText("Target gitssh was checked and added.");

			this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions()
				.setName("Show the plan")).click();
			assertThat(this.page.locator("h1")).containsText("Plan #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20000));
			this.page.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Page.GetByRoleOptions()
				.setName("Apply this plan")).click();
			assertThat(this.page.locator("h1")).containsText("Publication #");
			this.worker.drain();
			assertThat(this.page.locator("#publication-status")).hasText("SUCCEEDED",
					new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(20000));
			assertThat(this.page.locator("#publication-commit")).hasText(TestRepositories.log(bare).get(0).name());
			assertThat(server.commands).contains("git-receive-pack '/ops.git'");
			screenshot("publication-ssh-1280");

			open("/workspaces/" + ws + "/targets/gitssh");
			assertThat(this.page.locator("body")).containsText("SSH key (set), with a passphrase, known hosts set");
			assertThat(this.page.content()).doesNotContain(privateKey.lines().skip(1).findFirst().get(), passphrase);
			screenshot("publish-ssh-target-1280");
		}
	}


	@Test
	void adminShouldEditAGitTargetsBranchOnItsPageAndSeeTheNewSettingInWords() throws Exception {
		String ws = workspaceWithOnePolicy("tedit-");
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		for (String branch : new String[] { "release", "staging" }) {
			try (org.eclipse.jgit.lib.Repository repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
				.setGitDir(bare.toFile()).build()) {
				org.eclipse.jgit.lib.RefUpdate update = repo.updateRef("refs/heads/" + branch);
				update.setNewObjectId(repo.resolve("refs/heads/main"));
				update.update();
			}
		}
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "path", "clusters/prod"))
			.exchange().expectStatus().isCreated();
		signIn(Role.ADMIN);
		Map<Integer, String> branches = Map.of(1280, "release", 390, "staging");
		for (int width : new int[] { 1280, 390 }) {
			this.page.setViewportSize(width, 900);
			open("/workspaces/" + ws + "/targets/gitops");
			var form = this.page.locator("#edit-target");
			assertThat(form.getByLabel("Name", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)))
				.hasValue("gitops");
			assertThat(form.getByLabel("Folder (optional)")).hasValue("clusters/prod");
			form.getByLabel("Branch", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)).fill("nope");
			form.getByRole(AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions()
				.setName("Check and save")).click();
			assertThat(this.page.locator(".banner-error").first()).containsText("The target was not changed");
			assertThat(this.page.locator("#edit-target .field-error")).containsText("The branch nope does not exist");
			assertThat(this.page.locator("#target-settings")).containsText(width == 1280 ? "main" : "release");
			screenshot("target-edit-refused-" + width);

			this.page.locator("#edit-target").getByLabel("Branch", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true)).fill(branches.get(width));
			this.page.locator("#edit-target").getByRole(AriaRole.BUTTON,
					new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Check and save")).click();
			assertThat(this.page.locator(".banner-ok")).hasText("The target was checked and saved.");
			assertThat(this.page.locator("#target-settings")).containsText("Branch" + branches.get(width));
			assertThat(this.page.locator("#target-settings")).containsText("Pull requests");
			assertThat(this.page.locator("#target-settings")).not().containsText("auth.type");
			assertThat(this.page.locator("#edit-target").getByLabel("Branch", new com.microsoft.playwright.Locator.GetByLabelOptions().setExact(true))).hasValue(branches.get(width));
			screenshot("target-edited-" + width);
		}
	}

	/** A new workspace (name starting with {@code prefix}) holding one policy, default/web. */
	private String workspaceWithOnePolicy(String prefix) {
		String ws = prefix + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", ws)).exchange().expectStatus().isCreated();
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", ws)
			.contentType(MediaType.parseMediaType("application/yaml"))
			.bodyValue("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
					+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
					+ "      - port: \"80\"\n        protocol: TCP\n")
			.exchange().expectStatus().is2xxSuccessful();
		return ws;
	}

}
