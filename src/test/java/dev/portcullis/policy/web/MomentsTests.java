package dev.portcullis.policy.web;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MomentsTests {

	@ParameterizedTest(name = "{0} means up to {1}")
	@CsvSource({ "2026-11-26T14:12, 2026-11-26T14:12:59.999999Z", "2026-11-26T14:12:03, 2026-11-26T14:12:03.999999Z",
			"' 2026-01-01T00:00:00 ', 2026-01-01T00:00:00.999999Z", "2026-11-26T14:12:03.2, 2026-11-26T14:12:03.299999Z",
			"2026-11-26T14:12:03.250, 2026-11-26T14:12:03.250999Z",
			"2026-11-26T14:12:03.250117, 2026-11-26T14:12:03.250117Z",
			"2026-11-26T14:12:03.000000, 2026-11-26T14:12:03Z",
			"2026-11-26T14:12:03.250117999, 2026-11-26T14:12:03.250117Z",
			"2026-11-26 23:12, 2026-11-26T23:12:59.999999Z", "2026-11-26 14:12:03, 2026-11-26T14:12:03.999999Z",
			"2026-11-26 14:12:03.250117, 2026-11-26T14:12:03.250117Z" })
	void pickedMomentShouldMeanTheEndOfItsLastDigitInUtc(String input, String expected) {
		assertThat(Moments.parse(input)).isEqualTo(Instant.parse(expected));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  " })
	void blankShouldMeanNow(String input) {
		assertThat(Moments.parse(input)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "yesterday", "2026-13-01T00:00", "26/11/2026 14:12" })
	void anythingElseShouldBeRefusedWithTheTextQuoted(String input) {
		assertThatIllegalArgumentException().isThrownBy(() -> Moments.parse(input)).withMessageContaining(input);
	}

	@ParameterizedTest
	@CsvSource({ "2026-11-26T14:12:03.5Z, 2026-11-26 14:12:03 UTC, 2026-11-26T14:12:03" })
	void momentsShouldBeShownInUtcAndRoundTripThroughTheInput(String instant, String display, String input) {
		assertThat(Moments.INSTANCE.display(Instant.parse(instant))).isEqualTo(display);
		assertThat(Moments.INSTANCE.input(Instant.parse(instant))).isEqualTo(input);
	}

}
