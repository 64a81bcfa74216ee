package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Rows in PostgreSQL's {@code COPY ... FROM STDIN} text format, written into one growing byte array: columns
 * separated by tabs, rows ended by newlines, {@code \N} for null, and backslash, tab, newline and carriage return
 * escaped. NUL characters (which PostgreSQL text cannot hold) become U+FFFD. Used for the edge rollups' staging
 * table (a few simple columns); flow rows are written in the binary format ({@link CopyBinary}).
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

	CopyText text(@Nullable String value) {
		if (value == null) {
			return nul();
		}
		separator();
		escaped(value);
		return this;
	}

	private void ascii(String text) {
		int n = text.length();
		ensure(n);
		for (int i = 0; i < n; i++) {
			this.bytes[this.length++] = (byte) text.charAt(i);
		}
	}

	private void escaped(String text) {
		int n = text.length();
		ensure(n * 2 + 8);
		for (int i = 0; i < n; i++) {
			char c = text.charAt(i);
			if (c >= 0x80 || c == 0) {
				// rare: the rest through the encoder
				utf8(text.substring(i).replace('\0', '\uFFFD'));
				return;
			}
			escapedByte((byte) c);
		}
	}

	private void utf8(String text) {
		byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
		ensure(encoded.length * 3 + 8);
		for (byte b : encoded) {
			escapedByte(b);
		}
	}

	private void escapedByte(byte b) {
		ensure(4);
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
