package dev.portcullis.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * A refusal of an API request and the one place that turns it into {@code application/problem+json}: a controller
 * throws it ({@link ApiExceptionHandler} answers with {@link #response}), an exception handler returns
 * {@link #response}, and code outside Spring MVC (the security filters) {@link #write}s it to the response.
 * <p>
 * The body is always {@code type} ({@code /problems/<slug>}, a stable identifier clients may switch on),
 * {@code title}, {@code status}, {@code detail} (cut to {@link Quoted#MAX_DETAIL_CHARS}; input in it is quoted
 * through {@link Quoted} already), {@code instance} (the request's path unless {@link #instance(String)} says
 * otherwise), {@code requestId}, then {@code violations} when there are any (what is wrong where:
 * {@link FieldViolation} for request fields; policy text lists document, path, line and column) and any
 * {@link #property extra members}. {@link #header Headers} such as {@code Retry-After} or {@code WWW-Authenticate}
 * go with it.
 */
public class ApiProblem extends RuntimeException {

	private final HttpStatus status;

	private final String slug;

	private final String title;

	private final List<?> violations;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private final HttpHeaders headers = new HttpHeaders();

	private boolean pathAsInstance = true;

	private @Nullable String instance;

	public ApiProblem(HttpStatus status, String slug, String title, String detail, List<?> violations) {
		super(detail, null, false, false);
		this.status = status;
		this.slug = slug;
		this.title = title;
		this.violations = List.copyOf(violations);
	}

	/** A problem without violations. */
	public static ApiProblem of(HttpStatus status, String slug, String title, String detail) {
		return new ApiProblem(status, slug, title, detail, List.of());
	}

	public static ApiProblem badRequest(String slug, String title, String detail) {
		return of(HttpStatus.BAD_REQUEST, slug, title, detail);
	}

	/** Adds a response header ({@code Retry-After}, {@code WWW-Authenticate}, {@code ETag}...). */
	public ApiProblem header(String name, String value) {
		this.headers.set(name, value);
		return this;
	}

	/** Adds the headers of a framework exception ({@code Allow} of a 405). */
	public ApiProblem headers(HttpHeaders headers) {
		this.headers.putAll(headers);
		return this;
	}

	/** Adds a member after the standard ones ({@code current}, {@code report}...). */
	public ApiProblem property(String name, Object value) {
		this.properties.put(name, value);
		return this;
	}

	/** {@code instance} is {@code path} instead of the request's path; null leaves {@code instance} out. */
	public ApiProblem instance(@Nullable String path) {
		this.pathAsInstance = false;
		this.instance = path;
		return this;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String slug() {
		return this.slug;
	}

	public String title() {
		return this.title;
	}

	public List<?> violations() {
		return this.violations;
	}

	/** The body for {@code exchange}'s request. */
	public ProblemDetail body(ServerWebExchange exchange) {
		// a backstop: messages quote input through Quoted already
		ProblemDetail body = ProblemDetail.forStatusAndDetail(this.status,
				Quoted.cut(String.valueOf(getMessage()), Quoted.MAX_DETAIL_CHARS));
		body.setType(URI.create("/problems/" + this.slug));
		body.setTitle(this.title);
		String path = this.pathAsInstance ? exchange.getRequest().getPath().value() : this.instance;
		if (path != null) {
			body.setInstance(URI.create(path));
		}
		body.setProperty("requestId", exchange.getRequest().getId());
		if (!this.violations.isEmpty()) {
			body.setProperty("violations", this.violations);
		}
		this.properties.forEach(body::setProperty);
		return body;
	}

	/** The answer of an exception handler. */
	public ResponseEntity<ProblemDetail> response(ServerWebExchange exchange) {
		return ResponseEntity.status(this.status)
			.headers(this.headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(body(exchange));
	}

	/** Writes the problem as the answer, for code that runs outside Spring MVC (web filters, the firewall). */
	public Mono<Void> write(ServerWebExchange exchange, JsonMapper json) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(this.status);
		this.headers.forEach((name, values) -> response.getHeaders().put(name, values));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = json.writeValueAsString(body(exchange)).getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

}
