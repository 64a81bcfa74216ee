package dev.portcullis.web;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;

/**
 * A page form that takes text pasted into a field or uploaded as a file (part {@code file}), with a
 * {@code message}: multipart when a file may come with it, URL-encoded when only pasted text does. The file is read
 * as UTF-8 up to {@link ApiLimits#MAX_BODY_BYTES} (beyond: a {@code DataBufferLimitException}, 413).
 *
 * @param pasted the text field's value ("" when absent)
 * @param message the message, stripped
 * @param fileName the uploaded file's name, "" when none was chosen
 * @param upload the uploaded file's text, "" when none or empty
 */
public record TextUpload(String pasted, String message, String fileName, String upload) {

	/** The text to use: the uploaded file's if there is one, else the pasted text. */
	public String text() {
		return this.upload.isEmpty() ? this.pasted : this.upload;
	}

	/** Reads the form of the exchange; {@code textField} names the field pasted text comes in. */
	public static Mono<TextUpload> read(ServerWebExchange exchange, String textField) {
		MediaType type = exchange.getRequest().getHeaders().getContentType();
		if (type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
			return exchange.getMultipartData().flatMap((parts) -> read(parts, textField));
		}
		return exchange.getFormData().map((data) -> new TextUpload(orEmpty(data.getFirst(textField)),
				orEmpty(data.getFirst("message")).strip(), "", ""));
	}

	private static Mono<TextUpload> read(MultiValueMap<String, Part> parts, String textField) {
		String pasted = field(parts.getFirst(textField));
		String message = field(parts.getFirst("message")).strip();
		if (parts.getFirst("file") instanceof FilePart file && !file.filename().isEmpty()) {
			return DataBufferUtils.join(file.content(), ApiLimits.MAX_BODY_BYTES).map((buffer) -> {
				String text = buffer.toString(StandardCharsets.UTF_8);
				DataBufferUtils.release(buffer);
				return new TextUpload(pasted, message, file.filename(), text);
			}).defaultIfEmpty(new TextUpload(pasted, message, file.filename(), ""));
		}
		return Mono.just(new TextUpload(pasted, message, "", ""));
	}

	private static String field(@Nullable Part part) {
		return (part instanceof FormFieldPart field) ? field.value() : "";
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

}
