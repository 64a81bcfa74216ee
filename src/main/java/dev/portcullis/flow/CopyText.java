package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Rows in PostgreSQL's {@code COPY ... FROM STDIN} text format, written into one growing byte array: columns
 * separated by tabs, rows ended by newlines, {@code \N} for null, and backslash, tab, newline and carriage return
 * escaped. NUL characters (which PostgreSQL text cannot hold) become U+FFFD.
 */
final class CopyText {

	private byte[] bytes;

	private int length;

	private boolean first = true;

	CopyText(int capacity) {
		this.bytes = new byte[capacity];
	}

	int length() {
		return this.length;
	}

	byte[] bytes() {
		return this.bytes;
	}

	void clear() {
		this.length = 0;
		this.first = true;
	}

	private void ensure(int more) {
		if (this.length + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.length + more));
		}
	}

	private void separator() {
		if (!this.first) {
			ensure(1);
			this.bytes[this.length++] = '\t';
		}
		this.first = false;
	}

	void endRow() {
		ensure(1);
		this.bytes[this.length++] = '\n';
		this.first = true;
	}

	CopyText nul() {
		separator();
		ensure(2);
		this.bytes[this.length++] = '\\';
		this.bytes[this.length++] = 'N';
		return this;
	}

	CopyText number(long value) {
		separator();
		ascii(Long.toString(value));
		return this;
	}

	/** A number, or null when it is negative (the reader's "absent"). */
	CopyText optional(long value) {
		return (value < 0) ? nul() : number(value);
	}

	CopyText bool(@Nullable Boolean value) {
		if (value == null) {
			return nul();
		}
		separator();
		ensure(1);
		this.bytes[this.length++] = (byte) (value ? 't' : 'f');
		return this;
	}

	CopyText text(@Nullable String value) {
		if (value == null) {
			return nul();
		}
		separator();
		escaped(value, false);
		return this;
	}

	/** A {@code text[]} literal: {@code {"a","b"}}, each element quoted. */
	CopyText array(List<String> values) {
		separator();
		ensure(2);
		this.bytes[this.length++] = '{';
		for (int i = 0; i < values.size(); i++) {
			if (i > 0) {
				ensure(1);
				this.bytes[this.length++] = ',';
			}
			ensure(1);
			this.bytes[this.length++] = '"';
			escaped(values.get(i), true);
			ensure(1);
			this.bytes[this.length++] = '"';
		}
		ensure(1);
		this.bytes[this.length++] = '}';
		return this;
	}

	/**
	 * UTF-8 bytes that are already valid text (checked by the caller), escaped for COPY; raw tabs and carriage
	 * returns become spaces (JSON allows them only between tokens, where a space means the same).
	 */
	CopyText raw(byte[] source, int from, int to) {
		separator();
		ensure((to - from) + 64);
		for (int i = from; i < to; i++) {
			byte b = source[i];
			if (b == '\\') {
				ensure(2 + (to - i));
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = '\\';
			}
			else if (b == '\t' || b == '\r' || b == '\n') {
				this.bytes[this.length++] = ' ';
			}
			else {
				this.bytes[this.length++] = b;
			}
		}
		return this;
	}

	private void ascii(String text) {
		int n = text.length();
		ensure(n);
		for (int i = 0; i < n; i++) {
			this.bytes[this.length++] = (byte) text.charAt(i);
		}
	}

	private void escaped(String text, boolean inArray) {
		int n = text.length();
		ensure(n * 2 + 8);
		for (int i = 0; i < n; i++) {
			char c = text.charAt(i);
			if (c >= 0x80 || c == 0) {
				// rare: the rest through the encoder
				utf8(text.substring(i).replace('\0', '\uFFFD'), inArray);
				return;
			}
			escapedByte((byte) c, inArray);
		}
	}

	private void utf8(String text, boolean inArray) {
		byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
		ensure(encoded.length * 3 + 8);
		for (byte b : encoded) {
			escapedByte(b, inArray);
		}
	}

	private void escapedByte(byte b, boolean inArray) {
		ensure(4);
		if (inArray && (b == '"' || b == '\\')) {
			// array element escape, then COPY's escape of that backslash
			this.bytes[this.length++] = '\\';
			this.bytes[this.length++] = '\\';
			if (b == '\\') {
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = '\\';
			}
			else {
				this.bytes[this.length++] = '"';
			}
			return;
		}
		switch (b) {
			case '\\' -> {
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = '\\';
			}
			case '\t' -> {
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = 't';
			}
			case '\n' -> {
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = 'n';
			}
			case '\r' -> {
				this.bytes[this.length++] = '\\';
				this.bytes[this.length++] = 'r';
			}
			default -> this.bytes[this.length++] = b;
		}
	}

}
