package dev.portcullis.policy;

import java.util.List;

import dev.portcullis.engine.doc.Violation;
import dev.portcullis.web.FieldViolation;
import org.jspecify.annotations.Nullable;

/**
 * Why the store refused a request. Each subclass is one reason a caller handles differently: the REST API maps them
 * to problem types, pages to inline messages. The message is written for the user.
 */
public abstract sealed class StoreException extends RuntimeException {

	StoreException(String message) {
		super(message, null, false, false);
	}

	/** No such workspace, policy or version. */
	public static final class NotFound extends StoreException {

		public NotFound(String message) {
			super(message);
		}

	}

	/** A workspace with this name exists already. */
	public static final class AlreadyExists extends StoreException {

		public AlreadyExists(String message) {
			super(message);
		}

	}

	/** Bad input other than policy text: a workspace name, a key that does not match the text, a cursor. */
	public static final class BadRequest extends StoreException {

		public BadRequest(String message) {
			super(message);
		}

	}

	/** The text is larger than the store accepts ({@code portcullis.yaml.max-input-chars} for one policy). */
	public static final class TooLarge extends StoreException {

		public TooLarge(String message) {
			super(message);
		}

	}

	/** The policy text is not valid: the engine's violations (errors and warnings) with line and column. */
	public static final class Invalid extends StoreException {

		private final List<Violation> violations;

		public Invalid(String message, List<Violation> violations) {
			super(message);
			this.violations = List.copyOf(violations);
		}

		public List<Violation> violations() {
			return this.violations;
		}

	}

	/**
	 * The change was made against a version that is no longer the head (or the policy exists while the change
	 * expected it not to). Nothing was written.
	 */
	public static final class Conflict extends StoreException {

		private final @Nullable Integer expectedVersion;

		private final @Nullable PolicySummary current;

		public Conflict(String message, @Nullable Integer expectedVersion, @Nullable PolicySummary current) {
			super(message);
			this.expectedVersion = expectedVersion;
			this.current = current;
		}

		/** The version the change was based on; null when it expected no policy. */
		public @Nullable Integer expectedVersion() {
			return this.expectedVersion;
		}

		/** The head now; null when the change expected a policy that does not exist. */
		public @Nullable PolicySummary current() {
			return this.current;
		}

	}

	/** An import was refused as a whole; the report says what is wrong with which document. Nothing was written. */
	public static final class ImportRefused extends StoreException {

		private final ImportReport report;

		public ImportRefused(String message, ImportReport report) {
			super(message);
			this.report = report;
		}

		public ImportReport report() {
			return this.report;
		}

	}

	/** Agent settings with bad members: one violation per member, its path the member's name. Nothing was written. */
	public static final class InvalidSettings extends StoreException {

		private final List<FieldViolation> violations;

		public InvalidSettings(String message, List<FieldViolation> violations) {
			super(message);
			this.violations = List.copyOf(violations);
		}

		public List<FieldViolation> violations() {
			return this.violations;
		}

	}

	/**
	 * A settings change based on a version that is no longer the current one, or based on none once the settings were
	 * changed. Nothing was written.
	 */
	public static final class SettingsConflict extends StoreException {

		private final @Nullable Integer expectedVersion;

		private final WorkspaceSettings.Version current;

		public SettingsConflict(String message, @Nullable Integer expectedVersion, WorkspaceSettings.Version current) {
			super(message);
			this.expectedVersion = expectedVersion;
			this.current = current;
		}

		/** The version the change was based on; null when it named none (the settings had been changed already). */
		public @Nullable Integer expectedVersion() {
			return this.expectedVersion;
		}

		/** The settings now. */
		public WorkspaceSettings.Version current() {
			return this.current;
		}

	}


	/**
	 * The workspace is protected: its policies change only by merging an approved change request. Nothing was
	 * written.
	 */
	public static final class Protected extends StoreException {

		private final String workspace;

		public Protected(String message, String workspace) {
			super(message);
			this.workspace = workspace;
		}

		/** Where to propose the change instead: the new change request page of the workspace. */
		public String proposeAt() {
			return "/workspaces/" + this.workspace + "/change-requests/new";
		}

	}

	/**
	 * A merge's policies moved since the change request's base: each names the policy, the version the change was
	 * based on and the head now. Nothing was written.
	 */
	public static final class BaseMoved extends StoreException {

		private final List<ChangeSets.Moved> moved;

		public BaseMoved(String message, List<ChangeSets.Moved> moved) {
			super(message);
			this.moved = List.copyOf(moved);
		}

		public List<ChangeSets.Moved> moved() {
			return this.moved;
		}

	}

}
