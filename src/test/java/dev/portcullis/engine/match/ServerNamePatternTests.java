package dev.portcullis.engine.match;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerNamePatternTests {

	/** The examples of the CRD's ServerName description, and the prefix-only forms of earlier releases. */
	@ParameterizedTest
	@CsvSource(delimiter = ';', textBlock = """
			example.com     ; example.com          ; true
			example.com     ; EXAMPLE.com          ; true
			Example.COM.    ; example.com          ; true
			example.com     ; example.com.         ; true
			example.com     ; www.example.com      ; false
			*.cilium.io     ; www.cilium.io        ; true
			*.cilium.io     ; blog.CILIUM.io       ; true
			*.cilium.io     ; cilium.io            ; false
			*.cilium.io     ; google.com           ; false
			*.cilium.io     ; a.b.cilium.io        ; false
			*.cilium.io     ; wwwcilium.io         ; false
			*cilium.io      ; cilium.io            ; true
			*cilium.io      ; subcilium.io         ; true
			*cilium.io      ; sub-cilium.io        ; true
			*cilium.io      ; www.cilium.io        ; false
			sub*.cilium.io  ; sub.cilium.io        ; true
			sub*.cilium.io  ; subdomain.cilium.io  ; true
			sub*.cilium.io  ; www.cilium.io        ; false
			sub*.cilium.io  ; cilium.io            ; false
			**.cilium.io    ; app.cilium.io        ; true
			**.cilium.io    ; test.app.cilium.io   ; true
			**.cilium.io    ; cilium.io            ; false
			**.cilium.io    ; a..cilium.io         ; false
			**.cilium.io    ; xcilium.io           ; false
			api.*-example.com ; api.test-example.com ; true
			api.*-example.com ; api.staging.test-example.com ; false
			*               ; anything.example.com ; true
			*               ; localhost            ; true
			*               ; a b                  ; false
			""")
	void matchesShouldFollowCrdServerNameSemantics(String pattern, String serverName, boolean expected) {
		assertThat(ServerNamePattern.parse(pattern).matches(serverName)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", ".example.com", "example..com", "exa mple.com", "example.com/x", "ex+ample.com",
			"[a].com" })
	void parseWhenNotAllowedShouldRejectQuotingIt(String pattern) {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse(pattern))
			.withMessageContaining("\"" + pattern + "\"");
	}

	@Test
	void parseWhenLongerThan255ShouldReject() {
		String label = "a".repeat(63);
		String name = String.join(".", label, label, label, label);
		assertThat(ServerNamePattern.parse(name.substring(0, 255)).matches(name.substring(0, 255))).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> ServerNamePattern.parse(name + "a"));
	}

}
