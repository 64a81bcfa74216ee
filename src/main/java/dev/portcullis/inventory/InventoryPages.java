package dev.portcullis.inventory;

import java.util.List;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.web.ApiLimits;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import dev.portcullis.web.TextUpload;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The inventory page of a workspace ({@code /workspaces/{workspace}/inventory}): the form that imports kubectl
 * output (pasted or uploaded; authors and admins), the list of versions, the counts and the kept objects of the
 * latest; and the summary the workspace page loads ({@code .../inventory/summary}).
 */
@Controller
class InventoryPages {

	private final Inventories inventories;

	private final InventoryImports imports;

	InventoryPages(Inventories inventories, InventoryImports imports) {
		this.inventories = inventories;
		this.imports = imports;
	}

	/** The import form's fields: the pasted text (or the uploaded file's), and the message. */
	record Form(String text, String message) {

		static final Form EMPTY = new Form("", "");

	}

	/** What the last import did: a sentence, and the problems when it was refused. */
	record Outcome(boolean imported, String message, List<Violation> problems) {
	}

	@GetMapping("/workspaces/{workspace}/inventory")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return render(exchange, workspace, Form.EMPTY, null, HttpStatus.OK);
	}

	@GetMapping("/workspaces/{workspace}/inventory/summary")
	Mono<Rendering> summary(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		return existing(workspace).then(this.inventories.latest(workspace)
			.map((version) -> Rendering.view("inventory/show :: summary")
				.modelAttribute("workspace", workspace)
				.modelAttribute("current", version)
				.build())
			.defaultIfEmpty(Rendering.view("inventory/show :: summary")
				.modelAttribute("workspace", workspace)
				.build()));
	}

	@PostMapping("/workspaces/{workspace}/inventory")
	Mono<Rendering> importInventory(@PathVariable String workspace, ServerWebExchange exchange) {
		return read(exchange).flatMap((form) -> {
			if (form.text().isBlank()) {
				return render(exchange, workspace, form,
						new Outcome(false, "Paste kubectl output or choose a file first.", List.of()),
						HttpStatus.UNPROCESSABLE_ENTITY);
			}
			return Actor.current(exchange)
				.flatMap((actor) -> this.imports.run(workspace, form.text(), form.message(), actor))
				.switchIfEmpty(Mono.error(() -> new PageError(HttpStatus.NOT_FOUND, "There is no such workspace.")))
				.flatMap((version) -> render(exchange, workspace, Form.EMPTY, new Outcome(true, "Imported version "
						+ version.version() + "." + ignored(version), List.of()), HttpStatus.OK))
				.onErrorResume(InventoryRefused.class, (ex) -> render(exchange, workspace, form,
						new Outcome(false, ex.getMessage(), ex.errors()), HttpStatus.UNPROCESSABLE_ENTITY))
				.onErrorResume(EngineBusy.class, (ex) -> render(exchange, workspace, form,
						new Outcome(false, String.valueOf(ex.getReason()), List.of()), HttpStatus.TOO_MANY_REQUESTS)
					.doOnNext((r) -> exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
							Long.toString(ex.retryAfterSeconds()))));
		})
			.onErrorResume(DataBufferLimitException.class, (ex) -> render(exchange, workspace, Form.EMPTY,
					new Outcome(false, "The text is larger than the limit of " + ApiLimits.MAX_BODY_BYTES / (1024 * 1024)
							+ " MiB.", List.of()), HttpStatus.CONTENT_TOO_LARGE));
	}

	/** " Ignored: 3 ConfigMap, 1 Secret (kinds an inventory does not keep)." or "". */
	private static String ignored(InventoryVersion version) {
		if (version.ignored().isEmpty()) {
			return "";
		}
		return " Ignored: " + version.ignored().entrySet().stream().map((e) -> e.getValue() + " " + e.getKey())
			.collect(java.util.stream.Collectors.joining(", ")) + " (kinds an inventory does not keep).";
	}

		private Mono<Boolean> existing(String workspace) {
		return this.inventories.workspaceExists(workspace).filter(Boolean::booleanValue)
			.switchIfEmpty(Mono.error(() -> new PageError(HttpStatus.NOT_FOUND, "There is no such workspace.")));
	}

	private Mono<Rendering> render(ServerWebExchange exchange, String workspace, Form form, @Nullable Outcome outcome,
			HttpStatus status) {
		Htmx.varyOnRequest(exchange);
		boolean partial = Htmx.isPartial(exchange) && outcome != null;
		return existing(workspace).then(Mono.zip(Actor.current(exchange),
				this.inventories.latest(workspace).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()),
				this.inventories.versions(workspace).collectList()))
			.map((t) -> {
				Actor actor = t.getT1();
				return Rendering.view(partial ? "inventory/show :: importer" : "inventory/show")
					.status(status)
					.modelAttribute("workspace", workspace)
					.modelAttribute("canWrite", actor.has(Role.AUTHOR))
					.modelAttribute("current", t.getT2().orElse(null))
					.modelAttribute("versions", t.getT3())
					.modelAttribute("form", form)
					.modelAttribute("outcome", outcome)
					.build();
			});
	}

	/** Reads the form: multipart (with a file) or URL-encoded (pasted text only); an uploaded file wins. */
	private static Mono<Form> read(ServerWebExchange exchange) {
		return TextUpload.read(exchange, "text").map((upload) -> new Form(upload.text(), upload.message()));
	}

}
