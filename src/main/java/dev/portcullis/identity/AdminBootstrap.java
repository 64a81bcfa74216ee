package dev.portcullis.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * On start, creates the user {@code admin} (role ADMIN) unless a user of that name exists. Its password is
 * {@code PORTCULLIS_ADMIN_PASSWORD} when set; otherwise a random one, written once, when the user is created, to
 * {@code portcullis.admin.password-file} (default {@code ~/.portcullis/initial-admin-password}) with permissions
 * that let only its owner read it ({@code rw-------}; the directories it creates get {@code rwx------}). The log
 * says where the file is, never the password. An existing {@code admin} is left alone, whatever the variable says.
 * If the file cannot be written, the start fails before the user is committed, so no administrator exists whose
 * password nobody knows.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

	static final String USERNAME = "admin";

	private final DatabaseClient db;

	private final PasswordEncoder encoder;

	private final AuditLog audit;

	private final IdentitySettings.Admin settings;

	private final TransactionalOperator tx;

	AdminBootstrap(DatabaseClient db, PasswordEncoder encoder, AuditLog audit, IdentitySettings.Admin settings,
			ReactiveTransactionManager transactions) {
		this.db = db;
		this.tx = TransactionalOperator.create(transactions);
		this.encoder = encoder;
		this.audit = audit;
		this.settings = settings;
	}

	@Override
	public void run(ApplicationArguments args) {
		// at start, before requests are served: blocking is fine here
		ensure(USERNAME, this.settings.password(), this.settings.passwordFile()).block();
	}

	/**
	 * Creates the administrator {@code username} if missing; answers whether it did. A generated password goes to
	 * {@code passwordFile}.
	 */
	Mono<Boolean> ensure(String username, @Nullable String configuredPassword, Path passwordFile) {
		boolean generated = configuredPassword == null || configuredPassword.isBlank();
		String password = generated ? randomPassword() : configuredPassword;
		Mono<Boolean> create = this.db.sql("INSERT INTO app_user (username, display_name, password_hash, role) "
				+ "VALUES (:username, 'Administrator', :hash, 'ADMIN') ON CONFLICT ((lower(username))) DO NOTHING "
				+ "RETURNING id")
			.bind("username", username)
			.bind("hash", this.encoder.encode(password))
			.map((row) -> row.get("id", Long.class))
			.one()
			.flatMap((id) -> this.audit.record(new AuditLog.Event(Actor.SYSTEM, "user.create", AuditLog.Outcome.SUCCESS,
					"user/" + username, null, null,
					Map.of("role", "ADMIN", "password", generated ? "generated" : "PORTCULLIS_ADMIN_PASSWORD")))
				.then(generated ? Mono.fromRunnable(() -> writeOwnerOnly(passwordFile, password + "\n"))
					.subscribeOn(Schedulers.boundedElastic())
					.then() : Mono.empty())
				.then(Mono.fromRunnable(() -> announce(username, generated ? passwordFile : null)))
				.thenReturn(true))
			.defaultIfEmpty(false);
		// the user and its audit entry commit only once the password is safely in its file
		return this.tx.transactional(create);
	}

	private static void announce(String username, @Nullable Path passwordFile) {
		if (passwordFile == null) {
			log.info("Created the administrator '{}' with the password from PORTCULLIS_ADMIN_PASSWORD.", username);
			return;
		}
		log.warn("Created the administrator '{}' with a generated password; it is in {} (readable only by the user "
				+ "running Portcullis). Sign in, change it (Settings > Password), then delete the file.", username,
				passwordFile.toAbsolutePath());
	}

	/**
	 * Writes {@code text} to {@code file}, replacing it, so that only the file's owner can read it: the text goes to
	 * a new file created with {@code rw-------} (on file systems without POSIX permissions: readable and writable by
	 * the owner only) next to it, which then replaces the file. Missing directories are created {@code rwx------}.
	 */
	static void writeOwnerOnly(Path file, String text) {
		Path target = file.toAbsolutePath();
		boolean posix = target.getFileSystem().supportedFileAttributeViews().contains("posix");
		try {
			Path dir = target.getParent();
			if (!Files.isDirectory(dir)) {
				if (posix) {
					Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				}
				else {
					Files.createDirectories(dir);
				}
			}
			Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(new SecureRandom().nextLong()));
			FileAttribute<?>[] attributes = posix
					? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) }
					: new FileAttribute<?>[0];
			try {
				Files.createFile(temp, attributes);
			}
			catch (FileAlreadyExistsException ex) {
				throw new IOException("a stray temporary file is in the way: " + temp, ex);
			}
			try {
				if (!posix) {
					java.io.File plain = temp.toFile();
					plain.setReadable(false, false);
					plain.setWritable(false, false);
					plain.setReadable(true, true);
					plain.setWritable(true, true);
				}
				Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
						StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(temp);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the generated administrator password to " + target
					+ "; set portcullis.admin.password-file (PORTCULLIS_ADMIN_PASSWORD_FILE) to a writable path, or "
					+ "PORTCULLIS_ADMIN_PASSWORD", ex);
		}
	}

	static String randomPassword() {
		byte[] bytes = new byte[18];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
