package dev.portcullis.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * API tokens: {@code pcl_} followed by 32 random bytes in base64url (43 characters). Only the SHA-256 of the
 * token is stored, so a database leak yields no usable token; the token itself is returned once, by
 * {@link #create}. A token acts with its owner's current role; it stops working when revoked, when it expires
 * or when its owner is disabled. {@code last_used_at} is written at most once a minute per token.
 */
@Component
class ApiTokens {

	static final String PREFIX = "pcl_";

	private static final int SECRET_BYTES = 32;

	private static final int TOKEN_LENGTH = PREFIX.length() + 43;

	private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

	private final DatabaseClient db;

	private final AuditLog audit;

	private final SecureRandom random = new SecureRandom();

	private final Clock clock = Clock.systemUTC();

	ApiTokens(DatabaseClient db, AuditLog audit) {
		this.db = db;
		this.audit = audit;
	}

	/** A new token and the one time its secret is visible. */
	record Created(TokenRow token, String secret) {
	}

	/** Creates a token for {@code owner} and audits {@code token.create}, in one transaction. */
	@Transactional
	public Mono<Created> create(SignedInUser owner, String name, @Nullable Instant expiresAt, String address) {
		byte[] bytes = new byte[SECRET_BYTES];
		this.random.nextBytes(bytes);
		String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("INSERT INTO api_token (user_id, name, secret_sha256, hint, expires_at) "
					+ "VALUES (:user, :name, :hash, :hint, :expires) RETURNING " + TokenRow.COLUMNS)
			.bind("user", owner.id())
			.bind("name", name)
			.bind("hash", sha256(secret))
			.bind("hint", secret.substring(0, PREFIX.length() + 6));
		insert = (expiresAt != null) ? insert.bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
				: insert.bindNull("expires", OffsetDateTime.class);
		return insert.map(TokenRow::of).one().flatMap((token) -> {
			Map<String, Object> details = new HashMap<>();
			details.put("name", name);
			if (expiresAt != null) {
				details.put("expiresAt", expiresAt.toString());
			}
			return this.audit.record(new AuditLog.Event(Actor.user(owner.username(), owner.role(), address), "token.create", AuditLog.Outcome.SUCCESS,
					"token/" + token.id(), null, address, details)).thenReturn(new Created(token, secret));
		});
	}

	/** The owner's tokens, newest first, revoked and expired ones included. */
	Flux<TokenRow> list(SignedInUser owner) {
		return this.db.sql("SELECT " + TokenRow.COLUMNS + " FROM api_token WHERE user_id = :user ORDER BY id DESC")
			.bind("user", owner.id())
			.map(TokenRow::of)
			.all();
	}

	/**
	 * Revokes one of the owner's tokens and audits {@code token.revoke}, in one transaction. Revoking a revoked
	 * token changes nothing and answers it as it is; another user's token or none answers empty.
	 */
	@Transactional
	public Mono<TokenRow> revoke(SignedInUser owner, long id, String address) {
		return this.db
			.sql("UPDATE api_token SET revoked_at = now() WHERE id = :id AND user_id = :user AND revoked_at IS NULL "
					+ "RETURNING " + TokenRow.COLUMNS)
			.bind("id", id)
			.bind("user", owner.id())
			.map(TokenRow::of)
			.one()
			.flatMap((token) -> this.audit.record(new AuditLog.Event(Actor.user(owner.username(), owner.role(), address), "token.revoke",
					AuditLog.Outcome.SUCCESS, "token/" + id, null, address, Map.of("name", token.name())))
				.thenReturn(token))
			.switchIfEmpty(Mono.defer(() -> this.db
				.sql("SELECT " + TokenRow.COLUMNS + " FROM api_token WHERE id = :id AND user_id = :user")
				.bind("id", id)
				.bind("user", owner.id())
				.map(TokenRow::of)
				.one()));
	}

	/**
	 * The authentication a bearer token stands for, or a {@link SignInRefused} saying why not (unknown,
	 * revoked, expired, owner disabled).
	 */
	Mono<ApiTokenAuthentication> authenticate(String token) {
		if (!token.startsWith(PREFIX) || token.length() != TOKEN_LENGTH) {
			return Mono.error(SignInRefused.badToken("The API token is not valid."));
		}
		return this.db.sql("SELECT t.id, t.name, t.expires_at, t.revoked_at, t.last_used_at, u.username, u.role, "
				+ "u.enabled FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.secret_sha256 = :hash")
			.bind("hash", sha256(token))
			.map((row) -> new Match(row.get("id", Long.class), row.get("name", String.class),
					instant(row.get("expires_at", OffsetDateTime.class)), instant(row.get("revoked_at", OffsetDateTime.class)),
					instant(row.get("last_used_at", OffsetDateTime.class)), row.get("username", String.class),
					Role.valueOf(row.get("role", String.class)), row.get("enabled", Boolean.class)))
			.one()
			.switchIfEmpty(Mono.error(() -> SignInRefused.badToken("The API token is not valid.")))
			.flatMap(this::accept);
	}

	private Mono<ApiTokenAuthentication> accept(Match match) {
		Instant now = this.clock.instant();
		if (match.revokedAt != null) {
			return Mono.error(SignInRefused.badToken("The API token \"" + match.name + "\" was revoked."));
		}
		if (match.expiresAt != null && !match.expiresAt.isAfter(now)) {
			return Mono.error(SignInRefused.badToken("The API token \"" + match.name + "\" expired at "
					+ match.expiresAt + "."));
		}
		if (!match.enabled) {
			return Mono.error(SignInRefused.badToken("The API token's owner is disabled."));
		}
		ApiTokenAuthentication authentication = new ApiTokenAuthentication(match.username, match.role, match.id,
				match.name);
		if (match.lastUsedAt != null && match.lastUsedAt.isAfter(now.minus(LAST_USED_RESOLUTION))) {
			return Mono.just(authentication);
		}
		return this.db.sql("UPDATE api_token SET last_used_at = now() WHERE id = :id "
				+ "AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
			.bind("id", match.id)
			.then()
			.thenReturn(authentication);
	}

	static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime value) {
		return (value != null) ? value.toInstant() : null;
	}

	private record Match(long id, String name, @Nullable Instant expiresAt, @Nullable Instant revokedAt,
			@Nullable Instant lastUsedAt, String username, Role role, boolean enabled) {
	}

}
