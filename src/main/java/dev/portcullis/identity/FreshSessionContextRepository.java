package dev.portcullis.identity;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The session's security context, re-checked against the database on every request: a user who was disabled
 * or deleted is signed out at their next request, and a changed role applies at once. The check is one
 * primary-key lookup.
 */
@Component
class FreshSessionContextRepository implements ServerSecurityContextRepository {

	private final WebSessionServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();

	private final Users users;

	FreshSessionContextRepository(Users users) {
		this.users = users;
	}

	@Override
	public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
		return this.sessions.save(exchange, context);
	}

	@Override
	public Mono<SecurityContext> load(ServerWebExchange exchange) {
		return this.sessions.load(exchange).flatMap((context) -> {
			Authentication authentication = context.getAuthentication();
			SignedInUser user = SignedInUser.of(authentication);
			if (user == null) {
				return Mono.just(context);
			}
			return this.users.findById(user.id())
				.filter(UserRow::enabled)
				.map((row) -> row.toSignedIn().equals(user) ? context : refreshed(authentication, row.toSignedIn()));
		});
	}

	private static SecurityContext refreshed(Authentication authentication, SignedInUser user) {
		List<GrantedAuthority> authorities = AuthorityUtils.createAuthorityList(user.role().authorities());
		Authentication fresh;
		if (authentication instanceof OAuth2AuthenticationToken oauth
				&& oauth.getPrincipal() instanceof OidcSignIn.OidcAccount account) {
			fresh = new OAuth2AuthenticationToken(account.withUser(user), authorities,
					oauth.getAuthorizedClientRegistrationId());
		}
		else {
			fresh = UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
		}
		return new SecurityContextImpl(fresh);
	}

}
