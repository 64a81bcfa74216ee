package dev.portcullis.engine.match;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerNamePatternTests {

	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			example.com     ; example.com       ; true
			example.com     ; EXAMPLE.com       ; true
			Example.COM.    ; example.com       ; true
			example.com     ; example.com.      ; true
			example.com     ; www.example.com   ; false
			*.example.com   ; www.example.com   ; true
			*.example.com   ; WWW.Example.com   ; true
			*.example.com   ; example.com       ; false
			*.example.com   ; a.b.example.com   ; false
			*.example.com   ; .example.com      ; false
			*.example.com   ; wwwexample.com    ; false
			**.example.com  ; www.example.com   ; true
			**.example.com  ; a.b.c.example.com ; true
			**.example.com  ; example.com       ; false
			**.example.com  ; a..example.com    ; false
			**.example.com  ; xexample.com      ; false
			""")
	void matchesShouldHonourWildcardDepth(String pattern, String serverName, boolean expected) {
		assertThat(ServerNamePattern.parse(pattern).matches(serverName)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "*", "**", "***.example.com", "a.*.example.com", "*example.com", "exa mple.com",
			".example.com", "example..com", "*.*.example.com" })
	void parseWhenNotAllowedShouldRejectQuotingIt(String pattern) {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse(pattern))
			.withMessageContaining("\"" + pattern + "\"");
	}

}
