package dev.portcullis.flow.sources;

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

import org.springframework.stereotype.Component;

/**
 * Seals a Relay client's private key for the database and opens it again (AES-256-GCM, a fresh 12-byte nonce per
 * seal, the source's id as associated data so that a sealed key copied to another row does not open). The key that
 * seals lives outside the database ({@link SourceSettings#secretKey()} or the key file), so a database dump or backup
 * alone does not reveal client keys. Plain keys are never logged and never leave the server.
 */
@Component
class SourceSecrets {

	private static final int NONCE = 12;

	private final SecretKey key;

	private final SecureRandom random = new SecureRandom();

	SourceSecrets(SourceSettings settings) {
		this.key = new SecretKeySpec(keyBytes(settings), "AES");
	}

	byte[] seal(long sourceId, String plain) {
		try {
			byte[] nonce = new byte[NONCE];
			this.random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, nonce));
			cipher.updateAAD(Long.toString(sourceId).getBytes(StandardCharsets.US_ASCII));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
			System.arraycopy(sealed, 0, out, NONCE, sealed.length);
			return out;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot seal a client key", ex);
		}
	}

	/** The plain key, or an exception saying it cannot be opened (another sealing key, or a changed row). */
	String open(long sourceId, byte[] sealed) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(128, sealed, 0, NONCE));
			cipher.updateAAD(Long.toString(sourceId).getBytes(StandardCharsets.US_ASCII));
			return new String(cipher.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("the client key cannot be opened with this installation's sealing key"
					+ " (portcullis.flows.sources.secret-key or key-file changed?); save the key again");
		}
	}

	private static byte[] keyBytes(SourceSettings settings) {
		if (settings.secretKey() != null && !settings.secretKey().isBlank()) {
			byte[] key = Base64.getDecoder().decode(settings.secretKey().strip());
			if (key.length != 32) {
				throw new IllegalArgumentException("portcullis.flows.sources.secret-key must be base64 of 32 bytes");
			}
			return key;
		}
		Path file = Path.of((settings.keyFile() != null) ? settings.keyFile()
				: System.getProperty("user.home") + "/.portcullis/flow-source.key");
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(file.toAbsolutePath().getParent());
				byte[] fresh = new byte[32];
				new SecureRandom().nextBytes(fresh);
				try {
					Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
					Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
				}
				catch (FileAlreadyExistsException ex) {
					// another instance on this machine made it first: read theirs
				}
			}
			byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
			if (key.length != 32) {
				throw new IllegalStateException(file + " must hold base64 of 32 bytes");
			}
			return key;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or make the flow source key file " + file, ex);
		}
	}

}
