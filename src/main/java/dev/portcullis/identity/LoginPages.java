package dev.portcullis.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;

/**
 * The sign-in page. The form posts to {@code /login}, which Spring Security handles ({@link SecurityConfig});
 * a refusal comes back here with {@code ?error}, {@code ?locked}, {@code ?disabled}, {@code ?full} (the session
 * store is full, {@link SessionAdmission}) or {@code ?oidc}, sign-out
 * with {@code ?signedout}.
 */
@Controller
class LoginPages {

	/** A configured OpenID Connect provider, linked from the page. */
	record Provider(String id, String name) {
	}

	private final List<Provider> providers;

	LoginPages(ObjectProvider<ReactiveClientRegistrationRepository> clients) {
		List<Provider> found = new ArrayList<>();
		if (clients.getIfAvailable() instanceof Iterable<?> registrations) {
			for (Object registration : registrations) {
				if (registration instanceof ClientRegistration client) {
					found.add(new Provider(client.getRegistrationId(), client.getClientName()));
				}
			}
		}
		this.providers = List.copyOf(found);
	}

	@GetMapping("/login")
	Mono<String> login(@RequestParam Map<String, String> params, Model model, ServerWebExchange exchange) {
		return Actor.current(exchange).map((actor) -> {
			if (actor.kind() != Actor.Kind.ANONYMOUS) {
				return "redirect:/";
			}
			model.addAttribute("providers", this.providers);
			if (params.containsKey("error")) {
				model.addAttribute("error", "Wrong username or password.");
			}
			else if (params.containsKey("locked")) {
				model.addAttribute("error",
						"Too many failed sign-ins for this user or from this address. Wait a few minutes and try again.");
			}
			else if (params.containsKey("disabled")) {
				model.addAttribute("error", "This account is disabled. Ask an administrator.");
			}
			else if (params.containsKey("full")) {
				model.addAttribute("error",
						"Too many people are signed in right now. Try again in a few minutes.");
			}
			else if (params.containsKey("oidc")) {
				model.addAttribute("error", "The sign-in with your identity provider was refused.");
			}
			else if (params.containsKey("signedout")) {
				model.addAttribute("notice", "You are signed out.");
			}
			return "auth/login";
		});
	}

}
