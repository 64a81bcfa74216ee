package dev.portcullis.flow.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of flows ends, in the keyset order (flow time, then id, newest first): the next page starts after
 * it. Written as an opaque URL-safe token; a row inserted later with an older time appears on the page its
 * position falls on, and no row is shown twice or skipped by paging.
 *
 * @param micros the flow time in microseconds since the epoch (PostgreSQL's precision)
 * @param id the row's id
 */
public record FlowCursor(long micros, long id) {

	public static FlowCursor of(Instant time, long id) {
		return new FlowCursor(Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000), id);
	}

	public Instant time() {
		return Instant.ofEpochSecond(Math.floorDiv(this.micros, 1_000_000L), Math.floorMod(this.micros, 1_000_000L) * 1000L);
	}

	/** The token. */
	public String token() {
		return Base64.getUrlEncoder().withoutPadding()
			.encodeToString(("f1:" + this.micros + ":" + this.id).getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Reads a token.
	 * @throws FilterRefused for {@code cursor} when it is not one this server wrote
	 */
	public static FlowCursor parse(String token) {
		try {
			String text = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.US_ASCII);
			String[] parts = text.split(":");
			if (parts.length == 3 && parts[0].equals("f1")) {
				return new FlowCursor(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
			}
		}
		catch (IllegalArgumentException ex) {
			// the message below
		}
		throw new FilterRefused("cursor", 0, "cursor must be the nextCursor of an earlier answer");
	}

}
