package dev.portcullis.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The id of an endpoint's label set in {@code flow_label_set} (db/migrations/V030, docs/adr/050): the first 8 bytes
 * of the SHA-256 of the labels' UTF-8 bytes, each followed by a zero byte, in their order, read as a signed
 * big-endian {@code long}. It is what the database's {@code flow_label_set_id(text[])} computes, so the ingest knows
 * an id without asking; equal lists have equal ids, and the same labels in another order are another set.
 */
final class LabelSets {

	private LabelSets() {
	}

	/** The id of {@code labels}. */
	static long id(List<String> labels) {
		MessageDigest sha;
		try {
			sha = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
		for (String label : labels) {
			sha.update(label.getBytes(StandardCharsets.UTF_8));
			sha.update((byte) 0);
		}
		byte[] digest = sha.digest();
		long id = 0;
		for (int i = 0; i < 8; i++) {
			id = (id << 8) | (digest[i] & 0xff);
		}
		return id;
	}

}
