package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.portcullis.engine.match.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * Rows in PostgreSQL's binary {@code COPY ... FROM STDIN WITH (FORMAT binary)} format, written into one growing byte
 * array: the signature and header, then per row the field count and each field as a 32-bit length (-1 for null)
 * and its value in the type's binary send format, then the trailer ({@link #finish()}). The backend reads these
 * values without parsing text (no timestamp, array or address literals), which is why the flow store writes its
 * rows this way (docs/adr/028).
 * <p>
 * Values are written in the column's type exactly: {@link #int8} for {@code bigint}, {@link #int4} for
 * {@code integer}, {@link #timestamptz} (microseconds since 2000-01-01 UTC, rounded as the text input rounds),
 * {@link #inet} (family, prefix bits, not-cidr, length, address bytes), {@link #textArray} (a one-dimensional
 * {@code text[]} with lower bound 1, or an empty array) and {@link #text} / {@link #json} as UTF-8 bytes (the binary
 * form of {@code json} is its text). A NUL character, which PostgreSQL text cannot hold, becomes U+FFFD.
 */
final class CopyBinary {

	private static final byte[] SIGNATURE = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0 };

	/** The OID of {@code text}, the element type of {@code text[]}. */
	private static final int TEXT_OID = 25;

	/** Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01 (UTC). */
	private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

	private static final byte PGSQL_AF_INET = 2;

	private static final byte PGSQL_AF_INET6 = 3;

	/** How many bytes the header takes (the signature, the flags and the header extension length). */
	static final int HEADER_LENGTH = 19;

	/** How many bytes the trailer takes (a field count of -1). */
	static final int TRAILER_LENGTH = 2;

	private byte[] bytes;

	private int length;

	/** The header alone (what {@link #CopyBinary(int)} starts with), for a COPY whose rows come in several parts. */
	static byte[] header() {
		return Arrays.copyOf(new CopyBinary(HEADER_LENGTH).bytes, HEADER_LENGTH);
	}

	/** The trailer alone (what {@link #finish()} appends). */
	static byte[] trailer() {
		return new byte[] { (byte) 0xFF, (byte) 0xFF };
	}

	/** Starts the output with the header. */
	CopyBinary(int capacity) {
		this.bytes = new byte[Math.max(capacity, 64)];
		System.arraycopy(SIGNATURE, 0, this.bytes, 0, SIGNATURE.length);
		this.length = SIGNATURE.length;
		putInt(0); // flags: no OIDs
		putInt(0); // header extension length
	}

	/** A fragment of a row (no header): fields to be copied into rows later with {@link #fields}. */
	private CopyBinary() {
		this.bytes = new byte[64];
	}

	/** An empty fragment of a row, without the header: see {@link #fields}. */
	static CopyBinary fragment() {
		return new CopyBinary();
	}

	/** The fields written so far, as they are (for {@link #fields}). */
	byte[] toByteArray() {
		return Arrays.copyOf(this.bytes, this.length);
	}

	/** Fields encoded before into a {@link #fragment()}, copied as they are. */
	CopyBinary fields(byte[] encoded) {
		ensure(encoded.length);
		System.arraycopy(encoded, 0, this.bytes, this.length, encoded.length);
		this.length += encoded.length;
		return this;
	}

	int length() {
		return this.length;
	}

	byte[] bytes() {
		return this.bytes;
	}

	/** Starts a row of {@code fields} values. */
	CopyBinary row(int fields) {
		ensure(2);
		this.bytes[this.length++] = (byte) (fields >>> 8);
		this.bytes[this.length++] = (byte) fields;
		return this;
	}

	/** Ends the output (the trailer); nothing may be written after it. */
	CopyBinary finish() {
		ensure(2);
		this.bytes[this.length++] = (byte) 0xFF;
		this.bytes[this.length++] = (byte) 0xFF;
		return this;
	}

	CopyBinary nul() {
		ensure(4);
		putInt(-1);
		return this;
	}

	CopyBinary int8(long value) {
		ensure(12);
		putInt(8);
		putLong(value);
		return this;
	}

	CopyBinary int4(int value) {
		ensure(8);
		putInt(4);
		putInt(value);
		return this;
	}

	/** An {@code integer}, or null when it is negative (the reader's "absent"). */
	CopyBinary optionalInt4(long value) {
		return (value < 0) ? nul() : int4((int) value);
	}

	/** A {@code bigint}, or null when it is negative (the reader's "absent"). */
	CopyBinary optionalInt8(long value) {
		return (value < 0) ? nul() : int8(value);
	}

	CopyBinary bool(@Nullable Boolean value) {
		if (value == null) {
			return nul();
		}
		ensure(5);
		putInt(1);
		this.bytes[this.length++] = (byte) (value ? 1 : 0);
		return this;
	}

	/**
	 * A {@code timestamptz}: microseconds since 2000-01-01 UTC. The fraction is rounded to the microsecond as
	 * PostgreSQL rounds a text timestamp ({@code rint} of the fraction times a million), so that a flow's stored
	 * time is the same whichever format wrote it.
	 */
	CopyBinary timestamptz(Instant time) {
		long micros = Math.multiplyExact(time.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L)
				+ (long) Math.rint(time.getNano() / 1e9 * 1e6);
		return int8(micros);
	}

	/** An {@code inet} host address, or null when {@code text} is null or not an IP literal. */
	CopyBinary inet(@Nullable String text) {
		IpAddress address = (text != null) ? IpAddress.tryParse(text) : null;
		if (address == null) {
			return nul();
		}
		if (address.ipv6()) {
			ensure(24);
			putInt(20);
			this.bytes[this.length++] = PGSQL_AF_INET6;
			this.bytes[this.length++] = (byte) 128;
			this.bytes[this.length++] = 0;
			this.bytes[this.length++] = 16;
			putLong(address.high());
			putLong(address.low());
		}
		else {
			ensure(12);
			putInt(8);
			this.bytes[this.length++] = PGSQL_AF_INET;
			this.bytes[this.length++] = 32;
			this.bytes[this.length++] = 0;
			this.bytes[this.length++] = 4;
			putInt((int) address.low());
		}
		return this;
	}

	CopyBinary text(@Nullable String value) {
		if (value == null) {
			return nul();
		}
		int at = this.length;
		ensure(4);
		this.length += 4;
		utf8(value);
		setInt(at, this.length - at - 4);
		return this;
	}

	/**
	 * UTF-8 bytes that are already valid text without NUL characters (checked by the caller), as {@code json} or
	 * {@code text}: copied as they are.
	 */
	CopyBinary raw(byte[] source, int from, int to) {
		int n = to - from;
		ensure(4 + n);
		putInt(n);
		System.arraycopy(source, from, this.bytes, this.length, n);
		this.length += n;
		return this;
	}

	/** A one-dimensional {@code text[]} (lower bound 1; empty when {@code values} is). */
	CopyBinary textArray(List<String> values) {
		int at = this.length;
		ensure(4 + 12 + 8);
		this.length += 4;
		if (values.isEmpty()) {
			putInt(0); // dimensions
			putInt(0); // no nulls
			putInt(TEXT_OID);
		}
		else {
			putInt(1);
			putInt(0);
			putInt(TEXT_OID);
			putInt(values.size());
			putInt(1); // lower bound
			for (String value : values) {
				int element = this.length;
				ensure(4);
				this.length += 4;
				utf8(value);
				setInt(element, this.length - element - 4);
			}
		}
		setInt(at, this.length - at - 4);
		return this;
	}

	private void utf8(String text) {
		int n = text.length();
		ensure(n);
		for (int i = 0; i < n; i++) {
			char c = text.charAt(i);
			if (c >= 0x80 || c == 0) {
				// rare: the rest through the encoder
				byte[] encoded = text.substring(i).replace('\0', '\uFFFD').getBytes(StandardCharsets.UTF_8);
				ensure(encoded.length);
				System.arraycopy(encoded, 0, this.bytes, this.length, encoded.length);
				this.length += encoded.length;
				return;
			}
			this.bytes[this.length++] = (byte) c;
		}
	}

	private void ensure(int more) {
		if (this.length + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.length + more));
		}
	}

	private void putInt(int value) {
		setInt(this.length, value);
		this.length += 4;
	}

	private void setInt(int at, int value) {
		this.bytes[at] = (byte) (value >>> 24);
		this.bytes[at + 1] = (byte) (value >>> 16);
		this.bytes[at + 2] = (byte) (value >>> 8);
		this.bytes[at + 3] = (byte) value;
	}

	private void putLong(long value) {
		putInt((int) (value >>> 32));
		putInt((int) value);
	}

}
