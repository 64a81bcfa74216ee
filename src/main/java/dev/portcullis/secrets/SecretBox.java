package dev.portcullis.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Seals a secret for the database and opens it again: AES-256-GCM, a fresh 12-byte nonce per seal (stored in front
 * of the ciphertext and tag), and a caller's <em>context</em> bound as associated data, so that a sealed value
 * copied to another row or another feature does not open. Callers pass a context that names the row, for example
 * {@code Long.toString(sourceId)} for a flow source's Relay client key or {@code "webhook:" + id} for a webhook's
 * secret.
 *
 * <p>
 * The sealing key is one per installation and lives outside the database, so that a dump or backup alone reveals
 * no secret. It is read, first match wins, from {@code portcullis.secrets.key} (base64 of 32 bytes),
 * {@code portcullis.secrets.key-file}, the older flow-source settings {@code portcullis.flows.sources.secret-key}
 * and {@code portcullis.flows.sources.key-file} (so Relay keys sealed before this class existed still open), and
 * otherwise the file {@code ~/.portcullis/flow-source.key} if it exists, else {@code ~/.portcullis/secrets.key},
 * which is made with permissions 600 on first use. Plain values are never logged; an exception never carries one.
 */
@Component
@EnableConfigurationProperties({ SecretBox.Settings.class, SecretBox.LegacySettings.class })
public class SecretBox {

	private static final int NONCE = 12;

	private final SecretKey key;

	private final SecureRandom random = new SecureRandom();

	SecretBox(Settings settings, LegacySettings legacy) {
		this.key = new SecretKeySpec(keyBytes(settings, legacy), "AES");
	}

	/**
	 * The installation's sealing key ({@code portcullis.secrets.*}, README "Secrets").
	 *
	 * @param key base64 of 32 bytes; wins over every file
	 * @param keyFile a file holding base64 of 32 bytes, made on first use when missing
	 */
	@ConfigurationProperties("portcullis.secrets")
	record Settings(@Nullable String key, @Nullable String keyFile) {
	}

	/** The flow sources' older names for the same key, still honoured. */
	@ConfigurationProperties("portcullis.flows.sources")
	record LegacySettings(@Nullable String secretKey, @Nullable String keyFile) {
	}

	/** A sealed value could not be opened: another sealing key, another context, or a changed row. */
	public static final class CannotOpen extends IllegalStateException {

		CannotOpen() {
			super("the secret cannot be opened with this installation's sealing key (portcullis.secrets.key or"
					+ " key-file changed?, or the sealed value was moved to another row); save the secret again");
		}

	}

	/**
	 * {@code plain} sealed under this installation's key, bound to {@code context}: nonce, then ciphertext and tag.
	 * Two seals of one value differ.
	 */
	public byte[] seal(String context, String plain) {
		try {
			byte[] nonce = new byte[NONCE];
			this.random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, nonce));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
			System.arraycopy(sealed, 0, out, NONCE, sealed.length);
			return out;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot seal a secret: " + ex.getClass().getSimpleName());
		}
	}

	/**
	 * The plain value that {@link #seal} sealed with the same {@code context}.
	 * @throws CannotOpen when the key, the context or the bytes differ
	 */
	public String open(String context, byte[] sealed) {
		if (sealed.length < NONCE + 16) {
			throw new CannotOpen();
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(128, sealed, 0, NONCE));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new CannotOpen();
		}
	}

	private static byte[] keyBytes(Settings settings, LegacySettings legacy) {
		if (present(settings.key())) {
			return decoded(settings.key(), "portcullis.secrets.key");
		}
		if (present(settings.keyFile())) {
			return fromFile(Path.of(settings.keyFile()));
		}
		if (present(legacy.secretKey())) {
			return decoded(legacy.secretKey(), "portcullis.flows.sources.secret-key");
		}
		if (present(legacy.keyFile())) {
			return fromFile(Path.of(legacy.keyFile()));
		}
		Path home = Path.of(System.getProperty("user.home"), ".portcullis");
		Path older = home.resolve("flow-source.key");
		return fromFile(Files.exists(older) ? older : home.resolve("secrets.key"));
	}

	private static boolean present(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	private static byte[] decoded(String base64, String name) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(name + " must be base64 of 32 bytes");
		}
		if (key.length != 32) {
			throw new IllegalArgumentException(name + " must be base64 of 32 bytes");
		}
		return key;
	}

	private static byte[] fromFile(Path file) {
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(file.toAbsolutePath().getParent());
				byte[] fresh = new byte[32];
				new SecureRandom().nextBytes(fresh);
				try {
					Files.createFile(file,
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
					Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
				}
				catch (FileAlreadyExistsException ex) {
					// another instance on this machine made it first: read theirs
				}
			}
			return decoded(Files.readString(file), file.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or make the secrets key file " + file, ex);
		}
	}

}
