package dev.portcullis.publish;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.publish.git.ForgeDouble;
import dev.portcullis.publish.git.TestRepositories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Git target with a forge (docs/adr/045) through the API and the outbox, against a stand-in GitHub
 * ({@link ForgeDouble}) over a real bare repository and the real database: settings validated and shown, a
 * publication proposed as a pull request with the {@code portcullis/impact} status of its replay, a forge that is down
 * failing the record in words and the retry reusing the pushed branch, the token in no response, record, audit
 * event or log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class ForgePublishIntegrationTests extends IntegrationTest {

	@Autowired
	PublishWorker worker;

	@Autowired
	Publications publications;

	@Autowired
	Targets targets;

	@Autowired
	WorkspaceStates states;

	@Autowired
	Adapters adapters;

	@Autowired
	PublishedImpact impacts;

	@Autowired
	DatabaseClient db;

	@TempDir
	Path dir;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = "forge-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		policy("80");
	}

	@Test
	void aPublicationShouldBeProposedAsAPullRequestWithItsImpactAndAForgeThatIsDownShouldBeRetried(
			CapturedOutput output) throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(target(bare, github, ForgeDouble.TOKEN))
				.exchange().expectStatus().isCreated().expectBody()
				.jsonPath("$.forge.kind").isEqualTo("github")
				.jsonPath("$.forge.apiUrl").isEqualTo(github.url())
				.jsonPath("$.forge.project").isEqualTo("acme/ops")
				.jsonPath("$.forge.pullRequest").isEqualTo(true)
				.jsonPath("$.forge.commitStatus").isEqualTo(true)
				.jsonPath("$.auth.set[0]").isEqualTo("token")
				.jsonPath("$['forge.kind']").doesNotExist();
			assertThat(github.requests("GET", "/repos/acme/ops")).hasSize(1);

			long first = publish();
			this.worker.drain();
			Map<String, Object> record = record(first);
			assertThat(record.get("status")).isEqualTo("SUCCEEDED");
			assertThat(record.get("pullRequest")).isEqualTo("https://github.example/acme/ops/pull/1");
			assertThat(record.get("commitStatus"))
				.isEqualTo("success: No flows in the last 24 h to replay: impact unknown.");
			assertThat(TestRepositories.log(bare)).hasSize(1);
			assertThat(github.pulls).singleElement().satisfies((pull) -> {
				assertThat(pull.head()).isEqualTo("portcullis/publication-" + first);
				assertThat(pull.base()).isEqualTo("main");
				assertThat(pull.title()).startsWith("Publish " + this.ws + ": 1 policy added");
			});
			assertThat(github.statuses).singleElement().satisfies((status) -> {
				assertThat(status.sha()).isEqualTo(record.get("commit"));
				assertThat(status.context()).isEqualTo("portcullis/impact");
				assertThat(status.state()).isEqualTo("success");
				// the suite sets portcullis.public-url (IntegrationTest): the status links to the publication's page
				assertThat(status.targetUrl())
					.isEqualTo("https://portcullis.example.test/workspaces/" + this.ws + "/publications/" + first);
			});

			// the forge is down: the commit is pushed to its branch, the record fails in words; a retry reuses it
			policy("8080");
			long second = publish();
			github.down = true;
			PublishWorker once = new PublishWorker(this.publications, this.targets, this.states, this.adapters,
					new PublishSettings(false, Duration.ofMillis(100), Duration.ofSeconds(3), 1, Duration.ofMillis(200),
							Duration.ofSeconds(2), 1, Duration.ZERO),
					"test-forge-down", this.impacts);
			once.drain();
			Map<String, Object> failed = record(second);
			assertThat(failed.get("status")).isEqualTo("FAILED");
			assertThat((String) failed.get("error")).isEqualTo("The GitHub API at " + github.url()
					+ " answered 503 while looking for the pull request: Service Unavailable.");
			assertThat(failed.get("pullRequest")).isNull();

			github.down = false;
			as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications/{id}/retry", this.ws, second)
				.exchange().expectStatus().isAccepted();
			this.worker.drain();
			Map<String, Object> retried = record(second);
			assertThat(retried.get("status")).isEqualTo("SUCCEEDED");
			assertThat(retried.get("pullRequest")).isEqualTo("https://github.example/acme/ops/pull/2");
			assertThat(github.pulls).extracting(ForgeDouble.Pull::head)
				.containsExactly("portcullis/publication-" + first, "portcullis/publication-" + second);
			assertThat(TestRepositories.log(bare)).hasSize(1);

			String audit = this.db.sql("SELECT string_agg(details::text, ' ') FROM audit_event WHERE workspace = :ws"
					+ " AND action = 'publication.finish'").bind("ws", this.ws).map((r) -> r.get(0, String.class))
				.one().block();
			assertThat(audit).contains("https://github.example/acme/ops/pull/1", "No flows in the last 24 h",
					"503 while looking for the pull request");
			String stored = this.db.sql("SELECT string_agg(coalesce(error, '') || coalesce(pull_request, '')"
					+ " || coalesce(commit_status, ''), ' ') FROM publication p JOIN workspace w ON w.id ="
					+ " p.workspace_id WHERE w.name = :ws").bind("ws", this.ws).map((r) -> r.get(0, String.class))
				.one().block();
			assertThat(audit + stored).doesNotContain(ForgeDouble.TOKEN);
		}
		assertThat(output.getAll()).doesNotContain(ForgeDouble.TOKEN);
	}

	@Test
	void driftInPullRequestModeShouldShowTheProposalAsNotMergedYetAndRealDriftOnlyAgainstWhatWasMerged()
			throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Map<String, Object> body = target(bare, github, ForgeDouble.TOKEN);
			body.put("forge", Map.of("kind", "github", "apiUrl", github.url(), "project", "acme/ops", "pullRequest",
					true, "commitStatus", false));
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated();
			long first = publish();
			this.worker.drain();
			assertThat(record(first).get("pullRequest")).isEqualTo("https://github.example/acme/ops/pull/1");

			// proposed, not merged: no drift, the proposal named
			drift().jsonPath("$.inSync").isEqualTo(true)
				.jsonPath("$.drift.length()").isEqualTo(0)
				.jsonPath("$.proposed.length()").isEqualTo(1)
				.jsonPath("$.proposed[0].kind").isEqualTo("CiliumNetworkPolicy")
				.jsonPath("$.proposed[0].namespace").isEqualTo("default")
				.jsonPath("$.proposed[0].name").isEqualTo("web")
				.jsonPath("$.proposed[0].action").isEqualTo("create")
				.jsonPath("$.proposed[0].number").isEqualTo(1)
				.jsonPath("$.proposed[0].pullRequest").isEqualTo("https://github.example/acme/ops/pull/1");
			String page = as(Role.VIEWER).get().uri("/workspaces/{ws}/targets/gitops", this.ws).exchange()
				.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
			assertThat(page).contains("proposed in pull request #1, not merged yet")
				.contains("1 policy proposed in a pull request, not merged yet").doesNotContain("drift found");

			// merged (fast-forward): in sync, nothing proposed
			String proposal = fastForward(bare, "portcullis/publication-" + first);
			github.states.put(1, "merged");
			drift().jsonPath("$.inSync").isEqualTo(true).jsonPath("$.proposed.length()").isEqualTo(0);
			String merged = TestRepositories.file(bare, "default/ciliumnetworkpolicy-web.yaml");
			assertThat(merged).contains("\"80\"");

			// a newer proposal; meanwhile someone edits the merged file on the branch: real drift, against 80
			policy("8080");
			long second = publish();
			this.worker.drain();
			assertThat(record(second).get("pullRequest")).isEqualTo("https://github.example/acme/ops/pull/2");
			assertThat(record(first).get("supersededBy")).isEqualTo((int) second);
			assertThat(github.comments).doesNotContainKey(1);
			TestRepositories.push(this.dir, bare, "default/ciliumnetworkpolicy-web.yaml",
					merged.replace("\"80\"", "\"9090\""));
			drift().jsonPath("$.inSync").isEqualTo(false)
				.jsonPath("$.proposed.length()").isEqualTo(1)
				.jsonPath("$.proposed[0].action").isEqualTo("update")
				.jsonPath("$.proposed[0].number").isEqualTo(2)
				.jsonPath("$.drift.length()").isEqualTo(1)
				.jsonPath("$.drift[0].name").isEqualTo("web")
				.jsonPath("$.drift[0].published").value((String v) -> assertThat(v).contains("80").doesNotContain("8080"))
				.jsonPath("$.drift[0].live").value((String v) -> assertThat(v).contains("9090"))
				.jsonPath("$.drift[0].manager").isEqualTo("Someone Else");
			assertThat(proposal).isNotNull();
		}
	}

	private org.springframework.test.web.reactive.server.WebTestClient.BodyContentSpec drift() {
		return as(Role.ADMIN).get().uri("/api/v1/workspaces/{ws}/targets/gitops/drift", this.ws).exchange()
			.expectStatus().isOk().expectBody();
	}

	/** Merges {@code branch} into main the way a fast-forward merge does; the commit main now points at. */
	private static String fastForward(Path bare, String branch) throws Exception {
		try (org.eclipse.jgit.lib.Repository repository = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
			.setGitDir(bare.toFile()).setBare().build()) {
			var update = repository.updateRef("refs/heads/main");
			update.setNewObjectId(repository.resolve("refs/heads/" + branch));
			assertThat(update.update()).isEqualTo(org.eclipse.jgit.lib.RefUpdate.Result.FAST_FORWARD);
			return repository.resolve("refs/heads/main").name();
		}
	}

	@Test
	void forgeSettingsShouldBeCheckedWithProblemsThatNameTheField() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Map<String, Object> unknownKind = target(bare, github, ForgeDouble.TOKEN);
			unknownKind.put("forge", Map.of("kind", "bitbucket"));
			invalid(unknownKind, "forge.kind", "The forge is none, github or gitlab.");

			Map<String, Object> notABoolean = target(bare, github, ForgeDouble.TOKEN);
			notABoolean.put("forge", Map.of("kind", "github", "pullRequest", "yes"));
			invalid(notABoolean, "forge.pullRequest", "must be true or false");

			Map<String, Object> withoutForge = target(bare, github, ForgeDouble.TOKEN);
			withoutForge.put("forge", Map.of("pullRequest", true));
			invalid(withoutForge, "forge.kind", "Pull requests and commit statuses need a forge: github or gitlab.");

			Map<String, Object> withoutToken = target(bare, github, ForgeDouble.TOKEN);
			withoutToken.put("auth", Map.of("type", "none"));
			invalid(withoutToken, "auth.type", "Pull requests and commit statuses use the target's token: choose"
					+ " token authentication with an HTTPS repository URL.");

			Map<String, Object> badApi = target(bare, github, ForgeDouble.TOKEN);
			badApi.put("forge", Map.of("kind", "github", "apiUrl", "ftp://github.example"));
			invalid(badApi, "forge.apiUrl", "The forge's API URL starts with https:// and names a host, for example"
					+ " https://github.example.com/api/v3 or https://gitlab.example.com/api/v4.");

			String wrong = "ghp_notTheRightOne9931";
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON).bodyValue(target(bare, github, wrong))
				.exchange().expectStatus().isEqualTo(422).expectBody()
				.jsonPath("$.type").value((String type) -> assertThat(type).endsWith("/problems/target-check-failed"))
				.jsonPath("$.detail").isEqualTo("The GitHub API at " + github.url() + " refused the token (401) while"
						+ " reading the project acme/ops: check the target's token.");
			as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets", this.ws).exchange().expectStatus().isOk()
				.expectBody().jsonPath("$.targets.length()").isEqualTo(0);
		}
	}

	private void invalid(Map<String, Object> body, String field, String message) {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body).exchange().expectStatus().isBadRequest().expectBody()
			.jsonPath("$.violations[0].path").isEqualTo(field)
			.jsonPath("$.violations[0].message").isEqualTo(message);
	}

	private static Map<String, Object> target(Path bare, ForgeDouble github, String token) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", "gitops");
		body.put("type", "git");
		body.put("url", bare.toUri().toString());
		body.put("branch", "main");
		body.put("auth", Map.of("type", "token", "token", token));
		body.put("forge", Map.of("kind", "github", "apiUrl", github.url(), "project", "acme/ops", "pullRequest", true,
				"commitStatus", true));
		return body;
	}

	private long publish() {
		Map<?, ?> response = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("target", "gitops")).exchange()
			.expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
		return ((Number) response.get("id")).longValue();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> record(long id) {
		return as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications/{id}", this.ws, id).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	private void policy(String port) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default"
				+ "\nspec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
				+ "      - port: \"" + port + "\"\n        protocol: TCP\n";
		var current = as(Role.AUTHOR).get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web",
				this.ws).exchange().returnResult(String.class);
		String etag = current.getStatus().is2xxSuccessful() ? current.getResponseHeaders().getETag() : null;
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/web", this.ws)
			.headers((h) -> {
				if (etag != null) {
					h.setIfMatch(etag);
				}
			}).contentType(MediaType.parseMediaType("application/yaml")).bodyValue(yaml).exchange()
			.expectStatus().is2xxSuccessful();
	}

}
