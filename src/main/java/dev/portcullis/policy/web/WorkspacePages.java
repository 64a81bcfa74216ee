package dev.portcullis.policy.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.api.PolicyKind;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.BundleExport;
import dev.portcullis.policy.Page;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicyQuery;
import dev.portcullis.policy.PolicySummary;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspace;
import dev.portcullis.policy.WorkspaceComparison;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The workspaces page (list and create form), a workspace's policy list (search, kind filter, keyset pages, the
 * workspace as of a moment) with its agent settings' summary ({@link SettingsPages}), the comparison of two moments, and the export download.
 */
@Controller
class WorkspacePages {

	private static final int PAGE_SIZE = PolicyQuery.DEFAULT_LIMIT;

	private final Workspaces workspaces;

	private final Policies policies;

	private final BundleExport exports;

	private final WorkspaceSettings settings;

	WorkspacePages(Workspaces workspaces, Policies policies, BundleExport exports, WorkspaceSettings settings) {
		this.workspaces = workspaces;
		this.policies = policies;
		this.exports = exports;
		this.settings = settings;
	}

	/** The create form's fields as posted. */
	record WorkspaceForm(@Nullable String name, @Nullable String description) {

		static WorkspaceForm empty() {
			return new WorkspaceForm("", "");
		}

	}

	@GetMapping("/workspaces")
	Mono<Rendering> workspaces(ServerWebExchange exchange) {
		return this.workspaces.all().collectList().map((workspaces) -> StorePages
			.view(exchange, "workspaces/list", "workspaces")
			.modelAttribute("workspaces", workspaces)
			.modelAttribute("form", WorkspaceForm.empty())
			.modelAttribute("errors", Map.of())
			.build());
	}

	/**
	 * Creates a workspace and opens it. A refused name re-renders the form with the reason next to the field: the
	 * form fragment with 422 for htmx, the whole page with 422 otherwise.
	 */
	@PostMapping("/workspaces")
	Mono<Rendering> create(@ModelAttribute WorkspaceForm form, ServerWebExchange exchange) {
		String name = (form.name() != null) ? form.name().strip() : "";
		String description = (form.description() != null) ? form.description().strip() : "";
		if (name.isEmpty()) {
			return refused(exchange, form, "Give the workspace a name.");
		}
		return Actor.current(exchange)
			.flatMap((by) -> this.workspaces.create(name, description, by))
			.map((workspace) -> StorePages.redirect(exchange, Links.INSTANCE.workspace(workspace.name())))
			.onErrorResume(StoreException.BadRequest.class, (ex) -> refused(exchange, form, ex.getMessage()))
			.onErrorResume(StoreException.AlreadyExists.class, (ex) -> refused(exchange, form, ex.getMessage()));
	}

	private Mono<Rendering> refused(ServerWebExchange exchange, WorkspaceForm form, String message) {
		return this.workspaces.all().collectList().map((workspaces) -> StorePages
			.view(exchange, "workspaces/list", "create-form")
			.status(HttpStatus.UNPROCESSABLE_ENTITY)
			.modelAttribute("workspaces", workspaces)
			.modelAttribute("form", form)
			.modelAttribute("errors", Map.of("name", message))
			.build());
	}

	/**
	 * The filters of the policy list as the page's form sends them; absent fields are "".
	 *
	 * @param q part of a name or namespace
	 * @param kind a kind name, or "" for all
	 * @param namespace exactly this namespace, or "" for all
	 * @param label a label selector {@code key=value} or {@code key}
	 * @param at a {@code datetime-local} moment (UTC), or "" for now
	 * @param cursor the keyset cursor of the page to show, or "" for the first
	 */
	record ListForm(String q, String kind, String namespace, String label, String at, String cursor) {

		ListForm {
			q = orEmpty(q);
			kind = orEmpty(kind);
			namespace = orEmpty(namespace);
			label = orEmpty(label);
			at = orEmpty(at);
			cursor = orEmpty(cursor);
		}

		private static String orEmpty(@Nullable String value) {
			return (value != null) ? value.strip() : "";
		}

		/** Query parameters that reproduce these filters (without the cursor). */
		Map<String, String> parameters() {
			Map<String, String> parameters = new LinkedHashMap<>();
			String[][] fields = { { "q", this.q }, { "kind", this.kind }, { "namespace", this.namespace },
					{ "label", this.label }, { "at", this.at } };
			for (String[] field : fields) {
				if (!field[1].isEmpty()) {
					parameters.put(field[0], field[1]);
				}
			}
			return parameters;
		}

	}

