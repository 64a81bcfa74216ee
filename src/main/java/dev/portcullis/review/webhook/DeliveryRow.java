package dev.portcullis.review.webhook;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One delivery of one event to one webhook, as the outbox holds it.
 *
 * @param status {@code PENDING} (waiting for its next attempt, or being sent), {@code DELIVERED} (the receiver
 *        answered 2xx) or {@code FAILED} (no 2xx after the last allowed attempt)
 * @param attempts attempts made so far, the one being sent included
 * @param nextAttemptAt when a PENDING delivery is sent (again)
 * @param lastStatusCode the receiver's last HTTP status, null when it gave none
 * @param lastError why the last attempt failed, in words; null after a success
 */
record DeliveryRow(long id, long webhookId, String event, String body, String status, int attempts,
		Instant nextAttemptAt, @Nullable Instant lastAttemptAt, @Nullable Integer lastStatusCode,
		@Nullable String lastError, @Nullable Instant deliveredAt, Instant createdAt) {
}
