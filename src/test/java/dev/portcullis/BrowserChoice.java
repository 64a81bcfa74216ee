package dev.portcullis;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Which Chromium the browser tests drive: a browser installed on the machine when one is found, else the one
 * Playwright downloads and keeps in its own cache (docs/adr/016).
 *
 * <p>{@code CHROMIUM_PATH}, when set, is the only candidate: a path that does not exist is an error, never a
 * silent fallback to a download. Otherwise the first existing file of {@link #SYSTEM_BROWSERS} wins (Debian's
 * {@code chromium}, other distributions' {@code chromium-browser}, Google Chrome, and the macOS application
 * bundles of Google Chrome and Chromium). When none exists, {@link #executable()} is {@code null}: Playwright
 * installs its own Chromium (a download on the first run) and launches it.
 *
 * @param executable the browser to launch, or {@code null} for Playwright's own
 */
record BrowserChoice(@Nullable Path executable) {

	/** The variable that names a browser explicitly. */
	static final String VARIABLE = "CHROMIUM_PATH";

	/** System browsers looked for, in this order, when {@code CHROMIUM_PATH} is not set. */
	static final List<Path> SYSTEM_BROWSERS = List.of(Path.of("/usr/bin/chromium"),
			Path.of("/usr/bin/chromium-browser"), Path.of("/usr/bin/google-chrome"),
			Path.of("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
			Path.of("/Applications/Chromium.app/Contents/MacOS/Chromium"));

	/**
	 * The choice for this environment and file system.
	 * @param environment the process environment (only {@code CHROMIUM_PATH} is read)
	 * @param exists whether a file exists at a path
	 * @throws IllegalStateException if {@code CHROMIUM_PATH} names a file that does not exist
	 */
	static BrowserChoice of(Map<String, String> environment, Predicate<Path> exists) {
		String configured = environment.get(VARIABLE);
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (!exists.test(path)) {
				throw new IllegalStateException(VARIABLE + " is " + configured + ", which does not exist");
			}
			return new BrowserChoice(path);
		}
		return SYSTEM_BROWSERS.stream().filter(exists).findFirst().map(BrowserChoice::new)
			.orElseGet(() -> new BrowserChoice(null));
	}

	/** Whether Playwright's own browser is used (and may have to be downloaded first). */
	boolean playwrightsOwn() {
		return this.executable == null;
	}

}
