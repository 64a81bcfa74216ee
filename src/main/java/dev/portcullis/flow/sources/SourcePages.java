package dev.portcullis.flow.sources;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.NotFound;
import dev.portcullis.web.PageError;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;

/**
 * The flow sources page of a workspace ({@code /workspaces/{workspace}/flows/sources}): each source's status
 * (connected, retrying with the last error and the next attempt, stopped), refreshed every few seconds, and for
 * administrators the forms that set the Hubble Relay and the exporter directory. The status fragment
 * ({@code .../flows/sources/status}) is also loaded by the workspace page.
 */
@Controller
class SourcePages {

	private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final FlowSources store;

	private final SourceChanges changes;

	SourcePages(FlowSources store, SourceChanges changes) {
		this.store = store;
		this.changes = changes;
	}

	/** One source's status as the page shows it. */
	record StatusRow(String kind, String state, String badge, String since, @Nullable String lastError,
			@Nullable String lastErrorAt, @Nullable String nextAttemptAt, long flowsStored, @Nullable String resumeFrom,
			String target) {
	}

	/** The form values and the messages by field; {@code saved} names the form that was saved. */
	record Form(Map<String, String> relay, Map<String, String> files, Map<String, String> errors, String banner,
			@Nullable String saved, boolean clientKeySet) {
	}

	@GetMapping("/workspaces/{workspace}/flows/sources")
	Mono<Rendering> page(@PathVariable String workspace, ServerWebExchange exchange) {
		return render(exchange, workspace, null, HttpStatus.OK, false);
	}

	@GetMapping("/workspaces/{workspace}/flows/sources/status")
	Mono<Rendering> status(@PathVariable String workspace, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		return view(workspace).map((view) -> Rendering.view("flows/sources :: status")
			.modelAttribute("workspace", workspace)
			.modelAttribute("statuses", statuses(view))
			.build());
	}

	@PostMapping("/workspaces/{workspace}/flows/sources/relay")
	Mono<Rendering> saveRelay(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((form) -> {
			boolean remove = "remove".equals(form.getFirst("action"));
			String key = SourceForms.blankToNull(form.getFirst("clientKey"));
			boolean dropKey = "true".equals(form.getFirst("removeClientKey"));
			SourceForms.Relay relay = remove ? null : new SourceForms.Relay(checked(form, "enabled"),
					String.valueOf(SourceForms.blankToNull(form.getFirst("address"))).replace("null", ""),
					checked(form, "tls"), SourceForms.blankToNull(form.getFirst("serverName")),
					SourceForms.blankToNull(form.getFirst("ca")),
					SourceForms.blankToNull(form.getFirst("clientCertificate")), dropKey ? "" : key);
			return Actor.current(exchange)
				.flatMap((by) -> this.changes.saveRelay(workspace, relay, by))
				.then(Mono.defer(() -> render(exchange, workspace, new Form(Map.of(), Map.of(), Map.of(),
						remove ? "The Relay source was removed." : "Saved: the Relay is followed with these settings"
								+ " within a few seconds.", "relay", false), HttpStatus.OK, true)))
				.onErrorResume(InvalidFields.class, (ex) -> render(exchange, workspace,
						new Form(values(form, "address", "serverName", "ca", "clientCertificate", "enabled", "tls"),
								Map.of(), ex.prefixed("relay.").errors(), "Nothing was saved: see the messages below.",
								null, false), HttpStatus.UNPROCESSABLE_ENTITY, true));
		});
	}

	@PostMapping("/workspaces/{workspace}/flows/sources/files")
	Mono<Rendering> saveFiles(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((form) -> {
			boolean remove = "remove".equals(form.getFirst("action"));
			SourceForms.Files files = remove ? null : new SourceForms.Files(checked(form, "enabled"),
					String.valueOf(form.getFirst("directory")).strip().replace("null", ""),
					String.valueOf(form.getFirst("fileName")).strip().replace("null", ""));
			return Actor.current(exchange)
				.flatMap((by) -> this.changes.saveFiles(workspace, files, by))
				.then(Mono.defer(() -> render(exchange, workspace, new Form(Map.of(), Map.of(), Map.of(),
						remove ? "The exporter directory was removed." : "Saved: the directory is followed within a"
								+ " few seconds.", "files", false), HttpStatus.OK, true)))
				.onErrorResume(InvalidFields.class, (ex) -> render(exchange, workspace,
						new Form(Map.of(), values(form, "directory", "fileName", "enabled"), ex.prefixed("files.").errors(),
								"Nothing was saved: see the messages below.", null, false),
						HttpStatus.UNPROCESSABLE_ENTITY, true));
		});
	}

