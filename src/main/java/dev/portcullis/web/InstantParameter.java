package dev.portcullis.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/**
 * Moments that requests name ({@code at}, {@code from}, {@code to}, {@code since}, {@code until},
 * {@code expiresAt}): ISO-8601 instants with an offset ({@code 2026-11-26T14:00:00Z}), from {@link #EARLIEST} to
 * {@link #LATEST}. The range is what four-digit ISO-8601 years write and PostgreSQL's {@code timestamptz} stores;
 * nothing in Portcullis is older than 1970. Messages name the parameter and quote at most a prefix of the text.
 */
public final class InstantParameter {

	/** 1970-01-01T00:00:00Z. */
	public static final Instant EARLIEST = Instant.EPOCH;

	/** 9999-12-31T23:59:59.999999Z (PostgreSQL keeps microseconds). */
	public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

	private InstantParameter() {
	}

	/**
	 * Reads the value of a parameter that is present.
	 * @throws IllegalArgumentException naming {@code parameter} when the text is blank, not an instant or out of range
	 */
	public static Instant parse(String parameter, @Nullable String text) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException(parameter + " needs a value: an ISO-8601 instant such as "
					+ "2026-11-26T14:00:00Z");
		}
		Instant instant;
		try {
			instant = OffsetDateTime.parse(text.strip()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(parameter + " must be an ISO-8601 instant such as 2026-11-26T14:00:00Z,"
					+ " not " + Quoted.of(text));
		}
		return requireInRange(parameter, instant);
	}

	/**
	 * {@code instant} when it lies from {@link #EARLIEST} to {@link #LATEST}.
	 * @throws IllegalArgumentException naming {@code parameter} otherwise
	 */
	public static Instant requireInRange(String parameter, Instant instant) {
		if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
			throw new IllegalArgumentException(parameter + " must lie from 1970-01-01T00:00:00Z to"
					+ " 9999-12-31T23:59:59Z, not " + Quoted.of(instant));
		}
		return instant;
	}

}
