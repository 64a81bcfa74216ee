package dev.portcullis.publish.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.DesiredObject;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.PlanItem;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.portcullis.publish.git.GitAdapterTests.changedFiles;
import static dev.portcullis.publish.git.GitAdapterTests.commit;
import static dev.portcullis.publish.git.GitAdapterTests.fileAt;
import static dev.portcullis.publish.git.GitAdapterTests.fileTarget;
import static dev.portcullis.publish.git.GitAdapterTests.head;
import static dev.portcullis.publish.git.GitAdapterTests.policy;
import static dev.portcullis.publish.git.GitAdapterTests.publication;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Git adapter's kept clone per target ({@link WorkingCopies}), against real bare repositories: later operations
 * fetch into it, it always stands where the remote's branch stands, a broken one is cloned again, and operations on
 * one target take turns.
 */
class GitCloneCacheTests {

	private static final String TOKEN = "tok-cache-51e0b7";

	@TempDir
	Path dir;

	private Path cache;

	private GitAdapter adapter;

	private Path bare;

	private Target target;

	@BeforeEach
	void repository() {
		this.cache = this.dir.resolve("cache");
		this.adapter = GitAdapterTests.adapter(this.cache);
		this.bare = TestRepositories.bare(this.dir, "ops.git");
		this.target = fileTarget(this.bare, "main", "");
	}

	@Test
	void aSecondPlanShouldFetchIntoTheKeptCloneAndSeeTheRemotesNewCommit() throws Exception {
		this.adapter.plan(this.target, List.of(policy("a", "web", "80")));
		Path marker = this.cache.resolve("1/.git/kept-by-the-test");
		Files.writeString(marker, "still the first clone\n");
		ObjectId theirs = TestRepositories.push(this.dir, this.bare, "a/ciliumnetworkpolicy-web.yaml",
				policy("a", "web", "80").yaml());

		Plan plan = this.adapter.plan(this.target, List.of(policy("a", "web", "80")));

		assertThat(plan.basis()).isEqualTo(theirs.name());
		assertThat(plan.items()).extracting(PlanItem::action).containsExactly(PlanItem.Action.UNCHANGED);
		assertThat(marker).exists();
		try (WorkingCopies.Copy copy = copies().open(1, access(this.target))) {
			assertThat(copy.fetched()).isTrue();
		}
	}

	@Test
	void aRemoteWhoseHistoryWasRewrittenShouldBeFollowedAndPublishedOnTopWithoutForce() throws Exception {
		Applied first = this.adapter.apply(this.target, this.adapter.plan(this.target, List.of(policy("a", "web", "80"))),
				publication(1));
		ObjectId rewritten = rewriteHistory(this.bare, "docs/README.md", "a new start\n");

		Plan plan = this.adapter.plan(this.target, List.of(policy("a", "web", "80")));
		assertThat(plan.basis()).isEqualTo(rewritten.name());
		assertThat(plan.items()).extracting(PlanItem::action).containsExactly(PlanItem.Action.CREATE);
		// the publication's commit is gone from the branch, so applying it again writes it again
		Applied again = this.adapter.apply(this.target, plan, publication(1));

		assertThat(again.commit()).isNotEqualTo(first.commit());
		assertThat(commit(this.bare, "main").getParent(0).name()).isEqualTo(rewritten.name());
		assertThat(fileAt(this.bare, "main", "docs/README.md")).isEqualTo("a new start\n");
		assertThat(fileAt(this.bare, "main", "README.md")).isNull();
	}

