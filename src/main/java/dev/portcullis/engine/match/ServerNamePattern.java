package dev.portcullis.engine.match;

/**
 * A TLS {@code serverNames} entry: an exact name, {@code *.example.com} (exactly one label) or
 * {@code **.example.com} (one or more labels); case-insensitive.
 */
public final class ServerNamePattern {

	/** @throws IllegalArgumentException when not {@code ^(\*?\*\.)?([-a-zA-Z0-9_]+\.?)+$} or over 255 */
	public static ServerNamePattern parse(String pattern) {
		throw new UnsupportedOperationException("TODO");
	}

	public boolean matches(String serverName) {
		throw new UnsupportedOperationException("TODO");
	}

}
