package dev.portcullis.publish;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.publish.git.GitHttpServer;
import dev.portcullis.publish.git.TestRepositories;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target page's "Edit" form (issue 15) as a browser posts it, against a real Git repository served over smart
 * HTTP with a token: an admin changes the branch and the stored token is kept when the field is left empty; a wrong
 * URL is refused next to its field with the old settings kept; the save is audited as the API's PUT is; the page words
 * the settings and never shows the token; editors and viewers get no form and a 403 when they post.
 */
class TargetEditPageIntegrationTests extends IntegrationTest {

	private static final String TOKEN = "tok-edit-7a8b9c0d1e";

	@Autowired
	Targets targets;

	@Autowired
	DatabaseClient db;

	@TempDir
	Path dir;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = "tedit-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
	}

	@Test
	void anAdminShouldChangeTheBranchKeepTheTokenWhenLeftEmptyAndSeeAWrongUrlRefusedInline() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		branch(bare, "release");
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			String url = server.url("ops.git");
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "token",
						"token", TOKEN)))
				.exchange().expectStatus().isCreated();
			Session admin = session(Role.ADMIN);
			String page = page(admin.cookieOnly());
			assertThat(page).contains("id=\"edit-target\"", "Check and save", "token (set)", "Set (never shown)")
				.doesNotContain(TOKEN, "auth.type", "forge.commitStatus");
			String csrf = csrf(page);

			// the branch changes; the empty token field keeps the stored token (the check passes only with it)
			String saved = post(admin.cookieOnly(), Map.of("_csrf", csrf, "url", url, "branch", "release",
					"authType", "token", "token", "", "forgeKind", "none"))
				.expectStatus().is3xxRedirection().expectHeader().location("/workspaces/" + this.ws + "/targets/gitops?saved")
				.expectBody(String.class).returnResult().getResponseBody();
			assertThat(saved).isNull();
			assertThat(settings()).containsEntry("branch", "release").containsEntry("url", url);
			assertThat(credentials()).containsEntry("token", TOKEN);
			assertThat(page(admin.cookieOnly(), "?saved")).contains("The target was checked and saved.", "release",
					"token (set)");

			// audited as the API's PUT is: target.update by the admin, credentials by name only
			List<String> audit = this.db.sql("SELECT action || ' ' || actor || ' ' || details::text FROM audit_event"
					+ " WHERE workspace = :ws AND action = 'target.update'").bind("ws", this.ws)
				.map((r) -> r.get(0, String.class)).all().collectList().block();
			assertThat(audit).hasSize(1);
			assertThat(audit.get(0)).startsWith("target.update " + username(Role.ADMIN))
				.contains("\"credentialsReplaced\": []", "release").doesNotContain(TOKEN);

			// a wrong URL: refused next to the URL field, the page shows the old settings, nothing changed
			String refused = post(admin.cookieOnly(), Map.of("_csrf", csrf, "url", url.replace("ops.git", "nope.git"),
					"branch", "main", "authType", "token", "token", "", "forgeKind", "none"))
				.expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
			assertThat(refused).contains("The target was not changed", "field-error", "nope.git")
				.doesNotContain(TOKEN);
			String urlField = refused.substring(refused.indexOf("id=\"target-url\""));
			assertThat(urlField.substring(0, urlField.indexOf("</div>"))).contains("class=\"field-error\"", "nope.git");
			assertThat(settings()).containsEntry("branch", "release").containsEntry("url", url);
			assertThat(credentials()).containsEntry("token", TOKEN);

			// a branch the repository does not have: refused next to the branch field
			String noBranch = post(admin.cookieOnly(), Map.of("_csrf", csrf, "url", url, "branch", "nope",
					"authType", "token", "forgeKind", "none"))
				.expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
			String branchField = noBranch.substring(noBranch.indexOf("id=\"target-branch\""));
			assertThat(branchField.substring(0, branchField.indexOf("</div>")))
				.contains("The branch nope does not exist");
			assertThat(settings()).containsEntry("branch", "release");

			// a wrong replacement token: refused, the stored one kept
			String wrongToken = post(admin.cookieOnly(), Map.of("_csrf", csrf, "url", url, "branch", "main",
					"authType", "token", "token", "wrong-" + TOKEN, "forgeKind", "none"))
				.expectStatus().isEqualTo(422).expectBody(String.class).returnResult().getResponseBody();
			assertThat(wrongToken).contains("refused the credentials").doesNotContain(TOKEN);
			assertThat(credentials()).containsEntry("token", TOKEN);

			// a form without the CSRF token changes nothing
			post(admin.cookieOnly(), Map.of("url", url, "branch", "main", "authType", "token", "forgeKind", "none"))
				.expectStatus().isForbidden();
			assertThat(settings()).containsEntry("branch", "release");
		}
		assertThat(this.db.sql("SELECT count(*) FROM audit_event WHERE workspace = :ws AND action = 'target.update'")
			.bind("ws", this.ws).map((r) -> r.get(0, Long.class)).one().block()).isEqualTo(1L);
	}

	@Test
	void editorsAndViewersShouldGetNoFormAndA403WhenTheyPost() {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString()))
			.exchange().expectStatus().isCreated();
		Map<String, String> before = settings();
		for (Role role : new Role[] { Role.VIEWER, Role.AUTHOR, Role.REVIEWER }) {
			Session session = session(role);
			String page = page(session.cookieOnly());
			assertThat(page).doesNotContain("id=\"edit-target\"").contains("Branch", "main");
			post(session.cookieOnly(), Map.of("_csrf", csrf(page), "url", bare.toUri().toString(), "branch", "other",
					"authType", "none", "forgeKind", "none"))
				.expectStatus().isForbidden();
		}
		assertThat(settings()).isEqualTo(before);
	}

	@Test
	void theTargetPageShouldWordPullRequestsAndCommitStatus() {
		Map<String, String> settings = Map.of("url", "https://github.com/org/repo.git", "branch", "main",
				"auth.type", "token", Targets.FORGE_KIND, "github", Targets.FORGE_PROJECT, "org/repo",
				Targets.FORGE_PULL_REQUEST, "true", Targets.FORGE_COMMIT_STATUS, "true");
		TargetRow row = new TargetRow(1, 1, "w", "gitops", "git", settings, java.util.Set.of("token"), "a",
				java.time.Instant.EPOCH, "a", java.time.Instant.EPOCH, null, null, null, null);
		assertThat(PublishPages.describe(row)).contains(
				new PublishPages.Setting("Authentication", "token (set)"),
				new PublishPages.Setting("Pull requests", "on, to GitHub at https://api.github.com, project org/repo"),
				new PublishPages.Setting("Commit status portcullis/impact",
						"on, to GitHub at https://api.github.com, project org/repo"));
		TargetRow plain = new TargetRow(1, 1, "w", "gitops", "git", Map.of("url", "file:///x", "auth.type", "token"),
				java.util.Set.of(), "a", java.time.Instant.EPOCH, "a", java.time.Instant.EPOCH, null, null, null, null);
		assertThat(PublishPages.describe(plain)).contains(new PublishPages.Setting("Authentication", "token (not set)"),
				new PublishPages.Setting("Pull requests", "off (publications are pushed to the branch)"),
				new PublishPages.Setting("Commit status portcullis/impact", "off"),
				new PublishPages.Setting("Folder", "the repository's root"));
	}

	private String page(WebTestClient client) {
		return page(client, "");
	}

	private String page(WebTestClient client, String query) {
		return client.get().uri("/workspaces/{ws}/targets/gitops" + query, this.ws).exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
	}

	private WebTestClient.ResponseSpec post(WebTestClient client, Map<String, String> fields) {
		StringBuilder body = new StringBuilder();
		fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
			.append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		return client.post().uri("/workspaces/{ws}/targets/gitops", this.ws)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(body.toString()).exchange();
	}

	/** The CSRF token inside the page's forms (the edit form when there is one, else any). */
	private static String csrf(String page) {
		int form = page.indexOf("id=\"edit-target\"");
		String from = page.substring(Math.max(form, 0));
		String marker = from.contains("name=\"_csrf\" value=\"") ? "name=\"_csrf\" value=\"" : "<meta name=\"_csrf\" content=\"";
		String source = from.contains(marker) ? from : page;
		int start = source.indexOf(marker) + marker.length();
		return source.substring(start, source.indexOf('"', start));
	}

	private Map<String, String> settings() {
		return this.targets.find(this.ws, "gitops").block().settings();
	}

	private Map<String, String> credentials() {
		return this.targets.find(this.ws, "gitops").flatMap(this.targets::open).block().credentials();
	}

	private static void branch(Path bare, String name) throws Exception {
		try (Repository repo = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
			RefUpdate update = repo.updateRef("refs/heads/" + name);
			update.setNewObjectId(repo.resolve("refs/heads/main"));
			update.update();
		}
	}

}
