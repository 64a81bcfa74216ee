package dev.portcullis.engine.match;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.0.0.0/8        | 10.0.0.0/8
			10.1.2.3/8        | 10.0.0.0/8
			10.1.2.3          | 10.1.2.3/32
			0.0.0.0/0         | 0.0.0.0/0
			192.168.1.255/31  | 192.168.1.254/31
			2001:db8::/32     | 2001:db8::/32
			2001:db8:ff::1/32 | 2001:db8::/32
			::/0              | ::/0
			2001:db8::1       | 2001:db8::1/128
			::ffff:0:0/96     | ::ffff:0.0.0.0/96
			2001:db8::1/65    | 2001:db8::/65
			""")
	void parseShouldMaskHostBits(String text, String canonical) {
		assertThat(Cidr.parse(text)).hasToString(canonical);
	}

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "10.0.0.0/", "/8",
			"10.0.0/8", "2001:db8::/129", "fe80::1%eth0/64", "10.0.0.0/8/8", "10.0.0.0/ 8", "example.com/8" })
	void parseWhenTextIsInvalidShouldRejectQuotingIt(String text) {
		assertThat(Cidr.tryParse(text)).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(text))
			.withMessageStartingWith("\"" + text + "\" is not a CIDR");
	}

	@Test
	void parseWhenPrefixLengthIsOutOfRangeShouldSayWhatIsAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse("10.0.0.0/33"))
			.withMessageContaining("0..32 for IPv4");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.0.0.0/8     | 10.255.255.255  | true
			10.0.0.0/8     | 11.0.0.0        | false
			10.0.0.0/8     | 10.0.0.0        | true
			0.0.0.0/0      | 1.2.3.4         | true
			0.0.0.0/0      | ::1             | false
			::/0           | 1.2.3.4         | false
			::/0           | ::ffff:1.2.3.4  | true
			::ffff:0:0/96  | ::ffff:1.2.3.4  | true
			::ffff:0:0/96  | 1.2.3.4         | false
			2001:db8::/32  | 2001:db8:1::1   | true
			2001:db8::/32  | 2001:db9::      | false
			2001:db8::/64  | 2001:db8::ffff:ffff:ffff:ffff | true
			2001:db8::/65  | 2001:db8::8000:0:0:0 | false
			1.2.3.4/32     | 1.2.3.4         | true
			1.2.3.4/32     | 1.2.3.5         | false
			""")
	void containsShouldRequireSameFamilyAndPrefix(String cidr, String ip, boolean expected) {
		assertThat(Cidr.parse(cidr).contains(IpAddress.parse(ip))).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.0.0.0/8    | 10.1.0.0/16   | true
			10.0.0.0/8    | 10.0.0.0/8    | true
			10.1.0.0/16   | 10.0.0.0/8    | false
			10.0.0.0/8    | 11.0.0.0/16   | false
			0.0.0.0/0     | ::/0          | false
			2001:db8::/32 | 2001:db8::/48 | true
			""")
	void containsCidrShouldRequireTheWholePrefixInside(String outer, String inner, boolean expected) {
		assertThat(Cidr.parse(outer).contains(Cidr.parse(inner))).isEqualTo(expected);
	}

	@Test
	void isPrefixNotationShouldDetectSlash() {
		assertThat(Cidr.isPrefixNotation("10.0.0.0/8")).isTrue();
		assertThat(Cidr.isPrefixNotation("10.0.0.1")).isFalse();
	}

	@Test
	void hasHostBitsShouldDetectBitsBeyondThePrefix() {
		assertThat(Cidr.hasHostBits("10.1.2.3/8")).isTrue();
		assertThat(Cidr.hasHostBits("10.0.0.0/8")).isFalse();
		assertThat(Cidr.hasHostBits("10.0.0.1")).isFalse();
		assertThat(Cidr.hasHostBits("2001:db8::1/64")).isTrue();
	}

	@Test
	void cidrMatcherShouldMatchInsideCidrAndOutsideExcepts() {
		CidrMatcher matcher = CidrMatcher.parse("10.0.0.0/8", List.of("10.96.0.0/12", "10.0.0.1/32"));
		assertThat(matcher.matches(IpAddress.parse("10.1.2.3"))).isTrue();
		assertThat(matcher.matches(IpAddress.parse("10.96.0.1"))).isFalse();
		assertThat(matcher.matches(IpAddress.parse("10.111.255.255"))).isFalse();
		assertThat(matcher.matches(IpAddress.parse("10.112.0.0"))).isTrue();
		assertThat(matcher.matches(IpAddress.parse("10.0.0.1"))).isFalse();
		assertThat(matcher.matches(IpAddress.parse("11.0.0.1"))).isFalse();
		assertThat(matcher.matches(IpAddress.parse("::ffff:10.1.2.3"))).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			10.0.0.0/8    | 10.1.0.0/16   |
			10.0.0.0/8    | 10.1.0.0      | must be in prefix notation
			10.0.0.0/8    | 11.0.0.0/16   | does not contain
			10.0.0.0/8    | 2001:db8::/32 | does not contain
			10.0.0.0/8    | 10.1.0.0/40   | is not a CIDR
			10.0.0.0/8    | 10.1.0.0/4    |
			""")
	void exceptErrorShouldFollowCiliumSanitize(String cidr, String except, String error) {
		if (error == null) {
			assertThat(CidrMatcher.exceptError(Cidr.parse(cidr), except)).isEmpty();
		}
		else {
			assertThat(CidrMatcher.exceptError(Cidr.parse(cidr), except)).hasValueSatisfying(
					(message) -> assertThat(message).contains(error).contains(except));
		}
	}

}
