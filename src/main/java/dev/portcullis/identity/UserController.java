package dev.portcullis.identity;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** {@code /api/v1/users}: administrators list, create and change users (ADMIN only, see {@link SecurityConfig}). */
@RestController
class UserController {

	private static final int DEFAULT_LIMIT = 50;

	private static final int MAX_LIMIT = 200;

	private final Users users;

	private final UserAccounts accounts;

	UserController(Users users, UserAccounts accounts) {
		this.users = users;
		this.accounts = accounts;
	}

	/**
	 * A user as the API shows it.
	 *
	 * @param oidc whether the user signs in through OpenID Connect
	 * @param hasPassword whether the user can sign in with a password (and HTTP Basic)
	 */
	record UserView(String username, String displayName, Role role, boolean enabled, Instant createdAt, boolean oidc,
			boolean hasPassword) {

		static UserView of(UserRow row) {
			return new UserView(row.username(), row.displayName(), row.role(), row.enabled(), row.createdAt(),
					row.oidcSubject() != null, row.passwordHash() != null);
		}

	}

	/**
	 * A page of users, ordered by username ignoring case.
	 *
	 * @param next pass as {@code after} for the next page; null on the last page
	 */
	record PageView(List<UserView> items, @Nullable String next) {
	}

	record CreateRequest(@Nullable String username, @Nullable String displayName, @Nullable String role,
			@Nullable String password) {
	}

	record ChangeRequest(@Nullable String displayName, @Nullable String role, @Nullable Boolean enabled,
			@Nullable String password) {
	}

	@GetMapping(path = "/api/v1/users", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<PageView> list(@RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable String limit) {
		int size = DEFAULT_LIMIT;
		if (limit != null) {
			try {
				size = Integer.parseInt(limit);
			}
			catch (NumberFormatException ex) {
				size = -1;
			}
			if (size < 1 || size > MAX_LIMIT) {
				return Mono.error(ApiProblem.badRequest("invalid-request", "Invalid request",
						"limit must be a number between 1 and " + MAX_LIMIT + "."));
			}
		}
		int pageSize = size;
		return this.users.list(after, pageSize + 1).collectList().map((rows) -> {
			List<UserView> items = rows.stream().limit(pageSize).map(UserView::of).toList();
			String next = (rows.size() > pageSize) ? items.get(items.size() - 1).username() : null;
			return new PageView(items, next);
		});
	}

	@GetMapping(path = "/api/v1/users/{username}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<UserView> get(@PathVariable String username) {
		return this.users.findByUsername(username)
			.map(UserView::of)
			.switchIfEmpty(Mono.error(() -> problem(new UserAccounts.Refused(UserAccounts.Refused.Kind.NOT_FOUND,
					"No user " + username + "."))));
	}

	@PostMapping(path = "/api/v1/users", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<UserView>> create(@RequestBody(required = false) @Nullable CreateRequest request,
			ServerWebExchange exchange) {
		CreateRequest body = (request != null) ? request : new CreateRequest(null, null, null, null);
		return Actor.current(exchange)
			.flatMap((actor) -> this.accounts.create(actor, body.username(), body.displayName(), roleOf(body.role()),
					body.password()))
			.map((user) -> ResponseEntity.created(URI.create("/api/v1/users/" + user.username())).body(UserView.of(user)))
			.onErrorMap(UserAccounts.Refused.class, UserController::problem);
	}

	@PatchMapping(path = "/api/v1/users/{username}", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<UserView> change(@PathVariable String username, @RequestBody(required = false) @Nullable ChangeRequest request,
			ServerWebExchange exchange) {
		ChangeRequest body = (request != null) ? request : new ChangeRequest(null, null, null, null);
		return Actor.current(exchange)
			.flatMap((actor) -> this.accounts.update(actor, username,
					new UserAccounts.Change(body.displayName(), roleOf(body.role()), body.enabled(), body.password())))
			.map(UserView::of)
			.onErrorMap(UserAccounts.Refused.class, UserController::problem);
	}

	static ApiProblem problem(UserAccounts.Refused refused) {
		return switch (refused.kind()) {
			case INVALID -> new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-user", "Invalid user",
					refused.getMessage() + ".", refused.problems());
			case NOT_FOUND -> ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not Found", refused.getMessage());
			case USERNAME_TAKEN -> new ApiProblem(HttpStatus.CONFLICT, "username-taken", "Username taken",
					refused.getMessage() + ".", refused.problems());
			case LAST_ADMIN -> ApiProblem.of(HttpStatus.CONFLICT, "last-admin", "Last administrator",
					refused.getMessage());
		};
	}

	/**
	 * The role a request names, null when it names none; {@code Refused} (INVALID) when the name is unknown, which
	 * the caller's {@code onErrorMap} answers like every other refusal.
	 */
	private static @Nullable Role roleOf(@Nullable String text) {
		try {
			return (text != null) ? Role.parse(text) : null;
		}
		catch (IllegalArgumentException ex) {
			throw new UserAccounts.Refused(UserAccounts.Refused.Kind.INVALID, List.of(FieldViolation.named("role", ex.getMessage())));
		}
	}

}
