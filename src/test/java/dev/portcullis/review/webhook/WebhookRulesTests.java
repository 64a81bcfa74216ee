package dev.portcullis.review.webhook;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of webhooks that need no server: which URLs, the backoff, the chat line, the signature. */
class WebhookRulesTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			https://chat.example.com/hooks/abc         | -
			http://127.0.0.1:8080/hook                 | -
			http://10.0.0.7/hook                       | -
			HTTPS://chat.example.com                   | -
			ftp://chat.example.com/                    | must be an http:// or https:// URL
			chat.example.com/hooks                     | must be an http:// or https:// URL
			https://user:pw@chat.example.com/          | must not carry a user name or password
			https://chat.example.com/#x                | must not have a fragment
			http://169.254.169.254/latest/meta-data/   | must not point to a link-local address (169.254.169.254)
			http://[fe80::1]/hook                      | must not point to a link-local address
			https://                                   | is not a URL
			'  '                                       | is required
			""")
	void problemShouldAllowHttpUrlsAndNameWhatIsWrongWithOthers(String url, String problem) {
		String found = Destinations.problem(url.strip(), false);
		if (problem == null) {
			assertThat(found).isNull();
		}
		else {
			assertThat(found).startsWith(problem);
		}
	}

	@Test
	void problemWhenLinkLocalIsAllowedShouldAcceptTheMetadataAddress() {
		assertThat(Destinations.problem("http://169.254.169.254/", true)).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "169.254.169.254, true", "169.254.0.1, true", "fe80::1, true", "fd00:ec2::254, true",
			"127.0.0.1, false", "10.1.2.3, false", "::1, false", "fd00::1, false", "8.8.8.8, false" })
	void linkLocalShouldCoverTheMetadataAddressesOnly(String address, boolean linkLocal) throws Exception {
		assertThat(Destinations.linkLocal(InetAddress.getByName(address))).isEqualTo(linkLocal);
	}

	@Test
	void backoffShouldDoubleFromTheInitialWaitUpToTheMaximumWithJitterInTheUpperHalf() {
		WebhookSettings settings = new WebhookSettings(true, Duration.ofSeconds(1), 20, 8, Duration.ofSeconds(10),
				Duration.ofMinutes(30), Duration.ofSeconds(5), Duration.ofSeconds(10), DataSize.ofKilobytes(64), false);
		assertThat(settings.backoff(1, 1.0)).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.backoff(1, 0.0)).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.backoff(2, 1.0)).isEqualTo(Duration.ofSeconds(20));
		assertThat(settings.backoff(4, 1.0)).isEqualTo(Duration.ofSeconds(80));
		assertThat(settings.backoff(20, 1.0)).isEqualTo(Duration.ofMinutes(30));
		assertThat(settings.backoff(63, 0.0)).isEqualTo(Duration.ofMinutes(15));
		assertThat(settings.lease()).isGreaterThan(settings.timeout().plus(settings.connectTimeout()));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			change_request.opened            | [prod] Change request #12 “Open 443” opened by bob https://pc/cr/12
			change_request.revised           | [prod] Change request #12 “Open 443” revised (revision 3) by bob https://pc/cr/12
			change_request.approved          | [prod] Change request #12 “Open 443” approved by bob https://pc/cr/12
			change_request.changes_requested | [prod] Change request #12 “Open 443” needs changes by bob https://pc/cr/12
			change_request.merged            | [prod] Change request #12 “Open 443” merged by bob https://pc/cr/12
			change_request.withdrawn         | [prod] Change request #12 “Open 443” withdrawn by bob https://pc/cr/12
			publication.failed               | [prod] Publication #12 to git failed: push refused by bob https://pc/cr/12
			""")
	void textShouldSayInOneLineWhatHappenedForAChat(String event, String line) {
		Map<String, Object> payload = new java.util.LinkedHashMap<>();
		payload.put("id", 12);
		payload.put("title", "Open\n443");
		payload.put("actor", "bob");
		payload.put("revision", 3);
		payload.put("url", "https://pc/cr/12");
		if (event.startsWith("publication.")) {
			payload.remove("title");
			payload.put("target", "git");
			payload.put("error", "push refused");
		}
		assertThat(Webhooks.text("prod", event, payload)).isEqualTo(line);
	}

	@Test
	void signatureShouldBeTheHexHmacOfTimestampDotBody() {
		// computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
		assertThat(Signature.of("key", 1700000000L, "{}".getBytes()))
			.isEqualTo("sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
	}

}
