package dev.portcullis.identity;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;

/**
 * {@code /admin/users}: administrators list users, create them, change their role, disable or enable them, and
 * reset their password. New and reset passwords are generated and shown once, in the answer to the form's POST
 * itself (marked {@code Cache-Control: no-store}); they are never kept in the session.
 */
@Controller
class UserPages {

	private static final int PAGE_SIZE = 50;

	private final Users users;

	private final UserAccounts accounts;

	UserPages(Users users, UserAccounts accounts) {
		this.users = users;
		this.accounts = accounts;
	}

	@GetMapping("/admin/users")
	Mono<String> users(@RequestParam(required = false) @Nullable String after,
			@RequestParam(required = false) @Nullable String updated, Model model) {
		if (updated != null) {
			model.addAttribute("notice", "Saved the changes to " + updated + ".");
		}
		return render(after, model);
	}

	/** The page with a generated password, shown in this answer only: never stored, never cached. */
	private Mono<String> showOnce(ServerWebExchange exchange, Model model, NewPassword generated) {
		exchange.getResponse().getHeaders().setCacheControl(CacheControl.noStore());
		model.addAttribute("newPassword", generated);
		return render(null, model);
	}

	@PostMapping("/admin/users")
	Mono<String> create(ServerWebExchange exchange, Model model) {
		return exchange.getFormData().flatMap((form) -> {
			String username = form.getFirst("username");
			Role role = role(form);
			String password = AdminBootstrap.randomPassword();
			return Actor.current(exchange)
				.flatMap((actor) -> this.accounts.create(actor, username, form.getFirst("displayName"), role,
						password))
				.flatMap((user) -> showOnce(exchange, model, new NewPassword(user.username(), password)))
				.onErrorResume(UserAccounts.Refused.class, (refused) -> {
					exchange.getResponse().setStatusCode(HttpStatus.UNPROCESSABLE_CONTENT);
					model.addAttribute("createErrors", refused.messages());
					model.addAttribute("form", form.toSingleValueMap());
					return render(null, model);
				});
		});
	}

	@PostMapping("/admin/users/{username}")
	Mono<String> change(@PathVariable String username, ServerWebExchange exchange, Model model) {
		return exchange.getFormData().flatMap((form) -> {
			Boolean enabled = (form.getFirst("enabled") != null) ? Boolean.valueOf(form.getFirst("enabled")) : null;
			UserAccounts.Change change = new UserAccounts.Change(null, role(form), enabled, null);
			return apply(username, change, exchange, model)
				.map((user) -> "redirect:/admin/users?updated=" + UriUtils.encodeQueryParam(user.username(), "UTF-8"));
		}).onErrorResume(Failed.class, (failed) -> render(null, model));
	}

	@PostMapping("/admin/users/{username}/password")
	Mono<String> resetPassword(@PathVariable String username, ServerWebExchange exchange, Model model) {
		String password = AdminBootstrap.randomPassword();
		return apply(username, new UserAccounts.Change(null, null, null, password), exchange, model)
			.flatMap((user) -> showOnce(exchange, model, new NewPassword(user.username(), password)))
			.onErrorResume(Failed.class, (failed) -> render(null, model));
	}

	/** A generated password to show once. */
	record NewPassword(String username, String password) {
	}

	/** A change that was refused and already put into the model. */
	private static final class Failed extends RuntimeException {

		Failed() {
			super(null, null, false, false);
		}

	}

	private Mono<UserRow> apply(String username, UserAccounts.Change change, ServerWebExchange exchange, Model model) {
		return Actor.current(exchange)
			.flatMap((actor) -> this.accounts.update(actor, username, change))
			.onErrorResume(UserAccounts.Refused.class, (refused) -> {
				exchange.getResponse()
					.setStatusCode((refused.kind() == UserAccounts.Refused.Kind.NOT_FOUND) ? HttpStatus.NOT_FOUND
							: HttpStatus.UNPROCESSABLE_CONTENT);
				model.addAttribute("error", String.join(" ", refused.messages()));
				return Mono.error(new Failed());
			});
	}

	private Mono<String> render(@Nullable String after, Model model) {
		model.addAttribute("roles", Role.values());
		return this.users.list(after, PAGE_SIZE + 1).collectList().map((rows) -> {
			List<UserRow> page = rows.stream().limit(PAGE_SIZE).toList();
			model.addAttribute("users", page);
			if (rows.size() > PAGE_SIZE) {
				model.addAttribute("nextAfter", page.get(page.size() - 1).username());
			}
			return "admin/users";
		});
	}

	private static Role role(MultiValueMap<String, String> form) {
		String role = form.getFirst("role");
		if (role == null || role.isBlank()) {
			return null;
		}
		try {
			return Role.parse(role);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
