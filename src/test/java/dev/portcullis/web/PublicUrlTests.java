package dev.portcullis.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@code portcullis.public-url}: links that leave the application are absolute when it is set. */
class PublicUrlTests {

	@Test
	void linkWhenNotConfiguredShouldStayRelative() {
		assertThat(PublicUrl.NONE.configured()).isFalse();
		assertThat(new PublicUrl("  ").configured()).isFalse();
		assertThat(PublicUrl.NONE.link("/workspaces/prod/change-requests/12")).isEqualTo("/workspaces/prod/change-requests/12");
	}

	@ParameterizedTest
	@CsvSource({ "https://portcullis.example.com, https://portcullis.example.com/workspaces/prod",
			"https://portcullis.example.com/, https://portcullis.example.com/workspaces/prod",
			"http://10.0.0.5:8080//, http://10.0.0.5:8080/workspaces/prod",
			"https://example.com/portcullis/, https://example.com/portcullis/workspaces/prod" })
	void linkWhenConfiguredShouldBeTheBaseFollowedByThePath(String base, String link) {
		PublicUrl url = new PublicUrl(base);
		assertThat(url.configured()).isTrue();
		assertThat(url.link("/workspaces/prod")).isEqualTo(link);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "portcullis.example.com|https://", "ftp://example.com|https://",
			"https://user:pw@example.com|without user", "https://example.com/?a=1|no query",
			"https://example.com/#top|no query or fragment", "https://exa mple.com|not a URL" })
	void publicUrlThatCannotBeALinkShouldBeRefusedSayingWhy(String base, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> new PublicUrl(base))
			.withMessageContaining("portcullis.public-url")
			.withMessageContaining(message);
	}

}
