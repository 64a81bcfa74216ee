package dev.portcullis.web;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.codec.FormHttpMessageReader;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;
import org.springframework.http.codec.multipart.Part;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Request bodies are small ({@link ApiLimits#DEFAULT_BODY_BYTES}, the codecs' and multipart reader's global limit)
 * except where policy text is meant to arrive, which may be up to {@link ApiLimits#MAX_BODY_BYTES}:
 * <ul>
 * <li>API controllers that take policy text read their body with {@link #text(ServerWebExchange)};</li>
 * <li>the pages' editor and import forms ({@code POST /workspaces/{workspace}/policies/new} and {@code .../new/draft},
 * {@code .../{kind}/{namespace}/{name}/edit}, {@code /workspaces/{workspace}/import}, {@code .../inventory}) get their URL-encoded or
 * multipart form read with the larger limit by this filter. It only changes how the form is read, not when:
 * the CSRF filter reads a form before authentication only for a signed-in session.</li>
 * </ul>
 * Beyond a limit the answer is 413.
 */
@Component
@Order(-200)
public class RequestBodyLimits implements WebFilter {

	private static final PathPatternParser PATTERNS = PathPatternParser.defaultInstance;

	/** The page forms that take an uploaded file (multipart): the bundle import and the inventory import. */
	private static final PathPattern[] UPLOAD_FORMS = { PATTERNS.parse("/workspaces/{workspace}/import"),
			PATTERNS.parse("/workspaces/{workspace}/inventory") };

	/** The page forms that carry policy or cluster text: the editor's two forms and the upload forms. */
	private static final PathPattern[] LARGE_FORMS = { PATTERNS.parse("/workspaces/{workspace}/policies/new"),
			PATTERNS.parse("/workspaces/{workspace}/policies/new/draft"),
			PATTERNS.parse("/workspaces/{workspace}/policies/{kind}/{namespace}/{name}/edit"), UPLOAD_FORMS[0],
			UPLOAD_FORMS[1] };

	/** The form fields of the import form (bundle, file, message, _csrf) and some room. */
	private static final int MAX_PARTS = 8;

	/**
	 * The body of a request meant to carry policy text, decoded with the charset of its {@code Content-Type}
	 * (UTF-8 when it names none); "" when there is none. Fails with a
	 * {@link org.springframework.core.io.buffer.DataBufferLimitException} (413) beyond {@link ApiLimits#MAX_BODY_BYTES}.
	 */
	public static Mono<String> text(ServerWebExchange exchange) {
		return body(exchange, DataBuffer::toString, "");
	}

	/**
	 * As {@link #text(ServerWebExchange)}, as UTF-8 bytes for a streaming reader: the body as it came when its
	 * {@code Content-Type} names UTF-8 or no charset, else decoded with its charset and encoded as UTF-8; an empty
	 * array when there is none.
	 */
	public static Mono<byte[]> utf8(ServerWebExchange exchange) {
		return body(exchange, (buffer, charset) -> {
			if (!charset.equals(StandardCharsets.UTF_8)) {
				return buffer.toString(charset).getBytes(StandardCharsets.UTF_8);
			}
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}, new byte[0]);
	}

	/** The body joined up to the limit, converted with the charset of its {@code Content-Type} (UTF-8 when none). */
	private static <T> Mono<T> body(ServerWebExchange exchange, BiFunction<DataBuffer, Charset, T> convert, T none) {
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		Charset charset = (type != null && type.getCharset() != null) ? type.getCharset() : StandardCharsets.UTF_8;
		return DataBufferUtils.join(exchange.getRequest().getBody(), ApiLimits.MAX_BODY_BYTES).map((buffer) -> {
			try {
				return convert.apply(buffer, charset);
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty(none);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST || !largeForm(exchange)) {
			return chain.filter(exchange);
		}
		LargeForm large = new LargeForm(exchange);
		return chain.filter(large).then(Mono.defer(large::deleteParts));
	}

	private static boolean largeForm(ServerWebExchange exchange) {
		return matches(LARGE_FORMS, exchange.getRequest().getPath().pathWithinApplication());
	}

	/**
	 * Whether the path is that of a page form that takes an uploaded file (multipart): the only forms whose
	 * multipart body the CSRF check may read for its token.
	 */
	public static boolean isUploadForm(PathContainer path) {
		return matches(UPLOAD_FORMS, path);
	}

	private static boolean matches(PathPattern[] patterns, PathContainer path) {
		for (PathPattern pattern : patterns) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/** The exchange with its form read up to {@link ApiLimits#MAX_BODY_BYTES}, kept in memory. */
	private static final class LargeForm extends ServerWebExchangeDecorator {

		private static final ResolvableType FORM = ResolvableType.forClassWithGenerics(MultiValueMap.class,
				String.class, String.class);

		private static final ResolvableType PARTS = ResolvableType.forClassWithGenerics(MultiValueMap.class,
				String.class, Part.class);

		private final Mono<MultiValueMap<String, String>> form;

		private final Mono<MultiValueMap<String, Part>> parts;

		private final AtomicBoolean partsRead = new AtomicBoolean();

		LargeForm(ServerWebExchange exchange) {
			super(exchange);
			MediaType type = exchange.getRequest().getHeaders().getContentType();
			if (type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
				FormHttpMessageReader reader = new FormHttpMessageReader();
				reader.setMaxInMemorySize(ApiLimits.MAX_BODY_BYTES);
				this.form = reader.readMono(FORM, exchange.getRequest(), Map.of()).cache();
			}
			else {
				this.form = exchange.getFormData();
			}
			if (type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
				DefaultPartHttpMessageReader partReader = new DefaultPartHttpMessageReader();
				partReader.setMaxInMemorySize(ApiLimits.MAX_BODY_BYTES);
				partReader.setMaxDiskUsagePerPart(ApiLimits.MAX_BODY_BYTES);
				partReader.setMaxParts(MAX_PARTS);
				MultipartHttpMessageReader reader = new MultipartHttpMessageReader(partReader);
				this.parts = reader.readMono(PARTS, exchange.getRequest(), Map.of())
					.doOnSubscribe((subscription) -> this.partsRead.set(true))
					.cache();
			}
			else {
				this.parts = exchange.getMultipartData();
			}
		}

		@Override
		public Mono<MultiValueMap<String, String>> getFormData() {
			return this.form;
		}

		@Override
		public Mono<MultiValueMap<String, Part>> getMultipartData() {
			return this.parts;
		}

		/** Deletes what the multipart reader may have put on disk, as the framework does for its own reader. */
		Mono<Void> deleteParts() {
			if (!this.partsRead.get()) {
				return Mono.empty();
			}
			return this.parts.onErrorResume((ex) -> Mono.empty())
				.flatMapMany((all) -> Flux.fromIterable(all.values()).flatMap(Flux::fromIterable))
				.flatMap((part) -> part.delete().onErrorResume((ex) -> Mono.empty()))
				.then();
		}

	}

}
