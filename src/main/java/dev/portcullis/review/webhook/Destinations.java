package dev.portcullis.review.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Which URLs a webhook may call: absolute {@code http} or {@code https} URLs with a host, without user info or a
 * fragment, at most 2,000 characters; and unless {@code portcullis.webhooks.allow-link-local} is set, none whose host
 * is or resolves to a link-local address (169.254.0.0/16, where cloud metadata services answer, and fe80::/10), so
 * that an administrator's URL cannot read the server's cloud credentials. Loopback and private addresses are allowed:
 * chat relays often run next to Portcullis.
 */
final class Destinations {

	private Destinations() {
	}

	/** What is wrong with {@code url} as written, or null when nothing is (no name is resolved here). */
	static @Nullable String problem(String url, boolean allowLinkLocal) {
		if (url.isBlank()) {
			return "is required";
		}
		if (url.length() > 2000) {
			return "must be at most 2000 characters";
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			return "is not a URL: " + ex.getReason();
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return "must be an http:// or https:// URL";
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			return "must name a host";
		}
		if (uri.getRawUserInfo() != null) {
			return "must not carry a user name or password (sign with the secret instead)";
		}
		if (uri.getRawFragment() != null) {
			return "must not have a fragment (#...)";
		}
		if (!allowLinkLocal && isIpLiteral(uri.getHost())) {
			try {
				InetAddress address = InetAddress.getByName(stripBrackets(uri.getHost()));
				if (linkLocal(address)) {
					return "must not point to a link-local address (" + address.getHostAddress()
							+ "), where cloud metadata services answer";
				}
			}
			catch (UnknownHostException ex) {
				return "has a host that is not an address";
			}
		}
		return null;
	}

	/**
	 * Resolves the URL's host (blocking: call off the event loop) and answers why it may not be called, or null when
	 * it may.
	 */
	static @Nullable String refusedAddress(URI uri, boolean allowLinkLocal) {
		if (allowLinkLocal) {
			return null;
		}
		try {
			for (InetAddress address : InetAddress.getAllByName(stripBrackets(uri.getHost()))) {
				if (linkLocal(address)) {
					return "the host " + uri.getHost() + " resolves to the link-local address "
							+ address.getHostAddress() + ", which webhooks may not call"
							+ " (portcullis.webhooks.allow-link-local)";
				}
			}
			return null;
		}
		catch (UnknownHostException ex) {
			return "the host name " + uri.getHost() + " does not resolve";
		}
	}

	static boolean linkLocal(InetAddress address) {
		if (address instanceof Inet6Address v6 && v6.getAddress()[0] == (byte) 0xfd) {
			// fd00:ec2::254, the IPv6 metadata endpoint of AWS
			byte[] b = v6.getAddress();
			return b[1] == 0x00 && b[2] == 0x0e && b[3] == (byte) 0xc2;
		}
		return address.isLinkLocalAddress() || (address instanceof Inet4Address && address.getAddress()[0] == (byte) 169
				&& address.getAddress()[1] == (byte) 254);
	}

	private static boolean isIpLiteral(String host) {
		return host.startsWith("[") || host.matches("[0-9.]+");
	}

	private static String stripBrackets(String host) {
		return (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
	}

}
