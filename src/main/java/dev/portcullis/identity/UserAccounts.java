package dev.portcullis.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.portcullis.web.FieldViolation;
import dev.portcullis.audit.AuditLog;
import dev.portcullis.web.FieldViolation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What administrators do to users: create, change display name, role or enabled flag, set a password. Each
 * change is validated, written and audited ({@code user.create}, {@code user.update}) in one transaction. Only an
 * ADMIN actor may make them ({@link Forbidden} otherwise, whatever the URL rules let through). The last enabled
 * administrator can be neither demoted nor disabled, however many administrators change each other at once: the
 * change locks the rows of the enabled administrators before it counts them. A change of password, role or a
 * disabling ends the user's sessions (the {@code session_epoch} trigger, docs/adr/010).
 */
@Component
class UserAccounts {

	static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

	static final int MIN_PASSWORD = 12;

	static final int MAX_PASSWORD = 1024;

	private final Users users;

	private final PasswordEncoder encoder;

	private final AuditLog audit;

	private final Permissions permissions;

	UserAccounts(Users users, PasswordEncoder encoder, AuditLog audit, Permissions permissions) {
		this.users = users;
		this.encoder = encoder;
		this.audit = audit;
		this.permissions = permissions;
	}

	/** A refused change; {@code problems} are {@code field: message} strings. */
	static final class Refused extends RuntimeException {

		enum Kind {

			INVALID, NOT_FOUND, USERNAME_TAKEN, LAST_ADMIN

		}

		private final Kind kind;

		private final List<FieldViolation> problems;

		Refused(Kind kind, List<FieldViolation> problems) {
			super(String.join("; ", problems.stream().map(FieldViolation::message).toList()), null, false, false);
			this.kind = kind;
			this.problems = List.copyOf(problems);
		}

		/** A refusal about the request as a whole ({@code NOT_FOUND}, {@code LAST_ADMIN}). */
		Refused(Kind kind, String message) {
			this(kind, List.of(FieldViolation.at("", message)));
		}

		Kind kind() {
			return this.kind;
		}

		/** What is wrong, field by field. */
		List<FieldViolation> problems() {
			return this.problems;
		}

		/** The messages of {@link #problems()}, as pages show them. */
		List<String> messages() {
			return this.problems.stream().map(FieldViolation::message).toList();
		}

	}

	/** The fields of a change; null leaves a field as it is. */
	record Change(@Nullable String displayName, @Nullable Role role, @Nullable Boolean enabled,
			@Nullable String password) {
	}

	@Transactional
	public Mono<UserRow> create(Actor actor, @Nullable String username, @Nullable String displayName,
			@Nullable Role role, @Nullable String password) {
		if (!actor.has(Role.ADMIN)) {
			return this.permissions.refuse(actor, Role.ADMIN, "user.create");
		}
		List<FieldViolation> problems = new ArrayList<>();
		if (username == null || !USERNAME.matcher(username.trim()).matches()) {
			problems.add(FieldViolation.named("username", "1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"));
		}
		if (role == null) {
			problems.add(FieldViolation.named("role", "one of VIEWER, AUTHOR, REVIEWER, ADMIN"));
		}
		checkDisplayName(displayName, problems);
		checkPassword(password, problems);
		if (!problems.isEmpty()) {
			return Mono.error(new Refused(Refused.Kind.INVALID, problems));
		}
		String name = username.trim();
		String shown = (displayName != null && !displayName.isBlank()) ? displayName.trim() : name;
		return encode(password)
			.flatMap((hash) -> this.users.insert(name, shown, hash, role, null, null))
			.onErrorMap(DataIntegrityViolationException.class, (ex) -> new Refused(Refused.Kind.USERNAME_TAKEN,
					List.of(FieldViolation.named("username", name + " is taken (usernames ignore case)"))))
			.flatMap((user) -> this.audit.record(new AuditLog.Event(actor, "user.create", AuditLog.Outcome.SUCCESS,
					"user/" + user.username(), null, actor.address(), Map.of("role", user.role().name()))).thenReturn(user));
	}

	@Transactional
	public Mono<UserRow> update(Actor actor, String username, Change change) {
		if (!actor.has(Role.ADMIN)) {
			return this.permissions.refuse(actor, Role.ADMIN, "user.update");
		}
		return apply(actor, username, change);
	}

