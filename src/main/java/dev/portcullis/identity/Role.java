package dev.portcullis.identity;

/**
 * What a user may do. Each role includes the ones before it: a {@link #REVIEWER} can do what an
 * {@link #AUTHOR} can, an {@link #ADMIN} everything.
 */
public enum Role {

	/** Read workspaces, policies, versions, diffs; run evaluations. */
	VIEWER,
	/** Also write drafts and versions, import, delete and restore policies, manage own API tokens. */
	AUTHOR,
	/** Also approve change requests. */
	REVIEWER,
	/** Also manage users and settings, and browse the audit log. */
	ADMIN;

	/** Whether this role includes {@code other}. */
	public boolean includes(Role other) {
		return this.ordinal() >= other.ordinal();
	}

	/** The Spring Security authority, {@code ROLE_VIEWER} etc. */
	public String authority() {
		return "ROLE_" + name();
	}

}
