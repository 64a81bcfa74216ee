package dev.portcullis.review.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.portcullis.identity.Actor;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.JsonBody;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * A workspace's outgoing webhooks, {@code /api/v1/workspaces/{workspace}/webhooks}: list, create, read, replace,
 * delete, their deliveries, a test delivery (ping) and redelivery. ADMIN only, reads included (URLs can carry
 * tokens). The secret is write-only. {@code openapi/webhooks.yaml} is its contract.
 */
@RestController
class WebhookApiController {

	private static final String BASE = "/api/v1/workspaces/{workspace}/webhooks";

	private static final Set<String> MEMBERS = Set.of("name", "url", "secret", "events", "active");

	private final WebhookStore store;

	private final WebhookChanges changes;

	private final JsonMapper json;

	WebhookApiController(WebhookStore store, WebhookChanges changes, JsonMapper json) {
		this.store = store;
		this.changes = changes;
		this.json = json;
	}

	@GetMapping(path = BASE, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WebhookView.Listing> list(@PathVariable String workspace) {
		return this.changes.workspaceId(workspace)
			.then(this.store.of(workspace).map(WebhookView::of).collectList())
			.map((rows) -> new WebhookView.Listing(workspace, rows, Webhooks.EVENTS));
	}

	@PostMapping(path = BASE, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<WebhookView>> create(@PathVariable String workspace,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		WebhookForm form = form(body);
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.create(workspace, form, by))
			.map((row) -> ResponseEntity
				.created(URI.create("/api/v1/workspaces/" + workspace + "/webhooks/" + row.id()))
				.body(WebhookView.of(row)));
	}

	@GetMapping(path = BASE + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WebhookView> one(@PathVariable String workspace, @PathVariable long id) {
		return this.changes.existing(workspace, id).map(WebhookView::of);
	}

	/** Replaces the webhook; {@code secret} absent or null keeps the stored one. */
	@PutMapping(path = BASE + "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WebhookView> replace(@PathVariable String workspace, @PathVariable long id,
			@RequestBody(required = false) @Nullable String body, ServerWebExchange exchange) {
		WebhookForm form = form(body);
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.update(workspace, id, form, by))
			.map(WebhookView::of);
	}

	@DeleteMapping(path = BASE + "/{id}")
	Mono<ResponseEntity<Void>> delete(@PathVariable String workspace, @PathVariable long id,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.delete(workspace, id, by))
			.then(Mono.just(ResponseEntity.noContent().build()));
	}

	@GetMapping(path = BASE + "/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<WebhookView.Deliveries> deliveries(@PathVariable String workspace, @PathVariable long id,
			@RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > 500) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					"limit must be 1 to 500.", List.of(FieldViolation.at("limit", "must be 1 to 500")));
		}
		return this.changes.existing(workspace, id)
			.then(this.store.deliveries(id, limit).map(this::delivery).collectList())
			.map((rows) -> new WebhookView.Deliveries(id, rows));
	}

	/** Queues a test delivery (event {@code ping}); answers it, PENDING. */
	@PostMapping(path = BASE + "/{id}/ping", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<WebhookView.Delivery>> ping(@PathVariable String workspace, @PathVariable long id,
			ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.ping(workspace, id, by))
			.map((row) -> ResponseEntity.status(HttpStatus.ACCEPTED).body(delivery(row)));
	}

	/** Queues the delivery's event and body again as a new delivery; answers the new one, PENDING. */
	@PostMapping(path = BASE + "/{id}/deliveries/{delivery}/redeliver", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<WebhookView.Delivery>> redeliver(@PathVariable String workspace, @PathVariable long id,
			@PathVariable long delivery, ServerWebExchange exchange) {
		return Actor.current(exchange)
			.flatMap((by) -> this.changes.redeliver(workspace, id, delivery, by))
			.map((row) -> ResponseEntity.status(HttpStatus.ACCEPTED).body(delivery(row)));
	}

	private WebhookView.Delivery delivery(DeliveryRow row) {
		return new WebhookView.Delivery(row.id(), row.webhookId(), row.event(), row.status(), row.attempts(),
				row.status().equals("PENDING") ? row.nextAttemptAt() : null, row.lastAttemptAt(), row.lastStatusCode(),
				row.lastError(), row.deliveredAt(), row.createdAt(), this.json.readTree(row.body()));
	}

	private WebhookForm form(@Nullable String body) {
		JsonNode node = read(body);
		List<FieldViolation> violations = new ArrayList<>();
		for (String name : node.propertyNames()) {
			if (!MEMBERS.contains(name)) {
				violations.add(FieldViolation.at(name, "is not a member; allowed: " + String.join(", ",
						new TreeSet<>(MEMBERS))));
			}
		}
		String name = text(node, "name", violations);
		String url = text(node, "url", violations);
		String secret = null;
		JsonNode secretNode = node.get("secret");
		if (secretNode != null && !secretNode.isNull()) {
			if (secretNode.isString()) {
				secret = secretNode.asString();
			}
			else {
				violations.add(FieldViolation.at("secret", "must be a string"));
			}
		}
		List<String> events = new ArrayList<>();
		JsonNode eventsNode = node.get("events");
		if (eventsNode != null && !eventsNode.isNull()) {
			if (!eventsNode.isArray()) {
				violations.add(FieldViolation.at("events", "must be an array of event names"));
			}
			else {
				for (JsonNode event : eventsNode) {
					if (event.isString()) {
						events.add(event.asString());
					}
					else {
						violations.add(FieldViolation.at("events", "must be an array of event names"));
						break;
					}
				}
			}
		}
		boolean active = true;
		JsonNode activeNode = node.get("active");
		if (activeNode != null && !activeNode.isNull()) {
			if (activeNode.isBoolean()) {
				active = activeNode.asBoolean();
			}
			else {
				violations.add(FieldViolation.at("active", "must be true or false"));
			}
		}
		if (!violations.isEmpty()) {
			throw WebhookChanges.WEBHOOK.of(violations);
		}
		return new WebhookForm(name, url, secret, events, active);
	}

	private static String text(JsonNode node, String name, List<FieldViolation> violations) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			return "";
		}
		if (!value.isString()) {
			violations.add(FieldViolation.at(name, "must be a string"));
			return "";
		}
		return value.asString();
	}

	private JsonNode read(@Nullable String body) {
		return JsonBody.object(this.json, body,
				"The body must be a JSON object with the members name, url, secret, events and active.");
	}

}
