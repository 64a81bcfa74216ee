package dev.portcullis.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit}: the audit log for administrators, filtered, newest first, keyset-paged. */
@RestController
class AuditController {

	private final AuditEntries entries;

	private final JsonMapper json;

	AuditController(AuditEntries entries, JsonMapper json) {
		this.entries = entries;
		this.json = json;
	}

	/** One entry as the API shows it; {@code details} is the JSON object that was recorded. */
	record EntryView(long id, Instant occurredAt, String actor, String actorKind, String action, String outcome,
			@Nullable String target, @Nullable String workspace, @Nullable String remoteAddress, JsonNode details) {
	}

	/**
	 * A page of entries.
	 *
	 * @param next pass as {@code before} to get the next (older) page; null on the last page
	 */
	record PageView(List<EntryView> items, @Nullable String next) {
	}

	@GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<PageView> audit(@RequestParam Map<String, String> params) {
		List<String> problems = new java.util.ArrayList<>();
		for (String name : params.keySet()) {
			if (!List.of("actor", "action", "outcome", "workspace", "since", "until", "q", "before", "limit")
				.contains(name)) {
				problems.add("unknown parameter " + Quoted.of(name)
						+ "; allowed: actor, action, outcome, workspace, since, until, q, before, limit");
			}
		}
		AuditFilter filter = AuditFilter.parse(params, problems);
		if (!problems.isEmpty()) {
			return Mono.error(new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems) + ".", problems.stream().map((p) -> FieldViolation.at("", p)).toList()));
		}
		return this.entries.find(filter).map((page) -> new PageView(page.entries().stream().map(this::view).toList(),
				(page.next() != null) ? Long.toString(page.next()) : null));
	}

	private EntryView view(AuditLog.Entry entry) {
		return new EntryView(entry.id(), entry.occurredAt(), entry.actor(), entry.actorKind(), entry.action(),
				entry.outcome(), entry.target(), entry.workspace(), entry.remoteAddress(),
				this.json.readTree(entry.details()));
	}

}
