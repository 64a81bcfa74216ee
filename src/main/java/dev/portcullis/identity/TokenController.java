package dev.portcullis.identity;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.InstantParameter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /api/v1/tokens}: the caller's own API tokens. Any signed-in user may create, list and revoke their
 * tokens; creating one needs a password sign-in (HTTP Basic or a session), so that a token cannot mint
 * further tokens. The secret is in the creation response only.
 */
@RestController
class TokenController {

	private final ApiTokens tokens;

	private final Users users;

	private final AuditLog audit;

	TokenController(ApiTokens tokens, Users users, AuditLog audit) {
		this.tokens = tokens;
		this.users = users;
		this.audit = audit;
	}

	/** A token as the API shows it. */
	record TokenView(long id, String name, String hint, String status, Instant createdAt, @Nullable Instant expiresAt,
			@Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

		static TokenView of(TokenRow row) {
			return new TokenView(row.id(), row.name(), row.hint(), row.status(Instant.now()), row.createdAt(),
					row.expiresAt(), row.lastUsedAt(), row.revokedAt());
		}

	}

	/** The answer to a creation: the token itself ({@code token}, shown this once) and what the list shows. */
	record CreatedView(String token, long id, String name, String hint, String status, Instant createdAt,
			@Nullable Instant expiresAt) {

		static CreatedView of(ApiTokens.Created created) {
			TokenView view = TokenView.of(created.token());
			return new CreatedView(created.secret(), view.id(), view.name(), view.hint(), view.status(),
					view.createdAt(), view.expiresAt());
		}

	}

	/** What to create. */
	record CreateRequest(@Nullable String name, @Nullable Instant expiresAt) {
	}

	record ListView(List<TokenView> items) {
	}

	@GetMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ListView> list() {
		return owner().flatMap((owner) -> this.tokens.list(owner).map(TokenView::of).collectList()).map(ListView::new);
	}

	@PostMapping(path = "/api/v1/tokens", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ResponseEntity<CreatedView>> create(@RequestBody(required = false) @Nullable CreateRequest request,
			ServerWebExchange exchange) {
		CreateRequest body = (request != null) ? request : new CreateRequest(null, null);
		List<FieldViolation> problems = validate(body.name(), body.expiresAt());
		if (!problems.isEmpty()) {
			return Mono.error(invalid(problems));
		}
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.flatMap((authentication) -> {
				if (authentication instanceof ApiTokenAuthentication) {
					return this.audit
						.record(new AuditLog.Event(Actor.of(authentication), "auth.denied",
								AuditLog.Outcome.DENIED, "POST /api/v1/tokens", null, Actor.clientAddress(exchange),
								Map.of("reason", "a token cannot create tokens")))
						.then(Mono.error(ApiProblem.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
								"An API token cannot create API tokens; authenticate with your password (HTTP Basic) "
										+ "or use Settings → API tokens.")));
				}
				return owner(authentication);
			})
			.flatMap((owner) -> this.tokens.create(owner, body.name().trim(), body.expiresAt(),
					Actor.clientAddress(exchange)))
			.map((created) -> ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id()))
				.body(CreatedView.of(created)));
	}

	@DeleteMapping("/api/v1/tokens/{id}")
	Mono<ResponseEntity<Void>> revoke(@PathVariable String id, ServerWebExchange exchange) {
		long tokenId;
		try {
			tokenId = Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			return Mono.error(notFound(id));
		}
		return owner().flatMap((owner) -> this.tokens.revoke(owner, tokenId, Actor.clientAddress(exchange)))
			.map((token) -> ResponseEntity.noContent().<Void>build())
			.switchIfEmpty(Mono.error(() -> notFound(id)));
	}

	/** Problems with a name and expiry; empty when both are fine. Shared with the page. */
	static List<FieldViolation> validate(@Nullable String name, @Nullable Instant expiresAt) {
		List<FieldViolation> problems = new ArrayList<>();
		if (name == null || name.isBlank()) {
			problems.add(FieldViolation.named("name", "give the token a name, for example the pipeline that uses it"));
		}
		else if (name.trim().length() > 100) {
			problems.add(FieldViolation.named("name", "at most 100 characters"));
		}
		if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
			problems.add(FieldViolation.named("expiresAt", "must be in the future"));
		}
		else if (expiresAt != null && expiresAt.isAfter(InstantParameter.LATEST)) {
			problems.add(FieldViolation.named("expiresAt", "must be at most 9999-12-31T23:59:59Z"));
		}
		return problems;
	}

	private static ApiProblem invalid(List<FieldViolation> problems) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
				String.join("; ", problems.stream().map(FieldViolation::message).toList()) + ".", problems);
	}

	private static ApiProblem notFound(String id) {
		return ApiProblem.of(HttpStatus.NOT_FOUND, "not-found", "Not Found", "You have no API token with id " + id + ".");
	}

	private Mono<SignedInUser> owner() {
		return ReactiveSecurityContextHolder.getContext().map(SecurityContext::getAuthentication).flatMap(this::owner);
	}

	/** The user behind a session, Basic or token authentication. */
	private Mono<SignedInUser> owner(Authentication authentication) {
		SignedInUser user = SignedInUser.of(authentication);
		if (user != null) {
			return Mono.just(user);
		}
		return this.users.findByUsername(authentication.getName()).filter(UserRow::enabled).map(UserRow::toSignedIn);
	}

}
