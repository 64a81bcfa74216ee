package dev.portcullis.review.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Permissions;
import dev.portcullis.identity.Role;
import dev.portcullis.policy.Workspaces;
import dev.portcullis.secrets.SecretBox;
import dev.portcullis.web.InvalidFields;
import dev.portcullis.web.NotFound;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Changes a workspace's webhooks (ADMIN only, checked here as well as by URL, docs/adr/010): validates a
 * {@link WebhookForm}, writes it, seals a new secret ({@link SecretBox}, context {@code webhook:<id>}), queues pings
 * and redeliveries, and audits each change ({@code webhook.create}, {@code webhook.update}, {@code webhook.delete},
 * {@code webhook.ping}, {@code webhook.redeliver}) without the secret.
 */
@Component
class WebhookChanges {

	private final WebhookStore store;

	private final Workspaces workspaces;

	private final Webhooks webhooks;

	private final SecretBox secrets;

	private final WebhookSettings settings;

	private final Permissions permissions;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	WebhookChanges(WebhookStore store, Workspaces workspaces, Webhooks webhooks, SecretBox secrets, WebhookSettings settings,
			Permissions permissions, AuditLog audit, ReactiveTransactionManager transactions) {
		this.store = store;
		this.workspaces = workspaces;
		this.webhooks = webhooks;
		this.secrets = secrets;
		this.settings = settings;
		this.permissions = permissions;
		this.audit = audit;
		this.tx = TransactionalOperator.create(transactions);
	}

	/** A webhook that is refused: {@code /problems/invalid-webhook}. */
	static final InvalidFields.Subject WEBHOOK = new InvalidFields.Subject("invalid-webhook", "Invalid webhook",
			"the webhook");

	Mono<WebhookRow> create(String workspace, WebhookForm form, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "webhook.create");
		}
		return this.tx.transactional(workspaceId(workspace).flatMap((ws) -> check(ws, form, null, true)
			.then(Mono.defer(() -> this.store.insert(ws, form.name(), form.url(), form.events(), form.active(),
					by.username())))
			.flatMap((id) -> this.store.seal(id, this.secrets.seal(context(id), form.secret()))
				.then(record(by, "webhook.create", workspace, details(id, form, "set")))
				.then(this.store.one(workspace, id))))
			.onErrorMap(DuplicateKeyException.class, (ex) -> taken(form)));
	}

	Mono<WebhookRow> update(String workspace, long id, WebhookForm form, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "webhook.update");
		}
		return this.tx.transactional(workspaceId(workspace).flatMap((ws) -> existing(workspace, id)
			.flatMap((row) -> check(ws, form, id, false))
			.then(Mono.defer(() -> this.store.update(id, form.name(), form.url(), form.events(), form.active(),
					by.username())))
			.then(Mono.defer(() -> (form.secret() != null)
					? this.store.seal(id, this.secrets.seal(context(id), form.secret())) : Mono.just(0L)))
			.then(record(by, "webhook.update", workspace,
					details(id, form, (form.secret() != null) ? "replaced" : "kept")))
			.then(this.store.one(workspace, id))))
			.onErrorMap(DuplicateKeyException.class, (ex) -> taken(form));
	}

	Mono<Void> delete(String workspace, long id, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "webhook.delete");
		}
		return this.tx.transactional(existing(workspace, id).flatMap((row) -> this.store.delete(id)
			.then(record(by, "webhook.delete", workspace, Map.of("id", id, "name", row.name())))));
	}

	/** Queues a test delivery ({@code ping}) to this webhook, whatever its events and even when inactive. */
	Mono<DeliveryRow> ping(String workspace, long id, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "webhook.ping");
		}
		return this.tx.transactional(existing(workspace, id).flatMap((row) -> {
			Map<String, Object> payload = new LinkedHashMap<>();
			payload.put("webhook", row.name());
			payload.put("actor", by.username());
			String body = this.webhooks.body(workspace, Webhooks.PING, payload, Instant.now());
			return this.store.queue(id, Webhooks.PING, body)
				.flatMap((delivery) -> record(by, "webhook.ping", workspace,
						Map.of("id", id, "name", row.name(), "delivery", delivery.id()))
					.thenReturn(delivery));
		}));
	}

	/** Queues the delivery's event and body again, as a new delivery (its own id and attempts). */
	Mono<DeliveryRow> redeliver(String workspace, long id, long deliveryId, Actor by) {
		if (!by.has(Role.ADMIN)) {
			return this.permissions.refuse(by, Role.ADMIN, "webhook.redeliver");
		}
		return this.tx.transactional(existing(workspace, id).flatMap((row) -> this.store.delivery(id, deliveryId)
			.switchIfEmpty(Mono.error(() -> new NotFound("There is no such delivery of this webhook.")))
			.flatMap((old) -> this.store.queue(id, old.event(), old.body()))
			.flatMap((delivery) -> record(by, "webhook.redeliver", workspace,
					Map.of("id", id, "name", row.name(), "of", deliveryId, "delivery", delivery.id()))
				.thenReturn(delivery))));
	}

	Mono<WebhookRow> existing(String workspace, long id) {
		return workspaceId(workspace).then(this.store.one(workspace, id))
			.switchIfEmpty(Mono.error(() -> new NotFound("There is no such webhook in this workspace.")));
	}

	Mono<Long> workspaceId(String workspace) {
		return this.workspaces.findId(workspace)
			.switchIfEmpty(Mono.error(() -> new NotFound("There is no such workspace.")));
	}

	private Mono<Void> check(long ws, WebhookForm form, @Nullable Long id, boolean secretRequired) {
		Map<String, String> errors = form.problems(secretRequired, this.settings.allowLinkLocal());
		return this.store.nameTaken(ws, form.name(), id).flatMap((taken) -> {
			if (taken && !errors.containsKey("name")) {
				errors.put("name", "another webhook of this workspace is named " + form.name());
			}
			return errors.isEmpty() ? Mono.<Void>empty() : Mono.error(WEBHOOK.of(errors));
		});
	}

	/** Two saves of one name at once: the unique key refused the second. */
	private static InvalidFields taken(WebhookForm form) {
		return WEBHOOK.of(Map.of("name", "another webhook of this workspace is named " + form.name()));
	}

	private static String context(long id) {
		return "webhook:" + id;
	}

	private static Map<String, Object> details(long id, WebhookForm form, String secret) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", id);
		details.put("name", form.name());
		details.put("url", form.url());
		details.put("events", List.copyOf(form.events()));
		details.put("active", form.active());
		details.put("secret", secret);
		return details;
	}

	private Mono<Void> record(Actor by, String action, String workspace, Map<String, Object> details) {
		return this.audit.record(new AuditLog.Event(by, action, AuditLog.Outcome.SUCCESS, "webhooks", workspace,
				by.address(), details));
	}

}
