package dev.portcullis.flow.query;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.web.Quoted;

/**
 * A {@code hubble observe} command line split into words as a POSIX shell would (single quotes, double quotes,
 * backslash escapes), each word with its 1-based column; and the quoting that makes a value one word again.
 */
final class FlagLine {

	/** A word and where it starts. */
	record Word(String text, int column) {
	}

	private FlagLine() {
	}

	static List<Word> split(String line) {
		List<Word> words = new ArrayList<>();
		StringBuilder word = null;
		int start = 0;
		char quote = 0;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
					word.append(line.charAt(++i));
				}
				else {
					word.append(c);
				}
				continue;
			}
			if (Character.isWhitespace(c)) {
				if (word != null) {
					words.add(new Word(word.toString(), start + 1));
					word = null;
				}
				continue;
			}
			if (word == null) {
				word = new StringBuilder();
				start = i;
			}
			if (c == '\'' || c == '"') {
				quote = c;
			}
			else if (c == '\\' && i + 1 < line.length()) {
				word.append(line.charAt(++i));
			}
			else {
				word.append(c);
			}
		}
		if (quote != 0) {
			throw new FilterRefused("q", start + 1, "the quote " + quote + " at column " + (start + 1)
					+ " is not closed");
		}
		if (word != null) {
			words.add(new Word(word.toString(), start + 1));
		}
		return words;
	}

	/** {@code value} as one shell word: as it is when it needs no quoting, else in single quotes. */
	static String quote(String value) {
		if (!value.isEmpty() && value.matches("[A-Za-z0-9_@%+=:,./-]+") && !value.startsWith("-")) {
			return value;
		}
		return "'" + value.replace("'", "'\\''") + "'";
	}

	static String describe(String word) {
		return Quoted.of(word);
	}

}
