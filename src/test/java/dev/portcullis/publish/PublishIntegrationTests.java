package dev.portcullis.publish;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.WorkspaceStates;
import dev.portcullis.publish.git.GitAdapter;
import dev.portcullis.publish.git.GitHttpServer;
import dev.portcullis.publish.git.GitSettings;
import dev.portcullis.publish.git.GitSshServer;
import dev.portcullis.publish.git.TestRepositories;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Targets, publications and the outbox worker through the API, against real Git repositories on disk and over
 * smart HTTP and SSH, on the real database: publish, change, delete, drift; secrets write-only; failures in words; a
 * crash between plan and apply and between apply and its record; two worker instances on one database.
 */
class PublishIntegrationTests extends IntegrationTest {

	private static final String TOKEN = "tok-9c1d2e3f4a5b";

	@Autowired
	PublishWorker worker;

	@Autowired
	Publications publications;

	@Autowired
	Targets targets;

	@Autowired
	WorkspaceStates states;

	@Autowired
	DatabaseClient db;

	@TempDir
	Path dir;

	@Value("${portcullis.publish.git.work-directory}")
	String gitCache;

	String ws;

	@BeforeEach
	void workspace() {
		this.ws = "pub-" + UUID.randomUUID().toString().substring(0, 8);
		as(Role.AUTHOR).post().uri("/api/v1/workspaces").contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", this.ws)).exchange().expectStatus().isCreated();
		policy("default", "web", "80");
		policy("default", "db", "5432");
	}

