package dev.portcullis.flow.query;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * {@code --since} or {@code --until} as the CLI takes it: a duration before now ({@code 1h}, {@code 5m30s},
 * {@code 500ms}, Go's {@code time.ParseDuration} units ns, us, ms, s, m, h), an ISO-8601 instant with an offset
 * ({@code 2026-11-26T14:00:00Z}) or a date ({@code 2026-11-26}, midnight UTC). A relative bound is resolved when the
 * query runs, so a copied link keeps meaning "the last hour".
 *
 * @param text as given
 * @param ago the duration before now, or null for an absolute bound
 * @param at the absolute moment, or null for a relative bound
 */
public record TimeBound(String text, @Nullable Duration ago, @Nullable Instant at) {

	private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");

	/**
	 * Reads a bound.
	 * @throws IllegalArgumentException quoting the text and saying what is allowed
	 */
	public static TimeBound parse(String text) {
		String value = text.strip();
		Duration duration = duration(value);
		if (duration != null) {
			return new TimeBound(value, duration, null);
		}
		if (value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
			try {
				return new TimeBound(value, null, LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC));
			}
			catch (java.time.DateTimeException ex) {
				// falls through to the message below
			}
		}
		try {
			return new TimeBound(value, null, InstantParameter.parse("time", value));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("must be a duration before now such as 1h or 30m, an instant such as "
					+ "2026-11-26T14:00:00Z or a date such as 2026-11-26, not " + Quoted.of(value));
		}
	}

	private static @Nullable Duration duration(String value) {
		if (value.isEmpty() || !Character.isDigit(value.charAt(0))) {
			return null;
		}
		Matcher matcher = PART.matcher(value);
		int end = 0;
		double nanos = 0;
		while (matcher.find() && matcher.start() == end) {
			double amount = Double.parseDouble(matcher.group(1));
			nanos += amount * switch (matcher.group(2)) {
				case "ns" -> 1d;
				case "us", "µs" -> 1e3;
				case "ms" -> 1e6;
				case "s" -> 1e9;
				case "m" -> 60e9;
				default -> 3600e9;
			};
			end = matcher.end();
		}
		if (end != value.length() || nanos > 1e9 * 3600 * 24 * 365 * 100) {
			return null;
		}
		return Duration.ofNanos((long) nanos);
	}

	/** The moment this bound names, relative bounds counted back from {@code now}. */
	public Instant resolve(Instant now) {
		return (this.at != null) ? this.at : now.minus(this.ago);
	}

}
