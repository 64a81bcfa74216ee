package dev.portcullis.simulation;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.portcullis.web.FieldViolation;
import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The state members shared by the simulation requests: {@code at} (RFC 3339), {@code draft} (policy text) and
 * {@code compare} ({@code {"at": ...}}, {@code {"draft": ...}}, both, or {@code {}} for the latest versions). Replay's
 * states read their {@code at} and {@code draft} with {@link #choice}.
 *
 * @param state the state asked for
 * @param compare the second state, or null when {@code compare} is absent or null
 */
public record StateRequest(StateChoice state, @Nullable StateChoice compare) {

	/** Reads the members from a request object, adding a violation per bad member to {@code problems}. */
	static StateRequest read(@Nullable JsonNode body, List<FieldViolation> problems) {
		if (body == null || !body.isObject()) {
			return new StateRequest(StateChoice.LATEST, null);
		}
		StateChoice state = choice(body, "", problems);
		StateChoice compare = null;
		JsonNode given = body.get("compare");
		if (given != null && !given.isNull()) {
			if (!given.isObject()) {
				problems.add(FieldViolation.named("compare", "must be an object {\"at\": ...} or {\"draft\": ...} or {}"));
			}
			else {
				for (String name : given.propertyNames()) {
					if (!Set.of("at", "draft").contains(name)) {
						problems.add(FieldViolation.named("compare." + name, "unknown field; allowed: at, draft"));
					}
				}
				compare = choice(given, "compare.", problems);
			}
		}
		return new StateRequest(state, compare);
	}

	/**
	 * The {@code at} and {@code draft} members of {@code object} (each absent or null: not given), adding a violation
	 * named {@code prefix + "at"} or {@code prefix + "draft"} to {@code problems} for a bad one (then not given).
	 */
	public static StateChoice choice(JsonNode object, String prefix, List<FieldViolation> problems) {
		Instant at = null;
		JsonNode atNode = object.get("at");
		if (atNode != null && !atNode.isNull()) {
			if (!atNode.isString()) {
				problems.add(FieldViolation.named(prefix + "at", "must be an RFC 3339 instant such as "
						+ "2026-11-26T14:00:00Z, not " + Quoted.cut(atNode.toString(), Quoted.MAX_CHARS)));
			}
			else {
				try {
					at = InstantParameter.parse(prefix + "at", atNode.asString());
				}
				catch (IllegalArgumentException ex) {
					problems.add(new FieldViolation(prefix + "at", 0, 0, ex.getMessage()));
				}
			}
		}
		String draft = null;
		JsonNode draftNode = object.get("draft");
		if (draftNode != null && !draftNode.isNull()) {
			if (!draftNode.isString()) {
				problems.add(FieldViolation.named(prefix + "draft", "must be a string holding YAML or JSON policy documents"));
			}
			else {
				draft = draftNode.asString();
			}
		}
		return new StateChoice(at, draft);
	}

}
