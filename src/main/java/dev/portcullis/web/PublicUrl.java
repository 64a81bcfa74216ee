package dev.portcullis.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The address people open Portcullis at ({@code portcullis.public-url}, README "Settings"), for links that leave the
 * application and are opened elsewhere: webhook messages in a chat, a forge's commit status. Requests cannot tell it
 * (a proxy may sit in front, and a webhook is sent by a worker, not in a request), so it is configured.
 * <p>
 * Unset (the default), {@link #link} keeps paths relative ({@code /workspaces/prod/change-requests/12}); set to
 * {@code https://portcullis.example.com} or {@code https://example.com/portcullis} (a trailing slash is dropped), it
 * answers {@code https://portcullis.example.com/workspaces/prod/change-requests/12}. A value that is not an absolute
 * http(s) URL without user info, query or fragment stops the start with a message that says so.
 *
 * @param publicUrl the base URL, without a trailing slash; null when not configured
 */
@ConfigurationProperties("portcullis")
public record PublicUrl(@Nullable String publicUrl) {

	/** Not configured: links stay relative. */
	public static final PublicUrl NONE = new PublicUrl(null);

	public PublicUrl {
		if (publicUrl != null && publicUrl.isBlank()) {
			publicUrl = null;
		}
		if (publicUrl != null) {
			publicUrl = check(publicUrl.strip());
		}
	}

	private static String check(String text) {
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw refused(text, "it is not a URL (" + ex.getReason() + ")");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw refused(text, "it must start with https:// or http://");
		}
		if (uri.getHost() == null || uri.getRawUserInfo() != null) {
			throw refused(text, "it must name a host, without user or password");
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw refused(text, "it may have a path but no query or fragment");
		}
		String base = text;
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		return base;
	}

	private static IllegalArgumentException refused(String text, String why) {
		return new IllegalArgumentException("portcullis.public-url " + Quoted.of(text) + " cannot be used: " + why
				+ " (for example https://portcullis.example.com).");
	}

	/** Whether a public URL is configured, so that {@link #link} answers absolute URLs. */
	public boolean configured() {
		return this.publicUrl != null;
	}

	/**
	 * The link to {@code path} (absolute, from {@code /}) that someone outside the application can open: the public
	 * URL followed by the path when configured, else the path itself.
	 */
	public String link(String path) {
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("a link's path starts with /: " + path);
		}
		return (this.publicUrl != null) ? this.publicUrl + path : path;
	}

}
