package dev.portcullis.flow.sources;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The rules for a source's settings, shared by the API and the page: each check answers a message that says what is
 * allowed (by field name), or nothing. PEM text is parsed here, so a bad certificate or key is refused when it is
 * saved, not found out at the next connection.
 */
final class SourceForms {

	private static final Pattern ADDRESS = Pattern.compile("(?:[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?"
			+ "|\\[[0-9A-Fa-f:.]{2,45}\\]):([0-9]{1,5})");

	private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9*]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?");

	private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][-A-Za-z0-9_.]{0,126}\\.[A-Za-z0-9]{1,8}");

	private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

	private SourceForms() {
	}

	/** A Relay's settings as entered; key is null to keep the stored key, "" to remove it. */
	record Relay(boolean enabled, String address, boolean tls, @Nullable String serverName, @Nullable String ca,
			@Nullable String clientCertificate, @Nullable String clientKey) {
	}

	/** An exporter directory's settings as entered. */
	record Files(boolean enabled, String directory, String fileName) {
	}

	/** The problems of a Relay's settings, by field name (empty when none). */
	static Map<String, String> check(Relay relay, boolean keyStored) {
		Map<String, String> errors = new LinkedHashMap<>();
		Matcher address = ADDRESS.matcher(relay.address().strip());
		if (!address.matches() || Integer.parseInt(address.group(2)) < 1 || Integer.parseInt(address.group(2)) > 65535) {
			errors.put("address", "must be host:port, such as hubble-relay.kube-system.svc:4245 or 10.0.0.5:4245"
					+ " (port 1..65535)");
		}
		if (relay.serverName() != null && !SERVER_NAME.matcher(relay.serverName()).matches()) {
			errors.put("serverName", "must be a DNS name, such as *.hubble-relay.cilium.io, or empty");
		}
		if (!relay.tls() && (relay.ca() != null || relay.clientCertificate() != null
				|| (relay.clientKey() != null && !relay.clientKey().isEmpty()))) {
			errors.put("tls", "certificates and keys need TLS: turn TLS on or leave them empty");
		}
		if (relay.ca() != null) {
			String problem = certificates(relay.ca());
			if (problem != null) {
				errors.put("ca", problem);
			}
		}
		if (relay.clientCertificate() != null) {
			String problem = certificates(relay.clientCertificate());
			if (problem != null) {
				errors.put("clientCertificate", problem);
			}
		}
		boolean key = (relay.clientKey() != null) ? !relay.clientKey().isEmpty() : keyStored;
		if (relay.clientKey() != null && !relay.clientKey().isEmpty()) {
			String problem = privateKey(relay.clientKey());
			if (problem != null) {
				errors.put("clientKey", problem);
			}
		}
		if (!errors.containsKey("clientKey") && !errors.containsKey("clientCertificate")
				&& (relay.clientCertificate() != null) != key) {
			errors.put((relay.clientCertificate() == null) ? "clientCertificate" : "clientKey",
					"a client certificate and its key go together: give both or neither");
		}
		return errors;
	}

	/** The problems of an exporter directory's settings, by field name (empty when none). */
	static Map<String, String> check(Files files, List<String> roots) {
		Map<String, String> errors = new LinkedHashMap<>();
		try {
			allowedDirectory(files.directory(), roots);
		}
		catch (IllegalArgumentException ex) {
			errors.put("directory", ex.getMessage());
		}
		if (!FILE_NAME.matcher(files.fileName()).matches()) {
			errors.put("fileName", "must be a file name with an extension, such as events.log");
		}
		return errors;
	}

	/**
	 * The directory, normalized, when it is absolute and inside one of the allowed roots
	 * ({@code portcullis.flows.sources.file-roots}); otherwise an exception that says which roots are allowed.
	 */
	static Path allowedDirectory(@Nullable String directory, List<String> roots) {
		if (directory == null || directory.isBlank() || !directory.startsWith("/") || directory.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("must be an absolute path, such as /var/run/cilium/hubble");
		}
		Path path = Path.of(directory).normalize();
		for (String root : roots) {
			if (!root.isBlank() && path.startsWith(Path.of(root).normalize())) {
				return path;
			}
		}
		throw new IllegalArgumentException("must be inside " + String.join(" or ", roots)
				+ " (portcullis.flows.sources.file-roots)");
	}

	/** Normalizes a text field: stripped, empty becomes null. */
	static @Nullable String blankToNull(@Nullable String text) {
		return (text == null || text.isBlank()) ? null : text.strip();
	}

	private static @Nullable String certificates(String pem) {
		if (!PEM.matcher(pem).find() || !pem.contains("-----BEGIN CERTIFICATE-----")) {
			return "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)";
		}
		try {
			if (CertificateFactory.getInstance("X.509")
				.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
				.isEmpty()) {
				return "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)";
			}
			return null;
		}
		catch (CertificateException ex) {
			return "is not a valid PEM certificate";
		}
	}

	private static @Nullable String privateKey(String pem) {
		Matcher matcher = PEM.matcher(pem);
		if (!matcher.find() || !matcher.group(1).equals("PRIVATE KEY")) {
			return "must be a PKCS #8 PEM private key (-----BEGIN PRIVATE KEY-----); convert others with"
					+ " openssl pkcs8 -topk8 -nocrypt";
		}
		byte[] der;
		try {
			der = Base64.getMimeDecoder().decode(matcher.group(2).replaceAll("\\s", ""));
		}
		catch (IllegalArgumentException ex) {
			return "is not valid base64 inside its PEM markers";
		}
		for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
			try {
				KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
				return null;
			}
			catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException ex) {
				// try the next algorithm
			}
		}
		return "is not an RSA, EC or Ed25519 private key";
	}

}
