package dev.portcullis.engine.parse;

import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PortsTests {

	@ParameterizedTest(name = "\"{0}\" -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			0       | 0
			80      | 80
			65535   | 65535
			65536   | -1
			010     | 8
			00      | 0
			0x1F    | 31
			0o17    | 15
			0b101   | 5
			1_000   | 1000
			0x_1F   | 31
			1__0    | -1
			_10     | -1
			10_     | -1
			089     | -1
			-1      | -1
			+1      | -1
			1.0     | -1
			""")
	void parseNumberShouldFollowGoParseUintWithBaseZero(String text, int expected) {
		OptionalInt parsed = Ports.parseNumber(text);
		if (expected < 0) {
			assertThat(parsed).isEmpty();
		}
		else {
			assertThat(parsed).hasValue(expected);
		}
	}

	@ParameterizedTest(name = "\"{0}\" -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			http              | true
			HTTP-Alt          | true
			h2c               | true
			0x50              | true
			80                | false
			a--b              | false
			-a                | false
			a-                | false
			a_b               | false
			abcdefghijklmnop  | false
			abcdefghijklmno   | true
			""")
	void isServiceNameShouldFollowIanaRules(String text, boolean expected) {
		assertThat(Ports.isServiceName(text)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			1.19      | 1 | 19
			v1.19     | 1 | 19
			1.19.4    | 1 | 19
			V1.20.0   | 1 | 20
			1.18.0-rc1| 1 | 18
			""")
	void ciliumVersionParseShouldIgnoreThePatchLevel(String text, int major, int minor) {
		assertThat(CiliumVersion.parse(text)).isEqualTo(new CiliumVersion(major, minor));
	}

	@ParameterizedTest
	@CsvSource({ "1", "1.x", "'1.19.4.2'", "latest", "''", "1..2" })
	void ciliumVersionParseWhenNotAVersionShouldQuoteIt(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> CiliumVersion.parse(text))
			.withMessageContaining("\"" + text + "\" is not a Cilium version");
	}

	@ParameterizedTest
	@CsvSource({ "1.18, 1.19, true", "1.19, 1.19, false", "1.20, 1.19, false", "0.99, 1.0, true" })
	void ciliumVersionShouldOrderByMajorThenMinor(String a, String b, boolean before) {
		assertThat(CiliumVersion.parse(a).isBefore(CiliumVersion.parse(b))).isEqualTo(before);
		assertThat(CiliumVersion.DEFAULT).hasToString("1.19");
	}

}
