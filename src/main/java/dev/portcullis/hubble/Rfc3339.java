package dev.portcullis.hubble;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/**
 * Reads a flow's time: what {@link OffsetDateTime#parse(CharSequence)} accepts (ISO 8601 with an offset), as an
 * {@link Instant}. The shape Hubble writes, {@code 2026-12-04T10:00:00.123456789Z} (UTC, 0 to 9 fraction digits),
 * is read by hand, about ten times faster than the formatter (which was a fifth of the flow store's parsing time);
 * any other text goes to the formatter, so the accepted texts and their values are exactly the formatter's.
 */
final class Rfc3339 {

	private Rfc3339() {
	}

	/** The instant, or null when the text is not a date-time with an offset. */
	static @Nullable Instant parse(String text) {
		Instant fast = utc(text);
		if (fast != null) {
			return fast;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with valid fields, else null (the caller then asks the formatter). */
	static @Nullable Instant utc(String s) {
		int n = s.length();
		if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
				|| s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
			return null;
		}
		int year = digits(s, 0, 4);
		int month = digits(s, 5, 2);
		int day = digits(s, 8, 2);
		int hour = digits(s, 11, 2);
		int minute = digits(s, 14, 2);
		int second = digits(s, 17, 2);
		if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
			return null;
		}
		int nanos = 0;
		if (n > 20) {
			int fraction = n - 21;
			if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
				return null;
			}
			nanos = digits(s, 20, fraction);
			if (nanos < 0) {
				return null;
			}
			for (int i = fraction; i < 9; i++) {
				nanos *= 10;
			}
		}
		else if (n != 20) {
			return null;
		}
		long epochDay;
		try {
			epochDay = LocalDate.of(year, month, day).toEpochDay();
		}
		catch (DateTimeException ex) {
			return null;
		}
		return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
	}

	/** The decimal number of {@code count} ASCII digits at {@code from}, or -1. */
	private static int digits(String s, int from, int count) {
		int value = 0;
		for (int i = from; i < from + count; i++) {
			char c = s.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
