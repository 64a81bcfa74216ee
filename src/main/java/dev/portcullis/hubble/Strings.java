package dev.portcullis.hubble;

import java.util.Arrays;

import tools.jackson.core.JsonParser;

/**
 * One {@link String} instance per distinct short string value of one read (labels, namespaces, pod names,
 * addresses repeat from flow to flow): a value is looked up by the parser's own characters, so a repeat costs
 * neither a new string nor, later, a fresh hash (a string caches its hash), and equal endpoints compare their
 * labels by identity first. Long values and values beyond {@link #MAX_ENTRIES} are copied as they are.
 * Not thread-safe: one table per reader.
 */
final class Strings {

	/** The longest value kept; longer ones (URLs, header values) rarely repeat. */
	static final int MAX_LENGTH = 128;

	/** How many distinct values one read keeps; a hostile input cannot make the table grow beyond it. */
	static final int MAX_ENTRIES = 1 << 16;

	private String[] table = new String[1024];

	/** The characters of each value in {@link #table}, for a vectorized comparison with the parser's. */
	private char[][] keys = new char[1024][];

	private int size;

	/** The current string token's value, shared with earlier equal values of this read. */
	String of(JsonParser parser) {
		int length = parser.getStringLength();
		if (length > MAX_LENGTH || this.size >= MAX_ENTRIES) {
			return parser.getString();
		}
		char[] chars = parser.getStringCharacters();
		int offset = parser.getStringOffset();
		int hash = 0;
		for (int i = 0; i < length; i++) {
			hash = 31 * hash + chars[offset + i];
		}
		int mask = this.table.length - 1;
		int slot = mix(hash) & mask;
		while (true) {
			String existing = this.table[slot];
			if (existing == null) {
				String value = new String(chars, offset, length);
				this.table[slot] = value;
				this.keys[slot] = Arrays.copyOfRange(chars, offset, offset + length);
				if (++this.size * 2 > this.table.length) {
					grow();
				}
				return value;
			}
			char[] key = this.keys[slot];
			if (key.length == length && existing.hashCode() == hash
					&& Arrays.equals(key, 0, length, chars, offset, offset + length)) {
				return existing;
			}
			slot = (slot + 1) & mask;
		}
	}

	private void grow() {
		String[] old = this.table;
		char[][] oldKeys = this.keys;
		this.table = new String[old.length * 2];
		this.keys = new char[old.length * 2][];
		int mask = this.table.length - 1;
		for (int i = 0; i < old.length; i++) {
			if (old[i] != null) {
				int slot = mix(old[i].hashCode()) & mask;
				while (this.table[slot] != null) {
					slot = (slot + 1) & mask;
				}
				this.table[slot] = old[i];
				this.keys[slot] = oldKeys[i];
			}
		}
	}

	private static int mix(int hash) {
		int h = hash * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

}
