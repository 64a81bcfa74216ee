package dev.portcullis.publish;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.identity.Actor;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.JsonBody;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * Targets, publications and drift under {@code /api/v1/workspaces/{workspace}}; {@code openapi/publish.yaml} is the
 * contract. Targets are read by any role and written by admins (credentials write-only: a read says which are
 * set, never their values); publications are requested and retried by reviewers.
 */
@RestController
class PublishApiController {

	private static final String FORGE = "forge.";

	private static final Set<String> STATUSES = Set.of("PENDING", "RUNNING", "SUCCEEDED", "PARTIAL", "FAILED");

	private final Targets targets;

	private final Publications publications;

	private final Drifts drifts;

	private final JsonMapper json;

	private final LiveProposals proposals;

	private final NodeRollouts rollouts;

	PublishApiController(Targets targets, Publications publications, Drifts drifts, JsonMapper json,
			LiveProposals proposals, NodeRollouts rollouts) {
		this.rollouts = rollouts;
		this.targets = targets;
		this.publications = publications;
		this.drifts = drifts;
		this.json = json;
		this.proposals = proposals;
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/targets", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> targets(@PathVariable String workspace) {
		return this.targets.of(workspace).map(PublishApiController::target).collectList()
			.map((list) -> Map.of("targets", list));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/targets/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> target(@PathVariable String workspace, @PathVariable String name) {
		return this.targets.find(workspace, name).map(PublishApiController::target);
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/targets", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Map<String, Object>>> create(@PathVariable String workspace,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		Targets.Form form = form(read(body), null);
		return Actor.current(exchange)
			.flatMap((by) -> this.targets.save(workspace, form, true, by))
			.map((row) -> ResponseEntity
				.created(URI.create("/api/v1/workspaces/" + workspace + "/targets/" + row.name()))
				.body(target(row)));
	}

	@PutMapping(path = "/api/v1/workspaces/{workspace}/targets/{name}", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> replace(@PathVariable String workspace, @PathVariable String name,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		Targets.Form form = form(read(body), name);
		return Actor.current(exchange)
			.flatMap((by) -> this.targets.save(workspace, form, false, by))
			.map(PublishApiController::target);
	}

	@DeleteMapping(path = "/api/v1/workspaces/{workspace}/targets/{name}")
	Mono<ResponseEntity<Void>> delete(@PathVariable String workspace, @PathVariable String name,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.targets.delete(workspace, name, by))
			.thenReturn(ResponseEntity.noContent().build());
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/targets/{name}/drift", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> drift(@PathVariable String workspace, @PathVariable String name) {
		return this.drifts.check(workspace, name).map(Drifts.Report::body);
	}

	/**
	 * Opens a change request whose drafts are the target's live objects that differ from what was published (and
	 * deletions for published objects gone from it), as the target page's "Propose the live state as a change" does:
	 * 201 with the change request's id, title, status and its API address in {@code Location}; 409 when the target
	 * holds what was published (nothing to propose); 422 when it cannot be read; 404 for an unknown target. Needs the AUTHOR role.
	 */
	@PostMapping(path = "/api/v1/workspaces/{workspace}/targets/{name}/propose-live",
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Map<String, Object>>> proposeLive(@PathVariable String workspace, @PathVariable String name,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.proposals.propose(workspace, name, by))
			// the target could not be read (unreachable, refused credentials): said in words, as a failed check
			.onErrorMap(PublishFailure.class,
					(ex) -> new PublishRefused(PublishRefused.Reason.CHECK_FAILED, null, ex.getMessage()))
			.map((change) -> {
				String href = "/api/v1/workspaces/" + workspace + "/change-requests/" + change.id();
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("id", change.id());
				body.put("title", change.title());
				body.put("status", change.status().name());
				body.put("revision", change.revision());
				body.put("href", href);
				return ResponseEntity.created(URI.create(href)).body(body);
			});
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/publications", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Map<String, Object>>> publish(@PathVariable String workspace,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		JsonNode request = (body == null || body.isBlank()) ? this.json.createObjectNode() : read(body);
		List<FieldViolation> violations = new ArrayList<>();
		for (String name : request.propertyNames()) {
			if (!Set.of("target", "dryRun", "forceConflicts").contains(name)) {
				violations.add(FieldViolation.at(name, "is not a member; allowed: dryRun, forceConflicts, target"));
			}
		}
		JsonNode target = request.get("target");
		if (target != null && !target.isNull() && !target.isString()) {
			violations.add(FieldViolation.at("target", "must be a target's name, or absent for every target"));
		}
		boolean dryRun = bool(request, "dryRun", violations);
		boolean force = bool(request, "forceConflicts", violations);
		if (!violations.isEmpty()) {
			throw PublishRefused.REQUEST.of(violations);
		}
		String named = (target != null && target.isString()) ? target.asString() : null;
		return Actor.current(exchange)
			.flatMap((by) -> this.publications.request(workspace, named, dryRun, force, by))
			.map((rows) -> {
				Map<String, Object> out = new LinkedHashMap<>();
				out.put("id", rows.get(0).id());
				out.put("status", rows.get(0).status());
				List<Map<String, Object>> each = new ArrayList<>();
				for (PublicationRow row : rows) {
					each.add(Map.of("id", row.id(), "target", row.targetName(), "status", row.status()));
				}
				out.put("publications", each);
				return ResponseEntity.accepted()
					.location(URI.create("/api/v1/workspaces/" + workspace + "/publications/" + rows.get(0).id()))
					.body(out);
			});
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/publications", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> publications(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String target,
			@RequestParam(required = false, defaultValue = "50") int limit) {
		if (status != null && !STATUSES.contains(status)) {
			throw PublishRefused.REQUEST.of(List.of(FieldViolation.at("status",
					"must be one of FAILED, PARTIAL, PENDING, RUNNING, SUCCEEDED")));
		}
		if (limit < 1 || limit > 500) {
			throw PublishRefused.REQUEST.of(List.of(FieldViolation.at("limit", "must be between 1 and 500")));
		}
		return this.publications.list(workspace, status, target, limit).map(this::publication).collectList()
			.map((list) -> Map.of("publications", list));
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/publications/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> publication(@PathVariable String workspace, @PathVariable long id) {
		return this.publications.find(workspace, id)
			.flatMap((row) -> this.rollouts.of(row.id())
				.map((progress) -> withRollout(publication(row), progress.json()))
				.defaultIfEmpty(withRollout(publication(row), null)));
	}

	/** A publication to a Kubernetes target gets {@code nodeRollout}: null when its nodes are not followed. */
	private static Map<String, Object> withRollout(Map<String, Object> publication,
			@Nullable Map<String, Object> rollout) {
		if ("kubernetes".equals(publication.get("targetType"))) {
			publication.put("nodeRollout", rollout);
		}
		return publication;
	}

	@PostMapping(path = "/api/v1/workspaces/{workspace}/publications/{id}/retry",
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<Map<String, Object>>> retry(@PathVariable String workspace, @PathVariable long id,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.publications.retry(workspace, id, by))
			.map((row) -> ResponseEntity.accepted().body(publication(row)));
	}

	static Map<String, Object> target(TargetRow row) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("name", row.name());
		out.put("type", row.type());
		for (String key : Targets.SETTINGS.get(row.type())) {
			String value = row.settings().get(key);
			if (value != null && !key.startsWith(FORGE)) {
				out.put(key, value);
			}
		}
		if (row.settings().containsKey(Targets.FORGE_KIND)) {
			Map<String, Object> forge = new LinkedHashMap<>();
			forge.put("kind", row.settings().get(Targets.FORGE_KIND));
			putIfSet(forge, "apiUrl", row.settings().get(Targets.FORGE_API_URL));
			putIfSet(forge, "project", row.settings().get(Targets.FORGE_PROJECT));
			forge.put("pullRequest", "true".equals(row.settings().get(Targets.FORGE_PULL_REQUEST)));
			forge.put("commitStatus", "true".equals(row.settings().get(Targets.FORGE_COMMIT_STATUS)));
			out.put("forge", forge);
		}
		Map<String, Object> auth = new LinkedHashMap<>();
		auth.put("type", row.authType());
		auth.put("set", row.credentialNames().stream().sorted().toList());
		out.put("auth", auth);
		out.put("createdBy", row.createdBy());
		out.put("createdAt", row.createdAt().toString());
		out.put("updatedBy", row.updatedBy());
		out.put("updatedAt", row.updatedAt().toString());
		return out;
	}

	private static void putIfSet(Map<String, Object> out, String key, @Nullable String value) {
		if (value != null && !value.isBlank()) {
			out.put(key, value);
		}
	}

	Map<String, Object> publication(PublicationRow row) {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("id", row.id());
		out.put("workspace", row.workspace());
		out.put("target", row.targetName());
		out.put("targetType", row.targetType());
		out.put("status", row.status());
		out.put("dryRun", row.dryRun());
		out.put("forceConflicts", row.forceConflicts());
		out.put("stateAt", row.stateAt().toString());
		out.put("policies", this.json.readTree(row.stateVersions()).size());
		out.put("attempts", row.attempts());
		if (row.status().equals("PENDING")) {
			out.put("nextAttemptAt", row.nextAttemptAt().toString());
		}
		out.put("plan", (row.plan() != null) ? this.json.readTree(row.plan()) : List.of());
		out.put("results", (row.results() != null) ? this.json.readTree(row.results()) : List.of());
		if (row.targetType().equals("git")) {
			out.put("commit", row.commit());
			out.put("pullRequest", row.pullRequest());
			out.put("commitStatus", row.commitStatus());
		}
		else {
			out.put("resourceVersions", (row.resourceVersions() != null) ? this.json.readTree(row.resourceVersions())
					: Map.of());
		}
		out.put("error", row.error());
		out.put("requestedBy", row.requestedBy());
		out.put("requestedAt", row.requestedAt().toString());
		out.put("startedAt", (row.startedAt() != null) ? row.startedAt().toString() : null);
		out.put("finishedAt", (row.finishedAt() != null) ? row.finishedAt().toString() : null);
		out.put("notes", this.json.readTree(row.notes()));
		out.put("supersededBy", row.supersededBy());
		return out;
	}

	/** The target in a request body: its settings as text, {@code auth.type}, and the credentials it replaces. */
	private static Targets.Form form(JsonNode body, @Nullable String pathName) {
		List<FieldViolation> violations = new ArrayList<>();
		String name = string(body, "name", violations);
		if (pathName != null) {
			if (name != null && !name.equals(pathName)) {
				violations.add(FieldViolation.at("name", "must be the name in the path (a target cannot be renamed)"));
			}
			name = pathName;
		}
		else if (name == null) {
			violations.add(FieldViolation.at("name", "is required"));
		}
		String type = string(body, "type", violations);
		if (type == null) {
			violations.add(FieldViolation.at("type", "is required: git or kubernetes"));
		}
		Map<String, String> settings = new LinkedHashMap<>();
		Map<String, @Nullable String> credentials = new LinkedHashMap<>();
		for (String field : body.propertyNames()) {
			if (field.equals("name") || field.equals("type")) {
				continue;
			}
			if (field.equals("auth")) {
				JsonNode auth = body.get("auth");
				if (auth.isNull()) {
					continue;
				}
				if (!auth.isObject()) {
					violations.add(FieldViolation.at("auth", "must be an object with a type and its credentials"));
					continue;
				}
				for (String key : auth.propertyNames()) {
					JsonNode value = auth.get(key);
					if (key.equals("type")) {
						if (!value.isString()) {
							violations.add(FieldViolation.at("auth.type", "must be a string"));
						}
						else {
							settings.put("auth.type", value.asString());
						}
					}
					else if (key.equals("set")) {
						// what a read returns; ignored on write so that a read can be sent back
					}
					else if (value.isNull()) {
						credentials.put(key, null);
					}
					else if (value.isString()) {
						credentials.put(key, value.asString());
					}
					else {
						violations.add(FieldViolation.at("auth." + key, "must be a string"));
					}
				}
				continue;
			}
			if (field.equals("forge")) {
				forge(body.get("forge"), settings, violations);
				continue;
			}
			if (Set.of("createdBy", "createdAt", "updatedBy", "updatedAt").contains(field)) {
				continue;
			}
			String value = string(body, field, violations);
			if (value != null) {
				settings.put(field, value);
			}
		}
		if (!violations.isEmpty()) {
			throw PublishRefused.REQUEST.of(violations);
		}
		return new Targets.Form(name, type, settings, credentials);
	}

	/**
	 * A Git target's {@code forge}: {@code kind} (none, github, gitlab), {@code apiUrl}, {@code project} (strings),
	 * {@code pullRequest} and {@code commitStatus} (booleans), as settings {@code forge.*}; null means unset.
	 */
	private static void forge(JsonNode forge, Map<String, String> settings, List<FieldViolation> violations) {
		if (forge.isNull()) {
			return;
		}
		if (!forge.isObject()) {
			violations.add(FieldViolation.at("forge", "must be an object: kind, apiUrl, project, pullRequest,"
					+ " commitStatus"));
			return;
		}
		for (String key : forge.propertyNames()) {
			JsonNode value = forge.get(key);
			String path = "forge." + key;
			switch (key) {
				case "kind", "apiUrl", "project" -> {
					if (value.isString()) {
						settings.put(path, value.asString());
					}
					else if (!value.isNull()) {
						violations.add(FieldViolation.at(path, "must be a string"));
					}
				}
				case "pullRequest", "commitStatus" -> {
					if (value.isBoolean()) {
						settings.put(path, Boolean.toString(value.asBoolean()));
					}
					else if (!value.isNull()) {
						violations.add(FieldViolation.at(path, "must be true or false"));
					}
				}
				default -> violations.add(FieldViolation.at(path, "is not a member; allowed: apiUrl, commitStatus,"
						+ " kind, project, pullRequest"));
			}
		}
	}

	private static @Nullable String string(JsonNode body, String field, List<FieldViolation> violations) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			violations.add(FieldViolation.at(field, "must be a string"));
			return null;
		}
		return value.asString();
	}

	private static boolean bool(JsonNode body, String field, List<FieldViolation> violations) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			violations.add(FieldViolation.at(field, "must be true or false"));
			return false;
		}
		return value.asBoolean();
	}

	private JsonNode read(@Nullable String body) {
		return JsonBody.object(this.json, body, "The body must be a JSON object.");
	}

}
