package dev.portcullis.publish.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Drift;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Git adapter against real repositories: a bare repository on disk ({@code file://}) and one served over smart
 * HTTP by the real {@code git http-backend} with a token.
 */
class GitAdapterTests {

	private static final String TOKEN = "tok-3f9a1c55e2";

	@TempDir
	Path dir;

	private GitAdapter adapter;

	@BeforeEach
	void adapter() {
		this.adapter = adapter(this.dir.resolve("cache"));
	}

	/** An adapter that keeps its clones in {@code cache}. */
	static GitAdapter adapter(Path cache) {
		return new GitAdapter(new GitSettings(true, Duration.ofSeconds(20), cache.toString(), 5));
	}

	@Test
	void publishThenChangeOneShouldWriteOneCommitTouchingOnlyThatFile() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "main", "clusters/prod");
		List<DesiredObject> first = List.of(policy("default", "web", "80"), policy("default", "db", "5432"),
				clusterwide("all", "53"));

		Plan plan = this.adapter.plan(target, first);
		assertThat(plan.items()).extracting(PlanItem::action).containsOnly(PlanItem.Action.CREATE);
		assertThat(plan.items().get(0).diff()).contains("+++ b/clusters/prod/default/ciliumnetworkpolicy-web.yaml");
		Applied applied = this.adapter.apply(target, plan, publication(1));
		assertThat(applied.results()).extracting(ObjectResult::outcome).containsOnly(ObjectResult.Outcome.CREATED);
		assertThat(applied.commit()).isEqualTo(head(bare, "main").name());
		assertThat(changedFiles(bare, "main")).containsExactlyInAnyOrder("clusters/prod/default/ciliumnetworkpolicy-web.yaml",
				"clusters/prod/default/ciliumnetworkpolicy-db.yaml",
				"clusters/prod/_cluster/ciliumclusterwidenetworkpolicy-all.yaml");
		assertThat(fileAt(bare, "main", "clusters/prod/default/ciliumnetworkpolicy-web.yaml"))
			.isEqualTo(first.get(0).yaml());
		assertThat(fileAt(bare, "main", "README.md")).isEqualTo("ops\n");
		RevCommit commit = commit(bare, "main");
		assertThat(commit.getFullMessage()).startsWith("Publish prod: 3 policies added")
			.contains("Change-Request: #7 Allow web to db", "Approved-by: bob (#7)", "Published-by: alice",
					"Portcullis-Publication: 1");

		List<DesiredObject> second = List.of(policy("default", "web", "8080"), policy("default", "db", "5432"),
				clusterwide("all", "53"));
		Plan again = this.adapter.plan(target, second);
		assertThat(again.items()).extracting(PlanItem::action)
			.containsExactly(PlanItem.Action.UPDATE, PlanItem.Action.UNCHANGED, PlanItem.Action.UNCHANGED);
		assertThat(again.items().get(0).diff()).contains("-      - port: \"80\"", "+      - port: \"8080\"");
		Applied second_ = this.adapter.apply(target, again, publication(2));
		assertThat(second_.results()).extracting(ObjectResult::outcome)
			.containsExactly(ObjectResult.Outcome.UPDATED, ObjectResult.Outcome.UNCHANGED,
					ObjectResult.Outcome.UNCHANGED);
		assertThat(commit(bare, "main").getParent(0).name()).isEqualTo(applied.commit());
		assertThat(changedFiles(bare, "main")).containsExactly("clusters/prod/default/ciliumnetworkpolicy-web.yaml");
	}

	@Test
	void publishShouldDateItsCommitWhenItIsMadeNotWhenTheAdapterWasLoaded() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "main", "");
		this.adapter.apply(target, this.adapter.plan(target, List.of(policy("a", "web", "80"))), publication(1));
		// Git dates commits to the second: start the second publication in a later second than anything before it
		Instant asked = Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		while (Instant.now().isBefore(asked)) {
			Thread.sleep(20);
		}

		this.adapter.apply(target, this.adapter.plan(target, List.of(policy("a", "web", "8080"))), publication(2));

		RevCommit commit = commit(bare, "main");
		assertThat(commit.getFullMessage()).contains("Portcullis-Publication: 2");
		assertThat(commit.getCommitterIdent().getWhenAsInstant()).isAfterOrEqualTo(asked);
		assertThat(commit.getAuthorIdent().getWhenAsInstant()).isAfterOrEqualTo(asked);
	}

	@Test
	void publishWithoutAPolicyShouldRemoveItsFileAndLeaveOtherFilesAlone() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "main", "");
		this.adapter.apply(target, this.adapter.plan(target, List.of(policy("a", "web", "80"), policy("a", "db", "1"))),
				publication(1));

		Plan plan = this.adapter.plan(target, List.of(policy("a", "web", "80")));

		assertThat(plan.items()).extracting(PlanItem::action, PlanItem::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(PlanItem.Action.UNCHANGED, "web"),
					org.assertj.core.groups.Tuple.tuple(PlanItem.Action.DELETE, "db"));
		Applied applied = this.adapter.apply(target, plan, publication(2));
		assertThat(applied.results()).extracting(ObjectResult::outcome)
			.containsExactly(ObjectResult.Outcome.UNCHANGED, ObjectResult.Outcome.DELETED);
		assertThat(changedFiles(bare, "main")).containsExactly("a/ciliumnetworkpolicy-db.yaml");
		assertThat(fileAt(bare, "main", "a/ciliumnetworkpolicy-db.yaml")).isNull();
		assertThat(fileAt(bare, "main", "README.md")).isEqualTo("ops\n");
	}

	@Test
	void applyRepeatedAfterACrashShouldFindItsOwnCommitAndWriteNothing() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "main", "");
		Plan plan = this.adapter.plan(target, List.of(policy("a", "web", "80")));
		Applied first = this.adapter.apply(target, plan, publication(5));

		Applied again = this.adapter.apply(target, plan, publication(5));

		assertThat(again.commit()).isEqualTo(first.commit());
		assertThat(again.results().get(0).message()).startsWith("already on the branch in commit");
		assertThat(head(bare, "main").name()).isEqualTo(first.commit());
	}

	@Test
	void publishOverHttpWithATokenShouldPush() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target target = httpTarget(server.url("ops.git"), "main", TOKEN);
			this.adapter.check(target);

			Applied applied = this.adapter.apply(target, this.adapter.plan(target, List.of(policy("a", "web", "80"))),
					publication(1));

			assertThat(head(bare, "main").name()).isEqualTo(applied.commit());
			assertThat(fileAt(bare, "main", "a/ciliumnetworkpolicy-web.yaml")).contains("name: web");
		}
	}

	@Test
	void pushAfterSomeoneElsePushedShouldFetchAndPublishOnTopWithoutForce() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target target = httpTarget(server.url("ops.git"), "main", TOKEN);
			Plan plan = this.adapter.plan(target, List.of(policy("a", "web", "80")));
			ObjectId[] theirs = new ObjectId[1];
			server.beforeReceivePack.set(() -> theirs[0] = pushOther(bare, "main", "README.md", "ops, edited\n"));

			Applied applied = this.adapter.apply(target, plan, publication(1));

			RevCommit ours = commit(bare, "main");
			assertThat(ours.name()).isEqualTo(applied.commit());
			assertThat(ours.getParent(0).name()).isEqualTo(theirs[0].name());
			assertThat(fileAt(bare, "main", "README.md")).isEqualTo("ops, edited\n");
			assertThat(fileAt(bare, "main", "a/ciliumnetworkpolicy-web.yaml")).contains("name: web");
			assertThat(changedFiles(bare, "main")).containsExactly("a/ciliumnetworkpolicy-web.yaml");
		}
	}

	@Test
	void pushRefusedByTheRepositoryShouldSayWhyAndChangeNothing() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Path hook = bare.resolve("hooks/pre-receive");
		Files.writeString(hook, "#!/bin/sh\necho 'main is protected: open a merge request' >&2\nexit 1\n");
		Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
		ObjectId before = head(bare, "main");
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target target = httpTarget(server.url("ops.git"), "main", TOKEN);
			Plan plan = this.adapter.plan(target, List.of(policy("a", "web", "80")));

			assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.apply(target, plan,
					publication(1)))
				.withMessageContaining("refused the push to main")
				.withMessageContaining("Nothing was published");
		}
		assertThat(head(bare, "main")).isEqualTo(before);
	}

	@Test
	void wrongTokenShouldBeRefusedInWordsWithoutTheToken() throws Exception {
		bareRepository("ops.git", "main");
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target target = httpTarget(server.url("ops.git"), "main", "wrong-token-77aa");

			assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
				.withMessageContaining("refused the credentials")
				.withMessageNotContaining("wrong-token-77aa");
			assertThatExceptionOfType(PublishFailure.class)
				.isThrownBy(() -> this.adapter.plan(target, List.of(policy("a", "web", "80"))))
				.withMessageContaining("refused the credentials");
		}
	}

	@Test
	void unreachableRepositoryShouldSaySo() {
		Target target = httpTarget("http://127.0.0.1:9/ops.git", "main", TOKEN);

		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
			.withMessageStartingWith("Cannot reach http://127.0.0.1:9/ops.git")
			.withMessageNotContaining(TOKEN);
	}

	@Test
	void aMissingRepositoryWhosePathHoldsTheDigits401ShouldBeNamedMissingNotRefused() {
		// a temporary folder's random name once read as an HTTP 401 and the page blamed the credentials
		Target target = fileTarget(this.dir.resolve("junit-1597598294014").resolve("nope-403.git"), "main", "");

		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
			.withMessageStartingWith("There is no Git repository at ");
	}

	@Test
	void repositoryWithoutTheBranchShouldSaySo() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "production", "");

		assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> this.adapter.check(target))
			.withMessageContaining("The branch production does not exist");
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> this.adapter.plan(target, List.of(policy("a", "web", "80"))))
			.withMessageContaining("The branch production does not exist");
	}

	@Test
	void settingsThatCannotWorkShouldBeRefusedInWords() {
		GitAdapter strict = new GitAdapter(new GitSettings(false, Duration.ofSeconds(5), this.dir.toString(), 5));
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> strict.check(fileTarget(this.dir.resolve("x.git"), "main", "")))
			.withMessageContaining("file:// repository URLs are not allowed");
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> strict.check(httpTarget("https://tok:abc@git.example/ops.git", "main", TOKEN)))
			.withMessageContaining("must not carry a user or a token");
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> strict.check(httpTarget("git@github.com:org/ops.git", "main", TOKEN)))
			.withMessageContaining("SSH");
		assertThatExceptionOfType(PublishFailure.class)
			.isThrownBy(() -> strict.check(new Target("prod", "t", "git",
					Map.of("url", "https://git.example/ops.git", "path", "../etc"), Map.of())))
			.withMessageContaining("\"..\"");
	}

	@Test
	void driftShouldListEditedFieldsMissingAndExtraFiles() throws Exception {
		Path bare = bareRepository("ops.git", "main");
		Target target = fileTarget(bare, "main", "");
		List<DesiredObject> published = List.of(policy("a", "web", "80"), policy("a", "db", "5432"));
		this.adapter.apply(target, this.adapter.plan(target, published), publication(1));
		assertThat(this.adapter.drift(target, published)).isEmpty();

		pushOther(bare, "main", "a/ciliumnetworkpolicy-web.yaml", policy("a", "web", "8443").yaml());
		pushOther(bare, "main", "a/ciliumnetworkpolicy-db.yaml", null);
		pushOther(bare, "main", "b/ciliumnetworkpolicy-new.yaml", policy("b", "new", "1").yaml());
		List<Drift> drift = this.adapter.drift(target, published);

		assertThat(drift).extracting(Drift::name, Drift::field, Drift::published, Drift::live, Drift::manager)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("web", "spec.ingress[0].toPorts[0].ports[0].port", "'80'",
							"'8443'", "Someone Else"),
					org.assertj.core.groups.Tuple.tuple("db", "", published.get(1).yaml(), null, "Someone Else"),
					org.assertj.core.groups.Tuple.tuple("new", "", null, policy("b", "new", "1").yaml(),
							"Someone Else"));
	}

	// --- fixtures

	static DesiredObject policy(String namespace, String name, String port) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: " + name
				+ "\n  namespace: " + namespace + "\nspec:\n  endpointSelector:\n    matchLabels:\n      app: " + name
				+ "\n  ingress:\n  - toPorts:\n    - ports:\n      - port: \"" + port + "\"\n        protocol: TCP\n";
		return desired("CiliumNetworkPolicy", namespace, name, yaml);
	}

	static DesiredObject clusterwide(String name, String port) {
		String yaml = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: " + name
				+ "\nspec:\n  endpointSelector: {}\n  egress:\n  - toPorts:\n    - ports:\n      - port: \"" + port
				+ "\"\n        protocol: UDP\n";
		return desired("CiliumClusterwideNetworkPolicy", "", name, yaml);
	}

	@SuppressWarnings("unchecked")
	static DesiredObject desired(String kind, String namespace, String name, String yaml) {
		Map<String, Object> object = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
		return new DesiredObject(kind, namespace, name, yaml, object);
	}

	static Publication publication(long id) {
		return new Publication(id, "prod", "alice", "workspace prod as of now, a few policies", Instant.now(), false,
				List.of(new Publication.ChangeRequest(7, "Allow web to db", List.of("bob"))));
	}

	static Target fileTarget(Path bare, String branch, String path) {
		return new Target(1, "prod", "gitops", "git",
				Map.of("url", bare.toUri().toString(), "branch", branch, "path", path, "auth.type", "none"), Map.of());
	}

	private static Target httpTarget(String url, String branch, String token) {
		return new Target(1, "prod", "gitops", "git", Map.of("url", url, "branch", branch, "auth.type", "token"),
				Map.of("token", token));
	}

	/** A bare repository with one commit (a README) on {@code branch}. */
	Path bareRepository(String name, String branch) throws Exception {
		Path bare = this.dir.resolve(name);
		Git.init().setBare(true).setInitialBranch(branch).setDirectory(bare.toFile()).call().close();
		pushOther(bare, branch, "README.md", "ops\n");
		return bare;
	}

	/** Someone else's commit writing (or with null deleting) one file, pushed to the bare repository. */
	ObjectId pushOther(Path bare, String branch, String file, String text) {
		try {
			File work = Files.createTempDirectory(this.dir, "other-").toFile();
			try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work).call()) {
				if (git.getRepository().resolve(Constants.HEAD) != null) {
					git.checkout().setName(branch).call();
				}
				else {
					git.checkout().setOrphan(true).setName(branch).call();
				}
				Path path = work.toPath().resolve(file);
				if (text == null) {
					git.rm().addFilepattern(file).call();
				}
				else {
					Files.createDirectories(path.getParent());
					Files.writeString(path, text, StandardCharsets.UTF_8);
					git.add().addFilepattern(file).call();
				}
				org.eclipse.jgit.lib.PersonIdent someone = new org.eclipse.jgit.lib.PersonIdent("Someone Else",
						"someone@example.com");
				RevCommit commit = git.commit().setMessage("edit " + file).setAuthor(someone).setCommitter(someone)
					.setSign(false).call();
				git.push().setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)).call();
				return commit.getId();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Repository open(Path bare) throws IOException {
		return new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
	}

	static ObjectId head(Path bare, String branch) throws IOException {
		try (Repository repository = open(bare)) {
			return repository.resolve("refs/heads/" + branch);
		}
	}

	static RevCommit commit(Path bare, String branch) throws IOException {
		try (Repository repository = open(bare); RevWalk walk = new RevWalk(repository)) {
			RevCommit commit = walk.parseCommit(repository.resolve("refs/heads/" + branch));
			walk.parseBody(commit);
			return commit;
		}
	}

	/** The files the branch's last commit changed against its parent. */
	static List<String> changedFiles(Path bare, String branch) throws IOException {
		try (Repository repository = open(bare); RevWalk walk = new RevWalk(repository);
				org.eclipse.jgit.diff.DiffFormatter diff = new org.eclipse.jgit.diff.DiffFormatter(
						org.eclipse.jgit.util.io.DisabledOutputStream.INSTANCE)) {
			diff.setRepository(repository);
			RevCommit commit = walk.parseCommit(repository.resolve("refs/heads/" + branch));
			List<String> files = new ArrayList<>();
			for (org.eclipse.jgit.diff.DiffEntry entry : diff.scan(walk.parseCommit(commit.getParent(0)).getTree(), commit.getTree())) {
				files.add(entry.getChangeType() == org.eclipse.jgit.diff.DiffEntry.ChangeType.DELETE ? entry.getOldPath()
						: entry.getNewPath());
			}
			return files;
		}
	}

	static String fileAt(Path bare, String branch, String file) throws IOException {
		try (Repository repository = open(bare); RevWalk walk = new RevWalk(repository)) {
			RevCommit commit = walk.parseCommit(repository.resolve("refs/heads/" + branch));
			try (org.eclipse.jgit.treewalk.TreeWalk tree = org.eclipse.jgit.treewalk.TreeWalk.forPath(repository, file,
					commit.getTree())) {
				if (tree == null) {
					return null;
				}
				return new String(repository.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
			}
		}
	}

}
