package dev.portcullis.policy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.portcullis.web.Quoted;

/**
 * Where a page of the policy list ends: the key of its last policy, given out as URL-safe text
 * ({@link Page#nextCursor()}) and read back for the next page, which continues after that key.
 *
 * @param after the last key of the previous page
 */
record PolicyCursor(PolicyKey after) {

	/** The cursor as text: base64url (unpadded) of namespace, name and kind, NUL-separated. */
	String text() {
		String raw = this.after.namespace() + "\u0000" + this.after.name() + "\u0000" + this.after.kind().kindName();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

	/** Reads a cursor {@link #text()} gave out; {@link StoreException.BadRequest} for any other text. */
	static PolicyCursor parse(String cursor) {
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\u0000", -1);
			if (parts.length == 3) {
				return new PolicyCursor(new PolicyKey(PolicyKey.kind(parts[2]), parts[0], parts[1]));
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new StoreException.BadRequest("The cursor " + Quoted.of(cursor) + " is not one this list gave out; start"
				+ " again from the first page.");
	}

}
