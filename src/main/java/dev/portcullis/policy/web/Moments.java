package dev.portcullis.policy.web;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * Moments as the pages show and read them; available to templates as {@code moments}. Pages work in UTC on a 24-hour
 * clock and say so: a team spread over zones must see the same moment under the same words. Inputs are text fields
 * ({@code 2026-11-26 14:12:00}), not {@code datetime-local}, which browsers show in the reader's own 12- or 24-hour
 * format.
 * <p>
 * A picked moment means the end of its last digit: {@code 2026-11-26T14:12} shows what existed at 14:12:59.999999,
 * so a version written during the minute a user reads off a page is included; {@code 14:12:03} means
 * 14:12:03.999999, and {@code 14:12:03.25} means 14:12:03.259999. Versions record their time to the microsecond, so
 * a moment written with six digits of a second ({@code 14:12:03.250117}, the time a version was saved) is that
 * instant exactly.
 */
public final class Moments {

	public static final Moments INSTANCE = new Moments();

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
	 * seconds, with a fraction of a second, or with {@code T} between date and time (a {@code datetime-local}
	 * value), meaning the end of its last digit; null when blank.
	 * @throws IllegalArgumentException with a message for the user when it is not such a value
	 */
	public static @Nullable Instant parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			String moment = text.strip().replace(' ', 'T');
			Instant start = LocalDateTime.parse(moment).toInstant(ZoneOffset.UTC);
			// the last digit written: a minute, a second, or a fraction of a second down to a microsecond
			long lastDigitNanos = 60_000_000_000L;
			if (moment.length() > "2026-11-26T14:12".length()) {
				int dot = moment.indexOf('.');
				int digits = (dot < 0) ? 0 : Math.min(moment.length() - dot - 1, 6);
				lastDigitNanos = 1_000_000_000L;
				for (int i = 0; i < digits; i++) {
					lastDigitNanos /= 10;
				}
			}
			Instant first = start.minusNanos(start.getNano() % lastDigitNanos);
			return InstantParameter.requireInRange("The moment", first.plusNanos(lastDigitNanos).minusNanos(1_000));
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException(Quoted.of(text)
					+ " is not a moment; write a date and time (UTC, 24-hour clock), for example 2026-11-26 14:12:00");
		}
	}

}