	@Test
	void adminAddsAGitTargetAndAReviewerPublishesChangesAndDeletesThroughTheOutbox() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "branch", "main",
					"path", "clusters/prod", "auth", Map.of("type", "none")))
			.exchange().expectStatus().isCreated()
			.expectBody().jsonPath("$.name").isEqualTo("gitops").jsonPath("$.path").isEqualTo("clusters/prod");

		long first = publish(Map.of());
		assertThat(this.worker.drain()).isGreaterThanOrEqualTo(1);
		Map<String, Object> record = record(first);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(actions(record, "plan")).containsExactly("CREATE", "CREATE");
		assertThat(record.get("commit")).isEqualTo(TestRepositories.log(bare).get(0).name());
		assertThat(TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml"))
			.contains("name: web");
		assertThat(TestRepositories.log(bare).get(0).getFullMessage()).contains("Portcullis-Publication: " + first,
				"Published-by: test-reviewer", "Portcullis-Workspace: " + this.ws);

		policy("default", "web", "8080");
		long second = publish(Map.of("target", "gitops"));
		this.worker.drain();
		assertThat(actions(record(second), "plan")).containsExactly("UNCHANGED", "UPDATE");
		assertThat(TestRepositories.log(bare)).hasSize(3);
		assertThat(TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml"))
			.contains("8080");

		String etag = as(Role.AUTHOR).get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/db",
				this.ws).exchange().returnResult(String.class).getResponseHeaders().getETag();
		as(Role.AUTHOR).delete().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/default/db", this.ws)
			.header("If-Match", etag).exchange().expectStatus().is2xxSuccessful();
		long third = publish(Map.of());
		this.worker.drain();
		assertThat(actions(record(third), "results")).containsExactly("UNCHANGED", "DELETED");
		assertThat(TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-db.yaml")).isNull();
		assertThat(TestRepositories.file(bare, "README.md")).isEqualTo("ops\n");

		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/gitops/drift", this.ws).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.inSync").isEqualTo(true).jsonPath("$.published")
			.isEqualTo(1);
		TestRepositories.push(this.dir, bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml",
				TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml")
					.replace("8080", "9090"));
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/gitops/drift", this.ws).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.inSync").isEqualTo(false)
			.jsonPath("$.drift[0].name").isEqualTo("web")
			.jsonPath("$.drift[0].field").isEqualTo("spec.ingress[0].toPorts[0].ports[0].port")
			.jsonPath("$.drift[0].manager").isEqualTo("Someone Else");

		// the repository's state proposed as a change: the edited file and one someone added, nothing else
		TestRepositories.push(this.dir, bare, "clusters/prod/default/ciliumnetworkpolicy-extra.yaml",
				TestRepositories.file(bare, "clusters/prod/default/ciliumnetworkpolicy-web.yaml")
					.replace("name: web", "name: extra"));
		var proposed = as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/targets/gitops/propose-live", this.ws)
			.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		as(Role.VIEWER).get().uri((String) proposed.get("href")).exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.deletes.length()").isEqualTo(0)
			.jsonPath("$.changes").value((String changes) -> assertThat(changes).contains("name: web")
				.contains("9090").contains("name: extra").doesNotContain("8080"));

		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications?status=SUCCEEDED", this.ws).exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.publications.length()").isEqualTo(3);

		// the server kept one clone of the repository for the target; deleting the target deletes it
		Long targetId = this.db.sql("SELECT t.id FROM publish_target t JOIN workspace w ON w.id = t.workspace_id"
				+ " WHERE w.name = :ws AND t.name = 'gitops'").bind("ws", this.ws).map((r) -> r.get(0, Long.class))
			.one().block();
		Path clone = Path.of(this.gitCache, Long.toString(targetId));
		assertThat(clone.resolve(".git")).isDirectory();
		as(Role.ADMIN).delete().uri("/api/v1/workspaces/{ws}/targets/gitops", this.ws).exchange()
			.expectStatus().isNoContent();
		assertThat(clone).doesNotExist();
	}

	@Test
	void aFinishedPublicationShouldQueueTheWorkspacesPublicationWebhooksWithAnAbsoluteLinkButADryRunNone()
			throws Exception {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/webhooks", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "chat", "url", "https://chat.example.test/hook", "secret", "whsec-publish-events-0001",
					"events", List.of("publication.succeeded", "publication.failed")))
			.exchange().expectStatus().isCreated();
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "branch", "main",
					"auth", Map.of("type", "none")))
			.exchange().expectStatus().isCreated();
		long dry = publish(Map.of("dryRun", true));
		long first = publish(Map.of());
		this.worker.drain();
		assertThat(record(dry).get("status")).isEqualTo("SUCCEEDED");
		assertThat(record(first).get("status")).isEqualTo("SUCCEEDED");

		// the repository is gone: one attempt, FAILED, and the failure is queued with its reason
		FileSystemUtils.deleteRecursively(bare);
		policy("default", "web", "8080");
		long second = publish(Map.of());
		new PublishWorker(this.publications, this.targets, this.states, adapters(git()), settings(1, 1), "test-once")
			.drain();
		assertThat(record(second).get("status")).isEqualTo("FAILED");

		List<Map<String, Object>> queued = this.db.sql("SELECT d.event, CAST(d.body AS text) AS body FROM"
				+ " webhook_delivery d JOIN webhook h ON h.id = d.webhook_id JOIN workspace w ON w.id ="
				+ " h.workspace_id WHERE w.name = :ws ORDER BY d.id").bind("ws", this.ws).fetch().all()
			.collectList().block();
		assertThat(queued).extracting((row) -> row.get("event"))
			.containsExactly("publication.succeeded", "publication.failed");
		assertThat((String) queued.get(0).get("body")).contains("\"id\":" + first, "\"target\":\"gitops\"",
				"\"status\":\"SUCCEEDED\"", "\"actor\":\"test-reviewer\"",
				"\"url\":\"https://portcullis.example.test/workspaces/" + this.ws + "/publications/" + first + "\"",
				"Publication #" + first + " to gitops succeeded by test-reviewer");
		assertThat((String) queued.get(1).get("body")).contains("\"id\":" + second, "\"status\":\"FAILED\"",
				"\"error\":", "Publication #" + second + " to gitops failed: ");
	}

	@Test
	void aCommitShouldNameTheChangeRequestsMergedSinceTheLastPublicationAndTheirApprovers() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "reviewed.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "branch", "main",
					"path", "clusters/prod", "auth", Map.of("type", "none")))
			.exchange().expectStatus().isCreated();
		publish(Map.of());
		this.worker.drain();

		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: web\n  namespace: default\n"
				+ "spec:\n  endpointSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - toPorts:\n    - ports:\n"
				+ "      - port: \"8443\"\n        protocol: TCP\n";
		Map<?, ?> opened = as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/change-requests", this.ws)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Web on 8443", "description", "", "changes", yaml, "deletes", List.of()))
			.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
		long change = ((Number) opened.get("id")).longValue();
		as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/reviews", this.ws, change)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("decision", "APPROVE", "body", "ok"))
			.exchange().expectStatus().is2xxSuccessful();
		as(Role.AUTHOR).post().uri("/api/v1/workspaces/{ws}/change-requests/{id}/merge", this.ws, change).exchange()
			.expectStatus().is2xxSuccessful();

		publish(Map.of());
		this.worker.drain();
		String message = TestRepositories.log(bare).get(0).getFullMessage();
		assertThat(message).contains("Change-Request: #" + change + " Web on 8443",
				"Approved-by: " + username(Role.REVIEWER));
		assertThat(message).doesNotContain("Approved-by: " + username(Role.AUTHOR));

		policy("default", "db", "5433");
		publish(Map.of());
		this.worker.drain();
		assertThat(TestRepositories.log(bare).get(0).getFullMessage()).doesNotContain("Change-Request:");
	}

	@Test
	void aDryRunShouldPlanAndChangeNothing() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		gitTarget("gitops", bare.toUri().toString());

		long id = publish(Map.of("dryRun", true));
		this.worker.drain();

		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(actions(record, "plan")).containsExactly("CREATE", "CREATE");
		assertThat(TestRepositories.log(bare)).hasSize(1);
	}

	@Test
	void aTargetThatFailsItsCheckShouldBeRefusedInWordsAndNotStored() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "gitops", "type", "git", "url", bare.toUri().toString(), "branch", "prod"))
			.exchange().expectStatus().isEqualTo(422)
			.expectBody().jsonPath("$.detail").value((String detail) -> assertThat(detail)
				.contains("The branch prod does not exist"));
		as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/targets/gitops", this.ws).exchange()
			.expectStatus().isNotFound();
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", "Bad Name", "type", "ftp")).exchange().expectStatus().isBadRequest();
		as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange().expectStatus().isEqualTo(409);
	}

	@Test
	void aTokenShouldBeWriteOnlySealedAndNeverInARecordAndAnUnreachableTargetShouldFailInWords() throws Exception {
		TestRepositories.bare(this.dir, "ops.git");
		String url;
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			url = server.url("ops.git");
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "token",
						"token", "wrong-" + TOKEN)))
				.exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.detail")
				.value((String detail) -> assertThat(detail).contains("refused the credentials")
					.doesNotContain(TOKEN));
			String body = as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "token",
						"token", TOKEN)))
				.exchange().expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
			assertThat(body).doesNotContain(TOKEN).contains("\"set\":[\"token\"]");
			// a save without the token keeps it (the check passes only with it)
			as(Role.ADMIN).put().uri("/api/v1/workspaces/{ws}/targets/gitops", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("type", "git", "url", url, "branch", "main", "auth", Map.of("type", "token")))
				.exchange().expectStatus().isOk();
		}
		byte[] sealed = this.db.sql("SELECT t.credentials_sealed FROM publish_target t JOIN workspace w ON"
				+ " w.id = t.workspace_id WHERE w.name = :ws").bind("ws", this.ws)
			.map((r) -> r.get(0, byte[].class)).one().block();
		assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
		String audit = this.db.sql("SELECT string_agg(details::text, ' ') FROM audit_event WHERE workspace = :ws")
			.bind("ws", this.ws).map((r) -> r.get(0, String.class)).one().block();
		assertThat(audit).contains("credentialsReplaced").doesNotContain(TOKEN);

		// the server is gone: one attempt left, so the record is FAILED at once, in words, without the token
		long id = publish(Map.of());
		PublishWorker once = new PublishWorker(this.publications, this.targets, this.states,
				adapters(new GitAdapter(new GitSettings(true, Duration.ofSeconds(5), this.dir.resolve("cache").toString(), 5))), settings(1, 1),
				"test-once");
		once.drain();
		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("FAILED");
		assertThat((String) record.get("error")).startsWith("Cannot reach " + url).doesNotContain(TOKEN);
	}

	@Test
	void anSshKeyShouldBeWriteOnlySealedAndAKeyTheServerNoLongerAcceptsShouldFailTheRecordInWords()
			throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		KeyPair key = GitSshServer.keyPair(KeyPairProvider.SSH_ED25519);
		String passphrase = "s3cret passphrase";
		String privateKey = GitSshServer.openSsh(key, passphrase);
		String keyLine = privateKey.lines().skip(1).findFirst().get();
		try (GitSshServer server = new GitSshServer(this.dir, key.getPublic())) {
			String url = server.url("ops.git");
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "ssh-key",
						"privateKey", privateKey, "passphrase", passphrase)))
				.exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.detail")
				.value((String detail) -> assertThat(detail).contains("auth.knownHosts", "never accepted unchecked"));
			as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "ssh-key",
						"privateKey", privateKey, "token", TOKEN)))
				.exchange().expectStatus().isBadRequest();
			String body = as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("name", "gitops", "type", "git", "url", url, "auth", Map.of("type", "ssh-key",
						"privateKey", privateKey, "passphrase", passphrase, "knownHosts", server.knownHostsLine())))
				.exchange().expectStatus().isCreated().expectBody(String.class).returnResult().getResponseBody();
			assertThat(body).doesNotContain(keyLine, passphrase)
				.contains("\"set\":[\"knownHosts\",\"passphrase\",\"privateKey\"]");
			long id = publish(Map.of());
			this.worker.drain();
			assertThat(record(id).get("status")).isEqualTo("SUCCEEDED");
			assertThat(record(id).get("commit")).isEqualTo(TestRepositories.log(bare).get(0).name());

			byte[] sealed = this.db.sql("SELECT t.credentials_sealed FROM publish_target t JOIN workspace w ON"
					+ " w.id = t.workspace_id WHERE w.name = :ws").bind("ws", this.ws)
				.map((r) -> r.get(0, byte[].class)).one().block();
			assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(keyLine,
					passphrase);
			String audit = this.db.sql("SELECT string_agg(details::text, ' ') FROM audit_event WHERE workspace = :ws")
				.bind("ws", this.ws).map((r) -> r.get(0, String.class)).one().block();
			assertThat(audit).contains("privateKey").doesNotContain(keyLine, passphrase);

			// the deploy key was removed from the repository: FAILED at once, in words, without the secrets
			server.authorizeOnly(GitSshServer.keyPair(KeyPairProvider.SSH_ED25519).getPublic());
			int commands = server.commands.size();
			policy("default", "web", "8080");
			long again = publish(Map.of());
			PublishWorker once = new PublishWorker(this.publications, this.targets, this.states, adapters(git()),
					settings(1, 1), "test-once");
			once.drain();
			Map<String, Object> record = record(again);
			assertThat(record.get("status")).isEqualTo("FAILED");
			assertThat((String) record.get("error")).contains("refused the SSH key", "user git")
				.doesNotContain(keyLine, passphrase);
			assertThat(server.commands).hasSize(commands);
		}
	}

	@Test
	void aCrashBetweenPlanAndApplyShouldBeFinishedByAnotherInstanceOnce() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		gitTarget("gitops", bare.toUri().toString());
		long id = publish(Map.of());
		PublishWorker crashing = new PublishWorker(this.publications, this.targets, this.states, adapters(git()),
				settings(5, 1), "test-crashing");
		crashing.afterPlan = (done) -> {
			throw new PublishWorker.Crash();
		};
		assertThatExceptionOfType(PublishWorker.Crash.class).isThrownBy(crashing::drain);
		assertThat(record(id).get("status")).isEqualTo("RUNNING");
		assertThat(TestRepositories.log(bare)).hasSize(1);

		Thread.sleep(3500);
		new PublishWorker(this.publications, this.targets, this.states, adapters(git()), settings(5, 1), "test-after")
			.drain();

		assertThat(record(id).get("status")).isEqualTo("SUCCEEDED");
		assertThat(commitsOf(bare, id)).hasSize(1);
	}

	@Test
	void aCrashAfterApplyBeforeItsRecordShouldNotApplyTwice() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		gitTarget("gitops", bare.toUri().toString());
		long id = publish(Map.of());
		PublishWorker crashing = new PublishWorker(this.publications, this.targets, this.states, adapters(git()),
				settings(5, 1), "test-crashing");
		crashing.afterApply = (done) -> {
			throw new PublishWorker.Crash();
		};
		assertThatExceptionOfType(PublishWorker.Crash.class).isThrownBy(crashing::drain);
		assertThat(commitsOf(bare, id)).hasSize(1);

		Thread.sleep(3500);
		new PublishWorker(this.publications, this.targets, this.states, adapters(git()), settings(5, 1), "test-after")
			.drain();

		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(commitsOf(bare, id)).hasSize(1);
		assertThat(record.get("commit")).isEqualTo(commitsOf(bare, id).get(0).name());
		assertThat(record.toString()).contains("already on the branch");
	}

	@Test
	void anInstanceThatStallsPastItsLeaseShouldNotPushWhatAnotherInstanceTookOverAndSayWhyOnTheRecord()
			throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		gitTarget("gitops", bare.toUri().toString());
		long id = publish(Map.of());
		CountDownLatch atThePush = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		// instance A: claims, clones, commits, then stalls right before its push and renews nothing meanwhile
		PublishWorker stalled = new PublishWorker(this.publications, this.targets, this.states,
				adapters(git("cache-a")), settings(5, 1), "test-stalled");
		stalled.fences = (fence) -> (effect) -> {
			atThePush.countDown();
			try {
				resume.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			fence.check(effect);
		};
		AtomicReference<Throwable> failure = new AtomicReference<>();
		// a claim run without renewals: the instance is stalled, not dead
		Thread a = new Thread(() -> {
			try {
				stalled.run(this.publications.claim("test-stalled", Duration.ofSeconds(3)).block());
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		a.start();
		assertThat(atThePush.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(record(id).get("status")).isEqualTo("RUNNING");

		// its three-second lease lapses; instance B (its own clone) takes the publication over and publishes it
		Thread.sleep(3500);
		new PublishWorker(this.publications, this.targets, this.states, adapters(git("cache-b")), settings(5, 1),
				"test-takeover").drain();
		assertThat(record(id).get("status")).isEqualTo("SUCCEEDED");
		assertThat(commitsOf(bare, id)).hasSize(1);

		// A wakes up: its fence refuses the push
		resume.countDown();
		a.join(60_000);
		assertThat(failure.get()).isNull();
		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(record.get("error")).isNull();
		assertThat(commitsOf(bare, id)).hasSize(1);
		assertThat(TestRepositories.log(bare)).hasSize(2);
		assertThat(record.get("commit")).isEqualTo(commitsOf(bare, id).get(0).name());
		assertThat(record.get("notes").toString()).contains("test-stalled")
			.contains("stopped before pushing to main: its lease had lapsed");
		String page = as(Role.VIEWER).get().uri("/workspaces/{ws}/publications/{id}", this.ws, id).exchange()
			.expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
		assertThat(page).contains("Attempt 1 by test-stalled stopped before pushing to main");
		Long finishes = this.db.sql("SELECT count(*) FROM audit_event WHERE action = 'publication.finish' AND"
				+ " target = :t").bind("t", "publication/" + id).map((r) -> r.get(0, Long.class)).one().block();
		assertThat(finishes).isEqualTo(1L);
	}

	@Test
	void aPushAlreadyMadeWhenItsLeaseLapsedShouldLeaveOneCommitAndTheTakeOverShouldFindIt() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		gitTarget("gitops", bare.toUri().toString());
		long id = publish(Map.of());
		CountDownLatch pushed = new CountDownLatch(1);
		CountDownLatch resume = new CountDownLatch(1);
		// instance A pushes, then stalls before it records anything and renews nothing
		PublishWorker stalled = new PublishWorker(this.publications, this.targets, this.states,
				adapters(git("cache-a")), settings(5, 1), "test-stalled");
		stalled.afterApply = (done) -> {
			pushed.countDown();
			try {
				resume.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		Thread a = new Thread(() -> stalled.run(this.publications.claim("test-stalled", Duration.ofSeconds(3)).block()));
		a.start();
		assertThat(pushed.await(60, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(3500);
		new PublishWorker(this.publications, this.targets, this.states, adapters(git("cache-b")), settings(5, 1),
				"test-takeover").drain();
		resume.countDown();
		a.join(60_000);

		Map<String, Object> record = record(id);
		assertThat(record.get("status")).isEqualTo("SUCCEEDED");
		assertThat(commitsOf(bare, id)).hasSize(1);
		assertThat(record.get("commit")).isEqualTo(commitsOf(bare, id).get(0).name());
		assertThat(record.toString()).contains("already on the branch");
		assertThat(record.get("notes").toString()).contains("test-stalled")
			.contains("ended SUCCEEDED after its lease had lapsed");
	}

	@Test
	void twoInstancesOnOneDatabaseShouldApplyEachOfTenPublicationsOnce() throws Exception {
		List<Path> repos = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Path bare = TestRepositories.bare(this.dir, "ops" + i + ".git");
			repos.add(bare);
			gitTarget("gitops-" + i, bare.toUri().toString());
		}
		Map<Long, AtomicInteger> applies = new ConcurrentHashMap<>();
		GitAdapter git = git();
		TargetAdapter counting = new TargetAdapter() {

			@Override
			public String type() {
				return "git";
			}

			@Override
			public void check(Target target) {
				git.check(target);
			}

			@Override
			public Plan plan(Target target, List<DesiredObject> desired) {
				return git.plan(target, desired);
			}

			@Override
			public Applied apply(Target target, Plan plan, Publication publication) {
				applies.computeIfAbsent(publication.id(), (k) -> new AtomicInteger()).incrementAndGet();
				return git.apply(target, plan, publication);
			}

			@Override
			public List<Drift> drift(Target target, List<DesiredObject> published) {
				return git.drift(target, published);
			}

		};
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			policy("default", "web", Integer.toString(8000 + i));
			ids.add(publish(Map.of("target", "gitops-" + (i % 3))));
		}
		PublishWorker a = new PublishWorker(this.publications, this.targets, this.states, adapters(counting),
				settings(5, 3), "test-a");
		PublishWorker b = new PublishWorker(this.publications, this.targets, this.states, adapters(counting),
				settings(5, 3), "test-b");
		a.startTicking();
		b.startTicking();
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
			while (System.nanoTime() < deadline && !ids.stream().allMatch((id) -> "SUCCEEDED".equals(record(id)
				.get("status")))) {
				Thread.sleep(200);
			}
		}
		finally {
			a.stop();
			b.stop();
		}
		for (long id : ids) {
			assertThat(record(id).get("status")).as("publication %d", id).isEqualTo("SUCCEEDED");
			assertThat(applies.get(id)).as("applies of publication %d", id).hasValue(1);
		}
		for (int i = 0; i < 3; i++) {
			// every publication changed web's port: one commit each
			assertThat(TestRepositories.log(repos.get(i))).hasSize(1 + (i == 0 ? 4 : 3));
		}
	}

	// --- helpers

	private void policy(String namespace, String name, String port) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: " + name
				+ "\n  namespace: " + namespace + "\nspec:\n  endpointSelector:\n    matchLabels:\n      app: " + name
				+ "\n  ingress:\n  - toPorts:\n    - ports:\n      - port: \"" + port + "\"\n        protocol: TCP\n";
		var current = as(Role.AUTHOR).get().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/{ns}/{name}",
				this.ws, namespace, name).exchange().returnResult(String.class);
		String etag = current.getStatus().is2xxSuccessful() ? current.getResponseHeaders().getETag() : null;
		as(Role.AUTHOR).put().uri("/api/v1/workspaces/{ws}/policies/CiliumNetworkPolicy/{ns}/{name}", this.ws,
				namespace, name).headers((h) -> {
					if (etag != null) {
						h.setIfMatch(etag);
					}
				}).contentType(MediaType.parseMediaType("application/yaml")).bodyValue(yaml).exchange()
			.expectStatus().is2xxSuccessful();
	}

	private void gitTarget(String name, String url) {
		as(Role.ADMIN).post().uri("/api/v1/workspaces/{ws}/targets", this.ws).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("name", name, "type", "git", "url", url, "branch", "main"))
			.exchange().expectStatus().isCreated();
	}

	private long publish(Map<String, Object> body) {
		Map<?, ?> response = as(Role.REVIEWER).post().uri("/api/v1/workspaces/{ws}/publications", this.ws)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isAccepted()
			.expectBody(Map.class).returnResult().getResponseBody();
		assertThat(response.get("status")).isEqualTo("PENDING");
		return ((Number) response.get("id")).longValue();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> record(long id) {
		return as(Role.VIEWER).get().uri("/api/v1/workspaces/{ws}/publications/{id}", this.ws, id).exchange()
			.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static List<String> actions(Map<String, Object> record, String list) {
		List<String> out = new ArrayList<>();
		for (Map<String, Object> item : (List<Map<String, Object>>) record.get(list)) {
			out.add((String) item.get(list.equals("plan") ? "action" : "outcome"));
		}
		return out;
	}

	private static List<RevCommit> commitsOf(Path bare, long id) throws Exception {
		return TestRepositories.log(bare).stream()
			.filter((c) -> c.getFooterLines("Portcullis-Publication").contains(Long.toString(id)))
			.toList();
	}

	private GitAdapter git() {
		return git("cache");
	}

	/** A Git adapter with a clone directory of its own (another instance on another machine). */
	private GitAdapter git(String cache) {
		return new GitAdapter(new GitSettings(true, Duration.ofSeconds(20), this.dir.resolve(cache).toString(), 5));
	}

	private static Adapters adapters(TargetAdapter adapter) {
		return new Adapters(List.of(adapter), settings(5, 1));
	}

	/** Worker settings: {@code attempts}, a three-second lease (a lapsed claim is taken over soon), 100 ms ticks. */
	private static PublishSettings settings(int attempts, int threads) {
		return new PublishSettings(false, Duration.ofMillis(100), Duration.ofSeconds(3), attempts,
				Duration.ofMillis(200), Duration.ofSeconds(2), threads, Duration.ZERO);
	}

	@SuppressWarnings("unused")
	private WebTestClient unused() {
		return anonymous();
	}

}
