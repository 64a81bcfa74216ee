package dev.portcullis.identity;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Collection;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who is making the current request, for versions and the audit log.
 * <p>
 * {@link #get()} reads the reactive security context: a session (form or OIDC sign-in) or HTTP Basic gives
 * {@link Actor.Kind#USER}, a bearer API token {@link Actor.Kind#TOKEN} (with the token's name), and no
 * authentication {@link Actor#ANONYMOUS}. The role is the highest {@link Role} among the granted authorities.
 * It never fails and never returns an empty {@code Mono}.
 */
public final class CurrentActor {

	private CurrentActor() {
	}

	/** The actor of the request whose reactive context this {@code Mono} runs in. */
	public static Mono<Actor> get() {
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(CurrentActor::of)
			.defaultIfEmpty(Actor.ANONYMOUS);
	}

	/** The actor an {@link Authentication} stands for; {@link Actor#ANONYMOUS} for null or anonymous ones. */
	public static Actor of(@Nullable Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return Actor.ANONYMOUS;
		}
		Role role = highestRole(authentication.getAuthorities());
		if (authentication instanceof ApiTokenAuthentication token) {
			return new Actor(token.getName(), Actor.Kind.TOKEN, role, token.tokenName());
		}
		return new Actor(authentication.getName(), Actor.Kind.USER, role, null);
	}

	/**
	 * The client's address as the server sees it: the peer's IP address, or the one forwarding proxies
	 * reported when {@code server.forward-headers-strategy=framework} is set (only behind a trusted proxy).
	 * {@code unknown} when the connection does not say.
	 */
	public static String clientAddress(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return "unknown";
		}
		if (remote.getAddress() == null) {
			return remote.getHostString();
		}
		if (remote.getAddress() instanceof Inet6Address && remote.getAddress().isLoopbackAddress()) {
			return "::1";
		}
		return remote.getAddress().getHostAddress();
	}

	static @Nullable Role highestRole(Collection<? extends GrantedAuthority> authorities) {
		Role highest = null;
		for (GrantedAuthority authority : authorities) {
			for (Role role : Role.values()) {
				if (role.authority().equals(authority.getAuthority()) && (highest == null || role.includes(highest))) {
					highest = role;
				}
			}
		}
		return highest;
	}

}
