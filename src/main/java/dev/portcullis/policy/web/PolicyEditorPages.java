package dev.portcullis.policy.web;

import java.util.List;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.PolicyDiff;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicySummary;
import dev.portcullis.policy.SaveResult;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.yaml.YamlProperties;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * The YAML editor for a new policy and for a new version of an existing one. The form carries the version it was
 * based on; a save on top of a version that someone else has replaced is refused (409) with the changes made
 * meanwhile and the user's text kept, never a silent overwrite. Invalid text is refused (422) with the engine's
 * violations, each with line and column.
 */
@Controller
class PolicyEditorPages {

	private final Workspaces workspaces;

	private final Policies policies;

	private final PolicyChanges changes;

	private final WorkspaceSettings settings;

	private final int maxChars;

	PolicyEditorPages(Workspaces workspaces, Policies policies, PolicyChanges changes, WorkspaceSettings settings,
			YamlProperties yaml) {
		this.workspaces = workspaces;
		this.policies = policies;
		this.changes = changes;
		this.settings = settings;
		this.maxChars = yaml.maxInputChars();
	}

	/**
	 * The editor's fields.
	 *
	 * @param yaml one policy object as the user wrote it
	 * @param message why
	 * @param baseVersion the head version the text was based on; absent to create
	 */
	record PolicyForm(String yaml, String message, @Nullable Integer baseVersion) {

		PolicyForm {
			yaml = (yaml != null) ? yaml.replace("\r\n", "\n") : "";
			message = (message != null) ? message.strip() : "";
		}

		PolicyForm basedOn(@Nullable Integer version) {
			return new PolicyForm(this.yaml, this.message, version);
		}

	}

	/**
	 * What the editor shows besides the form after a refused save.
	 *
	 * @param error one sentence at the top, "" for none
	 * @param violations the engine's errors and warnings about the text
	 * @param conflict what changed meanwhile, null unless the save came too late
	 * @param exists the policy a "New policy" text names, which exists already; null otherwise
	 */
	record Feedback(String error, List<Violation> violations, @Nullable ConflictView conflict,
			@Nullable PolicySummary exists) {

		static final Feedback NONE = message("");

		static Feedback message(String error) {
			return new Feedback(error, List.of(), null, null);
		}

	}

	/**
	 * A save that came too late.
	 *
	 * @param base the version the user started from, null when they created a policy that exists meanwhile
	 * @param current the head now
	 * @param diff from the base to the head, null when there is no base
	 * @param theirs the head's text, which the editor can load to merge by hand; "" when the head is a delete
	 */
	record ConflictView(@Nullable Integer base, PolicySummary current, @Nullable PolicyDiff diff, String theirs) {
	}

