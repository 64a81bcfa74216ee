package dev.portcullis.policy;

import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * A label selector of the policy list ({@link PolicyQuery#label()}): {@code key=value} (the label equals the value)
 * or {@code key} (the label is present).
 *
 * @param key a label key, optionally prefixed ({@code example.com/tier})
 * @param value the value it must have; null when only its presence is asked for
 */
record LabelFilter(String key, @Nullable String value) {

	/** Reads a selector; {@link StoreException.BadRequest} when it is neither form. */
	static LabelFilter parse(String text) {
		String t = text.strip();
		int eq = t.indexOf('=');
		String key = (eq < 0) ? t : t.substring(0, eq).strip();
		String value = (eq < 0) ? null : t.substring(eq + 1).replaceFirst("^=", "").strip();
		if (key.isEmpty() || !key.matches("([a-z0-9.-]+/)?[A-Za-z0-9][-A-Za-z0-9_.]*")
				|| (value != null && !value.matches("[-A-Za-z0-9_.]*"))) {
			throw new StoreException.BadRequest("The label selector " + Quoted.of(text) + " is not valid: write key=value"
					+ " (label equals) or key (label present), for example app=web.");
		}
		return new LabelFilter(key, value);
	}

}
