package dev.portcullis.review.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A delivery's signature, sent as {@code X-Portcullis-Signature: sha256=<hex>}: HMAC-SHA256, keyed with the webhook's
 * secret (its UTF-8 bytes), over {@code timestamp + "." + body}, where {@code timestamp} is the
 * {@code X-Portcullis-Timestamp} header (Unix seconds) and {@code body} the request's bytes as sent. Signing the
 * timestamp lets a receiver refuse old requests replayed later (README "Webhooks" shows how a receiver checks both).
 */
final class Signature {

	private Signature() {
	}

	/** {@code sha256=} and the lowercase hex of the HMAC. */
	static String of(String secret, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
			return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
