package dev.portcullis.publish;

/**
 * Thrown by a {@link Fence}: the attempt no longer holds its publication (its lease lapsed while it stalled, and
 * another instance may have taken it over), so the effect it was about to make was not made. The message says which
 * effect, in words; it is recorded as a note on the publication, never as its error.
 */
public final class LeaseLost extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public LeaseLost(String message) {
		super(message, null, false, false);
	}

}
