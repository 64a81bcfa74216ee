package dev.portcullis.identity;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Collection;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who does something, and from where: the author of new versions and the actor of audit entries. Every write
 * (the policy store's, the user accounts') takes one; a controller obtains it with {@link #current(ServerWebExchange)}.
 * <p>
 * A session (form or OIDC sign-in) or HTTP Basic gives {@link Kind#USER}, a bearer API token {@link Kind#TOKEN}
 * (with the token's name), no authentication {@link #ANONYMOUS}. The role is the highest {@link Role} among the
 * granted authorities.
 *
 * @param username the user's name ({@code system} for the application itself, {@code anonymous} before sign-in)
 * @param kind how they authenticated
 * @param role their role, null for anonymous
 * @param tokenName the API token's name when {@code kind} is TOKEN
 * @param address the client's address ({@link #clientAddress}), null when there is no client (the application
 *        itself, tests)
 */
public record Actor(String username, Kind kind, @Nullable Role role, @Nullable String tokenName,
		@Nullable String address) implements AuditLog.Who {

	public static final Actor SYSTEM = new Actor("system", Kind.SYSTEM, Role.ADMIN, null, null);

	public static final Actor ANONYMOUS = new Actor("anonymous", Kind.ANONYMOUS, null, null, null);

	/**
	 * The actor of the request whose reactive context this {@code Mono} runs in, with the exchange's
	 * {@linkplain #clientAddress client address}. It never fails and never returns an empty {@code Mono}.
	 */
	public static Mono<Actor> current(ServerWebExchange exchange) {
		String address = clientAddress(exchange);
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map((authentication) -> of(authentication).withAddress(address))
			.defaultIfEmpty(ANONYMOUS.withAddress(address));
	}

	/**
	 * The actor an {@link Authentication} stands for, without an address; {@link #ANONYMOUS} for null or anonymous
	 * ones.
	 */
	public static Actor of(@Nullable Authentication authentication) {
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return ANONYMOUS;
		}
		Role role = highestRole(authentication.getAuthorities());
		if (authentication instanceof ApiTokenAuthentication token) {
			return new Actor(token.getName(), Kind.TOKEN, role, token.tokenName(), null);
		}
		return new Actor(authentication.getName(), Kind.USER, role, null, null);
	}

	/** A signed-in user acting from {@code address}. */
	static Actor user(String username, Role role, @Nullable String address) {
		return new Actor(username, Kind.USER, role, null, address);
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

	/** This actor, acting from {@code address}. */
	public Actor withAddress(@Nullable String address) {
		return new Actor(this.username, this.kind, this.role, this.tokenName, address);
	}

	/** Whether this actor's role includes {@code required}; never for {@link #ANONYMOUS}. */
	public boolean has(Role required) {
		return this.role != null && this.role.includes(required);
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

	public enum Kind {

		/** Signed in with a session (form or OIDC) or HTTP Basic. */
		USER,
		/** An API token. */
		TOKEN,
		/** The application itself (bootstrap, migrations). */
		SYSTEM,
		/** Not signed in. */
		ANONYMOUS

	}

}
