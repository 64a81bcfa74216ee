package dev.portcullis.policy.web;

import java.util.List;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.BundleImport;
import dev.portcullis.policy.ImportReport;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.ApiLimits;
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
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Imports a bundle (pasted, or an uploaded file) into a workspace: all or nothing. The page shows the per-document
 * report; when anything is wrong nothing is written, the text stays in the form and the errors show with document
 * index, line and column.
 */
@Controller
class ImportPages {

	private final Workspaces workspaces;

	private final BundleImport imports;

	ImportPages(Workspaces workspaces, BundleImport imports) {
		this.workspaces = workspaces;
		this.imports = imports;
	}

	/**
	 * The import form's fields.
	 *
	 * @param bundle the pasted YAML ("" when a file was uploaded)
	 * @param message why
	 * @param fileName the uploaded file's name, "" when none
	 * @param upload the uploaded file's text, "" when none
	 */
	record ImportForm(String bundle, String message, String fileName, String upload) {

		static final ImportForm EMPTY = new ImportForm("", "", "", "");

		/** The text to import: the uploaded file if there is one, else the pasted text. */
		String text() {
			return this.upload.isEmpty() ? this.bundle : this.upload;
		}

		/** The form to show again after a refusal: an uploaded file's text moves into the text area to be fixed. */
		ImportForm again() {
			return new ImportForm(text(), this.message, this.fileName, "");
		}

	}

	@GetMapping("/workspaces/{workspace}/import")
	Mono<Rendering> form(@PathVariable String workspace, ServerWebExchange exchange) {
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)))
			.map((found) -> view(exchange, workspace, ImportForm.EMPTY, null, "").build());
	}

	@PostMapping("/workspaces/{workspace}/import")
	Mono<Rendering> importBundle(@PathVariable String workspace, ServerWebExchange exchange) {
		return read(exchange).flatMap((form) -> {
			if (form.text().isBlank()) {
				return Mono.just(view(exchange, workspace, form, null, "Paste a bundle or choose a file first.")
					.status(HttpStatus.UNPROCESSABLE_ENTITY)
					.build());
			}
			return Actor.current(exchange)
				.flatMap((by) -> this.imports.run(workspace, form.text(), form.message(), by))
				.map((report) -> view(exchange, workspace, ImportForm.EMPTY, report, "").build())
				.onErrorResume(StoreException.ImportRefused.class, (ex) -> Mono.just(
						view(exchange, workspace, form.again(), ex.report(), ex.getMessage())
							.status(HttpStatus.UNPROCESSABLE_ENTITY)
							.build()))
				.onErrorResume(StoreException.BadRequest.class, (ex) -> Mono.just(
						view(exchange, workspace, form.again(), null, ex.getMessage())
							.status(HttpStatus.UNPROCESSABLE_ENTITY)
							.build()))
				.onErrorResume(StoreException.TooLarge.class, (ex) -> Mono.just(
						view(exchange, workspace, ImportForm.EMPTY, null, ex.getMessage())
							.status(HttpStatus.CONTENT_TOO_LARGE)
							.build()))
				.onErrorResume(EngineBusy.class, (ex) -> Mono.just(
						view(exchange, workspace, form.again(), null, ex.getReason())
							.status(HttpStatus.TOO_MANY_REQUESTS)
							.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
							.build()))
				// a protected workspace: "Propose as a change" next to Import takes the bundle on
				.onErrorResume(StoreException.Protected.class, (ex) -> Mono.just(
						view(exchange, workspace, form.again(), null, ex.getMessage())
							.status(HttpStatus.CONFLICT)
							.build()))
				// someone created a policy of the bundle meanwhile: nothing was written, importing again sees it
				.onErrorResume(StoreException.Conflict.class, (ex) -> Mono.just(
						view(exchange, workspace, form.again(), null, ex.getMessage())
							.status(HttpStatus.CONFLICT)
							.build()));
		})
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(view(exchange, workspace,
					ImportForm.EMPTY, null, "The bundle is larger than the limit of " + ApiLimits.MAX_BODY_BYTES
							/ (1024 * 1024) + " MiB.")
				.status(HttpStatus.CONTENT_TOO_LARGE)
				.build()))
			.onErrorMap(StorePages.notFound());
	}

	private static Rendering.Builder<?> view(ServerWebExchange exchange, String workspace, ImportForm form,
			@Nullable ImportReport report, String error) {
		String summary = (report == null) ? ""
				: report.count(ImportReport.Outcome.CREATED) + " created, " + report.count(ImportReport.Outcome.UPDATED)
						+ " updated, " + report.count(ImportReport.Outcome.UNCHANGED) + " unchanged.";
		return StorePages.view(exchange, "workspaces/import", "importer")
			.modelAttribute("workspace", workspace)
			.modelAttribute("summary", summary)
			.modelAttribute("form", form)
			.modelAttribute("report", (report != null) ? report : new ImportReport(false, List.of(), List.of()))
			.modelAttribute("hasReport", report != null)
			.modelAttribute("error", error);
	}

	/** Reads the form, multipart (with a file) or URL-encoded (pasted text only). */
	private static Mono<ImportForm> read(ServerWebExchange exchange) {
		return TextUpload.read(exchange, "bundle")
			.map((upload) -> new ImportForm(upload.pasted(), upload.message(), upload.fileName(), upload.upload()));
	}

}
