package dev.portcullis.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.portcullis.web.InstantParameter;
import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * What to look for in the audit log; every part is optional and they combine with AND.
 *
 * @param actor exactly this username
 * @param action this action ({@code policy.save}), or every action of an area ({@code auth.} or {@code auth.*})
 * @param outcome SUCCESS, FAILURE or DENIED
 * @param workspace exactly this workspace
 * @param since at or after this moment
 * @param until before this moment
 * @param text contained (any case) in the target, the details, the actor or the address
 * @param before only entries older than this id (the keyset cursor of the next page)
 * @param limit at most this many entries (1 to 200)
 */
public record AuditFilter(@Nullable String actor, @Nullable String action, AuditLog.@Nullable Outcome outcome,
		@Nullable String workspace, @Nullable Instant since, @Nullable Instant until, @Nullable String text,
		@Nullable Long before, int limit) {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	/**
	 * Reads a filter from request parameters, collecting a message per unusable parameter. Times are ISO-8601
	 * instants ({@code 2026-01-31T12:00:00Z}) or, as a date-time form field sends them, local date-times taken as
	 * UTC ({@code 2026-01-31T12:00}).
	 */
	static AuditFilter parse(Map<String, String> params, List<String> problems) {
		AuditLog.Outcome outcome = null;
		String outcomeText = blankToNull(params.get("outcome"));
		if (outcomeText != null) {
			try {
				outcome = AuditLog.Outcome.valueOf(outcomeText.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				problems.add("outcome must be SUCCESS, FAILURE or DENIED, not " + Quoted.of(outcomeText));
			}
		}
		Long before = null;
		String beforeText = blankToNull(params.get("before"));
		if (beforeText != null) {
			try {
				before = Long.parseLong(beforeText);
			}
			catch (NumberFormatException ex) {
				problems.add("before must be an entry id (a number), not " + Quoted.of(beforeText));
			}
		}
		int limit = DEFAULT_LIMIT;
		String limitText = blankToNull(params.get("limit"));
		if (limitText != null) {
			try {
				limit = Integer.parseInt(limitText);
				if (limit < 1 || limit > MAX_LIMIT) {
					problems.add("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
					limit = DEFAULT_LIMIT;
				}
			}
			catch (NumberFormatException ex) {
				problems.add("limit must be a number between 1 and " + MAX_LIMIT + ", not " + Quoted.of(limitText));
			}
		}
		return new AuditFilter(blankToNull(params.get("actor")), blankToNull(params.get("action")), outcome,
				blankToNull(params.get("workspace")), time(params, "since", problems), time(params, "until", problems),
				blankToNull(params.get("q")), before, limit);
	}

	/** The same filter for the next (older) page. */
	AuditFilter olderThan(long id) {
		return new AuditFilter(this.actor, this.action, this.outcome, this.workspace, this.since, this.until,
				this.text, id, this.limit);
	}

	/** The request parameters that select this filter (without the cursor); for links. */
	Map<String, String> parameters() {
		Map<String, String> params = new LinkedHashMap<>();
		put(params, "actor", this.actor);
		put(params, "action", this.action);
		put(params, "outcome", (this.outcome != null) ? this.outcome.name() : null);
		put(params, "workspace", this.workspace);
		put(params, "since", (this.since != null) ? this.since.toString() : null);
		put(params, "until", (this.until != null) ? this.until.toString() : null);
		put(params, "q", this.text);
		if (this.limit != DEFAULT_LIMIT) {
			params.put("limit", Integer.toString(this.limit));
		}
		return params;
	}

	private static void put(Map<String, String> params, String name, @Nullable String value) {
		if (value != null) {
			params.put(name, value);
		}
	}

	private static @Nullable Instant time(Map<String, String> params, String name, List<String> problems) {
		String text = blankToNull(params.get(name));
		if (text == null) {
			return null;
		}
		Instant instant;
		try {
			instant = OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				// the page's field: "2026-01-31 12:00" or with seconds, UTC
				instant = LocalDateTime.parse(text.strip().replace(' ', 'T')).toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException again) {
				problems.add(name + " must be a time like 2026-01-31T12:00:00Z, not " + Quoted.of(text));
				return null;
			}
		}
		try {
			return InstantParameter.requireInRange(name, instant);
		}
		catch (IllegalArgumentException ex) {
			problems.add(ex.getMessage());
			return null;
		}
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	/** Whether this filter narrows anything (the page shows a "clear" link then). */
	public boolean isFiltered() {
		return !parameters().isEmpty();
	}

}