	@Test
	void aCommitThatWasNeverPushedShouldNotCountInTheNextPlan() throws Exception {
		Path hook = this.bare.resolve("hooks/pre-receive");
		Files.writeString(hook, "#!/bin/sh\necho 'main is frozen' >&2\nexit 1\n");
		Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target http = httpTarget(server.url("ops.git"));
			Plan plan = this.adapter.plan(http, List.of(policy("a", "web", "80")));
			assertThatExceptionOfType(PublishFailure.class)
				.isThrownBy(() -> this.adapter.apply(http, plan, publication(1)))
				.withMessageContaining("refused the push");
			Files.delete(hook);

			Plan next = this.adapter.plan(http, List.of(policy("a", "web", "80")));

			assertThat(next.items()).extracting(PlanItem::action).containsExactly(PlanItem.Action.CREATE);
			assertThat(next.basis()).isEqualTo(head(this.bare, "main").name());
		}
	}

	@Test
	void filesLeftInTheCloneShouldBeGoneBeforeTheNextOperation() throws Exception {
		List<DesiredObject> desired = List.of(policy("a", "web", "80"));
		this.adapter.apply(this.target, this.adapter.plan(this.target, desired), publication(1));
		// what a crash while writing could leave: a half-written file and a stray policy file
		Path clone = this.cache.resolve("1");
		Files.writeString(clone.resolve("a/ciliumnetworkpolicy-web.yaml"), "apiVersion: cil");
		Files.createDirectories(clone.resolve("b"));
		Files.writeString(clone.resolve("b/ciliumnetworkpolicy-stray.yaml"), policy("b", "stray", "1").yaml());

		assertThat(this.adapter.plan(this.target, desired).items()).extracting(PlanItem::name, PlanItem::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("web", PlanItem.Action.UNCHANGED));
		assertThat(this.adapter.drift(this.target, desired)).isEmpty();
	}

	/** Ways a kept clone breaks: each is noticed, the clone deleted and the branch cloned again. */
	enum Damage {

		/** The repository's metadata is gone; the files are still there. */
		NO_GIT_DIRECTORY,

		/** Every object and pack overwritten. */
		OBJECTS_OVERWRITTEN,

		/** A process killed while it wrote the index left its lock. */
		STALE_INDEX_LOCK,

		/** HEAD names nothing readable. */
		HEAD_GARBAGE,

		/** The directory is a file. */
		NOT_A_DIRECTORY

	}

	@ParameterizedTest
	@EnumSource(Damage.class)
	void aBrokenCloneShouldBeDeletedAndClonedAgain(Damage damage) throws Exception {
		this.adapter.apply(this.target, this.adapter.plan(this.target, List.of(policy("a", "web", "80"))),
				publication(1));
		Path clone = this.cache.resolve("1");
		Files.writeString(clone.resolve(".git/kept-by-the-test"), "the first clone\n");
		damage(clone, damage);
		TestRepositories.push(this.dir, this.bare, "a/ciliumnetworkpolicy-db.yaml", policy("a", "db", "5432").yaml());

		Plan plan = this.adapter.plan(this.target, List.of(policy("a", "web", "80"), policy("a", "db", "5432")));

		assertThat(plan.basis()).isEqualTo(head(this.bare, "main").name());
		assertThat(plan.items()).extracting(PlanItem::action)
			.containsExactly(PlanItem.Action.UNCHANGED, PlanItem.Action.UNCHANGED);
		assertThat(clone.resolve(".git/kept-by-the-test")).doesNotExist();
		Applied applied = this.adapter.apply(this.target,
				this.adapter.plan(this.target, List.of(policy("a", "web", "8080"), policy("a", "db", "5432"))),
				publication(2));
		assertThat(applied.commit()).isEqualTo(head(this.bare, "main").name());
		assertThat(changedFiles(this.bare, "main")).containsExactly("a/ciliumnetworkpolicy-web.yaml");
	}

	@Test
	void aTargetWhoseUrlOrBranchChangedShouldGetAFreshClone() throws Exception {
		this.adapter.plan(this.target, List.of());
		Path other = TestRepositories.bare(this.dir, "other.git");
		TestRepositories.push(this.dir, other, "a/ciliumnetworkpolicy-theirs.yaml", policy("a", "theirs", "1").yaml());

		Plan plan = this.adapter.plan(fileTarget(other, "main", ""), List.of());
		assertThat(plan.items()).extracting(PlanItem::name, PlanItem::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("theirs", PlanItem.Action.DELETE));
		assertThat(plan.basis()).isEqualTo(head(other, "main").name());

		branch(other, "release", "a/ciliumnetworkpolicy-released.yaml", policy("a", "released", "2").yaml());
		Plan release = this.adapter.plan(fileTarget(other, "release", ""), List.of());
		assertThat(release.items()).extracting(PlanItem::name).containsExactly("released", "theirs");
		assertThat(release.basis()).isEqualTo(head(other, "release").name());
		try (Git git = Git.open(this.cache.resolve("1").toFile())) {
			assertThat(git.getRepository().getFullBranch()).isEqualTo("refs/heads/release");
			assertThat(git.branchList().call()).extracting((ref) -> ref.getName())
				.containsExactly("refs/heads/release");
		}
	}

	@Test
	void theTokenShouldNeverBeWrittenIntoTheClone() throws Exception {
		try (GitHttpServer server = new GitHttpServer(this.dir, "portcullis", TOKEN)) {
			Target http = httpTarget(server.url("ops.git"));
			this.adapter.apply(http, this.adapter.plan(http, List.of(policy("a", "web", "80"))), publication(1));
			this.adapter.apply(http, this.adapter.plan(http, List.of(policy("a", "web", "81"))), publication(2));
			this.adapter.drift(http, List.of(policy("a", "web", "81")));
		}
		Path clone = this.cache.resolve("1");
		assertThat(Files.readString(clone.resolve(".git/config"))).contains("url = http://127.0.0.1:")
			.doesNotContain(TOKEN)
			.doesNotContain("portcullis@");
		try (Stream<Path> files = Files.walk(this.cache)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
					.doesNotContain(TOKEN);
			}
		}
	}

	@Test
	void operationsOnOneTargetShouldTakeTurnsAcrossAdaptersSharingTheDirectory() throws Exception {
		GitAdapter second = GitAdapterTests.adapter(this.cache);
		int count = 8;
		ExecutorService pool = Executors.newFixedThreadPool(count);
		try {
			List<Future<Applied>> futures = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				GitAdapter adapter = (i % 2 == 0) ? this.adapter : second;
				List<DesiredObject> desired = List.of(policy("a", "web", Integer.toString(8000 + i)));
				long id = 100 + i;
				Callable<Applied> publish = () -> adapter.apply(this.target, adapter.plan(this.target, desired),
						publication(id));
				futures.add(pool.submit(publish));
			}
			for (Future<Applied> future : futures) {
				assertThat(future.get().commit()).isNotBlank();
			}
		}
		finally {
			pool.shutdownNow();
		}
		List<RevCommit> log = TestRepositories.log(this.bare);
		assertThat(log).hasSize(count + 1);
		for (int i = 0; i < count; i++) {
			String id = Long.toString(100 + i);
			assertThat(log).filteredOn((c) -> c.getFooterLines("Portcullis-Publication").contains(id)).hasSize(1);
		}
	}

	@Test
	void aForgottenTargetsCloneShouldBeDeletedWhenItsOperationEnds() throws Exception {
		WorkingCopies copies = copies();
		this.adapter.plan(this.target, List.of());
		Path clone = this.cache.resolve("1");
		assertThat(clone).isDirectory();

		try (WorkingCopies.Copy held = copies.open(1, access(this.target))) {
			copies.forget(1);
			assertThat(clone).isDirectory();
		}
		assertThat(clone).doesNotExist();
		assertThat(this.cache.resolve("1.lock")).doesNotExist();

		try (WorkingCopies.Copy later = copies.open(1, access(this.target))) {
			assertThat(later.git().getRepository().getWorkTree().toPath()).isNotEqualTo(clone);
		}
		assertThat(clone).doesNotExist();
		try (Stream<Path> left = Files.list(this.cache)) {
			assertThat(left).isEmpty();
		}

		this.adapter.plan(this.target, List.of());
		this.adapter.forget(this.target);
		assertThat(clone).doesNotExist();
	}

	// --- fixtures

	private WorkingCopies copies() {
		return new WorkingCopies(this.cache, Duration.ofSeconds(30));
	}

	private GitAdapter.Access access(Target target) {
		return new GitAdapter.Access(target, this.adapter.where(target), 20, null);
	}

	private static Target httpTarget(String url) {
		return new Target(1, "prod", "gitops", "git", Map.of("url", url, "branch", "main", "auth.type", "token"),
				Map.of("token", TOKEN));
	}

	private static void damage(Path clone, Damage damage) throws IOException {
		switch (damage) {
			case NO_GIT_DIRECTORY -> org.eclipse.jgit.util.FileUtils.delete(clone.resolve(".git").toFile(),
					org.eclipse.jgit.util.FileUtils.RECURSIVE);
			case OBJECTS_OVERWRITTEN -> {
				try (Stream<Path> objects = Files.walk(clone.resolve(".git/objects"))) {
					for (Path file : objects.filter(Files::isRegularFile).toList()) {
						file.toFile().setWritable(true);
						Files.writeString(file, "not an object");
					}
				}
			}
			case STALE_INDEX_LOCK -> Files.writeString(clone.resolve(".git/index.lock"), "");
			case HEAD_GARBAGE -> Files.writeString(clone.resolve(".git/HEAD"), "\u0000\u0001 nothing\n");
			case NOT_A_DIRECTORY -> {
				org.eclipse.jgit.util.FileUtils.delete(clone.toFile(), org.eclipse.jgit.util.FileUtils.RECURSIVE);
				Files.writeString(clone, "a file where the clone was");
			}
		}
	}

	/** Replaces {@code main} with a new root commit holding one file (a force push by someone else). */
	private ObjectId rewriteHistory(Path bare, String file, String text) throws Exception {
		Path work = Files.createTempDirectory(this.dir, "rewrite-");
		try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
			Files.createDirectories(work.resolve(file).getParent());
			Files.writeString(work.resolve(file), text);
			git.add().addFilepattern(file).call();
			PersonIdent someone = new PersonIdent("Someone Else", "someone@example.com");
			RevCommit commit = git.commit().setMessage("start over").setAuthor(someone).setCommitter(someone)
				.setSign(false).call();
			git.push().setRemote(bare.toUri().toString()).setForce(true)
				.setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
			return commit.getId();
		}
	}

	/** A branch {@code name} from {@code main} with one more file. */
	private void branch(Path bare, String name, String file, String text) throws Exception {
		Path work = Files.createTempDirectory(this.dir, "branch-");
		try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work.toFile()).call()) {
			git.checkout().setCreateBranch(true).setName(name).setStartPoint(Constants.R_REMOTES + "origin/main").call();
			Files.createDirectories(work.resolve(file).getParent());
			Files.writeString(work.resolve(file), text);
			git.add().addFilepattern(file).call();
			PersonIdent someone = new PersonIdent("Someone Else", "someone@example.com");
			git.commit().setMessage("branch").setAuthor(someone).setCommitter(someone).setSign(false).call();
			git.push().setRefSpecs(new RefSpec("refs/heads/" + name + ":refs/heads/" + name)).call();
		}
	}

}
