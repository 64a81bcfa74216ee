package dev.portcullis.publish;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Drift of a target: what it holds now against what was last published to it ({@code published_object}), read by
 * its adapter on the adapters' executor, and kept on the target so that pages show the last check without reading
 * the target again.
 */
@Component
class Drifts {

	private static final TypeReference<List<Drift>> DRIFTS = new TypeReference<>() {
	};

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
			int published) {

		Map<String, Object> body() {
			Map<String, Object> out = new LinkedHashMap<>();
			out.put("target", this.target);
			out.put("checkedAt", (this.checkedAt != null) ? this.checkedAt.toString() : null);
			out.put("published", this.published);
			out.put("inSync", this.drift != null && this.drift.isEmpty());
			out.put("drift", (this.drift != null) ? this.drift : List.of());
			out.put("error", this.error);
			return out;
		}

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
		return this.publications.publishedTo(row.id())
			.collectList()
			.flatMap((published) -> this.targets.open(row).flatMap((target) -> this.adapters
				.run(() -> this.adapters.of(row.type()).drift(target, published))
				.flatMap((drift) -> this.targets.drifted(row.id(), owner, this.json.writeValueAsString(drift), null)
					.thenReturn(new Report(row.name(), Instant.now(), drift, null, published.size())))
				.onErrorResume(PublishFailure.class, (ex) -> this.targets.drifted(row.id(), owner, null, ex.getMessage())
					.thenReturn(new Report(row.name(), Instant.now(), null, ex.getMessage(), published.size())))));
	}

	/** The last check recorded on the target, without reading the target. */
	Report last(TargetRow row) {
		List<Drift> drift = (row.drift() != null) ? this.json.readValue(row.drift(), DRIFTS) : null;
		return new Report(row.name(), row.driftCheckedAt(), drift, row.driftError(), 0);
	}

}
