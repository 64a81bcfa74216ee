package dev.portcullis.replay.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.portcullis.replay.ReplayProgress;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The replays the page runs in the background while it polls their progress (docs/adr/037): in memory, per instance,
 * kept ten minutes after they end and at most {@link #MAX} at once. A run belongs to the user who started it; a
 * restart loses the runs (the page then says to replay again). The API does not use this: it answers in its request.
 */
@Component
class ReplayRuns {

	/** Runs kept at once; a start beyond it is refused while they all still run. */
	static final int MAX = 64;

	/** How long an ended run's result stays to be fetched. */
	static final Duration KEEP = Duration.ofMinutes(10);

	private final Map<String, Run> runs = new ConcurrentHashMap<>();

	/**
	 * One replay running for the page.
	 *
	 * @param id its unguessable id (in the poll URL)
	 * @param workspace the workspace
	 * @param user who started it
	 * @param form the form it came from, shown again with the result
	 * @param progress how far it is
	 * @param errors what went wrong (the form's field names), filled when it ends
	 */
	record Run(String id, String workspace, String user, ReplayPages.ReplayForm form, ReplayProgress progress,
			Map<String, String> errors, Outcome outcome) {

		boolean ended() {
			return this.outcome.endedAt != null;
		}

	}

	/** A run's result, set once when it ends. */
	static final class Outcome {

		private volatile @Nullable Instant endedAt;

		private volatile Optional<ReplayPages.ReplayView> view = Optional.empty();

		Optional<ReplayPages.ReplayView> view() {
			return this.view;
		}

	}

	/**
	 * Starts {@code work} (its errors already turned into {@code errors} entries and an empty result) and keeps it
	 * under a new id; empty when {@link #MAX} runs are still running.
	 */
	Optional<Run> start(String workspace, String user, ReplayPages.ReplayForm form, ReplayProgress progress,
			java.util.function.Function<Map<String, String>, Mono<Optional<ReplayPages.ReplayView>>> work) {
		evict();
		if (this.runs.size() >= MAX) {
			return Optional.empty();
		}
		Map<String, String> errors = Collections.synchronizedMap(new LinkedHashMap<>());
		Run run = new Run(UUID.randomUUID().toString(), workspace, user, form, progress, errors, new Outcome());
		this.runs.put(run.id(), run);
		// a job that outlives the request that started it: nothing waits for it but the page's polls
		work.apply(errors)
			.onErrorResume((ex) -> {
				errors.put("q", "The replay failed; try again.");
				return Mono.just(Optional.empty());
			})
			.defaultIfEmpty(Optional.empty())
			.subscribe((view) -> {
				run.outcome().view = view;
				run.outcome().endedAt = Instant.now();
			});
		return Optional.of(run);
	}

	/** The run {@code id} of {@code workspace} started by {@code user}, while it is kept. */
	Optional<Run> find(String workspace, String user, String id) {
		Run run = this.runs.get(id);
		return (run != null && run.workspace().equals(workspace) && run.user().equals(user)) ? Optional.of(run)
				: Optional.empty();
	}

	private void evict() {
		Instant before = Instant.now().minus(KEEP);
		this.runs.values().removeIf((run) -> {
			Instant ended = run.outcome().endedAt;
			return ended != null && ended.isBefore(before);
		});
		// still full: the runs that ended longest ago make room (their pages then say to replay again)
		this.runs.values().stream()
			.filter(Run::ended)
			.sorted(java.util.Comparator.comparing((Run run) -> String.valueOf(run.outcome().endedAt)))
			.limit(Math.max(0, this.runs.size() - MAX + 1))
			.toList()
			.forEach((run) -> this.runs.remove(run.id()));
	}

}
