package dev.portcullis.engine.match;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class IpAddressTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			0.0.0.0                                 | 0.0.0.0
			10.1.2.3                                | 10.1.2.3
			255.255.255.255                         | 255.255.255.255
			::                                      | ::
			::1                                     | ::1
			1::                                     | 1::
			2001:db8::1                             | 2001:db8::1
			2001:DB8:0:0:0:0:0:1                    | 2001:db8::1
			2001:db8:0:0:1:0:0:1                    | 2001:db8::1:0:0:1
			2001:0db8:0000:0000:0000:ff00:0042:8329 | 2001:db8::ff00:42:8329
			1:2:3:4:5:6:7:8                         | 1:2:3:4:5:6:7:8
			1:0:3:4:5:6:7:8                         | 1:0:3:4:5:6:7:8
			::ffff:1.2.3.4                          | ::ffff:1.2.3.4
			::ffff:0102:0304                        | ::ffff:1.2.3.4
			1:2:3:4:5:6:1.2.3.4                     | 1:2:3:4:5:6:102:304
			::1.2.3.4                               | ::102:304
			fe80::                                  | fe80::
			""")
	void parseWhenLiteralIsValidShouldPrintCanonicalForm(String text, String canonical) {
		assertThat(IpAddress.parse(text)).hasToString(canonical);
		assertThat(IpAddress.parse(canonical)).isEqualTo(IpAddress.parse(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4 ",
			" 1.2.3.4", "a.b.c.d", "1.2.3.-4", ":", ":::", "1:::2", "1::2::3", ":1", "1:", "1:2:3:4:5:6:7",
			"1:2:3:4:5:6:7:8:9", "12345::", "g::", "fe80::1%eth0", "[::1]", "::ffff:1.2.3", "1.2.3.4::",
			"1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "example.com", "10.0.0.0/8" })
	void parseWhenTextIsNotALiteralShouldReject(String text) {
		assertThat(IpAddress.tryParse(text)).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> IpAddress.parse(text)).withMessageContaining(
				"\"" + text + "\"");
	}

	@Test
	void parseWhenZoneIsPresentShouldSaySo() {
		assertThatIllegalArgumentException().isThrownBy(() -> IpAddress.parse("fe80::1%eth0"))
			.withMessageContaining("zones");
	}

	@Test
	void parseShouldKeepMappedIpv4AsIpv6() {
		IpAddress mapped = IpAddress.parse("::ffff:10.0.0.1");
		assertThat(mapped.ipv6()).isTrue();
		assertThat(mapped).isNotEqualTo(IpAddress.parse("10.0.0.1"));
		assertThat(IpAddress.parse("10.0.0.1").ipv6()).isFalse();
		assertThat(IpAddress.parse("10.0.0.1").low()).isEqualTo(0x0A000001L);
	}

	@Test
	void parseWhenEllipsisStandsForNoGroupShouldAcceptAsGoDoes() {
		assertThat(IpAddress.parse("1:2:3:4::5:6:7:8")).isEqualTo(IpAddress.parse("1:2:3:4:5:6:7:8"));
	}

}
