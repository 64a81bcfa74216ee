package dev.portcullis.replay.web;

import java.util.Optional;

import dev.portcullis.replay.ReplayProgress;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/** The page's background replays: whose they are, what a failure leaves, and the bound on how many are kept. */
class ReplayRunsTests {

	final ReplayRuns runs = new ReplayRuns();

	final ReplayPages.ReplayForm form = ReplayPages.ReplayForm.ofDraft("");

	private Optional<ReplayRuns.Run> start(String user, Mono<Optional<ReplayPages.ReplayView>> work) {
		return this.runs.start("ws", user, this.form, new ReplayProgress(), (errors) -> work);
	}

	@Test
	void aRunShouldBeFoundOnlyByItsUserInItsWorkspace() {
		ReplayRuns.Run run = start("alice", Mono.never()).orElseThrow();
		assertThat(this.runs.find("ws", "alice", run.id())).containsSame(run);
		assertThat(this.runs.find("ws", "bob", run.id())).isEmpty();
		assertThat(this.runs.find("other", "alice", run.id())).isEmpty();
		assertThat(this.runs.find("ws", "alice", "no-such-run")).isEmpty();
		assertThat(run.ended()).isFalse();
	}

	@Test
	void aRunThatFailsShouldEndWithAMessageInsteadOfAResult() {
		ReplayRuns.Run run = start("alice", Mono.error(new IllegalStateException("boom"))).orElseThrow();
		assertThat(run.ended()).isTrue();
		assertThat(run.outcome().view()).isEmpty();
		assertThat(run.errors()).containsEntry("q", "The replay failed; try again.");
	}

	@Test
	void runsShouldBeBoundedWhileTheyRunAndEndedOnesShouldMakeRoom() {
		for (int i = 0; i < ReplayRuns.MAX; i++) {
			assertThat(start("alice", Mono.never())).isPresent();
		}
		assertThat(start("alice", Mono.just(Optional.empty()))).isEmpty();

		ReplayRuns ended = new ReplayRuns();
		for (int i = 0; i < ReplayRuns.MAX * 2; i++) {
			assertThat(ended.start("ws", "alice", this.form, new ReplayProgress(), (errors) -> Mono.just(Optional.empty())))
				.isPresent();
		}
	}

}
