package dev.portcullis.identity;

import java.util.Map;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Checks a username and password, for the sign-in form and for HTTP Basic on the API.
 * <p>
 * Every check runs under an attempt reserved from {@link SignInThrottle}, so that no more passwords are checked
 * than its limits allow, however many requests arrive at once; a locked username or client address is refused
 * without checking the password.
 * An unknown username costs as much as a wrong password (a dummy hash is checked), so timing does not tell
 * which usernames exist. Hashes are checked off the event loop. Every form sign-in and every failure is
 * audited as {@code auth.signin}; a successful HTTP Basic request is not (it is one request, not a session).
 * HTTP Basic credentials that matched within the last minutes skip the hash while the user's row is unchanged
 * ({@link VerifiedPasswords}, docs/adr/020); everything else, failures included, takes the path above.
 * <p>
 * The sign-in form ({@link #formSignIn()}) also needs a session: after the right password it asks
 * {@link SessionAdmission}, and when the session store is full the sign-in is refused
 * ({@link SignInRefused.Reason#SESSIONS_FULL}, audited with reason {@value SessionAdmission#FULL}) before
 * anything is signed in. HTTP Basic ({@link #authenticate}) is stateless and never asks.
 */
@Component
class PasswordSignIn implements ReactiveAuthenticationManager {

	private final Users users;

	private final PasswordEncoder encoder;

	private final SignInThrottle throttle;

	private final AuditLog audit;

	private final SessionAdmission sessions;

	private final VerifiedPasswords verifiedPasswords;

	private final String dummyHash;

	PasswordSignIn(Users users, PasswordEncoder encoder, SignInThrottle throttle, AuditLog audit,
			SessionAdmission sessions, VerifiedPasswords verifiedPasswords) {
		this.users = users;
		this.verifiedPasswords = verifiedPasswords;
		this.encoder = encoder;
		this.throttle = throttle;
		this.audit = audit;
		this.sessions = sessions;
		this.dummyHash = encoder.encode("dummy password for unknown users");
	}

	/** HTTP Basic: one request, no session. */
	@Override
	public Mono<Authentication> authenticate(Authentication request) {
		return authenticate(request, false);
	}

	/** The sign-in form: as {@link #authenticate}, and a session is admitted before the sign-in succeeds. */
	ReactiveAuthenticationManager formSignIn() {
		return (request) -> authenticate(request, true);
	}

	private Mono<Authentication> authenticate(Authentication request, boolean startsSession) {
		String username = (request.getName() != null) ? request.getName().trim() : "";
		String password = (request.getCredentials() != null) ? request.getCredentials().toString() : "";
		// HTTP Basic may skip the hash for credentials it verified minutes ago (VerifiedPasswords); the form never
		String remembered = startsSession ? null : this.verifiedPasswords.key(username, password);
		return Mono.deferContextual((context) -> {
			ServerWebExchange exchange = ServerWebExchangeContextFilter.getExchange(context).orElse(null);
			String address = (exchange != null) ? Actor.clientAddress(exchange) : "unknown";
			// HTTP Basic, on the API and on pages alike, is "basic": only the form signs in
			String method = startsSession ? "form" : "basic";
			Mono<Authentication> checked = checked(username, password, address, method, startsSession, exchange,
					remembered);
			if (remembered == null || !this.verifiedPasswords.remembers(remembered)
					|| this.throttle.lockedUntil(username, address) != null) {
				return checked;
			}
			// the same credentials matched this user's current row (id, session_epoch, hash, enabled) within the
			// TTL: no hash; anything else, a changed password, role or account included, is checked in full
			return this.users.findByUsername(username)
				.filter((user) -> this.verifiedPasswords.verified(remembered, user))
				.map(PasswordSignIn::authenticated)
				.switchIfEmpty(checked);
		});
	}

	private Mono<Authentication> checked(String username, String password, String address, String method,
			boolean startsSession, @Nullable ServerWebExchange exchange, @Nullable String remembered) {
		return Mono.usingWhen(this.throttle.acquire(username, address),
				(attempt) -> check(attempt, username, password, address, method, remembered)
					.flatMap((authentication) -> startsSession ? admitted(exchange, authentication, username,
							address, method) : Mono.just(authentication)),
				(attempt) -> Mono.fromRunnable(attempt::abandoned),
				(attempt, error) -> Mono.fromRunnable(attempt::abandoned),
				// the hash may already be running: a cancelled check counts as a failure
				(attempt) -> Mono.fromRunnable(attempt::failed))
			.onErrorResume((ex) -> ex instanceof SignInRefused refused
					&& refused.reason() == SignInRefused.Reason.THROTTLED,
					(ex) -> failure(username, address, method, "throttled").then(Mono.error(ex)));
	}

	private Mono<Authentication> check(SignInThrottle.Attempt attempt, String username, String password,
			String address, String method, @Nullable String remembered) {
		return this.users.findByUsername(username)
			.map(Candidate::new)
			.defaultIfEmpty(new Candidate(null))
			.flatMap((candidate) -> Mono
				.fromCallable(() -> this.encoder.matches(password, candidate.hash(this.dummyHash)))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMap((matches) -> decide(attempt, candidate.user, matches, username, address, method,
						remembered)));
	}

	private Mono<Authentication> decide(SignInThrottle.Attempt attempt, @Nullable UserRow user, boolean matches,
			String username, String address, String method, @Nullable String remembered) {
		if (user == null || user.passwordHash() == null || !matches) {
			attempt.failed();
			return failure(username, address, method, "bad credentials").then(Mono.error(SignInRefused.badCredentials()));
		}
		attempt.succeeded();
		if (!user.enabled()) {
			return failure(username, address, method, "disabled").then(Mono.error(SignInRefused.disabled()));
		}
		if (remembered != null) {
			this.verifiedPasswords.remember(remembered, user);
		}
		return Mono.just(authenticated(user));
	}

	private static Authentication authenticated(UserRow user) {
		return UsernamePasswordAuthenticationToken.authenticated(user.toSignedIn(), null,
				AuthorityUtils.createAuthorityList(user.role().authorities()));
	}

	/**
	 * The sign-in, once the session store has room for its session; audited (success or refusal) only here, so
	 * that a refused sign-in leaves one {@code FAILURE} and no {@code SUCCESS}.
	 */
	private Mono<Authentication> admitted(@Nullable ServerWebExchange exchange, Authentication authentication,
			String username, String address, String method) {
		Mono<Boolean> admitted = (exchange != null) ? this.sessions.admit(exchange) : Mono.just(true);
		return admitted.flatMap((admit) -> {
			if (!admit) {
				return failure(username, address, method, SessionAdmission.FULL)
					.then(Mono.error(SignInRefused.sessionsFull()));
			}
			SignedInUser user = (SignedInUser) authentication.getPrincipal();
			return this.audit
				.record(new AuditLog.Event(Actor.user(user.username(), user.role(), address),
						"auth.signin", AuditLog.Outcome.SUCCESS, "user/" + user.username(), null, address,
						Map.of("method", method)))
				.thenReturn(authentication);
		});
	}

	private Mono<Void> failure(String username, String address, String method, String reason) {
		String shown = (username.length() > 64) ? username.substring(0, 64) + "…" : username;
		return this.audit.record(new AuditLog.Event(Actor.ANONYMOUS, "auth.signin", AuditLog.Outcome.FAILURE,
				"user/" + shown, null, address, Map.of("method", method, "reason", reason)));
	}

	/** The user found for a username, if any. */
	private record Candidate(@Nullable UserRow user) {

		String hash(String dummy) {
			return (this.user != null && this.user.passwordHash() != null) ? this.user.passwordHash() : dummy;
		}

	}

}
