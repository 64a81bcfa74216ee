package dev.portcullis.flow.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.portcullis.web.Quoted;

/**
 * A label selector as {@code hubble observe --label} takes it: Kubernetes selector syntax, requirements separated
 * by commas, all of which must hold: {@code key}, {@code !key}, {@code key=value}, {@code key==value},
 * {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}. A key may carry Cilium's source prefix
 * ({@code k8s:app}, {@code reserved:host}); without one (or with {@code any:}) it matches a label of any source.
 * An endpoint's labels are Hubble's strings {@code source:key=value} ({@code reserved:host} has no value).
 * {@code key!=value} and {@code notin} hold when the key is absent, as in Kubernetes.
 *
 * @param text the selector as given
 * @param requirements what must hold
 */
public record LabelSelectorText(String text, List<Requirement> requirements) {

	/** One requirement; {@code source} is null for any source. */
	public record Requirement(@org.jspecify.annotations.Nullable String source, String key, Operator operator,
			Set<String> values) {

		boolean matches(List<String> labels) {
			boolean found = false;
			boolean valueIn = false;
			for (String label : labels) {
				int colon = label.indexOf(':');
				int equals = label.indexOf('=');
				String keyPart = (equals >= 0) ? label.substring(0, equals) : label;
				String labelSource = (colon >= 0 && colon < keyPart.length()) ? keyPart.substring(0, colon) : "";
				String labelKey = (colon >= 0 && colon < keyPart.length()) ? keyPart.substring(colon + 1) : keyPart;
				String value = (equals >= 0) ? label.substring(equals + 1) : "";
				if (!labelKey.equals(this.key) || (this.source != null && !this.source.equals(labelSource))) {
					continue;
				}
				found = true;
				if (this.values.contains(value)) {
					valueIn = true;
				}
			}
			return switch (this.operator) {
				case EXISTS -> found;
				case NOT_EXISTS -> !found;
				case IN -> valueIn;
				case NOT_IN -> !valueIn;
			};
		}

	}

	/** How a requirement compares. */
	public enum Operator {
		EXISTS, NOT_EXISTS, IN, NOT_IN
	}

	/** Whether every requirement holds for {@code labels}. */
	public boolean matches(List<String> labels) {
		for (Requirement requirement : this.requirements) {
			if (!requirement.matches(labels)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Reads a selector.
	 * @throws IllegalArgumentException quoting the text and saying what is allowed
	 */
	public static LabelSelectorText parse(String text) {
		List<String> parts = split(text);
		List<Requirement> requirements = new ArrayList<>();
		for (String raw : parts) {
			String part = raw.strip();
			if (part.isEmpty()) {
				throw invalid(text);
			}
			requirements.add(requirement(part, text));
		}
		if (requirements.isEmpty()) {
			throw invalid(text);
		}
		return new LabelSelectorText(text, requirements);
	}

	private static Requirement requirement(String part, String text) {
		if (part.startsWith("!")) {
			return make(part.substring(1).strip(), Operator.NOT_EXISTS, Set.of(), text);
		}
		int notEquals = part.indexOf("!=");
		if (notEquals >= 0) {
			return make(part.substring(0, notEquals).strip(), Operator.NOT_IN,
					Set.of(value(part.substring(notEquals + 2), text)), text);
		}
		int equals = part.indexOf('=');
		if (equals >= 0) {
			String value = part.substring(equals + 1);
			if (value.startsWith("=")) {
				value = value.substring(1);
			}
			return make(part.substring(0, equals).strip(), Operator.IN, Set.of(value(value, text)), text);
		}
		String[] words = part.split("\\s+", 2);
		if (words.length == 2) {
			String rest = words[1].strip();
			Operator operator = null;
			if (rest.startsWith("notin")) {
				operator = Operator.NOT_IN;
				rest = rest.substring(5).strip();
			}
			else if (rest.startsWith("in")) {
				operator = Operator.IN;
				rest = rest.substring(2).strip();
			}
			if (operator == null || !rest.startsWith("(") || !rest.endsWith(")")) {
				throw invalid(text);
			}
			Set<String> values = new java.util.TreeSet<>();
			for (String value : rest.substring(1, rest.length() - 1).split(",")) {
				values.add(value(value, text));
			}
			return make(words[0], operator, values, text);
		}
		return make(part, Operator.EXISTS, Set.of(), text);
	}

	private static Requirement make(String fullKey, Operator operator, Set<String> values, String text) {
		if (fullKey.isEmpty() || !fullKey.matches("[A-Za-z0-9_./:-]+")) {
			throw invalid(text);
		}
		String source = null;
		String key = fullKey;
		int colon = fullKey.indexOf(':');
		if (colon >= 0) {
			source = fullKey.substring(0, colon);
			key = fullKey.substring(colon + 1);
			if ("any".equals(source)) {
				source = null;
			}
			if (key.isEmpty()) {
				throw invalid(text);
			}
		}
		return new Requirement(source, key, operator, values);
	}

	private static String value(String value, String text) {
		String stripped = value.strip();
		if (!stripped.matches("[A-Za-z0-9_./:-]*")) {
			throw invalid(text);
		}
		return stripped;
	}

	/** Splits at commas outside parentheses. */
	private static List<String> split(String text) {
		List<String> parts = new ArrayList<>();
		int depth = 0;
		int start = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '(') {
				depth++;
			}
			else if (c == ')') {
				depth--;
			}
			else if (c == ',' && depth == 0) {
				parts.add(text.substring(start, i));
				start = i + 1;
			}
		}
		parts.add(text.substring(start));
		return parts;
	}

	private static IllegalArgumentException invalid(String text) {
		return new IllegalArgumentException("must be a label selector such as k8s:app=web, app in (a,b) or "
				+ "!reserved:host, not " + Quoted.of(text));
	}

}
