package dev.portcullis.identity;

import java.net.URI;
import java.util.Map;

import dev.portcullis.audit.AuditLog;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestHandler;
import org.springframework.security.web.server.savedrequest.CookieServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Who may do what. Two filter chains:
 * <ul>
 * <li><b>API</b> ({@code /api/v1/**}, {@code /actuator/**}): {@code Authorization: Bearer <API token>} or HTTP
 * Basic, stateless (no session is created); a browser session is accepted too (Swagger UI's "try it out"), and
 * then a state-changing request needs the CSRF header. Refusals are problem+json ({@link SecurityResponses}).
 * <li><b>Pages</b> (everything else): the sign-in form at {@code /login} (and OpenID Connect when a client
 * registration is configured), session cookie, CSRF on every state-changing request, sign-out by
 * {@code POST /logout}. Only a signed-in user has a session: before sign-in the CSRF token and the page asked
 * for live in cookies ({@link SessionOrCookieCsrfTokenRepository}, {@link CookieServerRequestCache}); a sign-in
 * that finds the session store full is refused ({@link SessionAdmission}). HTTP Basic is accepted too,
 * statelessly, for scripts and tests.
 * </ul>
 * CSRF protects requests that a browser authenticates by itself (the session cookie). A request carrying an
 * {@code Authorization} header is exempt: a browser adds that header only to requests a script of this origin
 * makes, or after a Basic challenge, and Portcullis never sends one ({@code WWW-Authenticate: Bearer}). A
 * malformed header is refused with 401 before CSRF is checked ({@link AuthorizationHeaderFilter}), so it never
 * falls back to the session.
 * <p>
 * Roles, the same rules on both chains: reading ({@code GET}, {@code HEAD}) needs VIEWER, writing needs AUTHOR;
 * {@code /admin/**}, {@code /api/v1/users/**}, {@code /api/v1/audit/**} and changing a workspace's agent settings
 * ({@code PUT /api/v1/workspaces/{ws}/settings}, {@code POST /workspaces/{ws}/settings} and
 * {@code POST /workspaces/{ws}/settings/*}, such as the upload page's one-click cluster name) and a workspace's webhooks
 * ({@code /api/v1/workspaces/{ws}/webhooks/**}, {@code /workspaces/{ws}/webhooks/**}, reads included) need ADMIN; a signed-in VIEWER may
 * manage their own API tokens ({@code /settings/tokens}, {@code /api/v1/tokens}), change their own password
 * ({@code /settings/password}) and run evaluations ({@code POST /api/v1/evaluate}), each named by method and path;
 * anything else under {@code /settings/**} needs ADMIN. Open to everyone: {@code /login}, {@code /assets/**},
 * {@code /favicon*}, {@code /actuator/health/**}. Features add pages and endpoints under these rules without
 * touching this class. The services that write check the role again (docs/adr/010), and
 * {@code RouteAuthorizationIntegrationTests} checks every route the app maps for every role.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfig {

	private static final String VIEWER = Role.VIEWER.name();

	private static final String AUTHOR = Role.AUTHOR.name();

	private static final String REVIEWER = Role.REVIEWER.name();

	private static final String ADMIN = Role.ADMIN.name();

	private static final SessionOrCookieCsrfTokenRepository CSRF_TOKENS = new SessionOrCookieCsrfTokenRepository();

	/** Every response's Content-Security-Policy: nothing inline, nothing from elsewhere (docs/adr/012). */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	/** Argon2id for new hashes; bcrypt hashes still verify (docs/adr/006). */
	@Bean
	PasswordEncoder passwordEncoder() {
		String argon2 = "argon2@SpringSecurity_v5_8";
		return new DelegatingPasswordEncoder(argon2,
				Map.of(argon2, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), "bcrypt",
						new BCryptPasswordEncoder()));
	}

	/** Makes the exchange reachable from the authentication managers (client address, sign-in method). */
	@Bean
	WebFilter exchangeContextFilter() {
		return new ExchangeContextFilter();
	}

	@Bean
	@Order(1)
	SecurityWebFilterChain apiChain(ServerHttpSecurity http, PasswordSignIn passwords, ApiTokens tokens,
			SecurityResponses responses, FreshSessionContextRepository sessions, AuditLog audit) {
		ReactiveAuthenticationManager tokenManager = (authentication) -> tokens
			.authenticate(((BearerToken) authentication).token())
			.cast(Authentication.class);
		AuthenticationWebFilter bearer = new AuthenticationWebFilter(tokenManager);
		bearer.setServerAuthenticationConverter(BearerToken::from);
		bearer.setRequiresAuthenticationMatcher(
				(exchange) -> (BearerToken.header(exchange) != null) ? ServerWebExchangeMatcher.MatchResult.match()
						: ServerWebExchangeMatcher.MatchResult.notMatch());
		bearer.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		bearer.setAuthenticationFailureHandler((webFilterExchange, ex) -> {
			ServerWebExchange exchange = webFilterExchange.getExchange();
			return audit
				.record(new AuditLog.Event(Actor.ANONYMOUS, "auth.signin", AuditLog.Outcome.FAILURE, "token", null,
						Actor.clientAddress(exchange), Map.of("method", "token", "reason", ex.getMessage())))
				.then(responses.unauthenticated(exchange, ex));
		});
		return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/v1/**", "/actuator/**"))
			.addFilterBefore(new AuthorizationHeaderFilter(true, responses, audit), SecurityWebFiltersOrder.CSRF)
			.securityContextRepository(sessions)
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
			.httpBasic((basic) -> basic.authenticationManager(passwords)
				.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
				.authenticationEntryPoint(responses.apiEntryPoint()))
			.addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache((cache) -> cache.requestCache(
					org.springframework.security.web.server.savedrequest.NoOpServerRequestCache.getInstance()))
			.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(SecurityConfig::sessionApiWrite)
				.csrfTokenRepository(CSRF_TOKENS)
				.csrfTokenRequestHandler(csrfHandler())
				.accessDeniedHandler(responses.accessDenied(true)))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(responses.apiEntryPoint())
				.accessDeniedHandler(responses.accessDenied(true)))
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				.pathMatchers("/api/v1/users", "/api/v1/users/**", "/api/v1/audit", "/api/v1/audit/**")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.GET, "/api/v1/tokens")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.POST, "/api/v1/tokens")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.DELETE, "/api/v1/tokens/*")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.POST, "/api/v1/evaluate", "/api/v1/validate", "/api/v1/describe", "/api/v1/graph",
						"/api/v1/check")
				.hasRole(VIEWER)
				// what-if simulation only reads: viewers may ask (docs/adr/024)
				.pathMatchers(HttpMethod.POST, "/api/v1/workspaces/*/evaluate", "/api/v1/workspaces/*/matrix",
						"/api/v1/workspaces/*/suggest", "/api/v1/workspaces/*/expectations/run",
						"/api/v1/workspaces/*/recommend")
				.hasRole(VIEWER)
				// replay only reads flows and states: viewers may ask (docs/adr/029)
				.pathMatchers(HttpMethod.POST, "/api/v1/workspaces/*/replay", "/api/v1/workspaces/*/replay/runs",
						"/api/v1/workspaces/*/replay/runs/*/cancel")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.PUT, "/api/v1/workspaces/*/settings")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.PUT, "/api/v1/workspaces/*/flow-sources")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.PUT, "/api/v1/workspaces/*/protection")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/api/v1/workspaces/*/change-requests/*/reviews")
				.hasRole(REVIEWER)
				// publishing (docs/adr/033): admins configure targets, reviewers publish what was approved
				.pathMatchers(HttpMethod.POST, "/api/v1/workspaces/*/targets")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.PUT, "/api/v1/workspaces/*/targets/*")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.DELETE, "/api/v1/workspaces/*/targets/*")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/api/v1/workspaces/*/publications", "/api/v1/workspaces/*/publications/*/retry")
				.hasRole(REVIEWER)
				// webhooks: URLs may carry tokens and deliveries show what was sent; administrators only, reads included
				.pathMatchers("/api/v1/workspaces/*/webhooks", "/api/v1/workspaces/*/webhooks/**")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.GET, "/**")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.HEAD, "/**")
				.hasRole(VIEWER)
				.anyExchange()
				.hasRole(AUTHOR))
			.build();
	}

	@Bean
	@Order(2)
	SecurityWebFilterChain pageChain(ServerHttpSecurity http, PasswordSignIn passwords, SecurityResponses responses,
			FreshSessionContextRepository sessions, SessionAdmission admission, AuditLog audit,
			ObjectProvider<ReactiveClientRegistrationRepository> oidcClients) {
		http.addFilterBefore(new AuthorizationHeaderFilter(false, responses, audit), SecurityWebFiltersOrder.CSRF)
			.securityContextRepository(sessions)
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
			.httpBasic((basic) -> basic.authenticationManager(passwords)
				.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
				.authenticationEntryPoint(responses.apiEntryPoint()))
			.formLogin((form) -> form.loginPage("/login")
				.authenticationManager(passwords.formSignIn())
				.securityContextRepository(sessions)
				.authenticationSuccessHandler(signInSuccess())
				.authenticationEntryPoint(responses.pageEntryPoint())
				.authenticationFailureHandler(signInFailure()))
			.logout((logout) -> logout.logoutUrl("/logout")
				.logoutHandler(new DelegatingServerLogoutHandler(auditSignOut(audit), new SecurityContextServerLogoutHandler(),
						new WebSessionServerLogoutHandler()))
				.logoutSuccessHandler(redirect("/login?signedout")))
			.requestCache((cache) -> cache.requestCache(new CookieServerRequestCache()))
			.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(SecurityConfig::sessionWrite)
				.csrfTokenRepository(CSRF_TOKENS)
				.csrfTokenRequestHandler(csrfHandler())
				.accessDeniedHandler(responses.accessDenied(false)))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(responses.pageEntryPoint())
				.accessDeniedHandler(responses.accessDenied(false)))
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/login", "/assets/**", "/favicon*")
				.permitAll()
				.pathMatchers("/admin", "/admin/**")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.GET, "/settings/tokens", "/settings/password")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.HEAD, "/settings/tokens", "/settings/password")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.POST, "/settings/tokens", "/settings/tokens/*/revoke", "/settings/password",
						"/logout")
				.hasRole(VIEWER)
				.pathMatchers("/settings", "/settings/**")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/settings", "/workspaces/*/settings/*")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/flows/sources/*")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/protection")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/change-requests/*/reviews")
				.hasRole(REVIEWER)
				// proposing a target's live state opens a change request: authors may (docs/adr/038)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/targets/*/propose-live")
				.hasRole(AUTHOR)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/targets", "/workspaces/*/targets/**")
				.hasRole(ADMIN)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/publish", "/workspaces/*/publish/**")
				.hasRole(REVIEWER)
				.pathMatchers("/workspaces/*/webhooks", "/workspaces/*/webhooks/**")
				.hasRole(ADMIN)
				// simulating changes nothing: viewers may post the what-if, matrix and expectation-run forms
				.pathMatchers(HttpMethod.POST, "/workspaces/*/what-if", "/workspaces/*/what-if/*",
						"/workspaces/*/matrix", "/workspaces/*/expectations/run")
				.hasRole(VIEWER)
				// opening a drafted policy in the editor saves nothing (saving it needs AUTHOR)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/policies/new/draft")
				.hasRole(VIEWER)
				// replaying changes nothing: viewers may post the replay form, open it with the editor's draft and
				// cancel their own runs (docs/adr/037)
				.pathMatchers(HttpMethod.POST, "/workspaces/*/replay", "/workspaces/*/replay/draft",
						"/workspaces/*/replay/runs/*/cancel")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.GET, "/**")
				.hasRole(VIEWER)
				.pathMatchers(HttpMethod.HEAD, "/**")
				.hasRole(VIEWER)
				.anyExchange()
				.hasRole(AUTHOR));
		if (oidcClients.getIfAvailable() != null) {
			// the start keeps its authorization request in a new session: refused at once when the store is full
			http.addFilterBefore(admission.oidcStart(audit), SecurityWebFiltersOrder.HTTP_BASIC).oauth2Login((oidc) -> oidc.authenticationFailureHandler(signInFailure())
				.authenticationSuccessHandler(signInSuccess())
				.securityContextRepository(sessions));
		}
		return http.build();
	}

	/**
	 * CSRF applies to state-changing requests that rely on the session, not to those authenticated by their own
	 * {@code Authorization} header (HTTP Basic on pages). A header of any other scheme does not exempt: the
	 * session would be used.
	 */
	private static Mono<ServerWebExchangeMatcher.MatchResult> sessionWrite(ServerWebExchange exchange) {
		return sessionWrite(exchange, "Basic ");
	}

	private static Mono<ServerWebExchangeMatcher.MatchResult> sessionWrite(ServerWebExchange exchange,
			String... exemptSchemes) {
		HttpMethod method = exchange.getRequest().getMethod();
		boolean safe = method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
				|| method == HttpMethod.TRACE;
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		boolean headerAuthenticated = false;
		for (String scheme : exemptSchemes) {
			headerAuthenticated |= authorization != null
					&& authorization.regionMatches(true, 0, scheme, 0, scheme.length());
		}
		return (safe || headerAuthenticated) ? ServerWebExchangeMatcher.MatchResult.notMatch()
				: ServerWebExchangeMatcher.MatchResult.match();
	}

	/**
	 * On the API, CSRF applies only when cookies come along (whatever the session cookie is named): without any
	 * there is nothing a forged request could use, and the client gets the 401 that tells it how to authenticate.
	 */
	private static Mono<ServerWebExchangeMatcher.MatchResult> sessionApiWrite(ServerWebExchange exchange) {
		if (exchange.getRequest().getCookies().isEmpty()) {
			return ServerWebExchangeMatcher.MatchResult.notMatch();
		}
		return sessionWrite(exchange, "Basic ", "Bearer ");
	}

	/** The masked (BREACH-safe) token: header first; a body only where {@link HeaderFirstCsrfTokens} allows. */
	private static ServerCsrfTokenRequestHandler csrfHandler() {
		return new HeaderFirstCsrfTokens();
	}

	/**
	 * After a sign-in: a fresh CSRF token in the new session (the one of the sign-in page stays behind in its
	 * cookie, which is cleared), then back to the page asked for, else {@code /}.
	 */
	private static ServerAuthenticationSuccessHandler signInSuccess() {
		RedirectServerAuthenticationSuccessHandler redirect = new RedirectServerAuthenticationSuccessHandler();
		redirect.setRequestCache(new CookieServerRequestCache());
		return (webFilterExchange, authentication) -> {
			ServerWebExchange exchange = webFilterExchange.getExchange();
			return CSRF_TOKENS.generateToken(exchange)
				.flatMap((token) -> CSRF_TOKENS.saveToken(exchange, token))
				.then(redirect.onAuthenticationSuccess(webFilterExchange, authentication));
		};
	}

	private static ServerAuthenticationFailureHandler signInFailure() {
		DefaultServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();
		return (webFilterExchange, ex) -> {
			String query = "error";
			if (ex instanceof SignInRefused refused) {
				query = switch (refused.reason()) {
					case THROTTLED -> "locked";
					case DISABLED -> "disabled";
					case SESSIONS_FULL -> "full";
					default -> "error";
				};
			}
			else if (ex instanceof org.springframework.security.oauth2.core.OAuth2AuthenticationException) {
				query = "oidc";
			}
			return redirects.sendRedirect(webFilterExchange.getExchange(), URI.create("/login?" + query));
		};
	}

	private static ServerLogoutHandler auditSignOut(AuditLog audit) {
		return (webFilterExchange, authentication) -> {
			Actor actor = Actor.of(authentication);
			if (actor.kind() == Actor.Kind.ANONYMOUS) {
				return Mono.empty();
			}
			return audit.record(new AuditLog.Event(actor, "auth.signout", AuditLog.Outcome.SUCCESS,
					"user/" + actor.username(), null, Actor.clientAddress(webFilterExchange.getExchange()),
					Map.of()));
		};
	}

	private static RedirectServerLogoutSuccessHandler redirect(String location) {
		RedirectServerLogoutSuccessHandler handler = new RedirectServerLogoutSuccessHandler();
		handler.setLogoutSuccessUrl(URI.create(location));
		return handler;
	}

	/** {@link ServerWebExchangeContextFilter}, ordered before the security filter chains. */
	static final class ExchangeContextFilter implements WebFilter, Ordered {

		private final ServerWebExchangeContextFilter delegate = new ServerWebExchangeContextFilter();

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			return this.delegate.filter(exchange, chain);
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
