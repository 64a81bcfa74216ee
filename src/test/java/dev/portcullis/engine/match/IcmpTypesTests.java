package dev.portcullis.engine.match;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class IcmpTypesTests {

	@ParameterizedTest
	@CsvSource(delimiter = ';', nullValues = "null", textBlock = """
			IPv4 ; 0                      ; 0
			IPv4 ; 255                    ; 255
			''   ; 8                      ; 8
			IPv4 ; EchoRequest            ; 8
			IPv4 ; Echo                   ; 8
			''   ; EchoReply              ; 0
			IPv4 ; DestinationUnreachable ; 3
			IPv4 ; Redirect               ; 5
			IPv4 ; RouterAdvertisement    ; 9
			IPv4 ; RouterSelection        ; 10
			IPv4 ; TimeExceeded           ; 11
			IPv4 ; ParameterProblem       ; 12
			IPv4 ; Timestamp              ; 13
			IPv4 ; TimestampReply         ; 14
			IPv4 ; Photuris               ; 40
			IPv4 ; ExtendedEchoRequest    ; 42
			IPv4 ; ExtendedEchoReply      ; 43
			IPv6 ; DestinationUnreachable ; 1
			IPv6 ; PacketTooBig           ; 2
			IPv6 ; TimeExceeded           ; 3
			IPv6 ; ParameterProblem       ; 4
			IPv6 ; EchoRequest            ; 128
			IPv6 ; EchoReply              ; 129
			IPv6 ; MulticastListenerQuery ; 130
			IPv6 ; RouterSolicitation     ; 133
			IPv6 ; NeighborSolicitation   ; 135
			IPv6 ; NeighborAdvertisement  ; 136
			IPv6 ; RedirectMessage        ; 137
			IPv6 ; ICMPNodeInformationResponse ; 140
			IPv6 ; HomeAgentAddressDiscoveryReply ; 145
			IPv6 ; DuplicateAddressConfirmationCodeSuffix ; 158
			IPv6 ; ExtendedEchoReply      ; 161
			IPv6 ; 58                     ; 58
			IPv6 ; Echo                   ; null
			IPv6 ; Redirect               ; null
			IPv4 ; PacketTooBig           ; null
			IPv4 ; RedirectMessage        ; null
			IPv4 ; echorequest            ; null
			IPv4 ; 256                    ; null
			IPv4 ; -1                     ; null
			IPv4 ; 08                     ; null
			IPv4 ; ''                     ; null
			ipv4 ; 8                      ; null
			IPv5 ; 8                      ; null
			""")
	void resolveShouldUseTheFamilyTable(String family, String type, Integer expected) {
		if (expected == null) {
			assertThat(IcmpTypes.resolve(family, type)).isEmpty();
		}
		else {
			assertThat(IcmpTypes.resolve(family, type)).hasValue(expected);
		}
	}

	@Test
	void crdShouldRejectExtendedEchoReplyByNameButAcceptItsNumbers() {
		assertThat(IcmpTypes.crdAccepts("ExtendedEchoReply")).isFalse();
		assertThat(IcmpTypes.crdAccepts("ExtendedEcho Reply")).isTrue();
		assertThat(IcmpTypes.crdAccepts("ExtendedEchoRequest")).isTrue();
		assertThat(IcmpTypes.crdAccepts("43")).isTrue();
		assertThat(IcmpTypes.crdAccepts("161")).isTrue();
		assertThat(IcmpTypes.crdAccepts("256")).isFalse();
		assertThat(IcmpTypes.crdAccepts("EchoRequest")).isTrue();
	}

}
