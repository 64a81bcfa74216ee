package dev.portcullis.policy.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.AgentSettings;
import dev.portcullis.policy.AgentSettings.Setting;
import dev.portcullis.policy.StoreException;
import dev.portcullis.policy.Workspace;
import dev.portcullis.policy.WorkspaceSettings;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Htmx;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * A workspace's agent settings page, {@code /workspaces/{ws}/settings}: the settings with "Cilium default" marks,
 * and for an administrator the form that changes them (the same reader as the API, {@link AgentSettings#read}).
 * The workspace page shows the same summary ({@code workspaces/settings :: settings-summary}); its "Edit" button loads this
 * page's form fragment in place.
 */
@Controller
class SettingsPages {

	private final Workspaces workspaces;

	private final WorkspaceSettings settings;

	private final JsonMapper json;

	SettingsPages(Workspaces workspaces, WorkspaceSettings settings, JsonMapper json) {
		this.workspaces = workspaces;
		this.settings = settings;
		this.json = json;
	}

	/**
	 * The settings as the summary shows them.
	 *
	 * @param version 0 while they are Cilium's defaults
	 * @param changedAt when they were last changed, null for version 0
	 * @param changedBy who changed them last, null for version 0
	 * @param rows one per setting, in {@link Setting} order
	 */
	record Summary(int version, @Nullable Instant changedAt, @Nullable String changedBy, List<Row> rows) {

		static Summary of(WorkspaceSettings.Version current) {
			AgentSettings settings = current.settings();
			return new Summary(current.version(), current.changedAt(), current.changedBy(), Stream.of(Setting.values())
				.map((s) -> new Row(s.json(), s.label(), settings.text(s), settings.isDefault(s),
						AgentSettings.DEFAULTS.text(s), s.flag(), s.helm()))
				.toList());
		}

	}

	/**
	 * One setting in the summary.
	 *
	 * @param name its JSON and form name
	 * @param ciliumDefault whether it has Cilium's default value
	 * @param defaultValue Cilium's default, as shown
	 */
	record Row(String name, String label, String value, boolean ciliumDefault, String defaultValue, String flag,
			String helm) {
	}

	/** The form's values, by setting name: as posted, or the current settings as the form writes them. */
	static Map<String, String> values(AgentSettings settings) {
		Map<String, String> values = new LinkedHashMap<>();
		for (Setting setting : Setting.values()) {
			Object value = settings.value(setting);
			values.put(setting.json(), (value instanceof List<?> list) ? String.join(" ", list.stream()
				.map(String::valueOf).toList()) : String.valueOf(value));
		}
		return values;
	}

	/**
	 * The page; for htmx its form (an administrator's) or its summary (everyone else's), which the workspace page's
	 * "Edit" button swaps in.
	 */
	@GetMapping("/workspaces/{workspace}/settings")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return Mono.zip(workspace(workspace), this.settings.current(workspace), canAdmin(exchange))
			.map((found) -> {
				WorkspaceSettings.Version current = found.getT2();
				return StorePages.view(exchange, "workspaces/settings", found.getT3() ? "settings-form" : "settings-summary")
					.modelAttribute("workspace", found.getT1())
					.modelAttribute("agentSettings", Summary.of(current))
					.modelAttribute("values", values(current.settings()))
					.modelAttribute("formVersion", current.version())
					.modelAttribute("errors", Map.of())
					.modelAttribute("banner", "")
					.modelAttribute("saved", false)
					.build();
			})
			.onErrorMap(StorePages.notFound());
	}

	private static Mono<Boolean> canAdmin(ServerWebExchange exchange) {
		return Actor.current(exchange).map((actor) -> actor.has(Role.ADMIN));
	}

	/**
	 * Replaces the settings with the form's (an administrator's; everyone else gets 403, audited). Answers htmx with
	 * the summary and a "saved" note, a plain form with a redirect to the page; bad values re-render the form with
	 * 422 and each message next to its field; a change someone else made meanwhile re-renders it with 409, the
	 * entered values kept, based on their version so that saving again replaces it.
	 */
	@PostMapping("/workspaces/{workspace}/settings")
	Mono<Rendering> change(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((form) -> {
			Map<String, String> values = posted(form);
			Integer expected = version(form.getFirst("version"));
			AgentSettings.Reading reading = AgentSettings.read(object(values), AgentSettings.DEFAULTS, "", Set.of());
			return Actor.current(exchange)
				.flatMap((by) -> this.settings.change(workspace, reading, expected, by))
				.flatMap((saved) -> {
					if (!Htmx.isPartial(exchange)) {
						return Mono.just(StorePages.redirect(exchange, Links.INSTANCE.settings(workspace)));
					}
					return workspace(workspace).map((found) -> StorePages.view(exchange, "workspaces/settings", "settings-summary")
						.modelAttribute("workspace", found)
						.modelAttribute("agentSettings", Summary.of(saved))
						.modelAttribute("saved", true)
						.build());
				})
				.onErrorResume(StoreException.InvalidSettings.class, (invalid) -> refused(exchange, workspace,
						HttpStatus.UNPROCESSABLE_ENTITY, values, expected, errors(invalid.violations()),
						"Nothing was saved: " + invalid.getMessage()))
				.onErrorResume(StoreException.SettingsConflict.class, (conflict) -> refused(exchange, workspace,
						HttpStatus.CONFLICT, values, conflict.current().version(), Map.of(), conflict.getMessage()
								+ " Your values are kept below: saving them replaces version "
								+ conflict.current().version() + "."));
		}).onErrorMap(StorePages.notFound());
	}

	/**
	 * Sets the cluster name alone, every other setting kept: the upload page's one-click answer to flows from another
	 * cluster than the workspace's ({@code flow.IngestReport.ClusterMismatch}). The posted {@code clusterName} is read
	 * by the form's reader ({@link AgentSettings#read}: the same rule, the same message) over the settings in force
	 * when it arrives, and saved by the same {@link WorkspaceSettings#change}: administrators only (everyone else
	 * gets 403, audited), audited as {@code workspace.settings}. For htmx the answer is a confirmation with links to
	 * the flow log and the settings that replaces the offer ({@code #cluster-mismatch}, by {@code HX-Retarget}), or,
	 * for a name Cilium refuses (422) or settings changed meanwhile (409), a message for the form's target; without
	 * htmx, a redirect to the settings page, or its form with the message next to the cluster name.
	 */
	@PostMapping("/workspaces/{workspace}/settings/cluster-name")
	Mono<Rendering> setClusterName(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		boolean partial = Htmx.isPartial(exchange);
		return exchange.getFormData().flatMap((form) -> {
			String posted = form.getFirst(Setting.CLUSTER_NAME.json());
			String name = (posted != null) ? posted.strip() : "";
			ObjectNode members = this.json.createObjectNode().put(Setting.CLUSTER_NAME.json(), name);
			return Mono.zip(Actor.current(exchange), this.settings.current(workspace)).flatMap((found) -> {
				WorkspaceSettings.Version current = found.getT2();
				AgentSettings.Reading reading = AgentSettings.read(members, current.settings(), "", Set.of());
				Map<String, String> values = values(reading.settings());
				values.put(Setting.CLUSTER_NAME.json(), name);
				return this.settings.change(workspace, reading, current.version(), found.getT1())
					.flatMap((saved) -> {
						if (!partial) {
							return Mono.just(StorePages.redirect(exchange, Links.INSTANCE.settings(workspace)));
						}
						exchange.getResponse().getHeaders().set("HX-Retarget", "#cluster-mismatch");
						exchange.getResponse().getHeaders().set("HX-Reswap", "outerHTML");
						return workspace(workspace).map((ws) -> Rendering.view("workspaces/settings :: cluster-name-set")
							.modelAttribute("workspace", ws)
							.modelAttribute("clusterName", saved.settings().engineOptions().clusterName())
							.modelAttribute("settingsVersion", saved.version())
							.build());
					})
					.onErrorResume(StoreException.InvalidSettings.class, (invalid) -> partial
							? Mono.just(clusterNameRefused(HttpStatus.UNPROCESSABLE_ENTITY, "Nothing was saved: "
									+ String.join(" ", errors(invalid.violations()).values())))
							: refused(exchange, workspace, HttpStatus.UNPROCESSABLE_ENTITY, values, current.version(),
									errors(invalid.violations()), "Nothing was saved: " + invalid.getMessage()))
					.onErrorResume(StoreException.SettingsConflict.class, (conflict) -> partial
							? Mono.just(clusterNameRefused(HttpStatus.CONFLICT, "Nothing was saved: someone else "
									+ "changed the settings at the same moment. Try again."))
							: refused(exchange, workspace, HttpStatus.CONFLICT, values, conflict.current().version(),
									Map.of(), conflict.getMessage()));
			});
		}).onErrorMap(StorePages.notFound());
	}

	private static Rendering clusterNameRefused(HttpStatus status, String message) {
		return Rendering.view("workspaces/settings :: cluster-name-refused")
			.status(status)
			.modelAttribute("message", message)
			.build();
	}

	private Mono<Rendering> refused(ServerWebExchange exchange, String workspace, HttpStatus status,
			Map<String, String> values, @Nullable Integer version, Map<String, String> errors, String banner) {
		return Mono.zip(workspace(workspace), this.settings.current(workspace))
			.map((found) -> StorePages.view(exchange, "workspaces/settings", "settings-form")
				.status(status)
				.modelAttribute("workspace", found.getT1())
				.modelAttribute("agentSettings", Summary.of(found.getT2()))
				.modelAttribute("values", values)
				.modelAttribute("formVersion", (version != null) ? version : found.getT2().version())
				.modelAttribute("errors", errors)
				.modelAttribute("banner", banner)
				.modelAttribute("saved", false)
				.build());
	}

	private Mono<Workspace> workspace(String workspace) {
		return this.workspaces.find(workspace)
			.switchIfEmpty(Mono.error(() -> new StoreException.NotFound("No workspace named \"" + workspace + "\".")));
	}

	/** The posted value of each setting; a checkbox posts a hidden "false" then, when ticked, "true": the last wins. */
	private static Map<String, String> posted(MultiValueMap<String, String> form) {
		Map<String, String> values = new LinkedHashMap<>();
		for (Setting setting : Setting.values()) {
			List<String> posted = form.get(setting.json());
			if (posted != null && !posted.isEmpty()) {
				values.put(setting.json(), posted.get(posted.size() - 1).strip());
			}
		}
		return values;
	}

	/** The form as the JSON object the API takes: "true"/"false" as booleans, everything else as text. */
	private ObjectNode object(Map<String, String> values) {
		ObjectNode object = this.json.createObjectNode();
		values.forEach((name, value) -> {
			switch (value) {
				case "true" -> object.put(name, true);
				case "false" -> object.put(name, false);
				default -> object.put(name, value);
			}
		});
		return object;
	}

	private static @Nullable Integer version(@Nullable String text) {
		return (text != null && text.matches("[0-9]{1,9}")) ? Integer.parseInt(text) : null;
	}

	/** Each violation's message by setting, without the setting's name in front (the field's label says it). */
	private static Map<String, String> errors(List<FieldViolation> violations) {
		Map<String, String> errors = new LinkedHashMap<>();
		for (FieldViolation violation : violations) {
			String prefix = violation.path() + ": ";
			String message = violation.message().startsWith(prefix) ? violation.message().substring(prefix.length())
					: violation.message();
			errors.merge(violation.path(), message, (a, b) -> a + " " + b);
		}
		return errors;
	}

}
