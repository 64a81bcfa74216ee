package dev.portcullis.publish.git;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.publish.Applied;
import dev.portcullis.publish.ObjectResult;
import dev.portcullis.publish.Plan;
import dev.portcullis.publish.Publication;
import dev.portcullis.publish.PublishFailure;
import dev.portcullis.publish.Target;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Pull requests and the {@code portcullis/impact} commit status against a stand-in GitHub and GitLab
 * ({@link ForgeDouble}, a real HTTP server with the documented shapes) over a real bare repository.
 */
class GitAdapterForgeTests {

	private static final Publication.Impact IMPACT = new Publication.Impact(Publication.Impact.Outcome.FAILURE,
			"Last 24 h: 3 newly dropped, 0 newly allowed, 0 L7 changed of 120 flows.",
			"https://portcullis.example/workspaces/prod/publications/11");

	private final GitAdapter adapter = new GitAdapter(new GitSettings(true, Duration.ofSeconds(5), null, 5));

	@TempDir
	Path dir;

	@Test
	void pullRequestModeShouldPushTheCommitToItsOwnBranchAndOpenAPullRequestIntoTheTargetBranch() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", true, true, ForgeDouble.TOKEN);
			this.adapter.check(target);

			Applied applied = apply(target, publication(11));

			assertThat(TestRepositories.log(bare)).hasSize(1);
			RevCommit proposed = commit(bare, "portcullis/publication-11");
			assertThat(applied.commit()).isEqualTo(proposed.name());
			assertThat(proposed.getParent(0).name()).isEqualTo(TestRepositories.log(bare).get(0).name());
			assertThat(proposed.getFooterLines("Portcullis-Publication")).containsExactly("11");
			assertThat(github.pulls).singleElement().satisfies((pull) -> {
				assertThat(pull.head()).isEqualTo("portcullis/publication-11");
				assertThat(pull.base()).isEqualTo("main");
				assertThat(pull.title()).isEqualTo("Publish prod: #7 Allow web to db");
				assertThat(pull.body()).contains("#7 Allow web to db (approved by bob)", "Published by alice");
			});
			assertThat(applied.pullRequest()).isEqualTo("https://github.example/acme/ops/pull/1");
			assertThat(applied.results()).extracting(ObjectResult::outcome).containsOnly(ObjectResult.Outcome.CREATED);
			assertThat(applied.results().get(0).message()).isEqualTo("proposed in " + applied.pullRequest());
			assertThat(github.requests("POST", "/pulls")).singleElement()
				.satisfies((r) -> assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + ForgeDouble.TOKEN));
			assertThat(github.statuses).singleElement().satisfies((status) -> {
				assertThat(status.sha()).isEqualTo(proposed.name());
				assertThat(status.context()).isEqualTo("portcullis/impact");
				assertThat(status.state()).isEqualTo("failure");
				assertThat(status.description()).isEqualTo(IMPACT.description());
				assertThat(status.targetUrl()).isEqualTo(IMPACT.targetUrl());
			});
			assertThat(applied.commitStatus()).isEqualTo("failure: " + IMPACT.description());
		}
	}

	@Test
	void applyRepeatedShouldReuseTheBranchAndThePullRequest() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", true, false, ForgeDouble.TOKEN);
			Applied first = apply(target, publication(12));

			// a retry after a crash, and one where the list misses the request opened meanwhile (422, then found)
			Applied again = apply(target, publication(12));
			github.listMisses.set(1);
			Applied third = apply(target, publication(12));

			assertThat(again.commit()).isEqualTo(first.commit());
			assertThat(third.commit()).isEqualTo(first.commit());
			assertThat(again.pullRequest()).isEqualTo(first.pullRequest());
			assertThat(third.pullRequest()).isEqualTo(first.pullRequest());
			assertThat(github.pulls).hasSize(1);
			assertThat(github.requests("POST", "/pulls")).hasSize(2);
			assertThat(commit(bare, "portcullis/publication-12").name()).isEqualTo(first.commit());
			assertThat(github.statuses).isEmpty();
			assertThat(first.commitStatus()).isNull();
		}
	}

	@Test
	void gitLabShouldGetAMergeRequestWithItsPrivateTokenAndTheProjectPathEncoded() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble gitlab = new ForgeDouble(false, "platform/net/ops", bare)) {
			Target target = target(bare, gitlab, "gitlab", true, true, ForgeDouble.TOKEN);
			this.adapter.check(target);

			Applied applied = apply(target, publication(13));

			assertThat(gitlab.pulls).singleElement().satisfies((mr) -> {
				assertThat(mr.head()).isEqualTo("portcullis/publication-13");
				assertThat(mr.base()).isEqualTo("main");
			});
			assertThat(applied.pullRequest()).isEqualTo("https://gitlab.example/platform/net/ops/-/merge_requests/1");
			assertThat(gitlab.requests("POST", "/merge_requests")).singleElement().satisfies((r) -> {
				assertThat(r.path()).isEqualTo("/api/v4/projects/platform%2Fnet%2Fops/merge_requests");
				assertThat(r.headers().get("private-token")).isEqualTo(ForgeDouble.TOKEN);
				assertThat(r.headers()).doesNotContainKey("authorization");
			});
			assertThat(gitlab.statuses).singleElement().satisfies((status) -> {
				assertThat(status.sha()).isEqualTo(applied.commit());
				assertThat(status.context()).isEqualTo("portcullis/impact");
				assertThat(status.state()).isEqualTo("failed");
			});
		}
	}

	@Test
	void pushModeWithACommitStatusShouldPushToTheBranchAndSetTheStatusOnThatCommit() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", false, true, ForgeDouble.TOKEN);

			Applied applied = apply(target, publication(14));

			assertThat(TestRepositories.log(bare).get(0).name()).isEqualTo(applied.commit());
			assertThat(github.pulls).isEmpty();
			assertThat(applied.pullRequest()).isNull();
			assertThat(github.statuses).singleElement()
				.satisfies((status) -> assertThat(status.sha()).isEqualTo(applied.commit()));

			// nothing changes: no commit, so no status either
			Applied unchanged = apply(target, publication(15));
			assertThat(unchanged.results()).extracting(ObjectResult::outcome)
				.containsOnly(ObjectResult.Outcome.UNCHANGED);
			assertThat(github.statuses).hasSize(1);
		}
	}

	@Test
	void aForgeThatIsDownShouldFailInWordsAndAWrongTokenShouldBeRefusedOnCheckWithoutShowingIt() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", true, true, ForgeDouble.TOKEN);
			github.down = true;

			assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> apply(target, publication(16)))
				.withMessage("The GitHub API at " + github.url() + " answered 503 while looking for the pull request:"
						+ " Service Unavailable.");
			// the commit is on its branch already; once the forge is back the same publication finishes there
			String pushed = commit(bare, "portcullis/publication-16").name();
			github.down = false;
			Applied applied = apply(target, publication(16));
			assertThat(applied.commit()).isEqualTo(pushed);
			assertThat(github.pulls).hasSize(1);

			String wrong = "ghp_wrongTokenValue0042";
			PublishFailure refused = org.junit.jupiter.api.Assertions.assertThrows(PublishFailure.class,
					() -> this.adapter.check(target(bare, github, "github", true, true, wrong)));
			assertThat(refused.getMessage()).isEqualTo("The GitHub API at " + github.url() + " refused the token (401)"
					+ " while reading the project acme/ops: check the target's token.").doesNotContain(wrong);
		}
		PublishFailure gone = org.junit.jupiter.api.Assertions.assertThrows(PublishFailure.class,
				() -> apply(target(bare, "http://127.0.0.1:9/api/v3", "github", true, false, ForgeDouble.TOKEN),
						publication(17)));
		assertThat(gone.getMessage()).isEqualTo("Cannot reach the GitHub API at http://127.0.0.1:9/api/v3 while looking"
				+ " for the pull request: the connection was refused. The publication will be tried again.");
	}

	@Test
	void aProposalBranchThatHoldsSomethingElseShouldNotBeRewritten() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		TestRepositories.push(this.dir, bare, "README.md", "ops, edited\n");
		try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
			var update = repository.updateRef("refs/heads/portcullis/publication-18");
			update.setNewObjectId(repository.resolve("refs/heads/main"));
			update.update();
		}
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", true, false, ForgeDouble.TOKEN);
			assertThatExceptionOfType(PublishFailure.class).isThrownBy(() -> apply(target, publication(18)))
				.withMessageContaining("The branch portcullis/publication-18 of " + bare.toUri()
						+ " exists but does not hold this publication's commit");
			assertThat(github.pulls).isEmpty();
		}
	}

	@Test
	void aNewerPullRequestShouldCloseTheOlderOneWithACommentNamingItAndDeleteItsUntouchedBranch() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble github = new ForgeDouble(true, "acme/ops", bare)) {
			Target target = target(bare, github, "github", true, false, ForgeDouble.TOKEN);
			Applied older = apply(target, publication(21), "80");

			Applied newer = apply(target, publication(22, new Publication.Earlier(21, older.pullRequest(),
					older.commit())), "81");

			assertThat(github.pulls).hasSize(2);
			assertThat(newer.pullRequest()).isEqualTo("https://github.example/acme/ops/pull/2");
			assertThat(github.open(1)).isFalse();
			assertThat(github.open(2)).isTrue();
			assertThat(github.comments.get(1)).singleElement().asString()
				.contains("Superseded by https://github.example/acme/ops/pull/2", "publication #22");
			assertThat(github.requests("POST", "/issues/1/comments")).singleElement()
				.satisfies((r) -> assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + ForgeDouble.TOKEN));
			assertThat(github.requests("PATCH", "/pulls/1")).singleElement()
				.satisfies((r) -> assertThat(r.body()).containsEntry("state", "closed"));
			assertThat(branch(bare, "portcullis/publication-21")).isNull();
			assertThat(branch(bare, "portcullis/publication-22")).isEqualTo(newer.commit());
			assertThat(newer.superseded()).containsExactly(21L);

			// a repeated apply (a retry) finds nothing left to close and closes nothing twice
			Applied again = apply(target, publication(22, new Publication.Earlier(21, older.pullRequest(),
					older.commit())), "81");
			assertThat(again.superseded()).containsExactly(21L);
			assertThat(github.requests("PATCH", "/pulls/1")).hasSize(1);
			assertThat(github.comments.get(1)).hasSize(1);
		}
	}

	@Test
	void onGitLabABranchSomeoneElsePushedToShouldBeKeptAndAMergedRequestLeftAlone() throws Exception {
		Path bare = TestRepositories.bare(this.dir, "ops.git");
		try (ForgeDouble gitlab = new ForgeDouble(false, "platform/net/ops", bare)) {
			Target target = target(bare, gitlab, "gitlab", true, false, ForgeDouble.TOKEN);
			Applied first = apply(target, publication(31), "80");
			Applied second = apply(target, publication(32), "81");
			// someone pushed to the first proposal's branch; a person merged the second request
			String pushedBySomeone;
			try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
				var update = repository.updateRef("refs/heads/portcullis/publication-31");
				update.setNewObjectId(repository.resolve("refs/heads/main"));
				update.forceUpdate();
				pushedBySomeone = repository.resolve("refs/heads/main").name();
			}
			gitlab.states.put(2, "merged");

			Applied third = apply(target, publication(33, new Publication.Earlier(31, first.pullRequest(),
					first.commit()), new Publication.Earlier(32, second.pullRequest(), second.commit())), "82");

			assertThat(gitlab.open(1)).isFalse();
			assertThat(gitlab.comments.get(1)).singleElement().asString()
				.contains("Superseded by https://gitlab.example/platform/net/ops/-/merge_requests/3");
			assertThat(gitlab.requests("POST", "/merge_requests/1/notes")).singleElement()
				.satisfies((r) -> assertThat(r.path()).startsWith("/api/v4/projects/platform%2Fnet%2Fops/"));
			assertThat(gitlab.requests("PUT", "/merge_requests/1")).singleElement()
				.satisfies((r) -> assertThat(r.body()).containsEntry("state_event", "close"));
			assertThat(branch(bare, "portcullis/publication-31")).isEqualTo(pushedBySomeone);
			assertThat(gitlab.states.get(2)).isEqualTo("merged");
			assertThat(gitlab.comments).doesNotContainKey(2);
			assertThat(branch(bare, "portcullis/publication-32")).isEqualTo(second.commit());
			assertThat(third.superseded()).containsExactly(31L, 32L);
		}
	}

	private Applied apply(Target target, Publication publication) {
		return apply(target, publication, "80");
	}

	private Applied apply(Target target, Publication publication, String port) {
		Plan plan = this.adapter.plan(target, List.of(GitAdapterTests.policy("default", "web", port)));
		return this.adapter.apply(target, plan, publication);
	}

	private static Publication publication(long id, Publication.Earlier... earlier) {
		return new Publication(id, "prod", "alice", "Workspace prod as of now, 1 policy.", Instant.now(), false,
				List.of(new Publication.ChangeRequest(7, "Allow web to db", List.of("bob"))), null,
				dev.portcullis.publish.Fence.NONE, List.of(earlier));
	}

	private static @org.jspecify.annotations.Nullable String branch(Path bare, String branch) throws Exception {
		try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build()) {
			var ref = repository.exactRef("refs/heads/" + branch);
			return (ref != null) ? ref.getObjectId().name() : null;
		}
	}

	private static Publication publication(long id) {
		return new Publication(id, "prod", "alice", "Workspace prod as of now, 1 policy.", Instant.now(), false,
				List.of(new Publication.ChangeRequest(7, "Allow web to db", List.of("bob"))), IMPACT);
	}

	private static Target target(Path bare, ForgeDouble forge, String kind, boolean pullRequest, boolean status,
			String token) {
		return target(bare, forge.url(), kind, pullRequest, status, token, kind.equals("github") ? "acme/ops"
				: "platform/net/ops");
	}

	private static Target target(Path bare, String api, String kind, boolean pullRequest, boolean status,
			String token) {
		return target(bare, api, kind, pullRequest, status, token, "acme/ops");
	}

	private static Target target(Path bare, String api, String kind, boolean pullRequest, boolean status, String token,
			String project) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("url", bare.toUri().toString());
		settings.put("branch", "main");
		settings.put("path", "");
		settings.put("auth.type", "token");
		settings.put("forge.kind", kind);
		settings.put("forge.apiUrl", api);
		settings.put("forge.project", project);
		settings.put("forge.pullRequest", Boolean.toString(pullRequest));
		settings.put("forge.commitStatus", Boolean.toString(status));
		return new Target("prod", "gitops", "git", settings, Map.of("token", token));
	}

	private static RevCommit commit(Path bare, String branch) throws Exception {
		try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
				RevWalk walk = new RevWalk(repository)) {
			RevCommit commit = walk.parseCommit(repository.resolve("refs/heads/" + branch));
			walk.parseBody(commit);
			return commit;
		}
	}

}
