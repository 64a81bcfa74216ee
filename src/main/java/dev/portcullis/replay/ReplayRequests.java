package dev.portcullis.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.portcullis.flow.query.FilterRefused;
import dev.portcullis.flow.query.FlowFilter;
import dev.portcullis.simulation.StateRequest;
import dev.portcullis.web.ApiProblem;
import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * Reads a replay request body, {@code {"flows": {<flow-log filter parameters>}, "baseline": {"at": ...} | {},
 * "candidate": {"draft": "<policy text>"} | {"at": ...} | {"changeRequest": 7}}}: {@code flows} holds the flow log's
 * query parameters (each a string or a list of strings); a state holds {@code at} (RFC 3339) and/or {@code draft},
 * or one of {@code {"latest": true}}, {@code {"published": true | "<target>"}}, {@code {"changeRequest": <id>}}. An
 * absent or empty baseline is what is published ({@link ReplayState#LAST_PUBLISHED}), an absent or empty candidate
 * the latest versions. Every bad member is reported at once (400 {@code /problems/invalid-request} naming each).
 */
public final class ReplayRequests {

	private static final Set<String> FIELDS = Set.of("flows", "baseline", "candidate");

	private ReplayRequests() {
	}

	/**
	 * Reads a request body (UTF-8 JSON): 400 {@code /problems/malformed-json} with the line and column of bad JSON,
	 * else as {@link #read}. CPU work: call it on the engine pool.
	 */
	public static ReplayRequest parse(byte[] body, JsonMapper json) {
		JsonNode tree;
		try {
			tree = json.readTree(body);
		}
		catch (JacksonException ex) {
			throw ApiProblem.badRequest("malformed-json", "Malformed JSON", "The body is not valid JSON"
					+ ((ex.getLocation() != null) ? " (line " + ex.getLocation().getLineNr() + ", column "
							+ ex.getLocation().getColumnNr() + ")" : "")
					+ ".");
		}
		return read(tree);
	}

	static ReplayRequest read(@Nullable JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ApiProblem.badRequest("invalid-request", "Invalid request", "The body must be a JSON object"
					+ " {\"flows\": {...}, \"baseline\": {...}, \"candidate\": {...}}.");
		}
		List<FieldViolation> problems = new ArrayList<>();
		for (String name : body.propertyNames()) {
			if (!FIELDS.contains(name)) {
				problems.add(FieldViolation.named(name, "unknown field; allowed: flows, baseline, candidate"));
			}
		}
		FlowFilter filter = FlowFilter.ALL;
		JsonNode flows = body.get("flows");
		if (flows != null && !flows.isNull()) {
			if (!flows.isObject()) {
				problems.add(FieldViolation.named("flows", "must be an object of flow-log filter parameters, such as"
						+ " {\"namespace\": \"default\", \"since\": \"1h\"}"));
			}
			else {
				try {
					filter = FlowFilter.fromParameters(parameters(flows, problems));
				}
				catch (FilterRefused ex) {
					problems.add(new FieldViolation("flows." + ex.parameter(), ex.column() > 0 ? 1 : 0, ex.column(),
							ex.getMessage()));
				}
			}
		}
		ReplayState baseline = state(body, "baseline", ReplayState.LAST_PUBLISHED, problems);
		ReplayState candidate = state(body, "candidate", ReplayState.LATEST, problems);
		if (!problems.isEmpty()) {
			throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
					String.join("; ", problems.stream().map((p) -> p.path() + ": " + p.message()).toList()) + ".",
					problems);
		}
		return new ReplayRequest(filter, baseline, candidate);
	}

	private static Map<String, List<String>> parameters(JsonNode flows, List<FieldViolation> problems) {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		for (String name : flows.propertyNames()) {
			JsonNode value = flows.get(name);
			List<String> values = new ArrayList<>();
			if (value.isArray()) {
				for (JsonNode item : value) {
					if (item.isString() || item.isNumber() || item.isBoolean()) {
						values.add(item.asString());
					}
					else {
						problems.add(FieldViolation.named("flows." + name, "must be a string or a list of strings"));
					}
				}
			}
			else if (value.isString() || value.isNumber() || value.isBoolean()) {
				values.add(value.asString());
			}
			else {
				problems.add(FieldViolation.named("flows." + name, "must be a string or a list of strings"));
			}
			if (Set.of("limit", "cursor", "follow", "format").contains(name)) {
				problems.add(FieldViolation.named("flows." + name, "is a paging or output parameter; a replay reads"
						+ " the whole window"));
			}
			parameters.put(name, values);
		}
		return parameters;
	}

	private static final Set<String> STATE_FIELDS = Set.of("at", "draft", "latest", ReplayState.PUBLISHED,
			ReplayState.CHANGE_REQUEST);

	private static ReplayState state(JsonNode body, String field, ReplayState absent, List<FieldViolation> problems) {
		JsonNode node = body.get(field);
		if (node == null || node.isNull()) {
			return absent;
		}
		if (!node.isObject()) {
			problems.add(FieldViolation.named(field, "must be an object {\"at\": ...}, {\"draft\": ...},"
					+ " {\"changeRequest\": ...}, {\"published\": ...}, {\"latest\": true} or {}"));
			return absent;
		}
		List<String> present = new ArrayList<>();
		for (String name : node.propertyNames()) {
			if (!STATE_FIELDS.contains(name)) {
				problems.add(FieldViolation.named(field + "." + name, "unknown field; allowed: at, draft, latest,"
						+ " published, changeRequest"));
			}
			else if (!node.get(name).isNull()) {
				present.add(name);
			}
		}
		if (present.isEmpty()) {
			return absent;
		}
		List<String> alone = present.stream().filter((n) -> !n.equals("at") && !n.equals("draft")).toList();
		if (!alone.isEmpty() && present.size() > 1) {
			problems.add(FieldViolation.named(field + "." + alone.get(0), "names a whole state; give it alone, not"
					+ " with " + String.join(", ", present.stream().filter((n) -> !n.equals(alone.get(0))).toList())));
			return absent;
		}
		if (present.contains("latest")) {
			if (!node.get("latest").isBoolean() || !node.get("latest").asBoolean()) {
				problems.add(FieldViolation.named(field + ".latest", "must be true (the latest versions)"));
			}
			return ReplayState.LATEST;
		}
		if (present.contains(ReplayState.PUBLISHED)) {
			JsonNode published = node.get(ReplayState.PUBLISHED);
			if (published.isBoolean() && published.asBoolean()) {
				return ReplayState.LAST_PUBLISHED;
			}
			if (published.isString() && !published.asString().isBlank()) {
				return ReplayState.published(published.asString());
			}
			problems.add(FieldViolation.named(field + ".published", "must be true (the most recent publication to any"
					+ " target) or a target's name"));
			return absent;
		}
		if (present.contains(ReplayState.CHANGE_REQUEST)) {
			JsonNode id = node.get(ReplayState.CHANGE_REQUEST);
			if (id.isIntegralNumber() && id.asLong() > 0) {
				return ReplayState.changeRequest(id.asLong());
			}
			problems.add(FieldViolation.named(field + ".changeRequest", "must be a change request's number, such as"
					+ " 7, not " + Quoted.cut(id.toString(), Quoted.MAX_CHARS)));
			return absent;
		}
		return ReplayState.of(StateRequest.choice(node, field + ".", problems));
	}

}
