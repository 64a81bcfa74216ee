package dev.portcullis.review.webhook;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.identity.Actor;
import dev.portcullis.web.Htmx;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.NotFound;
import dev.portcullis.web.PageError;
import dev.portcullis.web.PublicUrl;
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
 * The webhooks pages of a workspace (administrators): {@code /workspaces/{workspace}/webhooks} lists the webhooks with
 * their latest delivery and adds one; {@code /workspaces/{workspace}/webhooks/{id}} edits one, deletes it, sends a
 * test delivery and shows its recent deliveries (status, attempts, the receiver's answer or the error in words) with a
 * redeliver button each. The secret is never rendered.
 */
@Controller
class WebhookPages {

	private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final WebhookStore store;

	private final WebhookChanges changes;

	private final PublicUrl publicUrl;

	WebhookPages(WebhookStore store, WebhookChanges changes, PublicUrl publicUrl) {
		this.store = store;
		this.changes = changes;
		this.publicUrl = publicUrl;
	}

	/** A webhook's row in the list, with its newest delivery. */
	record Row(long id, String name, String url, String events, boolean active, @Nullable DeliveryLine latest) {
	}

	/** A delivery as the page shows it. */
	record DeliveryLine(long id, String event, String status, String badge, int attempts, String created,
			@Nullable String lastAttempt, @Nullable Integer code, @Nullable String error, @Nullable String next) {
	}

	/** The form's values and messages; {@code events} are the checked ones. */
	record Form(Map<String, String> values, List<String> events, Map<String, String> errors) {

		static Form empty() {
			return new Form(Map.of("name", "", "url", "", "active", "true"), List.of(Webhooks.OPENED, Webhooks.APPROVED,
					Webhooks.CHANGES_REQUESTED, Webhooks.MERGED), Map.of());
		}

	}

	@GetMapping("/workspaces/{workspace}/webhooks")
	Mono<Rendering> list(@PathVariable String workspace, ServerWebExchange exchange) {
		return list(workspace, Form.empty(), null, HttpStatus.OK, exchange);
	}

	@PostMapping("/workspaces/{workspace}/webhooks")
	Mono<Rendering> create(@PathVariable String workspace, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((data) -> {
			WebhookForm form = form(data);
			return Actor.current(exchange)
				.flatMap((by) -> this.changes.create(workspace, form, by))
				.map((row) -> Rendering.redirectTo("/workspaces/" + workspace + "/webhooks/" + row.id() + "?created")
					.build())
				.onErrorResume(InvalidFields.class, (ex) -> list(workspace,
						new Form(values(data), form.events(), ex.errors()), "Nothing was saved: see the messages below.",
						HttpStatus.UNPROCESSABLE_ENTITY, exchange));
		}).onErrorMap(NotFound.class, PageError::of);
	}

	@GetMapping("/workspaces/{workspace}/webhooks/{id}")
	Mono<Rendering> one(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		Map<String, String> query = exchange.getRequest().getQueryParams().toSingleValueMap();
		String banner = query.containsKey("created") ? "Saved. Send a test delivery to check the receiver."
				: query.containsKey("saved") ? "Saved." : query.containsKey("queued") ? "Queued: it is sent within"
						+ " seconds; this list shows how it went." : null;
		return detail(workspace, id, null, banner, HttpStatus.OK, exchange);
	}

	@PostMapping("/workspaces/{workspace}/webhooks/{id}")
	Mono<Rendering> update(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		return exchange.getFormData().flatMap((data) -> {
			WebhookForm form = form(data);
			return Actor.current(exchange)
				.flatMap((by) -> this.changes.update(workspace, id, form, by))
				.map((row) -> Rendering.redirectTo("/workspaces/" + workspace + "/webhooks/" + id + "?saved").build())
				.onErrorResume(InvalidFields.class, (ex) -> detail(workspace, id,
						new Form(values(data), form.events(), ex.errors()), "Nothing was saved: see the messages below.",
						HttpStatus.UNPROCESSABLE_ENTITY, exchange));
		}).onErrorMap(NotFound.class, PageError::of);
	}

	@PostMapping("/workspaces/{workspace}/webhooks/{id}/delete")
	Mono<Rendering> delete(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.delete(workspace, id, by))
			.then(Mono.fromSupplier(() -> Rendering.redirectTo("/workspaces/" + workspace + "/webhooks?deleted").build()))
			.onErrorMap(NotFound.class, PageError::of);
	}

	@PostMapping("/workspaces/{workspace}/webhooks/{id}/ping")
	Mono<Rendering> ping(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.ping(workspace, id, by))
			.map((d) -> Rendering.redirectTo("/workspaces/" + workspace + "/webhooks/" + id + "?queued").build())
			.onErrorMap(NotFound.class, PageError::of);
	}

	@PostMapping("/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver")
	Mono<Rendering> redeliver(@PathVariable String workspace, @PathVariable long id, @PathVariable long delivery,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.redeliver(workspace, id, delivery, by))
			.map((d) -> Rendering.redirectTo("/workspaces/" + workspace + "/webhooks/" + id + "?queued").build())
			.onErrorMap(NotFound.class, PageError::of);
	}

	/** The recent deliveries fragment, which the detail page reloads every few seconds. */
	@GetMapping("/workspaces/{workspace}/webhooks/{id}/deliveries")
	Mono<Rendering> deliveries(@PathVariable String workspace, @PathVariable long id, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		return this.changes.existing(workspace, id)
			.onErrorMap(NotFound.class, PageError::of)
			.flatMap((row) -> this.store.deliveries(id, 25).map(WebhookPages::line).collectList()
				.map((lines) -> Rendering.view("webhooks/detail :: deliveries")
					.modelAttribute("workspace", workspace)
					.modelAttribute("webhook", row)
					.modelAttribute("deliveries", lines)
					.build()));
	}

	private Mono<Rendering> list(String workspace, Form form, @Nullable String banner, HttpStatus status,
			ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		String deleted = exchange.getRequest().getQueryParams().containsKey("deleted") ? "The webhook was deleted."
				: null;
		return this.changes.workspaceId(workspace)
			.onErrorMap(NotFound.class, PageError::of)
			.thenMany(this.store.of(workspace))
			.concatMap((row) -> this.store.deliveries(row.id(), 1).next().map(WebhookPages::line)
				.map((line) -> new Row(row.id(), row.name(), row.url(), String.join(", ", row.events()), row.active(),
						line))
				.defaultIfEmpty(new Row(row.id(), row.name(), row.url(), String.join(", ", row.events()),
						row.active(), null)))
			.collectList()
			.map((rows) -> Rendering.view("webhooks/list")
				.status(status)
				.modelAttribute("workspace", workspace)
				.modelAttribute("webhooks", rows)
				.modelAttribute("events", Webhooks.EVENTS)
				.modelAttribute("publicUrl", this.publicUrl)
				.modelAttribute("form", form)
				.modelAttribute("banner", (banner != null) ? banner : "")
				.modelAttribute("notice", (deleted != null) ? deleted : "")
				.build());
	}

	private Mono<Rendering> detail(String workspace, long id, @Nullable Form form, @Nullable String banner,
			HttpStatus status, ServerWebExchange exchange) {
		Htmx.varyOnRequest(exchange);
		return this.changes.existing(workspace, id)
			.onErrorMap(NotFound.class, PageError::of)
			.flatMap((row) -> this.store.deliveries(id, 25).map(WebhookPages::line).collectList().map((lines) -> {
				Form shown = (form != null) ? form
						: new Form(Map.of("name", row.name(), "url", row.url(), "active", Boolean.toString(row.active())),
								row.events(), Map.of());
				return Rendering.view("webhooks/detail")
					.status(status)
					.modelAttribute("workspace", workspace)
					.modelAttribute("webhook", row)
					.modelAttribute("events", Webhooks.EVENTS)
					.modelAttribute("form", shown)
					.modelAttribute("deliveries", lines)
					.modelAttribute("banner", (banner != null) ? banner : "")
					.modelAttribute("failed", form != null)
					.build();
			}));
	}

	private static WebhookForm form(MultiValueMap<String, String> data) {
		List<String> events = new ArrayList<>();
		List<String> checked = data.get("events");
		if (checked != null) {
			events.addAll(checked);
		}
		String secret = data.getFirst("secret");
		return new WebhookForm(orEmpty(data.getFirst("name")), orEmpty(data.getFirst("url")),
				(secret == null || secret.isEmpty()) ? null : secret, events,
				data.containsKey("active") && data.get("active").contains("true"));
	}

	private static Map<String, String> values(MultiValueMap<String, String> data) {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("name", orEmpty(data.getFirst("name")));
		values.put("url", orEmpty(data.getFirst("url")));
		values.put("active", Boolean.toString(data.containsKey("active") && data.get("active").contains("true")));
		return values;
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

	static DeliveryLine line(DeliveryRow row) {
		String badge = switch (row.status()) {
			case "DELIVERED" -> "badge-ok";
			case "FAILED" -> "badge-bad";
			default -> (row.lastError() != null) ? "badge-warn" : "badge-muted";
		};
		String status = switch (row.status()) {
			case "DELIVERED" -> "delivered";
			case "FAILED" -> "failed";
			default -> (row.lastError() != null) ? "retrying" : "pending";
		};
		return new DeliveryLine(row.id(), row.event(), status, badge, row.attempts(), display(row.createdAt()),
				display(row.lastAttemptAt()), row.lastStatusCode(), row.lastError(),
				row.status().equals("PENDING") ? display(row.nextAttemptAt()) : null);
	}

	private static @Nullable String display(@Nullable Instant instant) {
		return (instant != null) ? DISPLAY.format(instant) : null;
	}

}
