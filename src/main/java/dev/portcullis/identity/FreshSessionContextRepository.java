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
import org.springframework.web.server.WebSession;

/**
 * The session's security context, re-checked against the database on every request: the session ends (it is
 * invalidated) when its user was disabled or deleted, or when their {@code session_epoch} moved on since they
 * signed in, which a change of password or role or a disabling does (docs/adr/010); a changed display name
 * applies at once. The check is one primary-key lookup.
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
				.filter((row) -> row.enabled() && row.sessionEpoch() == user.sessionEpoch())
				.map((row) -> row.toSignedIn().equals(user) ? context : refreshed(authentication, row.toSignedIn()))
				.switchIfEmpty(Mono.defer(() -> exchange.getSession().flatMap(WebSession::invalidate).then(Mono.empty())));
		});
	}

	/**
	 * Keeps the session of this request signed in as {@code user} after a change that ended the user's sessions
	 * (their own password change): the session now carries the new {@code session_epoch}. A request that did not
	 * come with a signed-in session (HTTP Basic) is left as it is, and no session is created for it.
	 */
	Mono<Void> keepSignedIn(ServerWebExchange exchange, SignedInUser user) {
		return exchange.getSession()
			.filter((session) -> session.getAttribute(
					WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME) != null)
			.flatMap((session) -> this.sessions.load(exchange))
			.filter((context) -> SignedInUser.of(context.getAuthentication()) != null)
			.flatMap((context) -> save(exchange, refreshed(context.getAuthentication(), user)));
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
