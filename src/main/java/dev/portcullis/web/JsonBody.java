package dev.portcullis.web;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A request body that must be one JSON object, read by the controllers that check its members by hand. */
public final class JsonBody {

	private JsonBody() {
	}

	/**
	 * The body as a JSON object: 400 {@code /problems/invalid-request} with {@code expected} as the detail when it
	 * is absent, blank or not an object, 400 {@code /problems/malformed-json} when it is not JSON.
	 *
	 * @param expected what the body must be, in words ({@code The body must be a JSON object.})
	 */
	public static JsonNode object(JsonMapper json, @Nullable String body, String expected) {
		if (body == null || body.isBlank()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", expected);
		}
		JsonNode node;
		try {
			node = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw ApiProblem.badRequest("malformed-json", "Malformed JSON", "The body is not valid JSON.");
		}
		if (node == null || !node.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", expected);
		}
		return node;
	}

}
