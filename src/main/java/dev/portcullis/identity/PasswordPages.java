package dev.portcullis.identity;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /settings/password}: a signed-in user changes their own password. Their other sessions end; the one
 * that made the change stays signed in.
 */
@Controller
class PasswordPages {

	private final UserAccounts accounts;

	private final SignInThrottle throttle;

	private final FreshSessionContextRepository sessions;

	PasswordPages(UserAccounts accounts, SignInThrottle throttle, FreshSessionContextRepository sessions) {
		this.accounts = accounts;
		this.throttle = throttle;
		this.sessions = sessions;
	}

	@GetMapping("/settings/password")
	String form(@RequestParam(required = false) String changed, Model model) {
		if (changed != null) {
			model.addAttribute("notice", "Your password is changed.");
		}
		return "settings/password";
	}

	@PostMapping("/settings/password")
	Mono<String> change(ServerWebExchange exchange, Model model) {
		return Mono.zip(self(), exchange.getFormData()).flatMap((pair) -> {
			String replacement = pair.getT2().getFirst("newPassword");
			if (replacement == null || !replacement.equals(pair.getT2().getFirst("confirmPassword"))) {
				return refuse(exchange, model, "The new password and its confirmation differ.");
			}
			return this.accounts
				.changeOwnPassword(pair.getT1(), Actor.clientAddress(exchange),
						pair.getT2().getFirst("currentPassword"), replacement, this.throttle)
				.flatMap((user) -> this.sessions.keepSignedIn(exchange, user.toSignedIn()))
				.thenReturn("redirect:/settings/password?changed")
				.onErrorResume(UserAccounts.Refused.class,
						(refused) -> refuse(exchange, model, String.join(" ", refused.messages())));
		});
	}

	private static Mono<String> refuse(ServerWebExchange exchange, Model model, String message) {
		exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
		model.addAttribute("error", message);
		return Mono.just("settings/password");
	}

	private static Mono<SignedInUser> self() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull(SecurityContext::getAuthentication)
			.mapNotNull(SignedInUser::of)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.FORBIDDEN)));
	}

}
