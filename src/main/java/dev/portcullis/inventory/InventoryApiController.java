package dev.portcullis.inventory;

import java.time.Instant;

import dev.portcullis.identity.Actor;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.NulCharacters;
import dev.portcullis.web.Quoted;
import dev.portcullis.web.RequestBodyLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code PUT /api/v1/workspaces/{workspace}/inventory} imports kubectl output as the workspace's next inventory
 * version (all or nothing; up to 16 MiB); {@code GET} answers the latest version, or the one in force {@code ?at=} a
 * moment, with its counts and kept objects. See {@code openapi/inventory.yaml}.
 */
@RestController
class InventoryApiController {

	private final Inventories inventories;

	private final InventoryImports imports;

	InventoryApiController(Inventories inventories, InventoryImports imports) {
		this.inventories = inventories;
		this.imports = imports;
	}

	@PutMapping(path = "/api/v1/workspaces/{workspace}/inventory",
			consumes = { "application/yaml", "application/x-yaml", "text/yaml", "text/plain", "application/json" },
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<InventoryVersion> importInventory(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String message, ServerWebExchange exchange) {
		if (message != null) {
			NulCharacters.refuse("message", message);
		}
		return RequestBodyLimits.text(exchange).flatMap((body) -> {
			NulCharacters.refuse("body", body);
			if (body.isBlank()) {
				return Mono.error(ApiProblem.badRequest("empty-body", "Empty body", "Send the output of kubectl get "
						+ "svc,ns,nodes,ciliumcidrgroups,deploy,statefulset,daemonset,pods -A -o yaml as the body."));
			}
			return Actor.current(exchange)
				.flatMap((actor) -> this.imports.run(workspace, body, (message != null) ? message : "", actor))
				.switchIfEmpty(Mono.error(() -> noWorkspace(workspace)));
		});
	}

	@GetMapping(path = "/api/v1/workspaces/{workspace}/inventory", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<InventoryVersion> inventory(@PathVariable String workspace, @RequestParam(required = false) @Nullable String at) {
		Instant moment = null;
		if (at != null) {
			try {
				moment = InstantParameter.parse("at", at);
			}
			catch (IllegalArgumentException ex) {
				throw ApiProblem.badRequest("invalid-parameter", "Invalid parameter", ex.getMessage() + ".");
			}
		}
		Mono<InventoryVersion> version = (moment != null) ? this.inventories.version(workspace, moment)
				: this.inventories.latest(workspace);
		return version.switchIfEmpty(Mono.defer(() -> this.inventories.workspaceExists(workspace)
			.flatMap((exists) -> Mono.error(exists
					? ApiProblem.of(HttpStatus.NOT_FOUND, "no-inventory", "No inventory", "Workspace "
							+ Quoted.of(workspace) + " has no inventory" + ((at != null) ? " at " + at : "")
							+ ": import one with PUT /api/v1/workspaces/" + workspace + "/inventory.")
					: noWorkspace(workspace)))));
	}

	private static ApiProblem noWorkspace(String workspace) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not found", "No workspace named "
				+ Quoted.of(workspace) + ".");
	}

	@ExceptionHandler(InventoryRefused.class)
	ResponseEntity<ProblemDetail> refused(InventoryRefused refused, ServerWebExchange exchange) {
		return new ApiProblem(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-inventory", "Invalid inventory",
				refused.getMessage() + " Each problem names its document, path, line and column.",
				refused.errors().stream().map(ViolationView::of).toList()).response(exchange);
	}

	/** A problem in the imported text: document (0-based), path, line and column (1-based; 0 = unknown). */
	record ViolationView(int document, String path, int line, int column, String message) {

		static ViolationView of(dev.portcullis.engine.doc.Violation violation) {
			return new ViolationView(violation.document(), violation.path(), violation.line(), violation.column(),
					violation.message());
		}

	}

}
