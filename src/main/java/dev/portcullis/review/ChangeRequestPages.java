package dev.portcullis.review;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.compute.EngineBusy;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Forbidden;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyDiff;
import dev.portcullis.policy.PolicyKey;
import dev.portcullis.policy.PolicySummary;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.policy.editor.PolicyOverviews;
import dev.portcullis.policy.web.Links;
import dev.portcullis.policy.web.Moments;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The review pages: a workspace's change requests ({@code /workspaces/{ws}/change-requests}), proposing one (from
 * scratch, or prefilled by the editor's and the import page's "Propose" buttons), the review page of one change
 * request (what it does to each policy, the rules, expectations and replay impact, reviews and comments, and the
 * buttons to review, merge, revise and withdraw), and the protection rules ({@code /workspaces/{ws}/protection}).
 * Every action goes through the same services as the API, which check the roles and rules; a refusal shows its
 * message on the page, never a 500.
 */
@Controller
class ChangeRequestPages {

	private final Workspaces workspaces;

	private final ChangeRequests changeRequests;

	private final Merges merges;

	private final ChangeRequestRows rows;

	private final Protections protections;

	private final Impacts impacts;

	private final ChangeSets changeSets;

	private final PolicyOverviews overviews;

	ChangeRequestPages(Workspaces workspaces, ChangeRequests changeRequests, Merges merges, ChangeRequestRows rows,
			Protections protections, Impacts impacts, ChangeSets changeSets, PolicyOverviews overviews) {
		this.workspaces = workspaces;
		this.changeRequests = changeRequests;
		this.merges = merges;
		this.rows = rows;
		this.protections = protections;
		this.impacts = impacts;
		this.changeSets = changeSets;
		this.overviews = overviews;
	}

	// ---------------------------------------------------------------- views

	/** The propose or revise form's values. */
	record ProposalForm(String title, String description, String changes, String deletes, @Nullable Integer revision) {

		static ProposalForm of(MultiValueMap<String, String> form) {
			String changes = first(form, "changes");
			if (changes.isEmpty()) {
				// the editor's form posts its text as "yaml", the import page's as "bundle"
				changes = first(form, "yaml").isEmpty() ? first(form, "bundle") : first(form, "yaml");
			}
			Integer revision = null;
			try {
				String r = first(form, "revision");
				revision = r.isBlank() ? null : Integer.valueOf(r.strip());
			}
			catch (NumberFormatException ex) {
				revision = null;
			}
			// the editor's message is the natural title
			String title = first(form, "title").isEmpty() ? first(form, "message") : first(form, "title");
			return new ProposalForm(title, first(form, "description"), changes.replace("\r\n", "\n"),
					first(form, "deletes"), revision);
		}

		private static String first(MultiValueMap<String, String> form, String name) {
			String value = form.getFirst(name);
			return (value != null) ? value : "";
		}

	}

	/** One thread: its first comment and the replies. */
	record Thread(Comment first, List<Comment> replies) {
	}

	/**
	 * One policy of the latest revision as the review page shows it.
	 *
	 * @param action CREATE, CHANGE or DELETE
	 * @param before what it does at the base; after: as the change leaves it
	 */
	record PolicyView(String key, String anchor, String action, @Nullable Integer base, ChangeSets.PolicyChange change,
			PolicyOverviews.Overview before, PolicyOverviews.Overview after, List<Thread> threads) {
	}

	/**
	 * One revision as the review page lists it, with what changed in its text since the previous revision (none for
	 * the first).
	 */
	record RevisionView(Revision revision, @Nullable Integer previous, List<PolicyDiff.Line> changesSincePrevious) {

		static List<RevisionView> of(List<Revision> revisions) {
			List<RevisionView> views = new ArrayList<>(revisions.size());
			for (int i = 0; i < revisions.size(); i++) {
				Revision r = revisions.get(i);
				views.add((i == 0) ? new RevisionView(r, null, List.of())
						: new RevisionView(r, revisions.get(i - 1).revision(),
								PolicyDiff.linesBetween(revisions.get(i - 1).changes(), r.changes())));
			}
			return views;
		}

	}

	/** A version a merge wrote, with the link to it. */
	record MergedVersion(String key, int version, boolean deleted, String href) {

		static MergedVersion of(String workspace, PolicySummary v) {
			return new MergedVersion(v.key().toString(), v.version(), v.deleted(),
					Links.INSTANCE.version(workspace, v.key(), v.version()));
		}

	}

