package dev.portcullis.simulation;

import java.util.List;
import java.util.Set;

import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/** The small JSON bodies of the simulation API (matrix, suggest, expectations run): one object, members checked. */
final class JsonBodies {

	private JsonBodies() {
	}

	/**
	 * The body as an object; an empty body is {@code {}} when {@code emptyAllowed}. Malformed JSON is 400
	 * {@code /problems/malformed-json} with line and column; an unknown member 400 {@code /problems/invalid-request}
	 * naming it.
	 */
	static JsonNode object(JsonMapper json, String body, boolean emptyAllowed, Set<String> members) {
		if (body.isBlank()) {
			if (emptyAllowed) {
				return json.createObjectNode();
			}
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object with "
					+ String.join(", ", members.stream().sorted().toList()) + ".");
		}
		JsonNode node;
		try {
			node = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw EvaluateController.malformed(ex.getLocation(), ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object.");
		}
		List<FieldViolation> unknown = node.propertyNames().stream().filter((name) -> !members.contains(name))
			.map((name) -> FieldViolation.named(name, "unknown field " + Quoted.of(name) + "; allowed: "
					+ String.join(", ", members.stream().sorted().toList())))
			.toList();
		if (!unknown.isEmpty()) {
			throw invalid(unknown);
		}
		return node;
	}

	static ApiProblem invalid(List<FieldViolation> problems) {
		return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
				String.join("; ", problems.stream().map(FieldViolation::message).toList()) + ".", problems);
	}

}
