package dev.portcullis.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.IntegrationTest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks every route the running app maps (request mappings, actuator endpoints, router functions, resource
 * handlers, and the two routes Spring Security's filters serve) and calls each as nobody, a viewer, an author, a
 * reviewer and an administrator. Every route must be classified in {@link #MINIMUM_ROLES}; a new route that is not
 * fails this test until someone decides who may call it, and a classified route that is gone fails it too.
 * <p>
 * Nobody gets 401 (API) or a redirect to {@code /login} (pages); a role below the route's minimum gets 403; the
 * minimum role and those above it get neither (they may get 400, 404, 415 or 422: the requests carry sample path
 * values and no body, so that nothing is changed).
 */
class RouteAuthorizationIntegrationTests extends IntegrationTest {

	/**
	 * Who may call a route: everyone ({@code PUBLIC}) or a signed-in user with at least this role. ({@code POST
	 * /logout} is everyone's: signing out nobody only sends them to the sign-in page.)
	 */
	private static final String MINIMUM_ROLES = """
			GET    /                                                                VIEWER
			GET    /status/database                                                 VIEWER
			GET    /login                                                           PUBLIC
			POST   /login                                                           PUBLIC
			POST   /logout                                                          PUBLIC
			GET    /**                                                              VIEWER
			GET    /webjars/**                                                      VIEWER
			GET    /admin/users                                                     ADMIN
			POST   /admin/users                                                     ADMIN
			POST   /admin/users/{username}                                          ADMIN
			POST   /admin/users/{username}/password                                 ADMIN
			GET    /admin/audit                                                     ADMIN
			GET    /settings/tokens                                                 VIEWER
			POST   /settings/tokens                                                 VIEWER
			POST   /settings/tokens/{id}/revoke                                     VIEWER
			GET    /settings/password                                               VIEWER
			POST   /settings/password                                               VIEWER
			GET    /workspaces                                                      VIEWER
			POST   /workspaces                                                      AUTHOR
			GET    /workspaces/{workspace}                                          VIEWER
			GET    /workspaces/{workspace}/compare                                  VIEWER
			GET    /workspaces/{workspace}/export                                   VIEWER
			GET    /workspaces/{workspace}/import                                   VIEWER
			GET    /workspaces/{workspace}/settings                                 VIEWER
			POST   /workspaces/{workspace}/settings                                 ADMIN
			POST   /workspaces/{workspace}/settings/cluster-name                    ADMIN
			POST   /workspaces/{workspace}/import                                   AUTHOR
			GET    /workspaces/{workspace}/inventory                                VIEWER
			POST   /workspaces/{workspace}/inventory                                AUTHOR
			GET    /workspaces/{workspace}/inventory/summary                        VIEWER
			GET    /workspaces/{workspace}/flows/sources                            VIEWER
			GET    /workspaces/{workspace}/flows/sources/status                     VIEWER
			POST   /workspaces/{workspace}/flows/sources/relay                      ADMIN
			POST   /workspaces/{workspace}/flows/sources/files                      ADMIN
			GET    /workspaces/{workspace}/webhooks                                 ADMIN
			POST   /workspaces/{workspace}/webhooks                                 ADMIN
			GET    /workspaces/{workspace}/webhooks/{id}                            ADMIN
			POST   /workspaces/{workspace}/webhooks/{id}                            ADMIN
			POST   /workspaces/{workspace}/webhooks/{id}/delete                     ADMIN
			POST   /workspaces/{workspace}/webhooks/{id}/ping                       ADMIN
			GET    /workspaces/{workspace}/webhooks/{id}/deliveries                 ADMIN
			POST   /workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver ADMIN
			GET    /workspaces/{workspace}/publishing                               VIEWER
			GET    /workspaces/{workspace}/publishing/summary                       VIEWER
			POST   /workspaces/{workspace}/targets                                  ADMIN
			GET    /workspaces/{workspace}/targets/{name}                           VIEWER
			POST   /workspaces/{workspace}/targets/{name}                           ADMIN
			POST   /workspaces/{workspace}/targets/{name}/drift                     ADMIN
			POST   /workspaces/{workspace}/targets/{name}/delete                    ADMIN
			POST   /workspaces/{workspace}/targets/{name}/propose-live              AUTHOR
			POST   /workspaces/{workspace}/publish                                  REVIEWER
			POST   /workspaces/{workspace}/publish/{id}/retry                       REVIEWER
			GET    /workspaces/{workspace}/publications/{id}                        VIEWER
			GET    /workspaces/{workspace}/flows/upload                             VIEWER
			GET    /workspaces/{workspace}/what-if                                  VIEWER
			GET    /workspaces/{workspace}/replay                                   VIEWER
			POST   /workspaces/{workspace}/replay                                   VIEWER
			POST   /workspaces/{workspace}/replay/draft                             VIEWER
			GET    /workspaces/{workspace}/replay/runs/{id}                         VIEWER
			POST   /workspaces/{workspace}/replay/runs/{id}/cancel                  VIEWER
			POST   /workspaces/{workspace}/what-if                                  VIEWER
			POST   /workspaces/{workspace}/what-if/draft                            VIEWER
			GET    /workspaces/{workspace}/matrix                                   VIEWER
			POST   /workspaces/{workspace}/matrix                                   VIEWER
			POST   /workspaces/{workspace}/what-if/suggest                          VIEWER
			GET    /workspaces/{workspace}/selects                                  VIEWER
			GET    /workspaces/{workspace}/expectations                             VIEWER
			POST   /workspaces/{workspace}/expectations                             AUTHOR
			POST   /workspaces/{workspace}/expectations/run                         VIEWER
			GET    /workspaces/{workspace}/flows                                    VIEWER
			GET    /workspaces/{workspace}/flows/detail                             VIEWER
			GET    /workspaces/{workspace}/flows/map                                VIEWER
			GET    /workspaces/{workspace}/policies/new                             VIEWER
			POST   /workspaces/{workspace}/policies/new                             AUTHOR
			POST   /workspaces/{workspace}/policies/new/draft                       VIEWER
			GET    /workspaces/{workspace}/recommend                                VIEWER
			GET    /workspaces/{workspace}/policies/{kind}/{namespace}/{name}       VIEWER
			GET    /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/diff  VIEWER
			GET    /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/hits  VIEWER
			GET    /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/edit  VIEWER
			POST   /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/edit  AUTHOR
			POST   /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/delete AUTHOR
			POST   /workspaces/{workspace}/policies/{kind}/{namespace}/{name}/restore AUTHOR
			GET    /workspaces/{workspace}/change-requests                          VIEWER
			GET    /workspaces/{workspace}/change-requests/new                      VIEWER
			POST   /workspaces/{workspace}/change-requests/new                      AUTHOR
			GET    /workspaces/{workspace}/change-requests/{id}                     VIEWER
			GET    /workspaces/{workspace}/change-requests/{id}/edit                VIEWER
			POST   /workspaces/{workspace}/change-requests/{id}/edit                AUTHOR
			POST   /workspaces/{workspace}/change-requests/{id}/reviews             REVIEWER
			POST   /workspaces/{workspace}/change-requests/{id}/merge               AUTHOR
			POST   /workspaces/{workspace}/change-requests/{id}/withdraw            AUTHOR
			POST   /workspaces/{workspace}/change-requests/{id}/comments            AUTHOR
			POST   /workspaces/{workspace}/change-requests/{id}/comments/{comment}/resolve AUTHOR
			GET    /workspaces/{workspace}/protection                               VIEWER
			POST   /workspaces/{workspace}/protection                               ADMIN
			GET    /api/docs                                                        VIEWER
			GET    /api/v1/openapi.yaml                                             VIEWER
			POST   /api/v1/evaluate                                                 VIEWER
			POST   /api/v1/validate                                                 VIEWER
			POST   /api/v1/describe                                                 VIEWER
			POST   /api/v1/graph                                                    VIEWER
			POST   /api/v1/check                                                    VIEWER
			GET    /api/v1/tokens                                                   VIEWER
			POST   /api/v1/tokens                                                   VIEWER
			DELETE /api/v1/tokens/{id}                                              VIEWER
			GET    /api/v1/users                                                    ADMIN
			POST   /api/v1/users                                                    ADMIN
			GET    /api/v1/users/{username}                                         ADMIN
			PATCH  /api/v1/users/{username}                                         ADMIN
			GET    /api/v1/audit                                                    ADMIN
			GET    /api/v1/workspaces                                               VIEWER
			POST   /api/v1/workspaces                                               AUTHOR
			GET    /api/v1/workspaces/{workspace}                                   VIEWER
			GET    /api/v1/workspaces/{workspace}/flow-sources                      VIEWER
			PUT    /api/v1/workspaces/{workspace}/flow-sources                      ADMIN
			GET    /api/v1/workspaces/{workspace}/webhooks                          ADMIN
			POST   /api/v1/workspaces/{workspace}/webhooks                          ADMIN
			GET    /api/v1/workspaces/{workspace}/webhooks/{id}                     ADMIN
			PUT    /api/v1/workspaces/{workspace}/webhooks/{id}                     ADMIN
			DELETE /api/v1/workspaces/{workspace}/webhooks/{id}                     ADMIN
			GET    /api/v1/workspaces/{workspace}/webhooks/{id}/deliveries          ADMIN
			POST   /api/v1/workspaces/{workspace}/webhooks/{id}/ping                ADMIN
			POST   /api/v1/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver ADMIN
			GET    /api/v1/workspaces/{workspace}/targets                           VIEWER
			POST   /api/v1/workspaces/{workspace}/targets                           ADMIN
			GET    /api/v1/workspaces/{workspace}/targets/{name}                    VIEWER
			PUT    /api/v1/workspaces/{workspace}/targets/{name}                    ADMIN
			DELETE /api/v1/workspaces/{workspace}/targets/{name}                    ADMIN
			GET    /api/v1/workspaces/{workspace}/targets/{name}/drift              VIEWER
			POST   /api/v1/workspaces/{workspace}/targets/{name}/propose-live       AUTHOR
			GET    /api/v1/workspaces/{workspace}/publications                      VIEWER
			POST   /api/v1/workspaces/{workspace}/publications                      REVIEWER
			GET    /api/v1/workspaces/{workspace}/publications/{id}                 VIEWER
			POST   /api/v1/workspaces/{workspace}/publications/{id}/retry           REVIEWER
			GET    /api/v1/workspaces/{workspace}/policies                          VIEWER
			GET    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name} VIEWER
			PUT    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name} AUTHOR
			DELETE /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name} AUTHOR
			POST   /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/restore AUTHOR
			GET    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/hits VIEWER
			GET    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/versions VIEWER
			GET    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/versions/{version} VIEWER
			GET    /api/v1/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/diff VIEWER
			GET    /api/v1/workspaces/{workspace}/snapshot                          VIEWER
			GET    /api/v1/workspaces/{workspace}/compare                           VIEWER
			POST   /api/v1/workspaces/{workspace}/import                            AUTHOR
			GET    /api/v1/workspaces/{workspace}/export                            VIEWER
			GET    /api/v1/workspaces/{workspace}/graph                             VIEWER
			GET    /api/v1/workspaces/{workspace}/settings                          VIEWER
			PUT    /api/v1/workspaces/{workspace}/settings                          ADMIN
			GET    /api/v1/workspaces/{workspace}/inventory                         VIEWER
			PUT    /api/v1/workspaces/{workspace}/inventory                         AUTHOR
			POST   /api/v1/workspaces/{workspace}/flows                             AUTHOR
			GET    /api/v1/workspaces/{workspace}/flows                             VIEWER
			GET    /api/v1/workspaces/{workspace}/flows/edges                       VIEWER
			POST   /api/v1/workspaces/{workspace}/evaluate                          VIEWER
			POST   /api/v1/workspaces/{workspace}/replay                            VIEWER
			POST   /api/v1/workspaces/{workspace}/replay/runs                       VIEWER
			GET    /api/v1/workspaces/{workspace}/replay/runs/{id}                  VIEWER
			POST   /api/v1/workspaces/{workspace}/replay/runs/{id}/cancel           VIEWER
			GET    /api/v1/workspaces/{workspace}/selects                           VIEWER
			GET    /api/v1/workspaces/{workspace}/expectations                      VIEWER
			PUT    /api/v1/workspaces/{workspace}/expectations                      AUTHOR
			POST   /api/v1/workspaces/{workspace}/expectations/run                  VIEWER
			POST   /api/v1/workspaces/{workspace}/matrix                            VIEWER
			POST   /api/v1/workspaces/{workspace}/suggest                           VIEWER
			POST   /api/v1/workspaces/{workspace}/recommend                         VIEWER
			GET    /api/v1/workspaces/{workspace}/protection                        VIEWER
			PUT    /api/v1/workspaces/{workspace}/protection                        ADMIN
			GET    /api/v1/workspaces/{workspace}/change-requests                   VIEWER
			POST   /api/v1/workspaces/{workspace}/change-requests                   AUTHOR
			GET    /api/v1/workspaces/{workspace}/change-requests/{id}              VIEWER
			PUT    /api/v1/workspaces/{workspace}/change-requests/{id}              AUTHOR
			POST   /api/v1/workspaces/{workspace}/change-requests/{id}/reviews      REVIEWER
			POST   /api/v1/workspaces/{workspace}/change-requests/{id}/merge        AUTHOR
			POST   /api/v1/workspaces/{workspace}/change-requests/{id}/withdraw     AUTHOR
			GET    /api/v1/workspaces/{workspace}/change-requests/{id}/comments     VIEWER
			POST   /api/v1/workspaces/{workspace}/change-requests/{id}/comments     AUTHOR
			POST   /api/v1/workspaces/{workspace}/change-requests/{id}/comments/{comment}/resolve AUTHOR
			GET    /actuator                                                        VIEWER
			GET    /actuator/health                                                 PUBLIC
			GET    /actuator/health/{*path}                                         PUBLIC
			GET    /actuator/info                                                   VIEWER
			GET    /actuator/prometheus                                             VIEWER
			""";

	/**
	 * Routes served by Spring Security's filters rather than by a handler mapping (see SecurityConfig). OpenID
	 * Connect's ({@code /oauth2/authorization/*}, {@code /login/oauth2/code/*}) exist only with a client
	 * registration, which this app has not; they are public by nature (they start and finish a sign-in).
	 */
	private static final Set<String> FILTER_ROUTES = Set.of("POST /login", "POST /logout");

	/** Values for path variables: names that exist nowhere, so that no request finds anything to change. */
	private static final Map<String, String> SAMPLES = Map.of("workspace", "no-such-workspace", "kind",
			"CiliumNetworkPolicy", "namespace", "default", "name", "no-such-policy", "username", "no-such-user", "id", "0",
			"comment", "0", "version", "1", "*path", "liveness", "delivery", "0");

	private static final List<String> ROLES = List.of("PUBLIC", "VIEWER", "AUTHOR", "REVIEWER", "ADMIN");

	@Autowired
	ApplicationContext context;

	@Test
	void everyMappedRouteShouldBeClassified() {
		Map<String, String> expected = expected();
		Set<String> mapped = mappedRoutes();
		assertThat(new TreeSet<>(mapped)).as("routes the app maps that MINIMUM_ROLES does not classify")
			.isSubsetOf(expected.keySet());
		assertThat(new TreeSet<>(expected.keySet())).as("routes MINIMUM_ROLES classifies that the app no longer maps")
			.isSubsetOf(mapped);
	}

	@Test
	void everyRouteShouldRefuseNobodyAndRolesBelowItsMinimumAndAdmitTheRest() {
		Map<String, String> expected = expected();
		Set<String> mapped = mappedRoutes();
		List<String> failures = new ArrayList<>();
		Map<String, WebTestClient> clients = new LinkedHashMap<>();
		for (String role : ROLES.subList(1, ROLES.size())) {
			clients.put(role, as(Role.valueOf(role)));
		}
		for (String route : new TreeSet<>(mapped)) {
			String minimum = expected.get(route);
			if (minimum == null) {
				continue; // everyMappedRouteShouldBeClassified reports it
			}
			String method = route.substring(0, route.indexOf(' '));
			String uri = concrete(route.substring(route.indexOf(' ') + 1));
			boolean api = uri.startsWith("/api/v1/") || uri.startsWith("/actuator");
			EntityExchangeResult<byte[]> nobody = anonymousCall(HttpMethod.valueOf(method), uri, api);
			int status = nobody.getStatus().value();
			String location = nobody.getResponseHeaders().getFirst(HttpHeaders.LOCATION);
			// a page write by nobody is refused by the CSRF check before authorization: an anonymous form body is
			// never read for its token (HeaderFirstCsrfTokens), so the answer is 403 instead of the sign-in page
			boolean pageWrite = !api && !(method.equals("GET") || method.equals("HEAD"));
			boolean refused = api ? status == 401
					: ((status == 302 && "/login".equals(location)) || (pageWrite && status == 403));
			if (minimum.equals("PUBLIC") ? (status == 401 || status == 403 || refused) : !refused) {
				failures.add(route + " as nobody: " + status + ((location != null) ? " -> " + location : "")
						+ " (minimum " + minimum + ")");
			}
			for (Map.Entry<String, WebTestClient> client : clients.entrySet()) {
				String role = client.getKey();
				int got = client.getValue().method(HttpMethod.valueOf(method)).uri(uri).exchange()
					.returnResult(byte[].class).getStatus().value();
				boolean allowed = ROLES.indexOf(role) >= ROLES.indexOf(minimum);
				if (allowed ? (got == 401 || got == 403) : got != 403) {
					failures.add(route + " as " + role.toLowerCase(Locale.ROOT) + ": " + got + " (minimum " + minimum
							+ ")");
				}
			}
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void settingsShouldLetAViewerManageTheirTokensAndPasswordAndNothingElse() {
		for (Role role : List.of(Role.VIEWER, Role.AUTHOR, Role.REVIEWER)) {
			WebTestClient client = as(role);
			for (String request : List.of("POST /settings/cluster", "PUT /settings/tokens", "DELETE /settings/password",
					"POST /settings/tokens/0/rename", "GET /settings/anything", "PATCH /settings")) {
				String[] parts = request.split(" ");
				client.method(HttpMethod.valueOf(parts[0])).uri(parts[1]).exchange()
					.expectStatus().value((status) -> assertThat(status).as(role + " " + request).isEqualTo(403));
			}
			client.get().uri("/settings/tokens").exchange().expectStatus().isOk();
			client.get().uri("/settings/password").exchange().expectStatus().isOk();
		}
		as(Role.ADMIN).post().uri("/settings/cluster").exchange().expectStatus().isNotFound();
	}

	/**
	 * A call without credentials. A page write carries a valid CSRF token (from the sign-in page, as a browser's
	 * form would), so that what answers is the authorization rule, not the CSRF check.
	 */
	private EntityExchangeResult<byte[]> anonymousCall(HttpMethod method, String uri, boolean api) {
		boolean safe = method == HttpMethod.GET || method == HttpMethod.HEAD;
		if (api || safe) {
			return anonymous().method(method).uri(uri).exchange().expectBody().returnResult();
		}
		EntityExchangeResult<String> login = anonymous().get().uri("/login").exchange().expectBody(String.class)
			.returnResult();
		Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login.getResponseBody());
		assertThat(token.find()).as("the sign-in page has a CSRF token").isTrue();
		return anonymous().method(method).uri(uri)
			.cookies((cookies) -> login.getResponseCookies()
				.forEach((name, values) -> values.forEach((cookie) -> cookies.add(name, cookie.getValue()))))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("_csrf=" + java.net.URLEncoder.encode(token.group(1), java.nio.charset.StandardCharsets.UTF_8))
			.exchange()
			.expectBody()
			.returnResult();
	}

	/** {@code METHOD pattern} of every route: what the app's handler mappings map, and the security filters' own. */
	private Set<String> mappedRoutes() {
		Set<String> routes = new TreeSet<>(FILTER_ROUTES);
		this.context.getBeansOfType(RequestMappingInfoHandlerMapping.class)
			.values()
			.forEach((mapping) -> mapping.getHandlerMethods().keySet().forEach((info) -> {
				Set<String> methods = new TreeSet<>();
				info.getMethodsCondition().getMethods().forEach((m) -> methods.add(m.name()));
				if (methods.isEmpty()) {
					methods.add("ANY");
				}
				info.getPatternsCondition().getPatterns().forEach((pattern) -> methods
					.forEach((m) -> routes.add(m + " " + pattern.getPatternString())));
			}));
		this.context.getBeansOfType(SimpleUrlHandlerMapping.class)
			.values()
			.forEach((mapping) -> mapping.getUrlMap().keySet().forEach((pattern) -> routes.add("GET " + pattern)));
		this.context.getBeansOfType(RouterFunctionMapping.class).values().forEach((mapping) -> {
			RouterFunction<?> function = mapping.getRouterFunction();
			if (function != null) {
				function.accept(new RouteCollector(routes));
			}
		});
		return routes;
	}

	private static Map<String, String> expected() {
		Map<String, String> expected = new TreeMap<>();
		for (String line : MINIMUM_ROLES.strip().split("\n")) {
			String[] parts = line.strip().split("\\s+");
			assertThat(parts).as(line).hasSize(3);
			assertThat(ROLES).as(line).contains(parts[2]);
			assertThat(expected.put(parts[0] + " " + parts[1], parts[2])).as("listed twice: " + line).isNull();
		}
		return expected;
	}

	/** A URI for a pattern: each variable replaced by its sample, {@code **} by one segment. */
	private static String concrete(String pattern) {
		Matcher variables = Pattern.compile("\\{([^}]+)}").matcher(pattern);
		StringBuilder uri = new StringBuilder();
		while (variables.find()) {
			String sample = SAMPLES.get(variables.group(1));
			assertThat(sample).as("a sample value for {" + variables.group(1) + "} in " + pattern).isNotNull();
			variables.appendReplacement(uri, Matcher.quoteReplacement(sample));
		}
		variables.appendTail(uri);
		// resource handlers: a file outside /assets/ (which is open to everyone, SignInIntegrationTests)
		return uri.toString().replace("/**", "/no-such-file.txt");
	}

	/** Collects the method and path of each route of a router function; a route it cannot read fails the test. */
	private static final class RouteCollector implements RouterFunctions.Visitor, RequestPredicates.Visitor {

		private final Set<String> routes;

		private final List<String> methods = new ArrayList<>();

		private @Nullable String path;

		RouteCollector(Set<String> routes) {
			this.routes = routes;
		}

		@Override
		public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
			this.methods.clear();
			this.path = null;
			predicate.accept(this);
			assertThat(this.path).as("the path of router function route " + predicate).isNotNull();
			(this.methods.isEmpty() ? List.of("ANY") : this.methods)
				.forEach((m) -> this.routes.add(m + " " + this.path));
		}

		@Override
		public void startNested(RequestPredicate predicate) {
			throw new AssertionError("nested router functions are not walked yet: " + predicate);
		}

		@Override
		public void endNested(RequestPredicate predicate) {
		}

		@Override
		public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
			throw new AssertionError("router function resources are not walked yet: " + lookup);
		}

		@Override
		public void attributes(Map<String, Object> attributes) {
		}

		@Override
		public void unknown(RouterFunction<?> function) {
			throw new AssertionError("a router function this test cannot read: " + function);
		}

		@Override
		public void method(Set<HttpMethod> methods) {
			methods.forEach((m) -> this.methods.add(m.name()));
		}

		@Override
		public void path(String pattern) {
			this.path = pattern;
		}

		@Override
		@SuppressWarnings("removal")
		public void pathExtension(String extension) {
		}

		@Override
		public void header(String name, String value) {
		}

		@Override
		public void queryParam(String name, String value) {
		}

		@Override
		public void version(String version) {
		}

		@Override
		public void startAnd() {
		}

		@Override
		public void and() {
		}

		@Override
		public void endAnd() {
		}

		@Override
		public void startOr() {
		}

		@Override
		public void or() {
		}

		@Override
		public void endOr() {
		}

		@Override
		public void startNegate() {
		}

		@Override
		public void endNegate() {
		}

		@Override
		public void unknown(RequestPredicate predicate) {
			throw new AssertionError("a request predicate this test cannot read: " + predicate);
		}

	}

}
