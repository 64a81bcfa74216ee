package dev.portcullis.database;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;

/** The conversions the stores make when they read a row by column name, written once. */
public final class Columns {

	private Columns() {
	}

	/** A {@code timestamptz} column as an instant; null when the column is NULL. */
	public static @Nullable Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/** A {@code json} or {@code jsonb} column's text, as PostgreSQL sends it; null when the column is NULL. */
	public static @Nullable String json(Readable row, String column) {
		Json value = row.get(column, Json.class);
		return (value != null) ? value.asString() : null;
	}

}
