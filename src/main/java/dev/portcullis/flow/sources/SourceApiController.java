package dev.portcullis.flow.sources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.portcullis.identity.Actor;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.JsonBody;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * A workspace's live flow sources, {@code /api/v1/workspaces/{workspace}/flow-sources}: read with their status (any
 * role; a client key is never returned, only {@code clientKeySet}) and replaced (ADMIN). {@code openapi/flow-sources.yaml}
 * is its contract.
 */
@RestController
class SourceApiController {

	private static final Set<String> TOP = Set.of("relay", "files");

	private static final Set<String> RELAY = Set.of("enabled", "address", "tls", "serverName", "ca",
			"clientCertificate", "clientKey");

	private static final Set<String> FILES = Set.of("enabled", "directory", "fileName");

	private final FlowSources store;

	private final SourceChanges changes;

	private final JsonMapper json;

	SourceApiController(FlowSources store, SourceChanges changes, JsonMapper json) {
		this.store = store;
		this.changes = changes;
		this.json = json;
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/flow-sources", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<SourceView> sources(@PathVariable String workspace) {
		return view(workspace);
	}

	/**
	 * Replaces both sources: a member that is absent or null removes that source. {@code relay.clientKey} absent
	 * keeps the stored key (GET never returns it), {@code ""} removes it.
	 */
	@PutMapping(path = "/api/v1/workspaces/{workspace}/flow-sources", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<SourceView> replace(@PathVariable String workspace, @RequestBody(required = false) @Nullable String body,
			ServerWebExchange exchange) {
		JsonNode request = read(body);
		List<FieldViolation> violations = new ArrayList<>();
		unknown(request, TOP, "", violations);
		JsonNode relayNode = request.get("relay");
		JsonNode filesNode = request.get("files");
		SourceForms.Relay relay = null;
		SourceForms.Files files = null;
		if (relayNode != null && !relayNode.isNull()) {
			if (!relayNode.isObject()) {
				violations.add(FieldViolation.at("relay", "must be an object or null"));
			}
			else {
				unknown(relayNode, RELAY, "relay.", violations);
				relay = new SourceForms.Relay(bool(relayNode, "enabled", true, "relay.", violations),
						text(relayNode, "address", "relay.", violations, true),
						bool(relayNode, "tls", false, "relay.", violations),
						text(relayNode, "serverName", "relay.", violations, false),
						text(relayNode, "ca", "relay.", violations, false),
						text(relayNode, "clientCertificate", "relay.", violations, false),
						key(relayNode, violations));
			}
		}
		if (filesNode != null && !filesNode.isNull()) {
			if (!filesNode.isObject()) {
				violations.add(FieldViolation.at("files", "must be an object or null"));
			}
			else {
				unknown(filesNode, FILES, "files.", violations);
				files = new SourceForms.Files(bool(filesNode, "enabled", true, "files.", violations),
						text(filesNode, "directory", "files.", violations, true),
						text(filesNode, "fileName", "files.", violations, true));
			}
		}
		if (!violations.isEmpty()) {
			throw SourceChanges.SOURCES.of(violations);
		}
		SourceForms.Relay r = relay;
		SourceForms.Files f = files;
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.saveRelay(workspace, r, by)
				.onErrorMap(InvalidFields.class, (ex) -> ex.prefixed("relay."))
				.then(this.changes.saveFiles(workspace, f, by)
					.onErrorMap(InvalidFields.class, (ex) -> ex.prefixed("files."))))
			.then(view(workspace));
	}

	private Mono<SourceView> view(String workspace) {
		return this.changes.workspaceId(workspace)
			.then(this.store.of(workspace).collectList())
			.map((rows) -> SourceView.of(workspace, rows, Instant.now()));
	}


	private JsonNode read(@Nullable String body) {
		return JsonBody.object(this.json, body, "The body must be a JSON object with the members relay and files.");
	}

	private static void unknown(JsonNode node, Set<String> allowed, String prefix, List<FieldViolation> violations) {
		for (String name : node.propertyNames()) {
			if (!allowed.contains(name)) {
				violations.add(FieldViolation.at(prefix + name, "is not a member; allowed: "
						+ String.join(", ", new java.util.TreeSet<>(allowed))));
			}
		}
	}

	private static boolean bool(JsonNode node, String name, boolean otherwise, String prefix,
			List<FieldViolation> violations) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isBoolean()) {
			violations.add(FieldViolation.at(prefix + name, "must be true or false"));
			return otherwise;
		}
		return value.asBoolean();
	}

	private static @Nullable String text(JsonNode node, String name, String prefix, List<FieldViolation> violations,
			boolean required) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull() || (value.isString() && value.asString().isBlank())) {
			if (required) {
				violations.add(FieldViolation.at(prefix + name, "is required"));
				return "";
			}
			return null;
		}
		if (!value.isString()) {
			violations.add(FieldViolation.at(prefix + name, "must be a string"));
			return required ? "" : null;
		}
		if (value.asString().length() > 64 * 1024) {
			violations.add(FieldViolation.at(prefix + name, "must be at most 65536 characters"));
			return required ? "" : null;
		}
		return value.asString().strip();
	}

	/** null: keep the stored key; "": remove it; otherwise the new key. */
	private static @Nullable String key(JsonNode relay, List<FieldViolation> violations) {
		if (!relay.has("clientKey")) {
			return null;
		}
		JsonNode value = relay.get("clientKey");
		if (value.isNull() || (value.isString() && value.asString().isBlank())) {
			return "";
		}
		if (!value.isString()) {
			violations.add(FieldViolation.at("relay.clientKey", "must be a string (a PKCS #8 PEM private key)"));
			return null;
		}
		return value.asString().strip();
	}

}
