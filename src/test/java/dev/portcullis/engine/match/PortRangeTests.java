package dev.portcullis.engine.match;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PortRangeTests {

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			80    ; 0     ; 80-80
			80    ; 80    ; 80-80
			80    ; 90    ; 80-90
			90    ; 80    ; 90-90
			0     ; 0     ; 0-65535
			0     ; 65535 ; 0-65535
			0     ; 100   ; 0-100
			65535 ; 0     ; 65535-65535
			1     ; 65535 ; 1-65535
			""")
	void ofShouldFollowCiliumMaskedPorts(int port, int endPort, String expected) {
		PortRange range = PortRange.of(port, endPort);
		assertThat(range.from() + "-" + range.to()).isEqualTo(expected);
	}

	@Test
	void containsShouldBeInclusive() {
		PortRange range = PortRange.of(8000, 8080);
		assertThat(range.contains(7999)).isFalse();
		assertThat(range.contains(8000)).isTrue();
		assertThat(range.contains(8080)).isTrue();
		assertThat(range.contains(8081)).isFalse();
		assertThat(range).hasToString("8000-8080");
		assertThat(PortRange.of(443, 0)).hasToString("443");
		assertThat(PortRange.of(443, 0).isSinglePort()).isTrue();
		assertThat(PortRange.of(0, 0).isAll()).isTrue();
	}

	@Test
	void constructorWhenOutOfRangeShouldReject() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PortRange(10, 5));
		assertThatIllegalArgumentException().isThrownBy(() -> new PortRange(-1, 5));
		assertThatIllegalArgumentException().isThrownBy(() -> new PortRange(0, 65536));
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', nullValues = "null", textBlock = """
			80     ; 80
			0      ; 0
			65535  ; 65535
			65536  ; null
			010    ; 8
			08     ; null
			00     ; 0
			1_000  ; 1000
			1__0   ; null
			_1     ; null
			1_     ; null
			-1     ; null
			+1     ; null
			' 80'  ; null
			''     ; null
			http   ; null
			0x50   ; null
			""")
	void parsePortShouldFollowGoParseUintBaseZero(String text, Integer expected) {
		if (expected == null) {
			assertThat(PortRange.parsePort(text)).isEmpty();
		}
		else {
			assertThat(PortRange.parsePort(text)).hasValue(expected);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "http", "HTTP", "h2c", "my-port", "a", "0x10", "a-b-c-d-e-f-g-h", "x123456789012345" })
	void ianaServiceNameWhenWellFormedShouldAccept(String name) {
		assertThat(IanaServiceName.isValid(name)).isEqualTo(name.length() <= 15);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "80", "-http", "http-", "my--port", "my_port", "my.port", "port!", "ünï" })
	void ianaServiceNameWhenMalformedShouldReject(String name) {
		assertThat(IanaServiceName.isValid(name)).isFalse();
	}

}
