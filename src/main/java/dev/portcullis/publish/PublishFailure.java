package dev.portcullis.publish;

/**
 * A target could not be checked, read or written, said in words a user can act on ("the branch main does not exist
 * in https://git.example/ops.git", "the server refused the credentials"). The message is shown and stored as it is,
 * so it must never contain a credential; the cause is kept for the server log only at debug level and never stored.
 */
public class PublishFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PublishFailure(String message) {
		super(message);
	}

	public PublishFailure(String message, Throwable cause) {
		super(message, cause);
	}

}
