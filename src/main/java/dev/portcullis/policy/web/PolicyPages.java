package dev.portcullis.policy.web;

import java.util.List;
import java.util.Set;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.policy.Page;
import dev.portcullis.policy.Policies;
import dev.portcullis.policy.PolicyChanges;
import dev.portcullis.policy.PolicyDiff;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicySummary;
import dev.portcullis.policy.PolicyVersion;
import dev.portcullis.policy.SaveResult;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.editor.PolicyOverviews;
import dev.portcullis.policy.editor.PolicyOverviews.Overview;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * A policy's page (its current or any version with line numbers, metadata, history), the diff between two of its
 * versions, and the delete (tombstone) and restore actions.
 */
@Controller
@RequestMapping("/workspaces/{workspace}/policies/{kind}/{namespace}/{name}")
class PolicyPages {

	static final int HISTORY_PAGE_SIZE = 50;

	/** Notices a page shows after a change redirected to it ({@code ?notice=}); anything else is ignored. */
	private static final Set<String> NOTICES = Set.of("created", "updated", "unchanged", "deleted", "restored");

	private final Policies policies;

	private final PolicyChanges changes;

	private final PolicyOverviews overviews;

	PolicyPages(Policies policies, PolicyChanges changes, PolicyOverviews overviews) {
		this.policies = policies;
		this.changes = changes;
		this.overviews = overviews;
	}

	/**
	 * The policy at its head, or at {@code version}; the history newest first, one keyset page at a time (for htmx
	 * with {@code cursor}: the next history rows only).
	 */
	@GetMapping
	Mono<Rendering> show(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, @RequestParam(required = false) @Nullable Integer version,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable String notice, ServerWebExchange exchange) {
		String fragment = (cursor != null) ? "history-rows" : "policy";
		return Mono.defer(() -> page(workspace, StorePages.key(kind, namespace, name), version, cursor, exchange,
				fragment))
			.map((page) -> page
				.modelAttribute("notice", (notice != null && NOTICES.contains(notice)) ? notice : "")
				.modelAttribute("error", "")
				.modelAttribute("changes", "")
				.build())
			.onErrorMap(StorePages.notFound());
	}

	private Mono<Rendering.Builder<?>> page(String workspace, PolicyKey key, @Nullable Integer version,
			@Nullable String cursor, ServerWebExchange exchange, String fragment) {
		Mono<PolicyVersion> head = this.policies.get(workspace, key, null);
		Mono<PolicyVersion> shown = (version != null) ? this.policies.version(workspace, key, version) : head;
		Mono<Page<PolicySummary>> history = this.policies.history(workspace, key, cursor, HISTORY_PAGE_SIZE);
		return Mono.zip(head, shown, history).flatMap((found) -> {
			PolicyVersion current = found.getT1();
			PolicyVersion viewed = found.getT2();
			Page<PolicySummary> versions = found.getT3();
			// a tombstone has no text of its own: show the text the policy had before it was deleted
			Mono<PolicyVersion> text = Mono.just(viewed);
			if (viewed.deleted() && viewed.yaml().isBlank()) {
				text = versions.items().stream()
					.filter((item) -> item.version() < viewed.version() && !item.deleted())
					.findFirst()
					.map((live) -> this.policies.version(workspace, key, live.version()))
					.orElse(text);
			}
			boolean wholePage = !"history-rows".equals(fragment);
			return text.flatMap((textVersion) -> Mono.zip(wholePage ? this.policies.warnings(workspace, textVersion)
					: Mono.just(List.<Violation>of()), wholePage ? this.overviews.of(textVersion.yaml())
					: Mono.just(Overview.NONE)).map((extras) -> StorePages.view(exchange, "policies/show", fragment)
				.modelAttribute("workspace", workspace)
				.modelAttribute("key", key)
				.modelAttribute("head", current)
				.modelAttribute("shown", viewed)
				.modelAttribute("text", textVersion)
				.modelAttribute("isHead", viewed.version() == current.version())
				.modelAttribute("lines", lines(textVersion.yaml()))
				.modelAttribute("history", versions)
				.modelAttribute("nextHistory", (versions.nextCursor() != null)
						? Links.INSTANCE.policy(workspace, key) + "?cursor=" + encode(versions.nextCursor()) : "")
				.modelAttribute("warnings", extras.getT1())
				.modelAttribute("overview", extras.getT2())
				.modelAttribute("diffFrom", defaultFrom(viewed.version()))
				.modelAttribute("diffTo", viewed.version())));
		});
	}

	private static int defaultFrom(int version) {
		return Math.max(1, version - 1);
	}

