package dev.portcullis.web;

import java.util.List;
import java.util.regex.Pattern;

import dev.portcullis.compute.EngineBusy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Turns every failure of a {@code @RestController} into {@code application/problem+json}; HTML pages are not
 * affected. A client never sees an exception class, message or stack trace: unexpected errors are logged with
 * the request id, which the problem repeats as {@code requestId}.
 */
@RestControllerAdvice(annotations = RestController.class)
class ApiExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@ExceptionHandler(ApiProblem.class)
	ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem, ServerWebExchange exchange) {
		return problem.response(exchange);
	}

	@ExceptionHandler(Refused.class)
	ResponseEntity<ProblemDetail> refused(Refused refused, ServerWebExchange exchange) {
		return refused.problem().response(exchange);
	}

	@ExceptionHandler(EngineBusy.class)
	ResponseEntity<ProblemDetail> engineBusy(EngineBusy busy, ServerWebExchange exchange) {
		return ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "engine-busy", "Engine busy", String.valueOf(busy.getReason()))
			.header(HttpHeaders.RETRY_AFTER, Long.toString(busy.retryAfterSeconds()))
			.response(exchange);
	}

	@ExceptionHandler(DataBufferLimitException.class)
	ResponseEntity<ProblemDetail> tooLarge(DataBufferLimitException ex, ServerWebExchange exchange) {
		return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large",
				"The request body is larger than this endpoint accepts (" + ApiLimits.LIMITS_DESCRIPTION + ").")
			// the rest of the body is never read, so the connection cannot carry another request: say so, or a
			// client that reuses it gets a reset on its next request
			.header(HttpHeaders.CONNECTION, "close")
			.response(exchange);
	}

	@ExceptionHandler(ResponseStatusException.class)
	ResponseEntity<ProblemDetail> status(ResponseStatusException ex, ServerWebExchange exchange) {
		HttpStatus status = HttpStatus.resolve(ex.getStatusCode().value());
		if (status == null) {
			status = HttpStatus.BAD_REQUEST;
		}
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof DataBufferLimitException limit) {
				return tooLarge(limit, exchange);
			}
		}
		DatabindException databind = cause(ex, DatabindException.class);
		String detail;
		if (databind != null && status == HttpStatus.BAD_REQUEST) {
			String field = jsonPath(databind);
			if (String.valueOf(databind.getOriginalMessage()).startsWith(NulCharacters.REFUSAL)) {
				return NulCharacters.problem(field).response(exchange);
			}
			detail = "The JSON body does not fit this endpoint at " + Quoted.of(field)
					+ "; /api/v1/openapi.yaml describes what it takes.";
		}
		else if (ex instanceof UnsupportedMediaTypeStatusException unsupported) {
			MediaType sent = exchange.getRequest().getHeaders().getContentType();
			detail = "This endpoint takes a body of type " + mediaTypes(unsupported.getSupportedMediaTypes())
					+ ((sent != null) ? ", not " + Quoted.of(sent) : "; the request named no Content-Type") + ".";
		}
		else if (ex instanceof NotAcceptableStatusException notAcceptable) {
			detail = "This endpoint answers with " + mediaTypes(notAcceptable.getSupportedMediaTypes())
					+ "; ask for one of them in Accept.";
		}
		else if (ex.getReason() != null && status.is4xxClientError() && !INTERNAL_NAME.matcher(ex.getReason()).find()) {
			detail = ex.getReason();
		}
		else {
			detail = status.getReasonPhrase();
		}
		return ApiProblem.of(status, slug(status), status.getReasonPhrase(), detail).response(exchange);
	}

	/** The slug of a problem that only has a status: {@code /problems/not-found}, {@code /problems/bad-request}... */
	static String slug(HttpStatus status) {
		return switch (status) {
			case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
			case NOT_ACCEPTABLE -> "not-acceptable";
			case METHOD_NOT_ALLOWED -> "method-not-allowed";
			case NOT_FOUND -> "not-found";
			case FORBIDDEN -> "forbidden";
			default -> "bad-request";
		};
	}

	private static <T extends Throwable> @Nullable T cause(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/** The JSON field a databind error is about, as {@code tokens[2].name} ("" for the whole body). */
	private static String jsonPath(DatabindException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	/** A Java class name in a framework message ({@code dev.portcullis.identity.UserController$CreateRequest}). */
	private static final Pattern INTERNAL_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z]|\\$");

	/** The concrete media types, as a reader would list them: {@code application/json or application/yaml}. */
	private static String mediaTypes(List<MediaType> types) {
		List<String> concrete = types.stream()
			.filter((type) -> !type.isWildcardType() && !type.isWildcardSubtype() && !type.getSubtype().contains("*"))
			.map((type) -> type.getType() + "/" + type.getSubtype())
			.distinct()
			.toList();
		return concrete.isEmpty() ? "the types /api/v1/openapi.yaml lists for it" : String.join(" or ", concrete);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, ServerWebExchange exchange) {
		log.error("Unexpected error in {} {} [{}]", exchange.getRequest().getMethod(),
				exchange.getRequest().getPath(), exchange.getRequest().getId(), ex);
		return ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
				"Something went wrong on the server. Quote the requestId when you report it.")
			.response(exchange);
	}

}
