package dev.portcullis.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
		String slug = switch (code) {
			case NOT_FOUND -> "not-found";
			case METHOD_NOT_ALLOWED -> "method-not-allowed";
			case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
			case NOT_ACCEPTABLE -> "not-acceptable";
			default -> "bad-request";
		};
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
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(code, detail);
		problem.setType(URI.create("/problems/" + slug));
		problem.setTitle(code.getReasonPhrase());
		problem.setInstance(URI.create(path));
		problem.setProperty("requestId", exchange.getRequest().getId());
		response.setStatusCode(code);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		status.getHeaders().forEach((name, values) -> response.getHeaders().put(name, values));
		byte[] body = this.json.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
