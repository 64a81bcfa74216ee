package dev.portcullis.policy;

import java.time.Instant;

import dev.portcullis.engine.api.PolicyKind;
import org.jspecify.annotations.Nullable;

/**
 * What the policy list shows: filters, a moment, and a keyset page. Results are ordered by namespace, name,
 * kind ({@code ""} namespace, i.e. cluster-wide policies, first); deleted policies are left out.
 *
 * @param text case-insensitive substring of the name or namespace; null or blank for all
 * @param kind only this kind; null for all
 * @param namespace only this namespace exactly ({@code ""} for cluster-wide policies); null for all
 * @param label a label selector: {@code key=value} (label equals), {@code key} (label present); null for none
 * @param at the workspace as of this moment (each policy's latest version created at or before it); null for now
 * @param cursor {@link Page#nextCursor()} of the previous page; null for the first page
 * @param limit page size, 1 to {@link #MAX_LIMIT}
 */
public record PolicyQuery(@Nullable String text, @Nullable PolicyKind kind, @Nullable String namespace,
		@Nullable String label, @Nullable Instant at, @Nullable String cursor, int limit) {

	public static final int DEFAULT_LIMIT = 50;

	public static final int MAX_LIMIT = 500;

	public PolicyQuery {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
		}
		if (text != null && text.isBlank()) {
			text = null;
		}
		if (label != null && label.isBlank()) {
			label = null;
		}
	}

	/** The first page of everything, {@link #DEFAULT_LIMIT} items. */
	public static PolicyQuery all() {
		return new PolicyQuery(null, null, null, null, null, null, DEFAULT_LIMIT);
	}

	public PolicyQuery withCursor(@Nullable String cursor) {
		return new PolicyQuery(this.text, this.kind, this.namespace, this.label, this.at, cursor, this.limit);
	}

}
