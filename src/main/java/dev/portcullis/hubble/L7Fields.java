package dev.portcullis.hubble;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow.Dns;
import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.flow.Flow.Kafka;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The L7 requests of a flow's {@code l7} object: {@code http: {method, url, headers[{key,value}], protocol}},
 * {@code kafka: {api_key, api_version, topic}} (Portcullis extensions {@code client_id} and {@code topics}; a
 * numeric {@code api_key} becomes its name, {@code 0} is {@code produce}) and {@code dns: {query, qtypes}}. Each
 * reader is called with the parser at the request object's start and reads it to its end. Not thread-safe: one
 * per reader.
 */
final class L7Fields {

	private final Tokens tokens;

	L7Fields(Tokens tokens) {
		this.tokens = tokens;
	}

	/** The {@code code} of the HTTP request {@link #http} read last, -1 when absent or not recording. */
	int httpStatus = -1;

	Http http(JsonParser p, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		this.httpStatus = -1;
		List<Header> headers = List.of();
		String method = null;
		String url = null;
		String protocol = null;
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "headers" -> headers = headers(p, rank + 1, errors);
				case "method" -> method = t.string(p, "l7.http.method", rank + 2, errors);
				case "url" -> url = t.string(p, "l7.http.url", rank + 3, errors);
				case "protocol" -> protocol = t.string(p, "l7.http.protocol", rank + 4, errors);
				case "code" -> {
					if (t.recording) {
						this.httpStatus = t.integer(p, "l7.http.code", rank + 5, 0, 999, -1, errors);
					}
					else {
						p.skipChildren();
					}
				}
				default -> p.skipChildren();
			}
		}
		return new Http((method != null) ? method : "", (url != null) ? url : "", headers,
				Tokens.emptyToNull(protocol));
	}

	List<Header> headers(JsonParser p, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		if (!t.list(p, "l7.http.headers", rank, errors)) {
			return List.of();
		}
		List<Header> headers = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			int item = i++;
			if (p.currentToken() != JsonToken.START_OBJECT) {
				errors.add(t.ranked(rank, "l7.http.headers[" + item + "]", p, "must be an object {key, value}, got "
						+ Tokens.describe(p)));
				p.skipChildren();
				continue;
			}
			Position itemAt = t.position(p);
			String key = null;
			String value = null;
			String name;
			while ((name = p.nextName()) != null) {
				p.nextToken();
				switch (name) {
					case "key" -> key = t.string(p, "l7.http.headers[" + item + "].key", rank, errors);
					case "value" -> value = t.string(p, "l7.http.headers[" + item + "].value", rank, errors);
					default -> p.skipChildren();
				}
			}
			if (key == null || key.isEmpty()) {
				errors.add(new Ranked(rank, Violation.error(t.index,
						t.path("l7.http.headers[" + item + "].key"), itemAt, "is required")));
				continue;
			}
			headers.add(new Header(key, (value != null) ? value : ""));
		}
		return headers;
	}

	Kafka kafka(JsonParser p, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		String apiKey = null;
		int version = 0;
		List<String> topics = List.of();
		String topic = null;
		String clientId = null;
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "api_key" -> {
					JsonToken token = p.currentToken();
					if (token == JsonToken.VALUE_NULL) {
						apiKey = null;
					}
					else if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
						apiKey = p.getString();
					}
					else {
						errors.add(t.ranked(rank + 1, "l7.kafka.api_key", p,
								"must be a string, got " + Tokens.describe(p)));
						p.skipChildren();
						apiKey = null;
					}
				}
				case "api_version" -> version = t.integer(p, "l7.kafka.api_version", rank + 2, 0, 32767, 0, errors);
				case "topics" -> topics = t.strings(p, "l7.kafka.topics", rank + 3, errors);
				case "topic" -> topic = t.string(p, "l7.kafka.topic", rank + 4, errors);
				case "client_id" -> clientId = t.string(p, "l7.kafka.client_id", rank + 5, errors);
				default -> p.skipChildren();
			}
		}
		if (apiKey != null && !apiKey.isEmpty() && apiKey.length() < 6 && apiKey.chars().allMatch(Character::isDigit)) {
			apiKey = Kafka.apiKeyName(Integer.parseInt(apiKey));
		}
		if (topics.isEmpty() && topic != null && !topic.isEmpty()) {
			topics = List.of(topic);
		}
		return new Kafka((apiKey != null) ? apiKey : "", version, Tokens.emptyToNull(clientId), topics);
	}

	Dns dns(JsonParser p, int rank, List<Ranked> errors) {
		Tokens t = this.tokens;
		String query = null;
		List<String> qtypes = List.of();
		String name;
		while ((name = p.nextName()) != null) {
			p.nextToken();
			switch (name) {
				case "query" -> query = t.string(p, "l7.dns.query", rank + 1, errors);
				case "qtypes" -> qtypes = t.strings(p, "l7.dns.qtypes", rank + 2, errors);
				default -> p.skipChildren();
			}
		}
		return new Dns((query != null) ? query : "", qtypes);
	}

}
