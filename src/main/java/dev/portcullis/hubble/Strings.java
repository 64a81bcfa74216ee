package dev.portcullis.hubble;

import java.util.Arrays;

import tools.jackson.core.JsonParser;

/**
 * One {@link String} instance per distinct short string value of one read (labels, namespaces, pod names,
 * addresses repeat from flow to flow): a value is looked up by the parser's own characters, so a repeat costs
 * neither a new string nor, later, a fresh hash (a string caches its hash), and equal endpoints compare their
 * labels by identity first. The lookup hashes a few characters and compares candidates in full, so a value costs
 * about one pass over its characters. Long values and values beyond {@link #MAX_ENTRIES} are copied as they are.
 * Not thread-safe: one table per reader.
 */
final class Strings {

	/** The longest value kept; longer ones (URLs, header values) rarely repeat. */
	static final int MAX_LENGTH = 128;

	/** How many slots a lookup tries before it gives up sharing the value. */
	static final int MAX_PROBES = 8;

	/** How many distinct values one read keeps; a hostile input cannot make the table grow beyond it. */
	static final int MAX_ENTRIES = 1 << 16;

	private String[] table = new String[1024];

	/** The characters of each value in {@link #table}, for a vectorized comparison with the parser's. */
	private char[][] keys = new char[1024][];

	/** The {@link #probe} hash of each value in {@link #table}. */
	private int[] hashes = new int[1024];

	private int size;

	/** The current string token's value, shared with earlier equal values of this read. */
	String of(JsonParser parser) {
		int length = parser.getStringLength();
		if (length > MAX_LENGTH || this.size >= MAX_ENTRIES) {
			return parser.getString();
		}
		char[] chars = parser.getStringCharacters();
		int offset = parser.getStringOffset();
		int hash = probe(chars, offset, length);
		int mask = this.table.length - 1;
		int slot = mix(hash) & mask;
		for (int probes = 0; probes < MAX_PROBES; probes++) {
			String existing = this.table[slot];
			if (existing == null) {
				String value = new String(chars, offset, length);
				this.table[slot] = value;
				this.keys[slot] = Arrays.copyOfRange(chars, offset, offset + length);
				this.hashes[slot] = hash;
				if (++this.size * 2 > this.table.length) {
					grow();
				}
				return value;
			}
			char[] key = this.keys[slot];
			if (this.hashes[slot] == hash && key.length == length
					&& Arrays.equals(key, 0, length, chars, offset, offset + length)) {
				return existing;
			}
			slot = (slot + 1) & mask;
		}
		// values made to collide (hostile input) are not shared: a lookup never costs more than a few comparisons
		return parser.getString();
	}

	private void grow() {
		String[] old = this.table;
		char[][] oldKeys = this.keys;
		int[] oldHashes = this.hashes;
		this.table = new String[old.length * 2];
		this.keys = new char[old.length * 2][];
		this.hashes = new int[old.length * 2];
		int mask = this.table.length - 1;
		for (int i = 0; i < old.length; i++) {
			if (old[i] != null) {
				int slot = mix(oldHashes[i]) & mask;
				while (this.table[slot] != null) {
					slot = (slot + 1) & mask;
				}
				this.table[slot] = old[i];
				this.keys[slot] = oldKeys[i];
				this.hashes[slot] = oldHashes[i];
			}
		}
	}

	/**
	 * A hash of the length and of at most 12 characters spread over the value (its ends included): labels share
	 * long prefixes, so the ends tell them apart; equal hashes are confirmed by a full (vectorized) comparison.
	 */
	private static int probe(char[] chars, int offset, int length) {
		int hash = length;
		if (length <= 12) {
			for (int i = 0; i < length; i++) {
				hash = 31 * hash + chars[offset + i];
			}
			return hash;
		}
		int last = offset + length - 1;
		for (int i = 0; i < 4; i++) {
			hash = 31 * (31 * hash + chars[offset + i]) + chars[last - i];
		}
		int step = length / 5;
		for (int i = 1; i <= 4; i++) {
			hash = 31 * hash + chars[offset + i * step];
		}
		return hash;
	}

	private static int mix(int hash) {
		int h = hash * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

}
