package dev.portcullis.identity;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

/**
 * An API token as its owner sees it: never the secret, only its first characters ({@code hint}).
 *
 * @param lastUsedAt when it last authenticated a request, to the minute
 */
record TokenRow(long id, String name, String hint, Instant createdAt, @Nullable Instant expiresAt,
		@Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

	static final String COLUMNS = "id, name, hint, created_at, expires_at, last_used_at, revoked_at";

	static TokenRow of(Readable row) {
		return new TokenRow(row.get("id", Long.class), row.get("name", String.class), row.get("hint", String.class),
				instant(row, "created_at"), instant(row, "expires_at"), instant(row, "last_used_at"),
				instant(row, "revoked_at"));
	}

	/** {@code active}, {@code expired} or {@code revoked}. */
	String status(Instant now) {
		if (this.revokedAt != null) {
			return "revoked";
		}
		return (this.expiresAt != null && !this.expiresAt.isAfter(now)) ? "expired" : "active";
	}

	private static Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
