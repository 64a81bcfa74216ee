package dev.portcullis.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /settings/tokens}: a signed-in user's API tokens. Creating one shows the token once, in the answer to the
 * form's POST itself (marked {@code Cache-Control: no-store}); the secret is never kept in the session or anywhere
 * else. The list shows only each token's first characters, its expiry and when it was last used.
 */
@Controller
class TokenPages {

	/** Expiry choices of the form, in days; 0 is "never". */
	static final List<Integer> EXPIRY_DAYS = List.of(30, 90, 365, 0);

	private final ApiTokens tokens;

	TokenPages(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@GetMapping("/settings/tokens")
	Mono<String> tokens(Model model) {
		return owner().flatMap((owner) -> render(owner, model, null));
	}

	@PostMapping("/settings/tokens")
	Mono<String> create(ServerWebExchange exchange, Model model) {
		return Mono.zip(owner(), exchange.getFormData()).flatMap((pair) -> {
			SignedInUser owner = pair.getT1();
			MultiValueMap<String, String> form = pair.getT2();
			String name = form.getFirst("name");
			Instant expiresAt = null;
			int days = 90;
			try {
				days = Integer.parseInt(String.valueOf(form.getFirst("expires")));
			}
			catch (NumberFormatException ex) {
				// keep the default
			}
			if (!EXPIRY_DAYS.contains(days)) {
				days = 90;
			}
			if (days > 0) {
				expiresAt = Instant.now().plus(Duration.ofDays(days));
			}
			if (!TokenController.validate(name, expiresAt).isEmpty()) {
				exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
				model.addAttribute("nameError", "Give the token a name of at most 100 characters.");
				model.addAttribute("name", name);
				return render(owner, model, null);
			}
			// the secret is shown in this answer only: never stored in the session, never cached
			return this.tokens.create(owner, name.trim(), expiresAt, Actor.clientAddress(exchange))
				.flatMap((created) -> {
					exchange.getResponse().getHeaders().setCacheControl(CacheControl.noStore());
					return render(owner, model, created);
				});
		});
	}

	@PostMapping("/settings/tokens/{id}/revoke")
	Mono<String> revoke(@PathVariable long id, ServerWebExchange exchange) {
		return owner().flatMap((owner) -> this.tokens.revoke(owner, id, Actor.clientAddress(exchange)))
			.map((token) -> "redirect:/settings/tokens?revoked=" + token.id())
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
	}

	private Mono<String> render(SignedInUser owner, Model model, ApiTokens.@Nullable Created created) {
		model.addAttribute("expiryDays", EXPIRY_DAYS);
		if (created != null) {
			model.addAttribute("created", created);
		}
		return this.tokens.list(owner).map(TokenController.TokenView::of).collectList().map((list) -> {
			model.addAttribute("tokens", list);
			return "settings/tokens";
		});
	}

	private static Mono<SignedInUser> owner() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.mapNotNull(SignedInUser::of)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.FORBIDDEN)));
	}

}
