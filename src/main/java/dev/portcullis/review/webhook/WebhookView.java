package dev.portcullis.review.webhook;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A webhook and its deliveries as the API answers them (the secret only as {@code secretSet}: it is write-only).
 */
record WebhookView(long id, String workspace, String name, String url, List<String> events, boolean active,
		boolean secretSet, String createdBy, Instant createdAt, String updatedBy, Instant updatedAt) {

	static WebhookView of(WebhookRow row) {
		return new WebhookView(row.id(), row.workspace(), row.name(), row.url(), row.events(), row.active(), true,
				row.createdBy(), row.createdAt(), row.updatedBy(), row.updatedAt());
	}

	/** A workspace's webhooks, by name. */
	record Listing(String workspace, List<WebhookView> webhooks, List<String> events) {
	}

	/** One delivery; {@code body} is the JSON object that was (or will be) sent. */
	record Delivery(long id, long webhookId, String event, String status, int attempts, @Nullable Instant nextAttemptAt,
			@Nullable Instant lastAttemptAt, @Nullable Integer lastStatusCode, @Nullable String lastError,
			@Nullable Instant deliveredAt, Instant createdAt, JsonNode body) {
	}

	/** A webhook's newest deliveries first. */
	record Deliveries(long webhookId, List<Delivery> deliveries) {
	}

}