	// ---------------------------------------------------------------- list

	@GetMapping("/workspaces/{workspace}/change-requests")
	Mono<Rendering> list(@PathVariable String workspace, @RequestParam(required = false) @Nullable String status,
			ServerWebExchange exchange) {
		ChangeRequest.Status wanted = null;
		if (status != null && !status.isBlank()) {
			try {
				wanted = ChangeRequest.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				wanted = null;
			}
		}
		ChangeRequest.Status filter = wanted;
		return this.protections.of(workspace)
			.zipWith(this.rows.list(workspace, filter, 200).collectList())
			.map((found) -> view(exchange, "review/list")
				.modelAttribute("workspace", workspace)
				.modelAttribute("rules", found.getT1())
				.modelAttribute("items", found.getT2())
				.modelAttribute("status", (filter != null) ? filter.name() : "")
				.build())
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()));
	}

	// ---------------------------------------------------------------- propose and revise

	@GetMapping("/workspaces/{workspace}/change-requests/new")
	Mono<Rendering> newForm(@PathVariable String workspace, ServerWebExchange exchange) {
		return form(exchange, workspace, null, new ProposalForm("", "", "", "", null), "", List.of(), HttpStatus.OK);
	}

	/** The form's fields, urlencoded or multipart (the import page's form; its file part is not read). */
	static Mono<MultiValueMap<String, String>> fields(ServerWebExchange exchange) {
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		if (type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
			return exchange.getMultipartData().map((parts) -> {
				MultiValueMap<String, String> fields = new LinkedMultiValueMap<>();
				parts.forEach((name, values) -> values.forEach((part) -> {
					if (part instanceof FormFieldPart field) {
						fields.add(name, field.value());
					}
				}));
				return fields;
			});
		}
		return exchange.getFormData();
	}

	@PostMapping("/workspaces/{workspace}/change-requests/new")
	Mono<Rendering> propose(@PathVariable String workspace, ServerWebExchange exchange) {
		return fields(exchange).flatMap((data) -> {
			ProposalForm form = ProposalForm.of(data);
			if (data.containsKey("draft")) {
				// from the editor or the import page: the form, filled with their text
				return form(exchange, workspace, null, form, "", List.of(), HttpStatus.OK);
			}
			List<PolicyKey> deletes;
			try {
				deletes = deletes(form.deletes());
			}
			catch (IllegalArgumentException ex) {
				return form(exchange, workspace, null, form, ex.getMessage(), List.of(), HttpStatus.UNPROCESSABLE_CONTENT);
			}
			ChangeRequests.Proposal proposal = new ChangeRequests.Proposal(form.title(), form.description(),
					form.changes(), deletes);
			return Actor.current(exchange)
				.flatMap((by) -> this.changeRequests.propose(workspace, proposal, by))
				.map((created) -> redirect(exchange, href(workspace, created.id())))
				.onErrorResume((ex) -> refusal(ex) != null,
						(ex) -> form(exchange, workspace, null, form, refusal(ex), violations(ex), status(ex)));
		});
	}

	@GetMapping("/workspaces/{workspace}/change-requests/{id}/edit")
	Mono<Rendering> editForm(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return this.merges.standing(workspace, number, false)
			.onErrorMap(ApiProblem.class, (ex) -> new PageError(ex.status(), ex.getMessage()))
			.flatMap((standing) -> form(exchange, workspace, standing.change(), new ProposalForm(
					standing.change().title(), standing.change().description(), standing.latest().changes(),
					String.join("\n", standing.latest().deletes().stream().map(PolicyKey::toString).toList()),
					standing.change().revision()), "", List.of(), HttpStatus.OK));
	}

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/edit")
	Mono<Rendering> revise(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return this.rows.find(workspace, number, false)
			.onErrorMap(ApiProblem.class, (ex) -> new PageError(ex.status(), ex.getMessage()))
			.flatMap((change) -> exchange.getFormData().flatMap((data) -> {
				ProposalForm form = ProposalForm.of(data);
				List<PolicyKey> deletes;
				try {
					deletes = deletes(form.deletes());
				}
				catch (IllegalArgumentException ex) {
					return form(exchange, workspace, change, form, ex.getMessage(), List.of(),
							HttpStatus.UNPROCESSABLE_CONTENT);
				}
				ChangeRequests.Proposal proposal = new ChangeRequests.Proposal(form.title(), form.description(),
						form.changes(), deletes);
				return Actor.current(exchange)
					.flatMap((by) -> this.changeRequests.revise(workspace, number, proposal, form.revision(), by))
					.map((revised) -> redirect(exchange, href(workspace, number)))
					.onErrorResume((ex) -> refusal(ex) != null,
							(ex) -> form(exchange, workspace, change, form, refusal(ex), violations(ex), status(ex)));
			}));
	}

	private Mono<Rendering> form(ServerWebExchange exchange, String workspace, @Nullable ChangeRequest change,
			ProposalForm form, String banner, List<Violation> problems, HttpStatus status) {
		return this.workspaces.id(workspace)
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.map((ws) -> view(exchange, "review/form")
				.status(status)
				.modelAttribute("workspace", workspace)
				.modelAttribute("change", change)
				.modelAttribute("form", form)
				.modelAttribute("banner", banner)
				.modelAttribute("problems", problems)
				.build());
	}

	/** Deletes as the form takes them: one {@code Kind/namespace/name} (or {@code Kind/name}) a line. */
	static List<PolicyKey> deletes(String text) {
		List<PolicyKey> keys = new ArrayList<>();
		for (String line : text.split("\n")) {
			String l = line.strip();
			if (l.isEmpty()) {
				continue;
			}
			String[] parts = l.split("/");
			if (parts.length < 2 || parts.length > 3) {
				throw new IllegalArgumentException("Write each policy to delete as Kind/namespace/name (or Kind/name"
						+ " for a cluster-wide one), one a line; \"" + l + "\" is neither.");
			}
			try {
				keys.add((parts.length == 3) ? PolicyKey.parse(parts[0], parts[1], parts[2])
						: PolicyKey.parse(parts[0], PolicyKey.NO_NAMESPACE_SEGMENT, parts[1]));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Cannot delete \"" + l + "\": " + ex.getMessage() + ".");
			}
		}
		return keys;
	}

	// ---------------------------------------------------------------- the review page

	@GetMapping("/workspaces/{workspace}/change-requests/{id}")
	Mono<Rendering> page(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		return page(exchange, workspace, id(id), "", HttpStatus.OK);
	}

	private Mono<Rendering> page(ServerWebExchange exchange, String workspace, long id, String banner,
			HttpStatus status) {
		return this.merges.standing(workspace, id, true)
			.onErrorMap(ApiProblem.class, (ex) -> new PageError(ex.status(), ex.getMessage()))
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.flatMap((standing) -> Mono.zip(this.impacts.of(workspace, standing), policies(workspace, standing),
					Actor.current(exchange), this.changeSets.mergedBy(workspace, id)
						.map((v) -> MergedVersion.of(workspace, v)).collectList())
				.map((found) -> {
					ChangeRequest change = standing.change();
					Actor actor = found.getT3();
					boolean open = !change.status().closed();
					boolean isAuthor = change.author().equalsIgnoreCase(actor.username());
					boolean wroteLatest = standing.latest().author().equalsIgnoreCase(actor.username());
					return view(exchange, "review/change")
						.status(status)
						.modelAttribute("workspace", workspace)
						.modelAttribute("s", standing)
						.modelAttribute("change", change)
						.modelAttribute("impact", found.getT1())
						.modelAttribute("policies", found.getT2())
						.modelAttribute("threads", threads(standing.comments(), null))
						.modelAttribute("revisions", RevisionView.of(standing.revisions()))
						.modelAttribute("mergedVersions", found.getT4())
						.modelAttribute("banner", banner)
						.modelAttribute("isAuthor", isAuthor)
						.modelAttribute("wroteLatest", wroteLatest)
						.modelAttribute("canReview", open && !isAuthor && !wroteLatest && actor.has(Role.REVIEWER))
						.modelAttribute("canMerge", open && (isAuthor || actor.has(Role.REVIEWER)) && actor.has(Role.AUTHOR))
						.modelAttribute("canBypass", open && actor.has(Role.ADMIN) && !standing.mergeable())
						.modelAttribute("canRevise", open && (isAuthor || actor.has(Role.ADMIN)) && actor.has(Role.AUTHOR))
						.modelAttribute("canComment", open && actor.has(Role.AUTHOR))
						.modelAttribute("href", href(workspace, change.id()))
						.build();
				}));
	}

	private Mono<List<PolicyView>> policies(String workspace, Merges.Standing standing) {
		Revision latest = standing.latest();
		return this.changeSets.diffs(workspace, latest.changes(), latest.policies())
			.onErrorResume(StoreException.class, (ex) -> Mono.just(List.of()))
			.flatMapMany(Flux::fromIterable)
			.concatMap((change) -> Mono.zip(this.overviews.of(change.before()), this.overviews.of(change.after()))
				.map((both) -> {
					ChangeSets.Touched t = change.touched();
					String key = t.key().toString();
					return new PolicyView(key, "policy-" + key.replaceAll("[^A-Za-z0-9-]", "-"),
							t.deleted() ? "DELETE" : (t.base() == null) ? "CREATE" : "CHANGE", t.base(), change,
							both.getT1(), both.getT2(), threads(standing.comments(), key));
				}))
			.collectList();
	}

	/** The threads on {@code policy} (null: on the change itself), oldest first. */
	static List<Thread> threads(List<Comment> comments, @Nullable String policy) {
		Map<Long, Thread> threads = new LinkedHashMap<>();
		for (Comment c : comments) {
			if (c.parentId() == null && java.util.Objects.equals(c.policy(), policy)) {
				threads.put(c.id(), new Thread(c, new ArrayList<>()));
			}
		}
		for (Comment c : comments) {
			if (c.parentId() != null && threads.containsKey(c.parentId())) {
				threads.get(c.parentId()).replies().add(c);
			}
		}
		return List.copyOf(threads.values());
	}

	// ---------------------------------------------------------------- actions

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/reviews")
	Mono<Rendering> review(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return act(exchange, workspace, number, "#reviews", (data, by) -> {
			Review.Decision decision;
			try {
				decision = Review.Decision.valueOf(String.valueOf(data.getFirst("decision")));
			}
			catch (IllegalArgumentException ex) {
				return Mono.error(ApiProblem.badRequest("invalid-request", "Invalid request",
						"Choose approve, request changes or comment."));
			}
			String body = (data.getFirst("body") != null) ? data.getFirst("body") : "";
			return this.changeRequests.review(workspace, number, decision, body, by).then();
		});
	}

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/merge")
	Mono<Rendering> merge(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return act(exchange, workspace, number, "", (data, by) -> {
			String reason = data.getFirst("reason");
			boolean bypass = data.containsKey("bypass");
			return this.merges.merge(workspace, number, bypass ? ((reason != null) ? reason : "") : null, by).then();
		});
	}

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/withdraw")
	Mono<Rendering> withdraw(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return act(exchange, workspace, number, "",
				(data, by) -> this.changeRequests.withdraw(workspace, number, by).then());
	}

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/comments")
	Mono<Rendering> comment(@PathVariable String workspace, @PathVariable String id, ServerWebExchange exchange) {
		long number = id(id);
		return act(exchange, workspace, number, "#comments", (data, by) -> {
			String policy = data.getFirst("policy");
			Integer line = null;
			Long parent = null;
			try {
				String l = data.getFirst("line");
				line = (l == null || l.isBlank()) ? null : Integer.valueOf(l.strip());
				String p = data.getFirst("parentId");
				parent = (p == null || p.isBlank()) ? null : Long.valueOf(p.strip());
			}
			catch (NumberFormatException ex) {
				return Mono.error(ApiProblem.badRequest("invalid-comment", "Invalid comment",
						"A line is a number from 1."));
			}
			String body = (data.getFirst("body") != null) ? data.getFirst("body") : "";
			return this.changeRequests.comment(workspace, number, body, (policy == null || policy.isBlank()) ? null
					: policy, line, parent, by).then();
		});
	}

	@PostMapping("/workspaces/{workspace}/change-requests/{id}/comments/{comment}/resolve")
	Mono<Rendering> resolve(@PathVariable String workspace, @PathVariable String id, @PathVariable String comment,
			ServerWebExchange exchange) {
		long number = id(id);
		long thread = id(comment);
		return act(exchange, workspace, number, "#comment-" + thread, (data, by) -> this.changeRequests
			.resolve(workspace, number, thread, !"false".equals(data.getFirst("resolved")), by).then());
	}

	private Mono<Rendering> act(ServerWebExchange exchange, String workspace, long id, String anchor,
			java.util.function.BiFunction<MultiValueMap<String, String>, Actor, Mono<Void>> action) {
		return exchange.getFormData()
			.zipWith(Actor.current(exchange))
			.flatMap((both) -> action.apply(both.getT1(), both.getT2()))
			.then(Mono.fromSupplier(() -> redirect(exchange, href(workspace, id) + anchor)))
			.onErrorResume((ex) -> refusal(ex) != null, (ex) -> page(exchange, workspace, id, refusal(ex), status(ex)));
	}

	// ---------------------------------------------------------------- protection

	@GetMapping("/workspaces/{workspace}/protection")
	Mono<Rendering> protection(@PathVariable String workspace, ServerWebExchange exchange) {
		return this.protections.of(workspace)
			.onErrorMap(StoreException.NotFound.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.zipWith(Actor.current(exchange))
			.map((found) -> protectionView(exchange, workspace, found.getT1(), "", false, HttpStatus.OK,
					found.getT2().has(Role.ADMIN)));
	}

	@PostMapping("/workspaces/{workspace}/protection")
	Mono<Rendering> protect(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((data) -> {
			int approvals;
			try {
				approvals = Integer.parseInt(String.valueOf(data.getFirst("requiredApprovals")).strip());
			}
			catch (NumberFormatException ex) {
				approvals = 0;
			}
			ProtectionRules rules = new ProtectionRules(data.containsKey("protected"), approvals,
					data.containsKey("dismissStaleApprovals"), data.containsKey("requireLastRevisionApproval"),
					data.containsKey("requireExpectations"));
			return Actor.current(exchange).flatMap((by) -> this.protections.set(workspace, rules, by)
				.map((saved) -> protectionView(exchange, workspace, saved, "", true, HttpStatus.OK, true))
				.onErrorResume((ex) -> refusal(ex) != null, (ex) -> Mono.just(protectionView(exchange, workspace,
						rules, refusal(ex), false, status(ex), by.has(Role.ADMIN)))));
		});
	}

	private static Rendering protectionView(ServerWebExchange exchange, String workspace, ProtectionRules rules,
			String banner, boolean saved, HttpStatus status, boolean canAdmin) {
		return view(exchange, "review/protection")
			.status(status)
			.modelAttribute("canAdmin", canAdmin)
			.modelAttribute("workspace", workspace)
			.modelAttribute("rules", rules)
			.modelAttribute("banner", banner)
			.modelAttribute("saved", saved)
			.build();
	}

	// ---------------------------------------------------------------- shared

	static String href(String workspace, long id) {
		return "/workspaces/" + workspace + "/change-requests/" + id;
	}

	/** The message a refusal shows on the page; null for an error that is not a refusal. */
	static @Nullable String refusal(Throwable ex) {
		if (ex instanceof StoreException.Invalid invalid) {
			return ex.getMessage() + " Nothing was saved.";
		}
		if (ex instanceof StoreException || ex instanceof ApiProblem) {
			return ex.getMessage();
		}
		if (ex instanceof Forbidden forbidden) {
			return "Your role does not allow this: " + forbidden.action() + " needs the role "
					+ forbidden.required().name().toLowerCase(Locale.ROOT) + ".";
		}
		if (ex instanceof EngineBusy busy) {
			return "The engine is busy; try again in " + busy.retryAfterSeconds() + " s.";
		}
		return null;
	}

	static HttpStatus status(Throwable ex) {
		if (ex instanceof ApiProblem problem) {
			return problem.status();
		}
		if (ex instanceof Forbidden) {
			return HttpStatus.FORBIDDEN;
		}
		if (ex instanceof StoreException.NotFound) {
			return HttpStatus.NOT_FOUND;
		}
		if (ex instanceof StoreException.BaseMoved) {
			return HttpStatus.CONFLICT;
		}
		if (ex instanceof EngineBusy) {
			return HttpStatus.TOO_MANY_REQUESTS;
		}
		return HttpStatus.UNPROCESSABLE_CONTENT;
	}

	static List<Violation> violations(Throwable ex) {
		return (ex instanceof StoreException.Invalid invalid)
				? invalid.violations().stream().filter(Violation::isError).toList() : List.of();
	}

	private static long id(String text) {
		long n = ChangeRequestNumber.parse(text);
		if (n >= 1) {
			return n;
		}
		throw new PageError(HttpStatus.NOT_FOUND, "There is no change request " + text + ".");
	}

	private static Rendering.Builder<?> view(ServerWebExchange exchange, String template) {
		Htmx.varyOnRequest(exchange);
		return Rendering.view(template).modelAttribute("moments", Moments.INSTANCE);
	}

	private static Rendering redirect(ServerWebExchange exchange, String location) {
		return Rendering.redirectTo(location).status(HttpStatus.SEE_OTHER).build();
	}

}
