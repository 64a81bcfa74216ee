package dev.portcullis.identity;

import dev.portcullis.web.RequestBodyLimits;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.codec.multipart.Part;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestHandler;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Where the CSRF filter looks for the (masked, BREACH-safe) token. The CSRF filter runs before authentication, so
 * it must not let an anonymous client make the server read a large body:
 * <ul>
 * <li>the header ({@code X-CSRF-TOKEN}, which pages and htmx send) first: then no body is read at all;</li>
 * <li>a URL-encoded form field {@code _csrf} only for the sign-in and sign-out forms and for a signed-in session;</li>
 * <li>a multipart form field only on the import pages ({@code POST /workspaces/{workspace}/import} and
 * {@code .../inventory}, the only multipart forms) and only for a signed-in session.</li>
 * </ul>
 * Anything else has no token and is refused without its body being read.
 */
final class HeaderFirstCsrfTokens implements ServerCsrfTokenRequestHandler {

	private static final PathPattern SIGN_IN = PathPatternParser.defaultInstance.parse("/login");

	private static final PathPattern SIGN_OUT = PathPatternParser.defaultInstance.parse("/logout");

	private final XorServerCsrfTokenRequestAttributeHandler forms = new XorServerCsrfTokenRequestAttributeHandler();

	private final XorServerCsrfTokenRequestAttributeHandler multipart = new XorServerCsrfTokenRequestAttributeHandler();

	HeaderFirstCsrfTokens() {
		this.multipart.setTokenFromMultipartDataEnabled(true);
	}

	@Override
	public void handle(ServerWebExchange exchange, Mono<CsrfToken> csrfToken) {
		this.forms.handle(exchange, csrfToken);
	}

	@Override
	public Mono<String> resolveCsrfTokenValue(ServerWebExchange exchange, CsrfToken csrfToken) {
		if (exchange.getRequest().getHeaders().getFirst(csrfToken.getHeaderName()) != null) {
			return this.forms.resolveCsrfTokenValue(new WithoutBody(exchange), csrfToken);
		}
		return signedIn(exchange).flatMap((signedIn) -> {
			boolean post = exchange.getRequest().getMethod() == HttpMethod.POST;
			var path = exchange.getRequest().getPath().pathWithinApplication();
			if (signedIn && post && RequestBodyLimits.isUploadForm(path)) {
				return this.multipart.resolveCsrfTokenValue(exchange, csrfToken);
			}
			if (signedIn || (post && (SIGN_IN.matches(path) || SIGN_OUT.matches(path)))) {
				return this.forms.resolveCsrfTokenValue(exchange, csrfToken);
			}
			return Mono.empty();
		});
	}

	/** Whether the request's session holds a security context (someone signed in with it). */
	private static Mono<Boolean> signedIn(ServerWebExchange exchange) {
		return exchange.getSession()
			.map((session) -> session.getAttribute(
					WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME) != null)
			.defaultIfEmpty(false);
	}

	/** The exchange as the token resolver sees it when the header carries the token: a form it need not read. */
	private static final class WithoutBody extends ServerWebExchangeDecorator {

		WithoutBody(ServerWebExchange delegate) {
			super(delegate);
		}

		@Override
		public Mono<MultiValueMap<String, String>> getFormData() {
			return Mono.just(new LinkedMultiValueMap<>());
		}

		@Override
		public Mono<MultiValueMap<String, Part>> getMultipartData() {
			return Mono.just(new LinkedMultiValueMap<>());
		}

	}

}
