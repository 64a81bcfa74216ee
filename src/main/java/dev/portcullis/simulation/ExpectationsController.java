package dev.portcullis.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.StoreException;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /api/v1/workspaces/{workspace}/expectations}: the workspace's expectations document, as YAML (as written) or
 * JSON, versioned with {@code ETag: "<version>"} ({@code "0"} before the first save) and {@code If-Match} on
 * {@code PUT}; {@code POST .../expectations/run} runs them against a state so that a pipeline can gate a change.
 */
@RestController
class ExpectationsController {

	private static final String PATH = "/api/v1/workspaces/{workspace}/expectations";

	private static final MediaType YAML = MediaType.valueOf("application/yaml");

	private final Expectations expectations;

	private final ExpectationRuns runs;

	private final JsonMapper json;

	ExpectationsController(Expectations expectations, ExpectationRuns runs, JsonMapper json) {
		this.expectations = expectations;
		this.runs = runs;
		this.json = json;
	}

	/** The document as JSON: {@code {"expectations": [...]}}, each expectation in its written form. */
	record DocumentView(List<Map<String, Object>> expectations) {

		static DocumentView of(ExpectationDocument document) {
			List<Map<String, Object>> items = new ArrayList<>();
			for (ExpectationDocument.Expectation e : document.expectations()) {
				Map<String, Object> item = new LinkedHashMap<>();
				item.put("name", e.name());
				item.putAll(e.traffic().toJson());
				item.put("expect", e.allowed() ? "allowed" : "denied");
				items.add(item);
			}
			return new DocumentView(items);
		}

	}

	/** A save's answer. */
	record SavedView(int version, int expectations, String author, String message,
			@JsonProperty("created_at") java.time.@Nullable Instant createdAt) {

		static SavedView of(ExpectationVersion v) {
			return new SavedView(v.version(), v.expectations(), v.author(), v.message(), v.createdAt());
		}

	}

	/** A run's answer. */
	record RunView(int passed, int failed, @JsonProperty("expectations_version") int expectationsVersion,
			StateUsed state, List<OutcomeView> results) {
	}

	/** One expectation's outcome. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record OutcomeView(String name, boolean passed, String expect, Decision.Verdict verdict, String traffic,
			int line, EvaluateResponse.Side egress, EvaluateResponse.Side ingress, EvaluateResponse.@Nullable L7 l7,
			EvaluateResponse.@Nullable Explanation explanation, @Nullable String uncertain) {

		static OutcomeView of(ExpectationRuns.Outcome outcome) {
			EvaluateResponse.Result r = EvaluateResponse.Result.of(0, outcome.decision());
			return new OutcomeView(outcome.expectation().name(), outcome.passed(),
					outcome.expectation().allowed() ? "allowed" : "denied", r.verdict(),
					outcome.expectation().traffic().describe(), outcome.expectation().line(), r.egress(), r.ingress(),
					r.l7(), r.explanation(), r.uncertain());
		}

	}

	@GetMapping(path = PATH, produces = { "application/yaml", "application/x-yaml", "text/yaml" })
	Mono<ResponseEntity<String>> yaml(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at) {
		return this.expectations.at(workspace, (at != null) ? SelectsController.instant(at) : null)
			.map((v) -> ResponseEntity.ok().contentType(YAML).eTag(etag(v.version())).body(v.text()))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<DocumentView>> json(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at) {
		return this.expectations.at(workspace, (at != null) ? SelectsController.instant(at) : null)
			.flatMap((v) -> this.expectations.document(v)
				.map((document) -> ResponseEntity.ok().eTag(etag(v.version())).body(DocumentView.of(document))))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	@PutMapping(path = PATH, consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain",
			MediaType.APPLICATION_JSON_VALUE }, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<SavedView>> save(@PathVariable String workspace,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) @Nullable String ifMatch,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		Integer expected = expectedVersion(ifMatch);
		String why = (message != null) ? message : "";
		NulCharacters.refuse("message", why);
		return RequestBodyLimits.text(exchange)
			.flatMap((text) -> {
				if (text.isBlank()) {
					return Mono.error(ApiProblem.badRequest("empty-body", "Empty body",
							"Send the expectations document as the body: expectations: [...]"));
				}
				return Actor.current(exchange).flatMap((by) -> this.expectations.save(workspace, text, expected, why, by));
			})
			.map((saved) -> ResponseEntity.status((saved.version() == 1) ? HttpStatus.CREATED : HttpStatus.OK)
				.eTag(etag(saved.version())).body(SavedView.of(saved)))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	@PostMapping(path = PATH + "/run", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<RunView> run(@PathVariable String workspace, ServerWebExchange exchange) {
		return RequestBodyLimits.text(exchange)
			.flatMap((text) -> {
				JsonNode body = JsonBodies.object(this.json, text, true, Set.of("at", "draft"));
				List<FieldViolation> problems = new ArrayList<>();
				StateRequest state = StateRequest.read(body, problems);
				if (!problems.isEmpty()) {
					return Mono.error(JsonBodies.invalid(problems));
				}
				return this.runs.run(workspace, state.state());
			})
			.map((report) -> new RunView(report.passed(), report.failed(), report.expectationsVersion(), report.state(),
					report.results().stream().map(OutcomeView::of).toList()))
			.onErrorMap(StoreException.NotFound.class, WorkspaceEvaluateController::notFound);
	}

	private static String etag(int version) {
		return "\"" + version + "\"";
	}

	/** The version {@code If-Match} names; null without one. A weak or malformed tag is refused. */
	private static @Nullable Integer expectedVersion(@Nullable String ifMatch) {
		if (ifMatch == null) {
			return null;
		}
		String v = ifMatch.strip();
		if (v.startsWith("W/")) {
			throw ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "version-conflict", "Version conflict",
					"If-Match " + v + " is a weak entity tag, which never matches (RFC 9110 compares If-Match strongly):"
							+ " send the ETag as it was given, for example \"3\".");
		}
		if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
			v = v.substring(1, v.length() - 1);
		}
		if (!v.matches("[0-9]{1,9}")) {
			throw ApiProblem.badRequest("invalid-precondition", "Invalid precondition",
					"If-Match must be the ETag of the expectations your change is based on, for example \"3\".");
		}
		return Integer.parseInt(v);
	}

}
