package dev.portcullis.web;


import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Problem+json for requests to {@code /api/} that fail before a controller is chosen (no such endpoint, wrong
 * method, unsupported media type). Errors inside controllers are {@link ApiExceptionHandler}'s; pages keep the
 * HTML error page.
 */
@Component
@Order(-3)
class ApiRoutingErrors implements WebExceptionHandler {

	private final JsonMapper json;

	ApiRoutingErrors(JsonMapper json) {
		this.json = json;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		String path = exchange.getRequest().getPath().value();
		ServerHttpResponse response = exchange.getResponse();
		if (!path.startsWith("/api/") || !(ex instanceof ResponseStatusException status) || response.isCommitted()) {
			return Mono.error(ex);
		}
		HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
		if (code == null || !code.is4xxClientError()) {
			return Mono.error(ex);
		}
		String detail = switch (code) {
			case NOT_FOUND -> "No API endpoint at " + Quoted.of(path) + ". The OpenAPI document is at /api/v1/openapi.yaml.";
			case METHOD_NOT_ALLOWED -> "This endpoint does not take " + exchange.getRequest().getMethod() + ".";
			case UNSUPPORTED_MEDIA_TYPE -> "This endpoint does not take a body "
					+ ((exchange.getRequest().getHeaders().getContentType() != null)
							? "of type " + Quoted.of(exchange.getRequest().getHeaders().getContentType())
							: "without a Content-Type")
					+ "; /api/v1/openapi.yaml lists the types each endpoint accepts.";
			default -> code.getReasonPhrase();
		};
		return ApiProblem.of(code, ApiExceptionHandler.slug(code), code.getReasonPhrase(), detail)
			.headers(status.getHeaders())
			.write(exchange, this.json);
	}

}
