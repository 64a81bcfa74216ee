package dev.portcullis.review.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A webhook as the API and the page write it.
 *
 * @param name a name unique in the workspace (1–100 characters)
 * @param url where deliveries are POSTed ({@link Destinations})
 * @param secret the HMAC key, 16–200 characters; null keeps the stored one (only when changing a webhook)
 * @param events at least one of {@link Webhooks#EVENTS}
 * @param active whether events are queued for it
 */
record WebhookForm(String name, String url, @Nullable String secret, List<String> events, boolean active) {

	WebhookForm {
		name = name.strip();
		url = url.strip();
		events = List.copyOf(new java.util.LinkedHashSet<>(events));
	}

	/** The problems by field name, in form order; empty when it may be saved (the name's uniqueness aside). */
	Map<String, String> problems(boolean secretRequired, boolean allowLinkLocal) {
		Map<String, String> errors = new LinkedHashMap<>();
		if (this.name.isBlank()) {
			errors.put("name", "is required");
		}
		else if (this.name.length() > 100) {
			errors.put("name", "must be at most 100 characters");
		}
		String url = Destinations.problem(this.url, allowLinkLocal);
		if (url != null) {
			errors.put("url", url);
		}
		if (this.secret == null) {
			if (secretRequired) {
				errors.put("secret", "is required (at least 16 characters; receivers check signatures with it)");
			}
		}
		else if (this.secret.length() < 16 || this.secret.length() > 200) {
			errors.put("secret", "must be 16 to 200 characters");
		}
		if (this.events.isEmpty()) {
			errors.put("events", "choose at least one event");
		}
		else {
			for (String event : this.events) {
				if (!Webhooks.EVENTS.contains(event)) {
					errors.put("events", "unknown event " + event + "; allowed: " + String.join(", ", Webhooks.EVENTS));
					break;
				}
			}
		}
		return errors;
	}

}
