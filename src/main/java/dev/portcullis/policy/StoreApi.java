package dev.portcullis.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.IfMatch;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.JsonBody;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the store's REST controllers ({@link WorkspaceApiController}, {@link PolicyApiController}) share: the
 * problem each store refusal answers with, the {@code If-Match} preconditions, request parameters and the views
 * both return. Stateless; every member is static.
 */
final class StoreApi {

	static final MediaType YAML = MediaType.parseMediaType("application/yaml");

	private StoreApi() {
	}

	// ---------------------------------------------------------------- shared views

	/** A policy version's metadata as the API shows it. */
	record SummaryView(String kind, String namespace, String name, int version, boolean deleted, Instant createdAt,
			String author, String message, Map<String, String> labels, String contentHash) {

		static SummaryView of(PolicySummary s) {
			return new SummaryView(s.key().kind().kindName(), s.key().namespace(), s.key().name(), s.version(),
					s.deleted(), s.createdAt(), s.author(), s.message(), s.labels(), s.contentHash());
		}

	}

	record PageView<T>(List<T> items, @Nullable String nextCursor) {
	}

	/**
	 * A workspace's agent settings as the API shows them: which version, written when and by whom (null for
	 * version 0, Cilium's defaults), and every setting ({@link AgentSettings#toJson}).
	 */
	record SettingsView(int version, @Nullable Instant changedAt, @Nullable String changedBy,
			Map<String, Object> settings) {

		static SettingsView of(WorkspaceSettings.Version version) {
			return new SettingsView(version.version(), version.changedAt(), version.changedBy(),
					version.settings().toJson());
		}

	}

	// ---------------------------------------------------------------- refusals

	/** The problem a store refusal answers with. */
	static ApiProblem problem(StoreException ex) {
		if (ex instanceof StoreException.NotFound) {
			return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", ex.getMessage());
		}
		if (ex instanceof StoreException.AlreadyExists) {
			return ApiProblem.of(HttpStatus.CONFLICT, "workspace-exists", "Workspace exists", ex.getMessage());
		}
		if (ex instanceof StoreException.TooLarge) {
			return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "policy-too-large", "Policy too large", ex.getMessage());
		}
		if (ex instanceof StoreException.BadRequest) {
			return ApiProblem.badRequest("invalid-request", "Invalid request", ex.getMessage());
		}
		if (ex instanceof StoreException.Invalid invalid) {
			return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-policy", "Invalid policy", ex.getMessage(),
					invalid.violations());
		}
		if (ex instanceof StoreException.ImportRefused refused) {
			List<Violation> violations = new ArrayList<>(refused.report().problems());
			refused.report().rows().forEach((row) -> row.violations().stream().filter(Violation::isError)
				.forEach(violations::add));
			return new ApiProblem(HttpStatus.BAD_REQUEST, "import-refused", "Import refused", ex.getMessage(), violations)
				.property("report", refused.report());
		}
		if (ex instanceof StoreException.InvalidSettings invalid) {
			return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-settings", "Invalid settings", ex.getMessage(),
					invalid.violations());
		}
		if (ex instanceof StoreException.SettingsConflict conflict) {
			Integer expected = conflict.expectedVersion();
			ApiProblem problem = (expected == null)
					? ApiProblem.of(HttpStatus.PRECONDITION_REQUIRED, "precondition-required", "Precondition required",
							ex.getMessage())
					: ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "version-conflict", "Version conflict",
							ex.getMessage());
			if (expected != null && expected >= 0) {
				problem.property("expectedVersion", expected);
			}
			return problem.property("current", SettingsView.of(conflict.current()))
				.header(HttpHeaders.ETAG, etag(conflict.current().version()));
		}
		if (ex instanceof StoreException.Protected refused) {
			return ApiProblem.of(HttpStatus.FORBIDDEN, "workspace-protected", "Workspace protected", ex.getMessage())
				.property("propose", refused.proposeAt());
		}
		if (ex instanceof StoreException.BaseMoved moved) {
			return ApiProblem.of(HttpStatus.CONFLICT, "base-moved", "Base moved", ex.getMessage())
				.property("moved", moved.moved());
		}
		StoreException.Conflict conflict = (StoreException.Conflict) ex;
		ApiProblem problem = ApiProblem.of(HttpStatus.PRECONDITION_FAILED, "version-conflict", "Version conflict",
				ex.getMessage())
			.property("expectedVersion", conflict.expectedVersion());
		if (conflict.current() != null) {
			problem.property("current", SummaryView.of(conflict.current()))
				.header(HttpHeaders.ETAG, etag(conflict.current().version()));
		}
		return problem;
	}

	// ---------------------------------------------------------------- preconditions

	/** A change of an existing policy without {@code If-Match}. */
	static final class PreconditionRequired extends RuntimeException {

		final PolicySummary current;

		PreconditionRequired(String message, PolicySummary current) {
			super(message, null, false, false);
			this.current = current;
		}

	}

	static PreconditionRequired preconditionRequired(PolicySummary current) {
		return new PreconditionRequired(current.key() + " exists at version " + current.version() + ": send If-Match: \""
				+ current.version() + "\" with the version your change is based on.", current);
	}

	/** The 428 for a change of an existing policy without {@code If-Match}, with its current version. */
	static ApiProblem problem(PreconditionRequired ex) {
		return ApiProblem.of(HttpStatus.PRECONDITION_REQUIRED, "precondition-required", "Precondition required",
				ex.getMessage())
			.property("current", SummaryView.of(ex.current))
			.header(HttpHeaders.ETAG, etag(ex.current.version()));
	}

	static String etag(int version) {
		return "\"" + version + "\"";
	}

	/**
	 * Whether an {@code If-Match} is a weak entity tag ({@code W/"3"}). If-Match compares strongly (RFC 9110,
	 * section 13.1.1): a weak tag never matches, so the change is refused with 412 and the current version.
	 */
	static boolean weak(@Nullable String ifMatch) {
		return ifMatch != null && ifMatch.strip().startsWith("W/");
	}

	/** The version a strong {@code If-Match} names: {@code "3"} (or {@code 3}). */
	static int version(String ifMatch) {
		return IfMatch.number(ifMatch, "version", 3);
	}

	// ---------------------------------------------------------------- parameters

	/** The moment a parameter names, null when it is absent; 400 when present but blank, unreadable or out of range. */
	static @Nullable Instant instant(String parameter, @Nullable String text) {
		if (text == null) {
			return null;
		}
		try {
			return InstantParameter.parse(parameter, text);
		}
		catch (IllegalArgumentException ex) {
			throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", ex.getMessage() + ".");
		}
	}

	/** A JSON object body; 400 when it is absent, blank, malformed or not an object. */
	static JsonNode readJson(JsonMapper json, @Nullable String body) {
		return JsonBody.object(json, body, "The body must be a JSON object.");
	}

}
