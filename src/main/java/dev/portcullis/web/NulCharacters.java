package dev.portcullis.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.HtmlUtils;

/**
 * Text with a NUL character (U+0000) is refused with 400 naming the field, before it reaches PostgreSQL (which
 * cannot store NUL in {@code text}). One place for every way text arrives:
 * <ul>
 * <li>the path and query parameters (names and values), the HTTP Basic username, and the sign-in form: checked
 * before the security filters, so that neither a sign-in nor an anonymous request reaches the database with one;
 * a NUL in the sign-in form is a failed sign-in ({@code /login?error});</li>
 * <li>URL-encoded and multipart form fields: checked after the security filters (for signed-in users only);</li>
 * <li>JSON bodies bound to records: the JSON mapper's string reader refuses them, and {@link ApiExceptionHandler}
 * names the field; JSON read as a tree checks its text fields with {@link #refuse(String, String)}.</li>
 * </ul>
 * The API answers {@code application/problem+json} ({@code /problems/nul-character}), pages a short 400 page.
 */
@Configuration(proxyBeanMethods = false)
public class NulCharacters {

	static final String REFUSAL = "contains a NUL character (U+0000), which cannot be stored; remove it";

	/** Whether {@code text} has a NUL character. */
	public static boolean contains(@Nullable String text) {
		return text != null && text.indexOf('\0') >= 0;
	}

	/**
	 * Refuses a text field of a JSON body read as a tree.
	 * @throws ApiProblem 400 {@code /problems/nul-character} naming {@code field} when {@code text} has a NUL
	 */
	public static void refuse(String field, @Nullable String text) {
		if (contains(text)) {
			throw problem(field);
		}
	}

	/** 400 {@code /problems/nul-character} naming {@code field} in the detail and the violation. */
	static ApiProblem problem(String field) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "nul-character", "NUL character",
				"The field " + Quoted.of(field) + " " + REFUSAL + ".", List.of(FieldViolation.at(field, REFUSAL)));
	}

	/** The JSON mapper's string reader: a NUL in any string bound to a record or a map is an input mismatch. */
	@Bean
	JacksonModule nulRefusingStrings() {
		return new SimpleModule("nul-refusing-strings").addDeserializer(String.class, new NulRefusingStrings());
	}

	@Bean
	WebFilter nulBeforeSecurity(JsonMapper json) {
		return new BeforeSecurity(json);
	}

	@Bean
	WebFilter nulInForms(JsonMapper json) {
		return new InForms(json);
	}

	static final class NulRefusingStrings extends StringDeserializer {

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) {
			String value = super.deserialize(parser, context);
			if (contains(value)) {
				return context.reportInputMismatch(this, REFUSAL);
			}
			return value;
		}

	}

	/** Path, query, Basic username and the sign-in form; ordered before the security filter chains (-100). */
	static final class BeforeSecurity implements WebFilter, Ordered {

		private final JsonMapper json;

		BeforeSecurity(JsonMapper json) {
			this.json = json;
		}

		@Override
		public int getOrder() {
			return -150;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			String rawPath = exchange.getRequest().getURI().getRawPath();
			if (rawPath != null && (rawPath.contains("%00") || rawPath.indexOf('\0') >= 0)) {
				return refused(this.json, exchange, "path");
			}
			for (Map.Entry<String, List<String>> parameter : exchange.getRequest().getQueryParams().entrySet()) {
				if (contains(parameter.getKey()) || parameter.getValue().stream().anyMatch(NulCharacters::contains)) {
					return refused(this.json, exchange, parameter.getKey());
				}
			}
			if (contains(basicUsername(exchange))) {
				return refused(this.json, exchange, "username");
			}
			if (exchange.getRequest().getMethod() == HttpMethod.POST
					&& "/login".equals(exchange.getRequest().getPath().pathWithinApplication().value())) {
				return exchange.getFormData().flatMap((form) -> {
					if (fieldWithNul(form) != null) {
						ServerHttpResponse response = exchange.getResponse();
						response.setStatusCode(HttpStatus.FOUND);
						response.getHeaders().setLocation(URI.create("/login?error"));
						return response.setComplete();
					}
					return chain.filter(exchange);
				});
			}
			return chain.filter(exchange);
		}

		private static @Nullable String basicUsername(ServerWebExchange exchange) {
			String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
				return null;
			}
			try {
				String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
						StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				return (colon >= 0) ? decoded.substring(0, colon) : decoded;
			}
			catch (IllegalArgumentException ex) {
				return null; // not Base64: the sign-in refuses it
			}
		}

	}

	/** URL-encoded and multipart form fields of signed-in requests; ordered after the security filter chains. */
	static final class InForms implements WebFilter, Ordered {

		private final JsonMapper json;

		InForms(JsonMapper json) {
			this.json = json;
		}

		@Override
		public int getOrder() {
			return -50;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			MediaType type = exchange.getRequest().getHeaders().getContentType();
			Mono<@Nullable String> field;
			if (type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
				field = exchange.getFormData().mapNotNull(NulCharacters::fieldWithNul);
			}
			else if (type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
				field = exchange.getMultipartData().mapNotNull(InForms::partWithNul);
			}
			else {
				return chain.filter(exchange);
			}
			// a body that cannot be read is the handler's to refuse (413, 400), from the same cached read
			return field.onErrorResume((ex) -> Mono.empty())
				.map((name) -> refused(this.json, exchange, name))
				.defaultIfEmpty(Mono.defer(() -> chain.filter(exchange)))
				.flatMap((next) -> next);
		}

		private static @Nullable String partWithNul(MultiValueMap<String, Part> parts) {
			for (Map.Entry<String, List<Part>> entry : parts.entrySet()) {
				for (Part part : entry.getValue()) {
					if (contains(entry.getKey()) || (part instanceof FormFieldPart field && contains(field.value()))) {
						return entry.getKey();
					}
				}
			}
			return null;
		}

	}

	private static @Nullable String fieldWithNul(MultiValueMap<String, String> form) {
		for (Map.Entry<String, List<String>> entry : form.entrySet()) {
			if (contains(entry.getKey()) || entry.getValue().stream().anyMatch(NulCharacters::contains)) {
				return entry.getKey();
			}
		}
		return null;
	}

	/** 400 naming the field: problem+json under {@code /api/}, a short page elsewhere. */
	static Mono<Void> refused(JsonMapper json, ServerWebExchange exchange, String field) {
		String escaped = field.replace("\0", "\\0");
		if (exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/api/")) {
			return problem(escaped).instance(exchange.getRequest().getPath().value().replace("%00", ""))
				.write(exchange, json);
		}
		String detail = "The field " + Quoted.of(escaped) + " " + REFUSAL + ".";
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
		byte[] body = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>400 Bad Request · Portcullis"
					+ "</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main class=\"content error-page\">"
					+ "<p class=\"status-code\">400</p><h1>Bad request</h1><p>" + HtmlUtils.htmlEscape(detail)
					+ "</p><p><a class=\"button\" href=\"/\">Back to the dashboard</a></p></main></body></html>")
				.getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Flux.just(response.bufferFactory().wrap(body)));
	}

}
