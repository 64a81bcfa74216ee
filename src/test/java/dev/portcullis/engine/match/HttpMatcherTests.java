package dev.portcullis.engine.match;

import java.util.List;

import dev.portcullis.engine.api.PortRule.HeaderMatch;
import dev.portcullis.engine.api.PortRule.HttpRule;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.match.HttpMatcher.Request;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpMatcherTests {

	private static final Request GET_PUBLIC = new Request("GET", "/public", "example.com:8080",
			List.of(new Header("X-Token", "abc"), new Header("Accept", "text/html"), new Header("accept", "json")));

	private static HttpMatcher rule(@Nullable String path, @Nullable String method, @Nullable String host,
			String... headers) {
		return HttpMatcher.compile(new HttpRule(path, method, host, List.of(headers), List.of()));
	}

	private static HttpMatcher headerMatch(String name, @Nullable String value, @Nullable String secret,
			@Nullable String mismatch) {
		return HttpMatcher.compile(new HttpRule(null, null, null, List.of(),
				List.of(new HeaderMatch(name, value, (secret != null) ? "ns" : null, secret, mismatch))));
	}

	@Test
	void matchesWhenRuleIsEmptyShouldMatchEverything() {
		assertThat(rule(null, null, null).matches(GET_PUBLIC)).isTrue();
		assertThat(rule("", "", "").matches(GET_PUBLIC)).isTrue();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', nullValues = "null", textBlock = """
			/public         ; null  ; null                 ; true
			/public.*       ; null  ; null                 ; true
			/pub            ; null  ; null                 ; false
			/pub.*          ; null  ; null                 ; true
			^/public$       ; null  ; null                 ; true
			/PUBLIC         ; null  ; null                 ; false
			/p(ublic|rivate); null  ; null                 ; true
			.*              ; GET   ; null                 ; true
			null            ; get   ; null                 ; false
			null            ; GET|POST ; null              ; true
			null            ; G     ; null                 ; false
			null            ; null  ; example.com          ; false
			null            ; null  ; example.com:8080     ; true
			null            ; null  ; example.com(:.*)?    ; true
			null            ; null  ; example.com:.*       ; true
			null            ; null  ; exampleXcom:8080     ; false
			null            ; null  ; example[.]com:8080   ; true
			/public         ; POST  ; null                 ; false
			""")
	void matchesShouldFullMatchRegexes(String path, String method, String host, boolean expected) {
		assertThat(rule(path, method, host).matches(GET_PUBLIC)).isEqualTo(expected);
	}

	@Test
	void matchesWhenPathHasQueryShouldIncludeIt() {
		Request request = new Request("GET", "/public?x=1", "h", List.of());
		assertThat(rule("/public", null, null).matches(request)).isFalse();
		assertThat(rule("/public.*", null, null).matches(request)).isTrue();
		assertThat(rule("/public\\?x=1", null, null).matches(request)).isTrue();
	}

	@Test
	void matchesWhenDotIsUnescapedShouldMatchAnyCharacter() {
		Request request = new Request("GET", "/", "fooXbar.com", List.of());
		assertThat(rule(null, null, "foo.bar.com").matches(request)).isTrue();
		assertThat(rule(null, null, "foo\\.bar\\.com").matches(request)).isFalse();
	}

	@Test
	void matchesWhenLiteralPrefixWithDotStarShouldNotCrossNewline() {
		Request request = new Request("GET", "/a\nb", "h", List.of());
		assertThat(rule("/a.*", null, null).matches(request)).isFalse();
		assertThat(rule("/a(?s:.*)", null, null).matches(request)).isTrue();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			X-Token            ; true
			x-token            ; true
			X-Missing          ; false
			X-Token: abc       ; true
			X-Token abc        ; true
			x-TOKEN:: abc      ; true
			X-Token: ABC       ; false
			X-Token: ab        ; false
			X-Token:abc        ; false
			'X-Token:  abc'    ; false
			Accept: text/html,json ; true
			Accept: text/html  ; false
			""")
	void matchesWhenHeadersShouldRequirePresenceOrExactValue(String header, boolean expected) {
		assertThat(rule(null, null, null, header).matches(GET_PUBLIC)).isEqualTo(expected);
	}

	@Test
	void matchesWhenSeveralHeadersShouldRequireAll() {
		assertThat(rule(null, null, null, "X-Token", "Accept").matches(GET_PUBLIC)).isTrue();
		assertThat(rule(null, null, null, "X-Token", "X-Other").matches(GET_PUBLIC)).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', nullValues = "null", textBlock = """
			X-Token   ; null ; null   ; null    ; true
			X-Missing ; null ; null   ; null    ; false
			X-Token   ; ''   ; null   ; null    ; true
			x-token   ; abc  ; null   ; null    ; true
			X-Token   ; abd  ; null   ; null    ; false
			X-Token   ; abd  ; null   ; LOG     ; true
			X-Token   ; abd  ; null   ; ADD     ; true
			X-Token   ; abd  ; null   ; DELETE  ; true
			X-Token   ; abd  ; null   ; REPLACE ; true
			X-Missing ; abd  ; null   ; LOG     ; true
			X-Token   ; null ; secret ; null    ; false
			X-Token   ; abc  ; secret ; null    ; true
			X-Token   ; null ; secret ; LOG     ; true
			Accept    ; text/html,json ; null ; null ; true
			""")
	void matchesWhenHeaderMatchesShouldApplyMismatchAction(String name, String value, String secret,
			String mismatch, boolean expected) {
		assertThat(headerMatch(name, value, secret, mismatch).matches(GET_PUBLIC)).isEqualTo(expected);
	}

	@Test
	void secretHeadersShouldListItemsThatOnlyASecretDecides() {
		assertThat(headerMatch("X-Token", null, "token", "LOG").secretHeaders())
			.containsExactly("header X-Token against secret ns/token (mismatch LOG)");
		assertThat(headerMatch("X-Token", null, "token", null).secretHeaders())
			.containsExactly("header X-Token against secret ns/token (fail on mismatch)");
		assertThat(headerMatch("X-Token", "abc", "token", null).secretHeaders()).isEmpty();
		assertThat(headerMatch("X-Token", null, null, null).secretHeaders()).isEmpty();
	}

	@Test
	void matchesWhenHeaderIsWrittenWithEmptyValueShouldNeedAnEmptyValue() {
		HttpMatcher emptyValue = rule(null, null, null, "X-Debug: ");
		assertThat(emptyValue.matches(new Request("GET", "/", "", List.of(new Header("X-Debug", ""))))).isTrue();
		assertThat(emptyValue.matches(new Request("GET", "/", "", List.of(new Header("X-Debug", "1"))))).isFalse();
		assertThat(emptyValue.matches(new Request("GET", "/", "", List.of()))).isFalse();
		HttpMatcher trailingColon = rule(null, null, null, "X-Debug:");
		assertThat(trailingColon.matches(new Request("GET", "/", "", List.of(new Header("X-Debug", "1"))))).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			http://productpage:9080/productpage ; productpage:9080 ; /productpage
			http://10.0.0.1:8080/public?x=1     ; 10.0.0.1:8080    ; /public?x=1
			https://example.com                 ; example.com      ; /
			http://example.com?x=1              ; example.com      ; /?x=1
			http://example.com/a#frag           ; example.com      ; /a
			/reviews/0                          ; from-header:80   ; /reviews/0
			/r?next=http://x/y                  ; from-header:80   ; /r?next=http://x/y
			""")
	void ofHubbleShouldSplitUrlIntoAuthorityAndPath(String url, String authority, String path) {
		Request request = Request.ofHubble("GET", url, List.of(new Header("Host", "from-header:80")));
		assertThat(request.authority()).isEqualTo(authority);
		assertThat(request.path()).isEqualTo(path);
		assertThat(request.method()).isEqualTo("GET");
	}

	@Test
	void ofHubbleWhenPathOnlyAndNoHostShouldHaveEmptyAuthority() {
		assertThat(Request.ofHubble("GET", "/x", List.of()).authority()).isEmpty();
	}

	@Test
	void regexErrorShouldQuoteTheRegex() {
		assertThat(HttpMatcher.regexError("/api/.*")).isEmpty();
		assertThat(HttpMatcher.regexError("/api/(v1")).hasValueSatisfying(
				(message) -> assertThat(message).startsWith("\"/api/(v1\" is not a valid RE2 regular expression")
					.contains("missing closing )"));
		assertThat(HttpMatcher.regexError("(?<=a)b")).isPresent();
		assertThat(HttpMatcher.regexError("a**")).isPresent();
	}

}