	/**
	 * A workspace's policies, filtered, as of a moment, one keyset page at a time. For htmx: the results region, or
	 * when a cursor is given the next rows only (the "next page" link appends them).
	 */
	@GetMapping("/workspaces/{workspace}")
	Mono<Rendering> workspace(@PathVariable String workspace, @ModelAttribute ListForm filters,
			ServerWebExchange exchange) {
		Map<String, String> errors = new LinkedHashMap<>();
		PolicyKind kind = null;
		if (!filters.kind().isBlank()) {
			try {
				kind = PolicyKey.kind(filters.kind());
			}
			catch (IllegalArgumentException ex) {
				errors.put("kind", ex.getMessage());
			}
		}
		Instant parsedAt = null;
		try {
			parsedAt = Moments.parse(filters.at());
		}
		catch (IllegalArgumentException ex) {
			errors.put("at", ex.getMessage());
		}
		Instant at = parsedAt;
		String namespace = filters.namespace().isBlank() ? null : filters.namespace().strip();
		String cursor = filters.cursor().isEmpty() ? null : filters.cursor();
		PolicyQuery query = new PolicyQuery(filters.q(), kind, namespace, filters.label(), at, cursor, PAGE_SIZE);
		boolean moreRows = cursor != null;
		Mono<Page<PolicySummary>> page = errors.isEmpty() ? this.policies.list(workspace, query)
				.onErrorResume(StoreException.BadRequest.class, (ex) -> {
					errors.put("q", ex.getMessage());
					return Mono.just(new Page<>(List.of(), null));
				}) : Mono.just(new Page<>(List.of(), null));
		return Mono.zip(this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named \"" + workspace + "\"."))),
				page, this.settings.current(workspace))
			.map((found) -> StorePages.view(exchange, "workspaces/show", moreRows ? "rows" : "results")
				.modelAttribute("agentSettings", SettingsPages.Summary.of(found.getT3()))
				.modelAttribute("saved", false)
				.status(errors.isEmpty() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
				.modelAttribute("workspace", found.getT1())
				.modelAttribute("filters", filters)
				.modelAttribute("filtered", !filters.parameters().isEmpty())
				.modelAttribute("at", (at != null) ? at : Instant.EPOCH)
				.modelAttribute("asOf", at != null)
				.modelAttribute("kinds", PolicyKind.values())
				.modelAttribute("page", found.getT2())
				.modelAttribute("nextPage", nextPage(workspace, filters, found.getT2()))
				.modelAttribute("exportLink", withParameters(Links.INSTANCE.export(workspace),
						(at != null) ? Map.of("at", filters.at()) : Map.of()))
				.modelAttribute("graphLink", withParameters(Links.INSTANCE.workspaceGraph(workspace),
						(at != null) ? Map.of("at", at.toString()) : Map.of()))
				.modelAttribute("errors", errors)
				.build())
			.onErrorMap(StorePages.notFound());
	}

	private static String nextPage(String workspace, ListForm filters, Page<PolicySummary> page) {
		if (page.nextCursor() == null) {
			return "";
		}
		Map<String, String> parameters = filters.parameters();
		parameters.put("cursor", page.nextCursor());
		return withParameters(Links.INSTANCE.workspace(workspace), parameters);
	}

	private static String withParameters(String path, Map<String, String> parameters) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
		parameters.forEach((name, value) -> uri.queryParam(name, "{" + name + "}"));
		return uri.encode().buildAndExpand(parameters).toUriString();
	}

	/** The policies added, removed or changed between two moments; for htmx the comparison fragment only. */
	@GetMapping("/workspaces/{workspace}/compare")
	Mono<Rendering> compare(@PathVariable String workspace, @RequestParam(required = false) @Nullable String from,
			@RequestParam(required = false) @Nullable String to, ServerWebExchange exchange) {
		String error = null;
		Mono<WorkspaceComparison> comparison = Mono.just(new WorkspaceComparison(Instant.EPOCH, Instant.EPOCH,
				List.of()));
		try {
			Instant fromMoment = Moments.parse(from);
			Instant toMoment = Moments.parse(to);
			if (fromMoment == null || toMoment == null) {
				error = "Pick both moments to compare.";
			}
			else {
				comparison = this.policies.compare(workspace, fromMoment, toMoment);
			}
		}
		catch (IllegalArgumentException ex) {
			error = ex.getMessage();
		}
		String message = error;
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named \"" + workspace + "\".")))
			.zipWith(comparison)
			.map((found) -> StorePages.view(exchange, "workspaces/compare", "comparison")
				.status((message == null) ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
				.modelAttribute("workspace", found.getT1())
				.modelAttribute("from", (from != null) ? from : "")
				.modelAttribute("to", (to != null) ? to : "")
				.modelAttribute("comparison", found.getT2())
				.modelAttribute("error", (message != null) ? message : "")
				.build())
			.onErrorMap(StorePages.notFound());
	}

	/**
	 * The workspace (now, or as of {@code at}) as one multi-document YAML file to download; the same bytes as the
	 * REST API's export.
	 */
	@GetMapping("/workspaces/{workspace}/export")
	@ResponseBody
	Mono<ResponseEntity<Flux<String>>> export(@PathVariable String workspace,
			@RequestParam(required = false) @Nullable String at, ServerWebExchange exchange) {
		Instant moment;
		try {
			moment = Moments.parse(at);
		}
		catch (IllegalArgumentException ex) {
			return Mono.just(ResponseEntity.badRequest()
				.contentType(MediaType.TEXT_PLAIN)
				.body(Flux.just(ex.getMessage())));
		}
		String filename = workspace + ((moment != null) ? "-" + Moments.INSTANCE.input(moment).replace(":", "") : "")
				+ ".yaml";
		return Actor.current(exchange)
			.flatMap((by) -> this.exports.export(workspace, moment, by))
			.map((yaml) -> ResponseEntity.ok()
				.contentType(new MediaType("application", "yaml", StandardCharsets.UTF_8))
				.header(HttpHeaders.CONTENT_DISPOSITION,
						ContentDisposition.attachment().filename(filename, StandardCharsets.UTF_8).build().toString())
				.body(yaml))
			.onErrorMap(StorePages.notFound());
	}

}