	/** The new-policy editor, empty or filled with a {@link PolicyTemplate} ({@code ?template=http}). */
	@GetMapping("/workspaces/{workspace}/policies/new")
	Mono<Rendering> create(@PathVariable String workspace, @RequestParam(required = false) @Nullable String template,
			ServerWebExchange exchange) {
		String yaml = (template != null) ? PolicyTemplate.find(template).map(PolicyTemplate::yaml).orElse("") : "";
		Feedback feedback = (template != null && yaml.isEmpty())
				? Feedback.message("There is no template called \"" + template + "\"; pick one from the list.")
				: Feedback.NONE;
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)))
			.flatMap((found) -> editor(exchange, workspace, null, new PolicyForm(yaml, "", null), feedback))
			.map((editor) -> editor.modelAttribute("chosenTemplate", (template != null) ? template : "").build());
	}

	/**
	 * The new-policy editor filled with a drafted text posted by another page (the recommendations page's "Open in
	 * the editor"): nothing is saved; the form is a create form marked unsaved, and saving it needs AUTHOR as ever.
	 * Posted, not put in a URL, because a draft may be large.
	 */
	@PostMapping("/workspaces/{workspace}/policies/new/draft")
	Mono<Rendering> createFromDraft(@PathVariable String workspace, @ModelAttribute PolicyForm form,
			ServerWebExchange exchange) {
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)))
			.flatMap((found) -> editor(exchange, workspace, null, form.basedOn(null), Feedback.message("")))
			.map((editor) -> editor.build());
	}

	@PostMapping("/workspaces/{workspace}/policies/new")
	Mono<Rendering> saveNew(@PathVariable String workspace, @ModelAttribute PolicyForm form,
			ServerWebExchange exchange) {
		return save(workspace, null, form.basedOn(null), exchange);
	}

	@GetMapping("/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/edit")
	Mono<Rendering> edit(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, ServerWebExchange exchange) {
		return Mono.defer(() -> {
			PolicyKey key = StorePages.key(kind, namespace, name);
			return this.policies.get(workspace, key, null).flatMap((head) -> {
				if (!head.deleted()) {
					return Mono.just(new PolicyForm(head.yaml(), "", head.version()));
				}
				// editing a deleted policy creates it again, from the text it had before the delete
				return lastLiveText(workspace, key).map((yaml) -> new PolicyForm(yaml, "", null));
			}).flatMap((form) -> editor(exchange, workspace, key, form, Feedback.NONE)).map(Rendering.Builder::build);
		}).onErrorMap(StorePages.notFound());
	}

	/** The text of the newest version that is not a tombstone, "" when there is none on the first history page. */
	private Mono<String> lastLiveText(String workspace, PolicyKey key) {
		return this.policies.history(workspace, key, null, PolicyPages.HISTORY_PAGE_SIZE)
			.flatMap((page) -> page.items().stream()
				.filter((version) -> !version.deleted())
				.findFirst()
				.map((live) -> this.policies.version(workspace, key, live.version()).map((version) -> version.yaml()))
				.orElse(Mono.just("")));
	}

	@PostMapping("/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/edit")
	Mono<Rendering> saveEdit(@PathVariable String workspace, @PathVariable String kind,
			@PathVariable String namespace, @PathVariable String name, @ModelAttribute PolicyForm form,
			ServerWebExchange exchange) {
		return Mono.defer(() -> save(workspace, StorePages.key(kind, namespace, name), form, exchange))
			.onErrorMap(StorePages.notFound());
	}

	private Mono<Rendering> save(String workspace, @Nullable PolicyKey key, PolicyForm form,
			ServerWebExchange exchange) {
		if (form.yaml().isBlank()) {
			return refused(exchange, workspace, key, form, Feedback.message("Write the policy's YAML first."),
					HttpStatus.UNPROCESSABLE_ENTITY);
		}
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.save(workspace, key, form.yaml(), form.baseVersion(), form.message(), by))
			.map((result) -> saved(exchange, workspace, result))
			.onErrorResume(StoreException.Invalid.class, (ex) -> refused(exchange, workspace, key, form,
					new Feedback(ex.getMessage(), ex.violations(), null, null), HttpStatus.UNPROCESSABLE_ENTITY))
			.onErrorResume(StoreException.BadRequest.class, (ex) -> refused(exchange, workspace, key, form,
					Feedback.message(ex.getMessage()), HttpStatus.UNPROCESSABLE_ENTITY))
			.onErrorResume(StoreException.TooLarge.class, (ex) -> refused(exchange, workspace, key, form,
					Feedback.message(ex.getMessage()), HttpStatus.CONTENT_TOO_LARGE))
			.onErrorResume(StoreException.Conflict.class, (ex) -> conflict(exchange, workspace, key, form, ex))
			// a protected workspace: the text stays in the editor, whose "Propose as a change" takes it on
			.onErrorResume(StoreException.Protected.class, (ex) -> refused(exchange, workspace, key, form,
					Feedback.message(ex.getMessage()), HttpStatus.CONFLICT))
			.onErrorResume(EngineBusy.class, (ex) -> editor(exchange, workspace, key, form,
					Feedback.message(ex.getReason()))
				.map((editor) -> editor.status(HttpStatus.TOO_MANY_REQUESTS)
					.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()))
					.build()));
	}

	private static Rendering saved(ServerWebExchange exchange, String workspace, SaveResult result) {
		String notice = result.outcome().name().toLowerCase(java.util.Locale.ROOT);
		return StorePages.redirect(exchange,
				Links.INSTANCE.policy(workspace, result.version().key()) + "?notice=" + notice);
	}

	/**
	 * The editor again with what changed since the user's base version, their text kept, and the form now based
	 * on the current head: saving again replaces it knowingly. Creating ("New policy") is different: a text that
	 * names an existing policy is refused with a link to it, and the form stays a create form, so that saving again
	 * is refused again and never replaces the policy.
	 */
	private Mono<Rendering> conflict(ServerWebExchange exchange, String workspace, @Nullable PolicyKey key,
			PolicyForm form, StoreException.Conflict conflict) {
		PolicySummary current = conflict.current();
		if (current == null) {
			// the policy the user edited is gone entirely; what they wrote can only be created anew
			return refused(exchange, workspace, key, form.basedOn(null), Feedback.message(conflict.getMessage()),
					HttpStatus.CONFLICT);
		}
		if (key == null) {
			return refused(exchange, workspace, null, form.basedOn(null),
					new Feedback(conflict.getMessage(), List.of(), null, current), HttpStatus.CONFLICT);
		}
		Integer base = conflict.expectedVersion();
		Integer rebased = current.deleted() ? null : current.version();
		Mono<String> theirs = current.deleted() ? Mono.just("")
				: this.policies.version(workspace, current.key(), current.version()).map((version) -> version.yaml());
		return theirs.flatMap((text) -> {
			Mono<@Nullable PolicyDiff> diff = (base != null)
					? this.policies.diff(workspace, current.key(), base, current.version()) : Mono.empty();
			return diff.map((changes) -> new ConflictView(base, current, changes, text))
				.defaultIfEmpty(new ConflictView(base, current, null, text));
		})
			.flatMap((view) -> refused(exchange, workspace, key, form.basedOn(rebased),
					new Feedback(conflict.getMessage(), List.of(), view, null), HttpStatus.CONFLICT));
	}

	/**
	 * The editor page (or its form fragment for htmx), with what its live checks need: the workspace's Cilium
	 * version, the longest text the server accepts, and the templates to start from.
	 */
	private Mono<Rendering.Builder<?>> editor(ServerWebExchange exchange, String workspace, @Nullable PolicyKey key,
			PolicyForm form, Feedback feedback) {
		boolean creating = key == null;
		String action = creating ? Links.INSTANCE.newPolicy(workspace) : Links.INSTANCE.edit(workspace, key);
		return this.settings.current(workspace)
			.map((current) -> current.settings().ciliumVersion().toString())
			.onErrorReturn(StoreException.NotFound.class, "")
			.map((ciliumVersion) -> StorePages.view(exchange, "policies/edit", "editor")
				.modelAttribute("workspace", workspace)
				.modelAttribute("key", (key != null) ? key : "")
				.modelAttribute("creating", creating)
				.modelAttribute("action", action)
				.modelAttribute("form", form)
				.modelAttribute("feedback", feedback)
				.modelAttribute("unsaved", feedback != Feedback.NONE)
				.modelAttribute("ciliumVersion", ciliumVersion)
				.modelAttribute("maxChars", this.maxChars)
				.modelAttribute("templates", PolicyTemplate.ALL)
				.modelAttribute("chosenTemplate", ""));
	}

	private Mono<Rendering> refused(ServerWebExchange exchange, String workspace, @Nullable PolicyKey key,
			PolicyForm form, Feedback feedback, HttpStatus status) {
		return editor(exchange, workspace, key, form, feedback).map((editor) -> editor.status(status).build());
	}

}