	/** {@link #update} without the role check, for a change the actor may make to themselves. */
	private Mono<UserRow> apply(Actor actor, String username, Change change) {
		List<FieldViolation> problems = new ArrayList<>();
		if (change.displayName() != null) {
			if (change.displayName().isBlank()) {
				problems.add(FieldViolation.named("displayName", "must not be blank"));
			}
			checkDisplayName(change.displayName(), problems);
		}
		if (change.password() != null) {
			checkPassword(change.password(), problems);
		}
		if (!problems.isEmpty()) {
			return Mono.error(new Refused(Refused.Kind.INVALID, problems));
		}
		boolean mayRemoveAnAdmin = (change.role() != null && !change.role().includes(Role.ADMIN))
				|| Boolean.FALSE.equals(change.enabled());
		// hash before taking any lock: Argon2 is slow on purpose
		Mono<Optional<String>> newHash = (change.password() != null) ? encode(change.password()).map(Optional::of)
				: Mono.just(Optional.empty());
		return newHash.flatMap((hash) -> (mayRemoveAnAdmin ? this.users.lockEnabledAdmins() : Mono.just(List.<Long>of()))
			.flatMap((admins) -> this.users.findByUsernameForUpdate(username)
				.switchIfEmpty(Mono.error(() -> new Refused(Refused.Kind.NOT_FOUND, "No user " + username + ".")))
				.flatMap((user) -> {
					if (mayRemoveAnAdmin && admins.contains(user.id()) && admins.size() < 2) {
						return Mono.error(new Refused(Refused.Kind.LAST_ADMIN, user.username()
								+ " is the last enabled administrator; make another user an administrator first."));
					}
					UserRow updated = user.with(
							(change.displayName() != null) ? change.displayName().trim() : user.displayName(),
							(change.role() != null) ? change.role() : user.role(),
							(change.enabled() != null) ? change.enabled() : user.enabled(),
							hash.orElse(user.passwordHash()));
					return this.users.update(updated).flatMap((saved) -> this.audit
						.record(new AuditLog.Event(actor, "user.update", AuditLog.Outcome.SUCCESS,
								"user/" + saved.username(), null, actor.address(), changes(user, saved, change)))
						.thenReturn(saved));
				})));
	}

	/**
	 * A user changes their own password: the current one must match (a mismatch counts as a failed sign-in
	 * for the throttle), the new one must be acceptable. Audited as {@code user.update}. Every session of the user
	 * ends; the caller keeps its own with the answer's {@code sessionEpoch}.
	 */
	@Transactional
	public Mono<UserRow> changeOwnPassword(SignedInUser self, String address, @Nullable String current,
			@Nullable String replacement, SignInThrottle throttle) {
		List<FieldViolation> problems = new ArrayList<>();
		checkPassword(replacement, "new password", problems);
		if (!problems.isEmpty()) {
			return Mono.error(new Refused(Refused.Kind.INVALID, List.of(problems.get(0))));
		}
		Mono<SignInThrottle.Attempt> reserved = throttle.acquire(self.username(), address)
			.onErrorMap(SignInRefused.class, (refused) -> new Refused(Refused.Kind.INVALID,
					List.of(FieldViolation.named("password", "too many failed attempts; try again later"))));
		return Mono.usingWhen(reserved, (attempt) -> this.users.findById(self.id())
			.filter((user) -> user.passwordHash() != null)
			.switchIfEmpty(Mono.error(() -> new Refused(Refused.Kind.INVALID,
					List.of(FieldViolation.named("password",
							"you sign in through your identity provider and have no password here")))))
			.flatMap((user) -> Mono.fromCallable(() -> this.encoder.matches(String.valueOf(current), user.passwordHash()))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMap((matches) -> {
					if (!matches) {
						attempt.failed();
						return Mono.error(new Refused(Refused.Kind.INVALID,
								List.of(FieldViolation.named("current password", "that is not your current password"))));
					}
					attempt.succeeded();
					return apply(Actor.user(user.username(), user.role(), address), user.username(),
							new Change(null, null, null, replacement));
				})), (attempt) -> Mono.fromRunnable(attempt::abandoned),
				(attempt, error) -> Mono.fromRunnable(attempt::abandoned),
				(attempt) -> Mono.fromRunnable(attempt::failed));
	}

	private static Map<String, Object> changes(UserRow before, UserRow after, Change change) {
		Map<String, Object> details = new LinkedHashMap<>();
		if (before.role() != after.role()) {
			details.put("role", before.role() + " -> " + after.role());
		}
		if (before.enabled() != after.enabled()) {
			details.put("enabled", after.enabled());
		}
		if (!before.displayName().equals(after.displayName())) {
			details.put("displayName", after.displayName());
		}
		if (change.password() != null) {
			details.put("password", "changed");
		}
		return details;
	}

	private Mono<String> encode(String password) {
		return Mono.fromCallable(() -> this.encoder.encode(password)).subscribeOn(Schedulers.boundedElastic());
	}

	private static void checkDisplayName(@Nullable String displayName, List<FieldViolation> problems) {
		if (displayName != null && displayName.trim().length() > 200) {
			problems.add(FieldViolation.named("displayName", "at most 200 characters"));
		}
	}

	private static void checkPassword(@Nullable String password, List<FieldViolation> problems) {
		checkPassword(password, "password", problems);
	}

	private static void checkPassword(@Nullable String password, String field, List<FieldViolation> problems) {
		if (password == null || password.length() < MIN_PASSWORD) {
			problems.add(FieldViolation.named(field, "at least " + MIN_PASSWORD + " characters"));
		}
		else if (password.length() > MAX_PASSWORD) {
			problems.add(FieldViolation.named(field, "at most " + MAX_PASSWORD + " characters"));
		}
	}

}
