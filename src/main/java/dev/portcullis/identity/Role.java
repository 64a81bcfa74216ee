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

	/**
	 * The authorities a user with this role is granted: its own and those of every role it includes, so that
	 * {@code hasRole("AUTHOR")} holds for a reviewer and an admin too.
	 */
	public java.util.List<String> authorities() {
		java.util.List<String> authorities = new java.util.ArrayList<>();
		for (Role role : values()) {
			if (includes(role)) {
				authorities.add(role.authority());
			}
		}
		return java.util.List.copyOf(authorities);
	}

	/** The role named {@code name} (any case), or {@code IllegalArgumentException} naming the allowed ones. */
	public static Role parse(String name) {
		for (Role role : values()) {
			if (role.name().equalsIgnoreCase(name.trim())) {
				return role;
			}
		}
		throw new IllegalArgumentException("unknown role \"" + name + "\"; allowed: VIEWER, AUTHOR, REVIEWER, ADMIN");
	}

}
