package dev.portcullis;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The browser tests drive a system Chromium when there is one, else Playwright's own. */
class BrowserChoiceTests {

	private static final Path DEBIAN = Path.of("/usr/bin/chromium");

	private static final Path FEDORA = Path.of("/usr/bin/chromium-browser");

	private static final Path CHROME = Path.of("/usr/bin/google-chrome");

	private static final Path MAC_CHROME = Path.of("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome");

	private static final Path MAC_CHROMIUM = Path.of("/Applications/Chromium.app/Contents/MacOS/Chromium");

	@Test
	void chromiumPathShouldWinOverEverySystemBrowser() {
		Path custom = Path.of("/opt/chromium/chrome");
		BrowserChoice choice = BrowserChoice.of(Map.of("CHROMIUM_PATH", custom.toString()),
				Set.of(custom, DEBIAN, MAC_CHROME)::contains);
		assertThat(choice.executable()).isEqualTo(custom);
		assertThat(choice.playwrightsOwn()).isFalse();
	}

	@Test
	void chromiumPathThatDoesNotExistShouldBeAnErrorNotADownload() {
		assertThatIllegalStateException()
			.isThrownBy(() -> BrowserChoice.of(Map.of("CHROMIUM_PATH", "/nowhere/chromium"), Set.of(DEBIAN)::contains))
			.withMessageContaining("/nowhere/chromium");
	}

	@Test
	void blankChromiumPathShouldCountAsUnset() {
		assertThat(BrowserChoice.of(Map.of("CHROMIUM_PATH", " "), Set.of(DEBIAN)::contains).executable())
			.isEqualTo(DEBIAN);
	}

	@Test
	void debiansChromiumShouldBeFoundFirst() {
		assertThat(BrowserChoice.of(Map.of(), Set.of(DEBIAN, FEDORA, CHROME)::contains).executable()).isEqualTo(DEBIAN);
	}

	@Test
	void eachSystemBrowserShouldBeFoundWhenItIsTheOnlyOne() {
		for (Path path : new Path[] { FEDORA, CHROME, MAC_CHROME, MAC_CHROMIUM }) {
			assertThat(BrowserChoice.of(Map.of(), Set.of(path)::contains).executable()).as(path.toString())
				.isEqualTo(path);
		}
	}

	@Test
	void googleChromeOnMacShouldBePreferredToChromiumOnMac() {
		assertThat(BrowserChoice.of(Map.of(), Set.of(MAC_CHROMIUM, MAC_CHROME)::contains).executable())
			.isEqualTo(MAC_CHROME);
	}

	@Test
	void noSystemBrowserShouldMeanPlaywrightsOwn() {
		BrowserChoice choice = BrowserChoice.of(Map.of("PATH", "/usr/bin"), (path) -> false);
		assertThat(choice.executable()).isNull();
		assertThat(choice.playwrightsOwn()).isTrue();
	}

}
