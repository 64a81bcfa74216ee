package dev.portcullis.engine.match;

import java.util.List;

import com.google.re2j.Pattern;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.match.HttpMatcher.Request;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** The matcher's shortcuts (literals, {@code literal.*}) against plain RE2J full matching. */
class HttpMatcherPropertyTests {

	@Provide
	Arbitrary<String> regexes() {
		Arbitrary<String> literal = Arbitraries.strings().withChars("/ab.?*\\").ofMaxLength(5);
		return Arbitraries.oneOf(literal, literal.map((text) -> text + ".*"),
				literal.map((text) -> text.replace("\\", "") + ".*"), literal.map((text) -> "^" + text + "$"))
			// an empty regex means "not set" (tested in HttpMatcherTests), not "only the empty value"
			.filter((regex) -> !regex.isEmpty() && HttpMatcher.regexError(regex).isEmpty());
	}

	@Provide
	Arbitrary<String> values() {
		return Arbitraries.strings().withChars("/ab.?*\n").ofMaxLength(6);
	}

	@Property(tries = 1000)
	void pathShouldMatchExactlyWhenRe2FullMatches(@ForAll("regexes") String regex, @ForAll("values") String value) {
		HttpMatcher matcher = HttpMatcher.compile(new HttpRule(regex, null, null, List.of(), List.of()));
		boolean expected = Pattern.compile(regex).matches(value);
		assertThat(matcher.matches(new Request("GET", value, "host", List.of()))).as("%s ~ %s", regex, value)
			.isEqualTo(expected);
	}

	@Property(tries = 300)
	void pathWhenValueStartsWithLiteralShouldMatchLiteralDotStar(@ForAll("values") String prefix,
			@ForAll("values") String rest) {
		String literal = prefix.replaceAll("[.?*\\n]", "");
		HttpMatcher matcher = HttpMatcher.compile(new HttpRule(literal + ".*", null, null, List.of(), List.of()));
		assertThat(matcher.matches(new Request("GET", literal + rest, "h", List.of()))).isEqualTo(rest.indexOf('\n') < 0);
	}

}
