package dev.portcullis.identity;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.audit.AuditLog;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;

/**
 * OpenID Connect sign-in (active only when an OAuth2 client registration is configured). The provider's
 * groups ({@code portcullis.oidc.groups-claim}) map to the highest role in {@code portcullis.oidc.role-mapping};
 * a user in no mapped group gets {@code portcullis.oidc.default-role}, or is refused when that is unset. The
 * user is found by issuer and subject, created on first sign-in (username from {@code preferred_username},
 * else {@code email}, else the subject), and their role and display name follow the provider at every
 * sign-in. A local user who already holds that username is never taken over: the sign-in is refused.
 */
@Component
class OidcSignIn implements ReactiveOAuth2UserService<OidcUserRequest, OidcUser> {

	private final ReactiveOAuth2UserService<OidcUserRequest, OidcUser> provider = new OidcReactiveOAuth2UserService();

	private final Users users;

	private final AuditLog audit;

	private final IdentitySettings.Oidc settings;

	OidcSignIn(Users users, AuditLog audit, IdentitySettings.Oidc settings) {
		this.users = users;
		this.audit = audit;
		this.settings = settings;
	}

	@Override
	public Mono<OidcUser> loadUser(OidcUserRequest request) {
		return this.provider.loadUser(request).flatMap((oidc) -> Mono.deferContextual((context) -> {
			String address = ServerWebExchangeContextFilter.getExchange(context)
				.map(Actor::clientAddress)
				.orElse("unknown");
			String issuer = String.valueOf(oidc.getIssuer());
			Role role = roleFor(groups(oidc.getClaims().get(this.settings.groupsClaim())), this.settings);
			if (role == null) {
				return refuse(oidc, address, "in no group mapped to a role");
			}
			String displayName = firstNonBlank(oidc.getFullName(), oidc.getPreferredUsername(), oidc.getSubject());
			return this.users.findByOidcSubject(issuer, oidc.getSubject())
				.flatMap((row) -> this.users.update(row.with(displayName, role, row.enabled(), row.passwordHash())))
				.switchIfEmpty(Mono.defer(() -> firstSignIn(oidc, issuer, displayName, role)))
				.flatMap((row) -> row.enabled() ? Mono.just(row) : Mono.error(denied("the account is disabled")))
				.flatMap((row) -> this.audit.record(new AuditLog.Event(Actor.user(row.username(), row.role(), address),
						"auth.signin", AuditLog.Outcome.SUCCESS, "user/" + row.username(), null,
						address, Map.of("method", "oidc", "issuer", issuer))).thenReturn((OidcUser) new OidcAccount(oidc,
						row.toSignedIn())))
				.onErrorResume(OAuth2AuthenticationException.class,
						(ex) -> refuse(oidc, address, ex.getError().getDescription()));
		}));
	}

	/**
	 * Creates the Portcullis user of a provider user who signs in for the first time. When the insert finds the
	 * username or the issuer and subject taken, the row that took them decides: the same provider user (their
	 * other sign-in got in first, at the same moment) signs in as it; anyone else keeps their name and this
	 * sign-in is refused.
	 */
	private Mono<UserRow> firstSignIn(OidcUser oidc, String issuer, String displayName, Role role) {
		String username = usernameFor(firstNonBlank(oidc.getPreferredUsername(), oidc.getEmail(), oidc.getSubject()));
		return this.users.insertIfAbsent(username, displayName, null, role, issuer, oidc.getSubject())
			.switchIfEmpty(Mono.defer(() -> this.users.findByOidcSubject(issuer, oidc.getSubject())))
			.switchIfEmpty(Mono.error(() -> denied("the username " + username + " belongs to another user")));
	}

	private Mono<OidcUser> refuse(OidcUser oidc, String address, @Nullable String reason) {
		return this.audit.record(new AuditLog.Event(Actor.ANONYMOUS, "auth.signin", AuditLog.Outcome.FAILURE,
				"oidc/" + oidc.getSubject(), null, address,
				Map.of("method", "oidc", "reason", (reason != null) ? reason : "refused")))
			.then(Mono.error(denied((reason != null) ? reason : "refused")));
	}

	private static OAuth2AuthenticationException denied(String reason) {
		return new OAuth2AuthenticationException(new OAuth2Error("access_denied", reason, null), reason);
	}

	/**
	 * The role for a user in these groups: the highest role any of them is mapped to, else the default role,
	 * else null (refused).
	 */
	static @Nullable Role roleFor(Collection<String> groups, IdentitySettings.Oidc settings) {
		Role best = null;
		for (Map.Entry<Role, List<String>> mapping : settings.roleMapping().entrySet()) {
			boolean member = mapping.getValue().stream().map(String::trim).anyMatch(groups::contains);
			if (member && (best == null || mapping.getKey().includes(best))) {
				best = mapping.getKey();
			}
		}
		return (best != null) ? best : settings.defaultRole();
	}

	/** The groups in a claim: a list of strings, or one string of comma- or space-separated names. */
	static Set<String> groups(@Nullable Object claim) {
		if (claim instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).map(String::trim).collect(java.util.stream.Collectors.toSet());
		}
		if (claim instanceof String value && !value.isBlank()) {
			return Set.of(value.trim().split("[,\\s]+"));
		}
		return Set.of();
	}

	/**
	 * A Portcullis username from the provider's name for the user: characters a username may not hold become
	 * {@code -}, at most 64 characters, starting with a letter or digit.
	 */
	static String usernameFor(String providerName) {
		String name = providerName.trim().replaceAll("[^A-Za-z0-9._@-]", "-");
		if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
			name = "u" + name;
		}
		return (name.length() > 64) ? name.substring(0, 64) : name;
	}

	private static String firstNonBlank(@Nullable String... values) {
		for (String value : values) {
			if (value != null && !value.isBlank()) {
				return value.trim();
			}
		}
		throw new IllegalStateException("an OIDC user always has a subject");
	}

	/** The OIDC user with the Portcullis user it signed in as; its name is the Portcullis username. */
	static final class OidcAccount extends DefaultOidcUser {

		private final SignedInUser user;

		OidcAccount(OidcUser oidc, SignedInUser user) {
			super(AuthorityUtils.createAuthorityList(user.role().authorities()), oidc.getIdToken(), oidc.getUserInfo(),
					"sub");
			this.user = user;
		}

		SignedInUser user() {
			return this.user;
		}

		OidcAccount withUser(SignedInUser user) {
			return new OidcAccount(this, user);
		}

		@Override
		public String getName() {
			return this.user.username();
		}

	}

}
