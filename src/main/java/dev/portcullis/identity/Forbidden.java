package dev.portcullis.identity;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A change refused because the actor's role does not include the role it needs. The services that make changes
 * raise it ({@link Permissions#refuse}), in addition to the URL rules of {@link SecurityConfig} that refuse the same
 * requests earlier (docs/adr/010). The API answers it with 403 {@code /problems/forbidden}, pages with the 403 page.
 * The reason names the action and the role it needs, never anything the actor did not send.
 */
public final class Forbidden extends ResponseStatusException {

	private final Role required;

	private final String action;

	public Forbidden(Role required, String action) {
		super(HttpStatus.FORBIDDEN, "Your role does not allow this: " + action + " needs the role " + required + ".");
		this.required = required;
		this.action = action;
	}

	/** The role the action needs. */
	public Role required() {
		return this.required;
	}

	/** The refused action, as the audit log names it ({@code policy.save}, {@code user.update}). */
	public String action() {
		return this.action;
	}

}
