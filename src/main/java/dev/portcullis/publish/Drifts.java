package dev.portcullis.publish;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Drift of a target: what it holds now against what was last published to it ({@code published_object}), read by
 * its adapter on the adapters' executor, and kept on the target so that pages show the last check without reading
 * the target again.
 * <p>
 * A Git target in pull-request mode publishes proposals: until the target branch holds what a pull request proposed,
 * that object is reported as {@link Proposed} ("proposed in pull request #n, not merged yet"), not as drift, and its
 * drift is what the branch holds against what it held when the request was opened (the last merged text). When the
 * branch holds the proposal (the request was merged), the object counts as published from then on (docs/adr/045).
 */
@Component
class Drifts {

	private static final TypeReference<List<Drift>> DRIFTS = new TypeReference<>() {
	};

	private static final TypeReference<List<Proposed>> PROPOSED = new TypeReference<>() {
	};

	/** The number at the end of a pull (merge) request's address ({@code .../pull/12}, {@code .../merge_requests/3}). */
	private static final Pattern NUMBER = Pattern.compile("/(\\d+)/?$");

	private final Targets targets;

	private final Publications publications;

	private final Adapters adapters;

	private final JsonMapper json;

	Drifts(Targets targets, Publications publications, Adapters adapters, JsonMapper json) {
		this.targets = targets;
		this.publications = publications;
		this.adapters = adapters;
		this.json = json;
	}

	/**
	 * A drift check's outcome.
	 *
	 * @param drift the differences (empty: in line), null when the check failed or never ran
	 * @param error why the check failed, in words
	 * @param published how many objects were last published to the target
	 */
	record Report(String target, @Nullable Instant checkedAt, @Nullable List<Drift> drift, @Nullable String error,
			int published, List<Proposed> proposed) {

		Report {
			proposed = List.copyOf(proposed);
		}

		Map<String, Object> body() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("target", this.target);
			out.put("checkedAt", (this.checkedAt != null) ? this.checkedAt.toString() : null);
			out.put("published", this.published);
			out.put("inSync", this.drift != null && this.drift.isEmpty());
			out.put("drift", (this.drift != null) ? this.drift : List.of());
			out.put("proposed", this.proposed);
			out.put("error", this.error);
			return out;
		}

	}

	/**
	 * An object a pull request proposed that the target branch does not hold yet: not drift.
	 *
	 * @param action {@code create}, {@code update} or {@code delete}: what the request does to the branch's file
	 * @param pullRequest the request's address
	 * @param number the request's number as its address ends, null when it does not end in one
	 */
	record Proposed(String kind, String namespace, String name, String action, String pullRequest,
			@Nullable Long number) {

		/** {@code proposed in pull request #12, not merged yet}. */
		public String words() {
			return "proposed in pull request " + ((this.number != null) ? "#" + this.number : this.pullRequest)
					+ ", not merged yet";
		}

		public String ref() {
			return PlanItem.ref(this.kind, this.namespace, this.name);
		}

	}

	/** What one check found, and which proposals it found merged. */
	private record Compared(List<Drift> drift, List<Proposed> proposed, List<Publications.Pending> merged) {
	}

	/** Reads the target now and records what differs. */
	Mono<Report> check(String workspace, String name) {
		return this.targets.find(workspace, name).flatMap((row) -> check(row, null));
	}

	/**
	 * Reads the target now and records what differs; with an {@code owner} (the drift worker) only while its lease
	 * on the target holds. A failure of the adapter is recorded in its words.
	 */
	Mono<Report> check(TargetRow row, @Nullable String owner) {
		return Mono.zip(this.publications.publishedTo(row.id()).collectList(),
				this.publications.pending(row.id()).collectList())
			.flatMap((t) -> this.targets.open(row).flatMap((target) -> this.adapters
				.run(() -> compare(this.adapters.of(row.type()), target, t.getT1(), t.getT2()))
				.flatMap((found) -> reactor.core.publisher.Flux.fromIterable(found.merged())
					.concatMap((pending) -> this.publications.merged(row.id(), pending))
					.then(this.targets.drifted(row.id(), owner, this.json.writeValueAsString(found.drift()),
							found.proposed().isEmpty() ? null : this.json.writeValueAsString(found.proposed()), null))
					.thenReturn(new Report(row.name(), Instant.now(), found.drift(), null, t.getT1().size(),
							found.proposed())))
				.onErrorResume(PublishFailure.class, (ex) -> this.targets.drifted(row.id(), owner, null, ex.getMessage())
					.thenReturn(new Report(row.name(), Instant.now(), null, ex.getMessage(), t.getT1().size(),
							List.of())))));
	}

	/**
	 * Reads the drift; with proposals pending, an object whose proposal the target holds is merged, and one it does
	 * not hold is {@link Proposed}, its drift read again against the text it had when proposed (a second read, only
	 * then). Blocking: runs on the adapters' executor.
	 */
	private static Compared compare(TargetAdapter adapter, Target target, List<DesiredObject> published,
			List<Publications.Pending> pending) {
		List<Drift> drift = adapter.drift(target, published);
		if (pending.isEmpty()) {
			return new Compared(drift, List.of(), List.of());
		}
		Set<String> drifted = new LinkedHashSet<>();
		drift.forEach((d) -> drifted.add(d.ref()));
		List<Publications.Pending> open = new ArrayList<>();
		List<Publications.Pending> merged = new ArrayList<>();
		for (Publications.Pending p : pending) {
			// the branch holds the proposal exactly (a deletion: the file is gone) when nothing drifts for it
			(drifted.contains(p.ref()) ? open : merged).add(p);
		}
		if (open.isEmpty()) {
			return new Compared(drift, List.of(), merged);
		}
		Set<String> proposedRefs = new LinkedHashSet<>();
		open.forEach((p) -> proposedRefs.add(p.ref()));
		List<DesiredObject> baseline = new ArrayList<>();
		published.stream().filter((d) -> !proposedRefs.contains(d.ref())).forEach(baseline::add);
		for (Publications.Pending p : open) {
			if (p.mergedYaml() != null) {
				baseline.add(Desired.of(p.kind(), p.namespace(), p.name(), p.mergedYaml()));
			}
		}
		List<Drift> againstMerged = adapter.drift(target, baseline);
		List<Drift> out = new ArrayList<>();
		drift.stream().filter((d) -> !proposedRefs.contains(d.ref())).forEach(out::add);
		againstMerged.stream().filter((d) -> proposedRefs.contains(d.ref())).forEach(out::add);
		List<Proposed> proposed = new ArrayList<>();
		for (Publications.Pending p : open) {
			String action = (p.yaml() == null) ? "delete" : (p.mergedYaml() == null) ? "create" : "update";
			Matcher number = NUMBER.matcher(p.pullRequest());
			proposed.add(new Proposed(p.kind(), p.namespace(), p.name(), action, p.pullRequest(),
					number.find() ? Long.valueOf(number.group(1)) : null));
		}
		return new Compared(out, proposed, merged);
	}

	/** The last check recorded on the target, without reading the target. */
	Report last(TargetRow row) {
		List<Drift> drift = (row.drift() != null) ? this.json.readValue(row.drift(), DRIFTS) : null;
		List<Proposed> proposed = (row.driftProposed() != null && row.driftError() == null)
				? this.json.readValue(row.driftProposed(), PROPOSED) : List.of();
		return new Report(row.name(), row.driftCheckedAt(), drift, row.driftError(), 0, proposed);
	}

}
