package dev.portcullis.publish;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.PageError;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * Publishing pages: the workspace's publishing page ({@code /workspaces/{ws}/publishing}: targets with their last
 * recorded drift check, the forms that add a Git and a Kubernetes target (admins; credential fields write-only), the
 * publish form (reviewers: "Show the plan" queues a dry run, "Publish now" an apply) and recent publications), a
 * target's page (settings, drift with "Check now", "Publish again" and "Propose the live state as a change",
 * an "Edit" form for admins (the add form's fields, filled; secrets "set" or "not set", an empty one kept), delete),
 * a publication's record (status, plan as diffs, results, commit, error; polls itself while it runs; "Apply this
 * plan" after a dry run, "Retry" after a failure), and the summary fragment the workspace page loads.
 */
@Controller
class PublishPages {

	/** A credential named in a check's message: {@code (auth.privateKey ...}. */
	private static final Pattern CREDENTIAL = Pattern.compile("\\(auth\\.(privateKey|passphrase|knownHosts)\\b");

	/** A check's message about the forge's API ({@code The GitHub API at ...}, {@code Cannot reach the GitLab API}). */
	private static final Pattern FORGE_API = Pattern.compile("\\b(GitHub|GitLab) API at ");

	private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final TypeReference<List<PlanItem>> PLAN = new TypeReference<>() {
	};

	private static final TypeReference<List<ObjectResult>> RESULTS = new TypeReference<>() {
	};

	private static final AddForm GIT_FORM = new AddForm(Map.of("branch", "main", "authType", "none", "forgeKind",
			"none"), Map.of(), "");

	private static final String[] GIT_FIELDS = { "name", "url", "branch", "path", "authType", "username", "knownHosts",
			"forgeKind", "forgeApiUrl", "forgeProject", "forgePullRequest", "forgeCommitStatus" };

	private static final String[] KUBERNETES_FIELDS = { "name", "server", "caData", "authType" };

	private static final AddForm KUBERNETES_FORM = new AddForm(Map.of("authType", "token"), Map.of(), "");

	private final Targets targets;

	private final Publications publications;

	private final Drifts drifts;

	private final JsonMapper json;

	private final PublishSettings settings;

	private final LiveProposals proposals;

	private final NodeRollouts rollouts;

	PublishPages(Targets targets, Publications publications, Drifts drifts, JsonMapper json, PublishSettings settings,
			LiveProposals proposals, NodeRollouts rollouts) {
		this.rollouts = rollouts;
		this.settings = settings;
		this.proposals = proposals;
		this.targets = targets;
		this.publications = publications;
		this.drifts = drifts;
		this.json = json;
	}

	/** A target as its row in the page. */
	record TargetView(String name, String type, String where, String auth, String drift, String driftBadge,
			@Nullable String driftError) {
	}

	/** A publication as its row in the list. */
	record PublicationView(long id, String target, String status, String badge, boolean dryRun, String requestedBy,
			String requestedAt, @Nullable String commit, @Nullable String error) {
	}

	/**
	 * A target form's values and messages (secrets are never among the values: they are not filled back); on the
	 * target page's "Edit" form, {@code stored} names the credentials the target holds (shown as "set").
	 */
	record AddForm(Map<String, String> values, Map<String, String> errors, String banner, Set<String> stored) {

		AddForm(Map<String, String> values, Map<String, String> errors, String banner) {
			this(values, errors, banner, Set.of());
		}

	}

	/** One of a target's settings as the target page words it ("Authentication", "token (set)"). */
	record Setting(String label, String value) {
	}

	@GetMapping("/workspaces/{workspace}/publishing")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return render(exchange, workspace, GIT_FORM, KUBERNETES_FORM, HttpStatus.OK, flash(exchange));
	}

	@GetMapping("/workspaces/{workspace}/publishing/summary")
	Mono<Rendering> summary(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		return this.targets.of(workspace).map(this::view).collectList()
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.map((rows) -> Rendering.view("publish/publishing :: summary")
				.modelAttribute("workspace", workspace)
				.modelAttribute("targets", rows)
				.build());
	}

	@PostMapping("/workspaces/{workspace}/targets")
	Mono<Rendering> add(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((form) -> {
			boolean kubernetes = "kubernetes".equals(form.getFirst("type"));
			Map<String, String> values = values(form, kubernetes ? KUBERNETES_FIELDS : GIT_FIELDS);
			Targets.Form target = kubernetes ? kubernetesTarget(values, form) : gitTarget(values, form);
			return Actor.current(exchange)
				.flatMap((by) -> this.targets.save(workspace, target, true, by))
				.map((row) -> Rendering.redirectTo("/workspaces/" + workspace + "/publishing?added=" + row.name())
					.build())
				.onErrorResume(PublishRefused.class, (ex) -> {
					if (ex.reason == PublishRefused.Reason.NOT_FOUND) {
						return Mono.error(new PageError(HttpStatus.NOT_FOUND, ex.getMessage()));
					}
					AddForm failed = new AddForm(values, errors(ex, kubernetes), "");
					return render(exchange, workspace, kubernetes ? GIT_FORM : failed,
							kubernetes ? failed : KUBERNETES_FORM, HttpStatus.UNPROCESSABLE_ENTITY,
							"The target was not added: see the message below.");
				});
		});
	}

	/** A refused save's message under the form field it is about. */
	private static Map<String, String> errors(PublishRefused ex, boolean kubernetes) {
		String field = (ex.field != null) ? formField(ex.field)
				: kubernetes ? "server" : credentialNamed(ex.getMessage());
		return Map.of(field, String.valueOf(ex.getMessage()));
	}

	/**
	 * The target page's "Edit" form: the add form's fields for the target's type, saved as the API's PUT saves
	 * ({@link Targets#save}: the adapter's check, audited {@code target.update}); the name is the path's and cannot
	 * change; an empty secret field keeps the stored secret. Refused: the page again (422, 409 when someone else saved
	 * meanwhile) with the message next to its field and nothing changed.
	 */
	@PostMapping("/workspaces/{workspace}/targets/{name}")
	Mono<Rendering> edit(@PathVariable String workspace, @PathVariable String name, ServerWebExchange exchange) {
		return this.targets.find(workspace, name)
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.zipWith(exchange.getFormData())
			.flatMap((t) -> {
				TargetRow row = t.getT1();
				boolean kubernetes = row.type().equals("kubernetes");
				Map<String, String> values = values(t.getT2(), kubernetes ? KUBERNETES_FIELDS : GIT_FIELDS);
				values.put("name", name);
				Targets.Form target = kubernetes ? kubernetesTarget(values, t.getT2()) : gitTarget(values, t.getT2());
				return Actor.current(exchange)
					.flatMap((by) -> this.targets.save(workspace, target, false, by))
					.map((saved) -> Rendering.redirectTo("/workspaces/" + workspace + "/targets/" + name + "?saved")
						.build())
					.onErrorResume(PublishRefused.class, (ex) -> {
						if (ex.reason == PublishRefused.Reason.NOT_FOUND) {
							return Mono.error(new PageError(HttpStatus.NOT_FOUND, ex.getMessage()));
						}
						if (ex.reason == PublishRefused.Reason.CONFLICT) {
							return targetPage(exchange, workspace, name, null, HttpStatus.CONFLICT, ex.getMessage());
						}
						AddForm failed = new AddForm(values, errors(ex, kubernetes), "", row.credentialNames());
						return targetPage(exchange, workspace, name, failed, HttpStatus.UNPROCESSABLE_ENTITY,
								"The target was not changed: see the message below.");
					});
			});
	}

	/** The edit form filled with a target's settings (its secrets by name only). */
	static AddForm editForm(TargetRow row) {
		Map<String, String> s = row.settings();
		Map<String, String> values = new LinkedHashMap<>();
		values.put("name", row.name());
		if (row.type().equals("kubernetes")) {
			values.put("server", s.getOrDefault("server", ""));
			values.put("caData", s.getOrDefault("caData", ""));
			values.put("authType", s.getOrDefault("auth.type", "token"));
		}
		else {
			values.put("url", s.getOrDefault("url", ""));
			values.put("branch", s.getOrDefault("branch", "main"));
			values.put("path", s.getOrDefault("path", ""));
			values.put("authType", row.authType());
			values.put("username", "");
			values.put("knownHosts", "");
			values.put("forgeKind", s.getOrDefault(Targets.FORGE_KIND, "none"));
			values.put("forgeApiUrl", s.getOrDefault(Targets.FORGE_API_URL, ""));
			values.put("forgeProject", s.getOrDefault(Targets.FORGE_PROJECT, ""));
			values.put("forgePullRequest", s.getOrDefault(Targets.FORGE_PULL_REQUEST, "false"));
			values.put("forgeCommitStatus", s.getOrDefault(Targets.FORGE_COMMIT_STATUS, "false"));
		}
		return new AddForm(values, Map.of(), "", row.credentialNames());
	}

	/**
	 * A target's settings in words, never a secret: where it publishes, how it authenticates (with which credentials
	 * are set), and for Git whether it opens pull requests (to which forge and project) and sets the
	 * {@code portcullis/impact} commit status.
	 */
	static List<Setting> describe(TargetRow row) {
		Map<String, String> s = row.settings();
		List<Setting> out = new ArrayList<>();
		if (row.type().equals("kubernetes")) {
			String server = s.getOrDefault("server", "");
			out.add(new Setting("API server", server.isBlank() ? "the cluster Portcullis runs in" : server));
			out.add(new Setting("Certificate authority", s.getOrDefault("caData", "").isBlank()
					? "the system's trusted authorities" : "set"));
			String auth = s.getOrDefault("auth.type", "token");
			out.add(new Setting("Authentication", switch (auth) {
				case "token" -> "bearer token" + setOrNot(row, "token");
				case "clientCertificate" -> "client certificate and key" + setOrNot(row, "clientCertificate",
						"clientKey");
				case "serviceAccount" -> "in-cluster service account";
				default -> auth;
			}));
			return out;
		}
		out.add(new Setting("Repository", s.getOrDefault("url", "")));
		out.add(new Setting("Branch", s.getOrDefault("branch", "main")));
		String path = s.getOrDefault("path", "");
		out.add(new Setting("Folder", path.isBlank() ? "the repository's root" : path));
		String auth = row.authType();
		out.add(new Setting("Authentication", switch (auth) {
			case "token" -> "token" + setOrNot(row, "token")
					+ (row.credentialNames().contains("username") ? ", with a user name" : "");
			case "ssh-key" -> "SSH key" + setOrNot(row, "privateKey")
					+ (row.credentialNames().contains("passphrase") ? ", with a passphrase" : "")
					+ (row.credentialNames().contains("knownHosts") ? ", known hosts set" : ", known hosts not set");
			default -> auth;
		}));
		String kind = s.getOrDefault(Targets.FORGE_KIND, "none");
		String forge = switch (kind) {
			case "github" -> "GitHub";
			case "gitlab" -> "GitLab";
			default -> "";
		};
		String api = s.getOrDefault(Targets.FORGE_API_URL, "");
		if (api.isBlank()) {
			api = kind.equals("gitlab") ? "https://gitlab.com/api/v4" : "https://api.github.com";
		}
		String project = s.getOrDefault(Targets.FORGE_PROJECT, "");
		String where = forge.isEmpty() ? "" : ", to " + forge + " at " + api + ", project "
				+ (project.isBlank() ? "from the repository URL" : project);
		out.add(new Setting("Pull requests", "true".equals(s.get(Targets.FORGE_PULL_REQUEST)) ? "on" + where
				: "off (publications are pushed to the branch)"));
		out.add(new Setting("Commit status portcullis/impact",
				"true".equals(s.get(Targets.FORGE_COMMIT_STATUS)) ? "on" + where : "off"));
		return out;
	}

	private static String setOrNot(TargetRow row, String... credentials) {
		for (String credential : credentials) {
			if (!row.credentialNames().contains(credential)) {
				return " (not set)";
			}
		}
		return " (set)";
	}

	private static Targets.Form gitTarget(Map<String, String> values, MultiValueMap<String, String> form) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("url", values.get("url"));
		settings.put("branch", values.get("branch").isBlank() ? "main" : values.get("branch"));
		settings.put("path", values.get("path"));
		settings.put("auth.type", values.get("authType").isBlank() ? "none" : values.get("authType"));
		Map<String, @Nullable String> credentials = new LinkedHashMap<>();
		if ("token".equals(settings.get("auth.type"))) {
			putSecret(credentials, "token", form.getFirst("token"));
			if (!values.get("username").isBlank()) {
				credentials.put("username", values.get("username"));
			}
		}
		else if ("ssh-key".equals(settings.get("auth.type"))) {
			putSecret(credentials, "privateKey", form.getFirst("privateKey"));
			// a passphrase is taken as typed: spaces at its ends belong to it
			String passphrase = form.getFirst("passphrase");
			if (passphrase != null && !passphrase.isEmpty()) {
				credentials.put("passphrase", passphrase);
			}
			if (!values.get("knownHosts").isBlank()) {
				credentials.put("knownHosts", values.get("knownHosts"));
			}
		}
		String forge = values.get("forgeKind").isBlank() ? "none" : values.get("forgeKind");
		if (!forge.equals("none")) {
			settings.put(Targets.FORGE_KIND, forge);
			if (!values.get("forgeApiUrl").isBlank()) {
				settings.put(Targets.FORGE_API_URL, values.get("forgeApiUrl"));
			}
			if (!values.get("forgeProject").isBlank()) {
				settings.put(Targets.FORGE_PROJECT, values.get("forgeProject"));
			}
		}
		// checkboxes: present when ticked; ticked without a forge, the validation says a forge is needed
		settings.put(Targets.FORGE_PULL_REQUEST, Boolean.toString("true".equals(values.get("forgePullRequest"))));
		settings.put(Targets.FORGE_COMMIT_STATUS, Boolean.toString("true".equals(values.get("forgeCommitStatus"))));
		return new Targets.Form(values.get("name"), "git", settings, credentials);
	}

	/** The add-target form's field for a refused setting ({@code auth.type} → {@code authType}, {@code forge.apiUrl} → {@code forgeApiUrl}). */
	static String formField(String setting) {
		if (setting.startsWith("forge.")) {
			String rest = setting.substring("forge.".length());
			return "forge" + Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
		}
		return setting.replace("auth.type", "authType").replace("auth.", "");
	}

	/**
	 * A Kubernetes target from the form: the server (blank for the in-cluster service account, which the adapter then
	 * finds in the pod), the CA as pasted, and only the credentials the chosen authentication uses.
	 */
	private static Targets.Form kubernetesTarget(Map<String, String> values, MultiValueMap<String, String> form) {
		Map<String, String> settings = new LinkedHashMap<>();
		String authType = values.get("authType").isBlank() ? "token" : values.get("authType");
		if (!values.get("server").isBlank()) {
			settings.put("server", values.get("server"));
		}
		if (!values.get("caData").isBlank()) {
			settings.put("caData", values.get("caData"));
		}
		settings.put("auth.type", authType);
		Map<String, @Nullable String> credentials = new LinkedHashMap<>();
		if ("token".equals(authType)) {
			putSecret(credentials, "token", form.getFirst("token"));
		}
		else if ("clientCertificate".equals(authType)) {
			putSecret(credentials, "clientCertificate", form.getFirst("clientCertificate"));
			putSecret(credentials, "clientKey", form.getFirst("clientKey"));
		}
		return new Targets.Form(values.get("name"), "kubernetes", settings, credentials);
	}

	private static void putSecret(Map<String, @Nullable String> credentials, String name, @Nullable String value) {
		if (value != null && !value.isBlank()) {
			credentials.put(name, value.strip());
		}
	}

	@PostMapping("/workspaces/{workspace}/publish")
	Mono<Rendering> publish(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((form) -> {
			String target = form.getFirst("target");
			boolean dryRun = "plan".equals(form.getFirst("action"));
			boolean force = "true".equals(form.getFirst("forceConflicts"));
			return Actor.current(exchange)
				.flatMap((by) -> this.publications.request(workspace, (target == null || target.isBlank()) ? null
						: target, dryRun, force, by))
				.map((rows) -> Rendering.redirectTo((rows.size() == 1)
						? "/workspaces/" + workspace + "/publications/" + rows.get(0).id()
						: "/workspaces/" + workspace + "/publishing?queued=" + rows.size()).build())
				.onErrorResume(PublishRefused.class, (ex) -> (ex.reason == PublishRefused.Reason.NOT_FOUND)
						? Mono.error(new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
						: render(exchange, workspace, GIT_FORM, KUBERNETES_FORM, HttpStatus.CONFLICT,
								ex.getMessage()));
		});
	}

	@GetMapping("/workspaces/{workspace}/publications/{id}")
	Mono<Rendering> record(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		boolean partial = Htmx.isPartial(exchange);
		return Mono.zip(Actor.current(exchange), this.publications.find(workspace, id))
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.flatMap((t) -> this.rollouts.of(t.getT2().id()).map(Optional::of).defaultIfEmpty(Optional.empty())
				.map((nodes) -> Tuples.of(t.getT1(), t.getT2(), nodes)))
			.map((t) -> {
				PublicationRow row = t.getT2();
				NodeRollout.Progress nodes = t.getT3().orElse(null);
				List<PlanItem> plan = (row.plan() != null) ? this.json.readValue(row.plan(), PLAN) : List.of();
				List<ObjectResult> results = (row.results() != null) ? this.json.readValue(row.results(), RESULTS)
						: List.of();
				return Rendering.view(partial ? "publish/publication :: record" : "publish/publication")
					.modelAttribute("workspace", workspace)
					.modelAttribute("publication", publicationView(row))
					.modelAttribute("row", row)
					.modelAttribute("plan", plan)
					.modelAttribute("changes", plan.stream().filter((p) -> p.action() != PlanItem.Action.UNCHANGED)
						.count())
					.modelAttribute("results", results)
					.modelAttribute("conflicts", !row.forceConflicts() && results.stream().anyMatch(ObjectResult::conflict))
					.modelAttribute("running", !row.finished())
					.modelAttribute("following", !row.finished() || (nodes != null && nodes.checking()))
					.modelAttribute("nodes", nodes)
					.modelAttribute("stateAt", DISPLAY.format(row.stateAt()))
					.modelAttribute("policies", this.json.readTree(row.stateVersions()).size())
					.modelAttribute("notes", notes(row))
					.modelAttribute("canPublish", t.getT1().has(Role.REVIEWER))
					.build();
			});
	}

	/** The record's notes on attempts that lost their lease, each as one line: when, which instance, what. */
	private List<String> notes(PublicationRow row) {
		List<String> out = new java.util.ArrayList<>();
		for (tools.jackson.databind.JsonNode note : this.json.readTree(row.notes())) {
			String at = note.path("at").asString("");
			out.add(at.replace('T', ' ').replaceAll("\\.\\d+Z$", " UTC") + ": " + note.path("text").asString(""));
		}
		return out;
	}

	@PostMapping("/workspaces/{workspace}/publish/{id}/retry")
	Mono<Rendering> retry(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.publications.retry(workspace, id, by))
			.map((row) -> Rendering.redirectTo("/workspaces/" + workspace + "/publications/" + id).build())
			.onErrorMap(PublishRefused.class, (ex) -> new PageError((ex.reason == PublishRefused.Reason.NOT_FOUND)
					? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT, ex.getMessage()));
	}

	@GetMapping("/workspaces/{workspace}/targets/{name}")
	Mono<Rendering> target(@PathVariable String workspace, @PathVariable String name, ServerWebExchange exchange) {
		boolean saved = exchange.getRequest().getQueryParams().containsKey("saved");
		return targetPage(exchange, workspace, name, null, HttpStatus.OK,
				saved ? "The target was checked and saved." : null);
	}

	/** The target page; {@code edit} null: the edit form filled from the stored target. */
	private Mono<Rendering> targetPage(ServerWebExchange exchange, String workspace, String name,
			@Nullable AddForm edit, HttpStatus status, @Nullable String banner) {
		return Mono.zip(Actor.current(exchange), this.targets.find(workspace, name))
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.flatMap((t) -> this.publications.list(workspace, null, name, 10).map(this::publicationView).collectList()
				.map((recent) -> {
					TargetRow row = t.getT2();
					Drifts.Report drift = this.drifts.last(row);
					return Rendering.view("publish/target")
						.status(status)
						.modelAttribute("workspace", workspace)
						.modelAttribute("target", view(row))
						.modelAttribute("settings", describe(row))
						.modelAttribute("edit", (edit != null) ? edit : editForm(row))
						.modelAttribute("banner", (banner != null) ? banner : "")
						.modelAttribute("bannerError", status.isError())
						.modelAttribute("drift", (drift.drift() != null) ? drift.drift() : List.of())
						.modelAttribute("proposed", drift.proposed())
						.modelAttribute("driftChecked", drift.checkedAt() != null)
						.modelAttribute("driftCheckedAt", (drift.checkedAt() != null) ? DISPLAY.format(drift.checkedAt())
								: "")
						.modelAttribute("driftError", (drift.error() != null) ? drift.error() : "")
						.modelAttribute("driftEvery", (this.settings.worker() && !this.settings.driftInterval().isZero())
								? every(this.settings.driftInterval()) : "")
						.modelAttribute("recent", recent)
						.modelAttribute("canAdmin", t.getT1().has(Role.ADMIN))
						.modelAttribute("canPublish", t.getT1().has(Role.REVIEWER))
						.modelAttribute("canPropose", t.getT1().has(Role.AUTHOR) && drift.drift() != null
								&& !drift.drift().isEmpty())
						.build();
				}));
	}

	@PostMapping("/workspaces/{workspace}/targets/{name}/drift")
	Mono<Rendering> checkDrift(@PathVariable String workspace, @PathVariable String name) {
		return this.drifts.check(workspace, name)
			.map((report) -> Rendering.redirectTo("/workspaces/" + workspace + "/targets/" + name).build())
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()));
	}

	@PostMapping("/workspaces/{workspace}/targets/{name}/propose-live")
	Mono<Rendering> proposeLive(@PathVariable String workspace, @PathVariable String name,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.proposals.propose(workspace, name, by))
			.map((change) -> Rendering.redirectTo("/workspaces/" + workspace + "/change-requests/" + change.id()).build())
			.onErrorMap(PublishRefused.class, (ex) -> new PageError((ex.reason == PublishRefused.Reason.NOT_FOUND)
					? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT, ex.getMessage()))
			.onErrorMap(PublishFailure.class, (ex) -> new PageError(HttpStatus.BAD_GATEWAY, ex.getMessage()))
			.onErrorMap(ApiProblem.class, (ex) -> new PageError(ex.status(), ex.getMessage()));
	}

	@PostMapping("/workspaces/{workspace}/targets/{name}/delete")
	Mono<Rendering> delete(@PathVariable String workspace, @PathVariable String name, ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.targets.delete(workspace, name, by))
			.thenReturn(Rendering.redirectTo("/workspaces/" + workspace + "/publishing?deleted=" + name).build())
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()));
	}

	private Mono<Rendering> render(ServerWebExchange exchange, String workspace, AddForm form, AddForm kubernetes,
			HttpStatus status, @Nullable String banner) {
		return Mono.zip(Actor.current(exchange), this.targets.of(workspace).map(this::view).collectList(),
				this.publications.list(workspace, null, null, 20).map(this::publicationView).collectList())
			.onErrorMap(PublishRefused.class, (ex) -> new PageError(HttpStatus.NOT_FOUND, ex.getMessage()))
			.map((t) -> Rendering.view("publish/publishing")
				.status(status)
				.modelAttribute("workspace", workspace)
				.modelAttribute("targets", t.getT2())
				.modelAttribute("publications", t.getT3())
				.modelAttribute("form", form)
				.modelAttribute("kube", kubernetes)
				.modelAttribute("banner", (banner != null) ? banner : "")
				.modelAttribute("bannerError", status.isError())
				.modelAttribute("canAdmin", t.getT1().has(Role.ADMIN))
				.modelAttribute("canPublish", t.getT1().has(Role.REVIEWER))
				.build());
	}

	private static @Nullable String flash(ServerWebExchange exchange) {
		var query = exchange.getRequest().getQueryParams();
		if (query.getFirst("added") != null) {
			return "Target " + query.getFirst("added") + " was checked and added.";
		}
		if (query.getFirst("deleted") != null) {
			return "Target " + query.getFirst("deleted") + " was deleted.";
		}
		if (query.getFirst("queued") != null) {
			return query.getFirst("queued") + " publications were queued, one per target: see below.";
		}
		return null;
	}

	private TargetView view(TargetRow row) {
		String where = row.type().equals("git")
				? row.settings().getOrDefault("url", "") + " · " + row.settings().getOrDefault("branch", "main")
						+ (row.settings().getOrDefault("path", "").isBlank() ? "" : " · " + row.settings().get("path"))
				: row.settings().getOrDefault("server", "in-cluster");
		String auth = row.authType() + (row.credentialNames().isEmpty() ? ""
				: " (" + String.join(", ", row.credentialNames().stream().sorted().toList()) + " set)");
		Drifts.Report drift = this.drifts.last(row);
		String ago = (drift.checkedAt() != null) ? ago(drift.checkedAt(), Instant.now()) : "";
		String text;
		String badge;
		if (drift.error() != null) {
			text = "drift check failed " + ago;
			badge = "badge-bad";
		}
		else if (drift.drift() == null) {
			text = "not checked yet";
			badge = "badge-muted";
		}
		else if (drift.drift().isEmpty()) {
			text = "in sync, checked " + ago;
			badge = "badge-ok";
		}
		else {
			long objects = drift.drift().stream().map(Drift::ref).distinct().count();
			text = "drift found " + ago + ": " + objects + ((objects == 1) ? " object" : " objects");
			badge = "badge-warn";
		}
		if (drift.error() == null && !drift.proposed().isEmpty()) {
			int proposed = drift.proposed().size();
			text += "; " + proposed + ((proposed == 1) ? " policy" : " policies") + " proposed in a pull request, not"
					+ " merged yet";
		}
		return new TargetView(row.name(), row.type(), where, auth, text, badge, drift.error());
	}

	private PublicationView publicationView(PublicationRow row) {
		String badge = switch (row.status()) {
			case "SUCCEEDED" -> "badge-ok";
			case "FAILED" -> "badge-bad";
			case "PARTIAL", "RUNNING" -> "badge-warn";
			default -> "badge-muted";
		};
		return new PublicationView(row.id(), row.targetName(), row.status(), badge, row.dryRun(), row.requestedBy(),
				DISPLAY.format(row.requestedAt()), row.commit(), row.error());
	}

	/**
	 * The form field a failed check is about: the forge's API URL or project, the branch ("The branch ... does not
	 * exist"), the credential its message names first ("the private key (auth.privateKey) ..."), else the URL.
	 */
	static String credentialNamed(@Nullable String message) {
		String text = (message != null) ? message : "";
		if (FORGE_API.matcher(text).find()) {
			return "forgeApiUrl";
		}
		if (text.startsWith("Cannot tell the ")) {
			return "forgeProject";
		}
		if (text.startsWith("The branch ")) {
			return "branch";
		}
		Matcher named = CREDENTIAL.matcher(text);
		return named.find() ? named.group(1) : "url";
	}

	private static Map<String, String> values(MultiValueMap<String, String> form, String... names) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String name : names) {
			String value = form.getFirst(name);
			values.put(name, (value != null) ? value.strip() : "");
		}
		return values;
	}

	/** How long ago {@code then} was, in the words the pages use ("just now", "3 min ago", "2 h ago", "4 days ago"). */
	static String ago(Instant then, Instant now) {
		long seconds = Math.max(0, java.time.Duration.between(then, now).toSeconds());
		if (seconds < 60) {
			return "just now";
		}
		if (seconds < 3600) {
			return (seconds / 60) + " min ago";
		}
		if (seconds < 48 * 3600) {
			return (seconds / 3600) + " h ago";
		}
		return (seconds / 86400) + " days ago";
	}

	private static String every(java.time.Duration interval) {
		long minutes = interval.toMinutes();
		return (minutes == 0) ? interval.toSeconds() + " s" : (minutes % 60 == 0) ? (minutes / 60) + " h"
				: minutes + " min";
	}

	static String display(Instant instant) {
		return DISPLAY.format(instant);
	}

	static List<String> lines(String text) {
		return new ArrayList<>(text.lines().toList());
	}

}