	static List<String> lines(String text) {
		String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
		return List.of(body.split("\n", -1));
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * The line diff and structural summary between two versions; without {@code to} the head, without {@code from}
	 * the version before {@code to}.
	 */
	@GetMapping("/diff")
	Mono<Rendering> diff(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, @RequestParam(required = false) @Nullable Integer from,
			@RequestParam(required = false) @Nullable Integer to, ServerWebExchange exchange) {
		return Mono.defer(() -> {
			PolicyKey key = StorePages.key(kind, namespace, name);
			return this.policies.get(workspace, key, null).flatMap((head) -> {
				int toVersion = (to != null) ? to : head.version();
				int fromVersion = (from != null) ? from : defaultFrom(toVersion);
				return this.policies.diff(workspace, key, fromVersion, toVersion)
					.map((diff) -> StorePages.view(exchange, "policies/diff", "diff")
						.modelAttribute("workspace", workspace)
						.modelAttribute("key", key)
						.modelAttribute("head", head)
						.modelAttribute("diff", diff)
						.modelAttribute("added", count(diff, PolicyDiff.LineType.ADDED))
						.modelAttribute("removed", count(diff, PolicyDiff.LineType.REMOVED))
						.build());
			});
		}).onErrorMap(StorePages.notFound());
	}

	private static long count(PolicyDiff diff, PolicyDiff.LineType type) {
		return diff.lines().stream().filter((line) -> line.type() == type).count();
	}

	/**
	 * The delete and restore forms' fields.
	 *
	 * @param expectedVersion the head version the user saw
	 * @param fromVersion for restore: the version whose content to bring back; absent for the latest live one
	 * @param message why
	 */
	record ChangeForm(@Nullable Integer expectedVersion, @Nullable Integer fromVersion, @Nullable String message) {

		String why() {
			return (this.message != null) ? this.message.strip() : "";
		}

	}

	/** Deletes the policy by writing a tombstone version; back to the policy's page. */
	@PostMapping("/delete")
	Mono<Rendering> delete(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, @ModelAttribute ChangeForm form, ServerWebExchange exchange) {
		return change(workspace, kind, namespace, name, form, exchange, (key, expected, by) -> this.changes
			.delete(workspace, key, expected, form.why(), by));
	}

	/** Writes an earlier version's content as a new version: undoes a delete or rolls back; back to the page. */
	@PostMapping("/restore")
	Mono<Rendering> restore(@PathVariable String workspace, @PathVariable String kind, @PathVariable String namespace,
			@PathVariable String name, @ModelAttribute ChangeForm form, ServerWebExchange exchange) {
		return change(workspace, kind, namespace, name, form, exchange, (key, expected, by) -> this.changes
			.restore(workspace, key, form.fromVersion(), expected, form.why(), by));
	}

	private interface Change {

		Mono<SaveResult> apply(PolicyKey key, int expectedVersion, Actor by);

	}

	private Mono<Rendering> change(String workspace, String kind, String namespace, String name, ChangeForm form,
			ServerWebExchange exchange, Change change) {
		return Mono.defer(() -> {
			PolicyKey key = StorePages.key(kind, namespace, name);
			if (form.expectedVersion() == null) {
				return refused(workspace, key, exchange, HttpStatus.UNPROCESSABLE_ENTITY,
						"The form did not say which version you saw; reload the page and try again.", "");
			}
			return Actor.current(exchange)
				.flatMap((by) -> change.apply(key, form.expectedVersion(), by))
				.map((result) -> StorePages.redirect(exchange, Links.INSTANCE.policy(workspace, key) + "?notice="
						+ result.outcome().name().toLowerCase(java.util.Locale.ROOT)))
				.onErrorResume(StoreException.Conflict.class, (ex) -> refused(workspace, key, exchange,
						HttpStatus.CONFLICT, ex.getMessage(), changedMeanwhile(workspace, key, ex)))
				.onErrorResume(StoreException.BadRequest.class, (ex) -> refused(workspace, key, exchange,
						HttpStatus.UNPROCESSABLE_ENTITY, ex.getMessage(), ""))
				.onErrorResume(StoreException.Invalid.class, (ex) -> refused(workspace, key, exchange,
						HttpStatus.UNPROCESSABLE_ENTITY, ex.getMessage(), ""))
				.onErrorResume(StoreException.Protected.class, (ex) -> refused(workspace, key, exchange,
						HttpStatus.CONFLICT, ex.getMessage() + " (Change requests: " + ex.proposeAt() + ")", ""));
		}).onErrorMap(StorePages.notFound());
	}

	/** The diff from the version the user saw to the head that replaced it, "" when there is nothing to compare. */
	private static String changedMeanwhile(String workspace, PolicyKey key, StoreException.Conflict conflict) {
		Integer seen = conflict.expectedVersion();
		PolicySummary current = conflict.current();
		return (seen != null && current != null && current.version() != seen)
				? Links.INSTANCE.diff(workspace, key, seen, current.version()) : "";
	}

	/**
	 * The policy's page (as it is now) with the reason a change was refused at the top, and for a conflict a link
	 * to what changed meanwhile.
	 */
	private Mono<Rendering> refused(String workspace, PolicyKey key, ServerWebExchange exchange, HttpStatus status,
			String message, String changes) {
		return page(workspace, key, null, null, exchange, "policy").map((page) -> page.status(status)
			.modelAttribute("notice", "")
			.modelAttribute("error", message)
			.modelAttribute("changes", changes)
			.build());
	}

}