	private Mono<SourceView> view(String workspace) {
		return this.changes.workspaceId(workspace)
			.onErrorMap(NotFound.class, PageError::of)
			.then(this.store.of(workspace).collectList())
			.map((rows) -> SourceView.of(workspace, rows, Instant.now()));
	}

	private Mono<Rendering> render(ServerWebExchange exchange, String workspace, @Nullable Form outcome,
			HttpStatus status, boolean posted) {
		Htmx.varyOnRequest(exchange);
		boolean partial = posted && Htmx.isPartial(exchange);
		return Mono.zip(Actor.current(exchange), view(workspace)).map((t) -> {
			SourceView view = t.getT2();
			Form form = (outcome != null && outcome.saved() == null) ? outcome : filled(view, outcome);
			return Rendering.view(partial ? "flows/sources :: sources" : "flows/sources")
				.status(status)
				.modelAttribute("workspace", workspace)
				.modelAttribute("canAdmin", t.getT1().has(Role.ADMIN))
				.modelAttribute("statuses", statuses(view))
				.modelAttribute("form", form)
				.modelAttribute("fileRoots", String.join(", ", this.changes.fileRoots()))
				.build();
		});
	}

	/** The forms filled with the stored settings (keeping the saved banner). */
	private static Form filled(SourceView view, @Nullable Form outcome) {
		Map<String, String> relay = new LinkedHashMap<>();
		Map<String, String> files = new LinkedHashMap<>();
		boolean keySet = false;
		if (view.relay() != null) {
			SourceView.Relay r = view.relay();
			relay.put("address", r.address());
			relay.put("serverName", (r.serverName() != null) ? r.serverName() : "");
			relay.put("ca", (r.ca() != null) ? r.ca() : "");
			relay.put("clientCertificate", (r.clientCertificate() != null) ? r.clientCertificate() : "");
			relay.put("enabled", Boolean.toString(r.enabled()));
			relay.put("tls", Boolean.toString(r.tls()));
			keySet = r.clientKeySet();
		}
		else {
			relay.put("enabled", "true");
		}
		if (view.files() != null) {
			files.put("directory", view.files().directory());
			files.put("fileName", view.files().fileName());
			files.put("enabled", Boolean.toString(view.files().enabled()));
		}
		else {
			files.put("fileName", "events.log");
			files.put("enabled", "true");
		}
		return new Form(relay, files, Map.of(), (outcome != null) ? outcome.banner() : "",
				(outcome != null) ? outcome.saved() : null, keySet);
	}

	private static java.util.List<StatusRow> statuses(SourceView view) {
		java.util.List<StatusRow> rows = new java.util.ArrayList<>();
		if (view.relay() != null) {
			rows.add(row("Hubble Relay", view.relay().status(), view.relay().address()
					+ (view.relay().tls() ? " (TLS)" : " (plain)")));
		}
		if (view.files() != null) {
			rows.add(row("Exporter files", view.files().status(), view.files().directory() + "/"
					+ view.files().fileName()));
		}
		return rows;
	}

	private static StatusRow row(String kind, SourceView.Status s, String target) {
		String badge = switch (s.state()) {
			case "connected" -> "badge-ok";
			case "retrying" -> "badge-bad";
			case "connecting" -> "badge-warn";
			default -> "badge-muted";
		};
		return new StatusRow(kind, s.state(), badge, display(s.since()), s.lastError(), display(s.lastErrorAt()),
				display(s.nextAttemptAt()), s.flowsStored(), s.resumeFrom(), target);
	}

	private static @Nullable String display(@Nullable Instant instant) {
		return (instant != null) ? DISPLAY.format(instant) : null;
	}

	private static boolean checked(MultiValueMap<String, String> form, String name) {
		return form.containsKey(name) && form.get(name).contains("true");
	}

	private static Map<String, String> values(MultiValueMap<String, String> form, String... names) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String name : names) {
			if (name.equals("enabled") || name.equals("tls")) {
				values.put(name, Boolean.toString(checked(form, name)));
			}
			else {
				String value = form.getFirst(name);
				values.put(name, (value != null) ? value : "");
			}
		}
		return values;
	}

}
