package dev.portcullis.review.webhook;

import java.time.Instant;
import java.util.List;

/**
 * A webhook as stored, without its secret (which only {@link WebhookStore#sealedSecret} and the worker read).
 *
 * @param events the events it subscribes to, in {@link Webhooks#EVENTS} order
 */
record WebhookRow(long id, String workspace, String name, String url, List<String> events, boolean active,
		String createdBy, Instant createdAt, String updatedBy, Instant updatedAt) {
}
