package dev.portcullis.identity;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * On start, creates the user {@code admin} (role ADMIN) unless a user of that name exists. Its password is
 * {@code PORTCULLIS_ADMIN_PASSWORD} when set; otherwise a random one, logged once, at WARN, when the user is
 * created, and never again. An existing {@code admin} is left alone, whatever the variable says.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

	static final String USERNAME = "admin";

	private final DatabaseClient db;

	private final PasswordEncoder encoder;

	private final AuditLog audit;

	private final IdentitySettings.Admin settings;

	AdminBootstrap(DatabaseClient db, PasswordEncoder encoder, AuditLog audit, IdentitySettings.Admin settings) {
		this.db = db;
		this.encoder = encoder;
		this.audit = audit;
		this.settings = settings;
	}

	@Override
	public void run(ApplicationArguments args) {
		// at start, before requests are served: blocking is fine here
		ensure(USERNAME, this.settings.password()).block();
	}

	/** Creates the administrator {@code username} if missing; answers whether it did. */
	Mono<Boolean> ensure(String username, @Nullable String configuredPassword) {
		boolean generated = configuredPassword == null || configuredPassword.isBlank();
		String password = generated ? randomPassword() : configuredPassword;
		return this.db.sql("INSERT INTO app_user (username, display_name, password_hash, role) "
				+ "VALUES (:username, 'Administrator', :hash, 'ADMIN') ON CONFLICT ((lower(username))) DO NOTHING "
				+ "RETURNING id")
			.bind("username", username)
			.bind("hash", this.encoder.encode(password))
			.map((row) -> row.get("id", Long.class))
			.one()
			.flatMap((id) -> this.audit.record(new AuditLog.Event(Actor.SYSTEM, "user.create", AuditLog.Outcome.SUCCESS,
					"user/" + username, null, null,
					Map.of("role", "ADMIN", "password", generated ? "generated" : "PORTCULLIS_ADMIN_PASSWORD")))
				.then(Mono.fromRunnable(() -> announce(username, generated ? password : null)))
				.thenReturn(true))
			.defaultIfEmpty(false);
	}

	private static void announce(String username, @Nullable String generatedPassword) {
		if (generatedPassword == null) {
			log.info("Created the administrator '{}' with the password from PORTCULLIS_ADMIN_PASSWORD.", username);
			return;
		}
		log.warn("""

				****************************************************************************
				Created the administrator '{}' with this generated password:

				    {}

				Sign in and change it (Settings > Password). It is shown only this once.
				****************************************************************************""", username,
				generatedPassword);
	}

	static String randomPassword() {
		byte[] bytes = new byte[18];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
