package dev.portcullis.policy.web;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

/**
 * Moments as the pages show and read them; available to templates as {@code moments}. Pages work in UTC on a 24-hour
 * clock and say so: a team spread over zones must see the same moment under the same words. Inputs are text fields
 * ({@code 2026-11-26 14:12:00}), not {@code datetime-local}, which browsers show in the reader's own 12- or 24-hour
 * format.
 * <p>
 * A picked moment means the end of that second: {@code 2026-11-26T14:12} shows what existed at 14:12:59.999, so
 * a version written during the minute a user reads off a page is included.
 */
public final class Moments {

	static final Moments INSTANCE = new Moments();

	private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
		.withZone(ZoneOffset.UTC);

	private Moments() {
	}

	/** {@code 2026-11-26 14:12:03 UTC}. */
	public String display(@Nullable Instant instant) {
		return (instant != null) ? DISPLAY.format(instant) : "";
	}

	/** The value of a {@code datetime-local} input with seconds: {@code 2026-11-26T14:12:03}. */
	public String input(@Nullable Instant instant) {
		return (instant != null) ? INPUT.format(instant) : "";
	}

	/**
	 * Reads a moment as the pages' text fields take it, UTC on a 24-hour clock: {@code 2026-11-26 14:12}, with
	 * seconds, or with {@code T} between date and time (a {@code datetime-local} value); null when blank.
	 * @throws IllegalArgumentException with a message for the user when it is not such a value
	 */
	static @Nullable Instant parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			String value = text.strip().replace(' ', 'T');
			LocalDateTime local = LocalDateTime.parse(value);
			boolean minutesOnly = value.length() <= "2026-11-26T14:12".length();
			Instant start = local.toInstant(ZoneOffset.UTC);
			return minutesOnly ? start.plus(1, ChronoUnit.MINUTES).minusNanos(1_000)
					: start.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).minusNanos(1_000);
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"\"" + text + "\" is not a moment; write a date and time (UTC, 24-hour clock), for example"
							+ " 2026-11-26 14:12:00");
		}
	}

}
