package dev.portcullis.hubble;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Rfc3339#parse} gives exactly what {@link OffsetDateTime#parse(CharSequence)} gives, for the shape Hubble
 * writes (read by hand) and for everything else (valid or not), and the hand-read path is the one taken for
 * Hubble's shape.
 */
class Rfc3339Tests {

	@ParameterizedTest
	@ValueSource(strings = { "2021-07-08T09:10:11.469853493Z", "2021-07-08T09:10:11Z", "2021-07-08T09:10:11.4Z",
			"2021-07-08T09:10:11.46Z", "2021-07-08T09:10:11.469Z", "2021-07-08T09:10:11.4698Z",
			"2021-07-08T09:10:11.469853Z", "2021-07-08T09:10:11.46985349Z", "1970-01-01T00:00:00Z",
			"1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
			"2024-02-29T12:00:00Z", "2000-02-29T00:00:00.000000001Z", "2026-12-05T00:00:00.100Z" })
	void hubbleTimesShouldBeReadByHandAsTheFormatterReadsThem(String text) {
		assertThat(Rfc3339.utc(text)).isNotNull().isEqualTo(OffsetDateTime.parse(text).toInstant());
		assertThat(Rfc3339.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
	}

	@ParameterizedTest
	@ValueSource(strings = { "2021-07-08T09:10:11+02:00", "2021-07-08T09:10:11.5-07:30", "2021-07-08t09:10:11z",
			"2021-07-08T09:10Z", "2023-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "2021-00-10T00:00:00Z",
			"2021-04-31T00:00:00Z", "2021-07-08T24:00:00Z", "2021-07-08T23:60:00Z", "2021-07-08T23:59:60Z",
			"2021-07-08T09:10:11.Z", "2021-07-08T09:10:11.1234567891Z", "2021-07-08 09:10:11Z", "2021-07-08T09:10:11",
			"+12021-07-08T09:10:11Z", "2021-7-08T09:10:11Z", "2021-07-08T09:10:1aZ", "2021-07-08T09:10:11,5Z",
			"2021-07-08T09:10:11.5ZZ", "", "yesterday", "2021-07-08T09:10:11.-5Z", "2021-07-08T09:10:11 Z" })
	void everyOtherTextShouldBeReadAsTheFormatterReadsIt(String text) {
		Instant expected;
		try {
			expected = OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			expected = null;
		}
		assertThat(Rfc3339.parse(text)).isEqualTo(expected);
		if (Rfc3339.utc(text) != null) {
			assertThat(Rfc3339.utc(text)).isEqualTo(expected);
		}
	}

}
