package dev.portcullis.hubble;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.doc.Position;
import dev.portcullis.engine.doc.Violation;
import dev.portcullis.engine.flow.Flow;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;

/**
 * The typed values of one {@link FlowReader} read, and where their violations point: each reader takes the
 * parser's current token, returns the value (or what counts as absent), skips a container it refuses and records
 * what is wrong as a {@link Ranked} violation naming the flow being read and the field. Holds the state a read
 * shares across its flows (the {@link Strings} table, the addresses already checked, the flow index and how paths
 * and line numbers are written). Not thread-safe: one per reader.
 */
final class Tokens {

	private final Strings strings = new Strings();

	private final Map<String, Boolean> addresses = new HashMap<>();

	/** The index of the flow being read, for violations. */
	int index;

	/** Whether violation paths start with {@code flows[index]} (an array) or not (lines). */
	boolean prefixed;

	/** Whether the fields only the flow store keeps are read too (FlowReader#readStored). */
	boolean recording;

	/** Added to the parser's line numbers (lines: the parser reads one line). */
	int lineOffset;

	/** Whether the value is an object (then the parser is at its start); null is absent, anything else an error. */
	boolean object(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.START_OBJECT) {
			return true;
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be an object, got " + describe(p)));
			p.skipChildren();
		}
		return false;
	}

	/** Whether the value is a list (then the parser is at its start); null is absent, anything else an error. */
	boolean list(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.START_ARRAY) {
			return true;
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be a list, got " + describe(p)));
			p.skipChildren();
		}
		return false;
	}

	@Nullable String string(JsonParser p, String path, int rank, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.VALUE_STRING) {
			return this.strings.of(p);
		}
		if (token != JsonToken.VALUE_NULL) {
			errors.add(ranked(rank, path, p, "must be a string, got " + describe(p)));
			p.skipChildren();
		}
		return null;
	}

	List<String> strings(JsonParser p, String path, int rank, List<Ranked> errors) {
		if (!list(p, path, rank, errors)) {
			return List.of();
		}
		List<String> values = new ArrayList<>();
		int i = 0;
		while (p.nextToken() != JsonToken.END_ARRAY) {
			if (p.currentToken() == JsonToken.VALUE_STRING) {
				values.add(this.strings.of(p));
			}
			else {
				errors.add(ranked(rank, path + "[" + i + "]", p, "must be a string, got " + describe(p)));
				p.skipChildren();
			}
			i++;
		}
		return values;
	}

	@Nullable Boolean bool(JsonParser p, String path, int rank, List<Ranked> errors) {
		return switch (p.currentToken()) {
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> null;
			default -> {
				errors.add(ranked(rank, path, p, "must be true or false, got " + describe(p)));
				p.skipChildren();
				yield null;
			}
		};
	}

	/** A whole number {@code min..max} written as a JSON number or a decimal string; {@code absent} when absent. */
	int integer(JsonParser p, String path, int rank, int min, int max, int absent, List<Ranked> errors) {
		JsonToken token = p.currentToken();
		if (token == JsonToken.VALUE_NULL) {
			return absent;
		}
		if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
			int value = p.getIntValue();
			if (value >= min && value <= max && (value != 0 || p.getString().charAt(0) != '-')) {
				return value;
			}
		}
		else if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT) {
			String text = p.getString().trim();
			if (!text.isEmpty() && text.length() <= 10 && text.chars().allMatch(Character::isDigit)) {
				long value = Long.parseLong(text);
				if (value >= min && value <= max) {
					return (int) value;
				}
			}
		}
		errors.add(ranked(rank, path, p, "must be a number " + min + ".." + max + ", got " + describe(p)));
		p.skipChildren();
		return absent;
	}

	@Nullable String address(JsonParser p, String path, int rank, List<Ranked> errors) {
		String text = string(p, path, rank, errors);
		if (text == null || text.isEmpty()) {
			return null;
		}
		Boolean valid = this.addresses.get(text);
		if (valid == null) {
			valid = Flow.isIpAddress(text);
			this.addresses.put(text, valid);
		}
		if (!valid) {
			errors.add(ranked(rank, path, p, "must be an IPv4 or IPv6 address, got \"" + text + "\""));
			return null;
		}
		return text;
	}

	Ranked ranked(int rank, String field, JsonParser p, String message) {
		return new Ranked(rank, Violation.error(this.index, path(field), position(p), message));
	}

	String path(String field) {
		if (!this.prefixed) {
			return field;
		}
		return "flows[" + this.index + "]" + (field.isEmpty() ? "" : "." + field);
	}

	Position position(JsonParser p) {
		return position(p.currentTokenLocation());
	}

	Position position(TokenStreamLocation location) {
		return new Position(location.getLineNr() + this.lineOffset, location.getColumnNr());
	}

	/** The current value as a message quotes it: {@code "text"}, a number or literal as written, or its shape. */
	static String describe(JsonParser p) {
		return switch (p.currentToken()) {
			case START_OBJECT -> "an object";
			case START_ARRAY -> "a list";
			case VALUE_STRING -> "\"" + p.getString() + "\"";
			case VALUE_NULL -> "null";
			default -> p.getString();
		};
	}

	static @Nullable String emptyToNull(@Nullable String text) {
		return (text == null || text.isEmpty()) ? null : text;
	}

}
