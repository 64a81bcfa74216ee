package dev.portcullis.identity;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A request authenticated by an API token ({@code Authorization: Bearer pcl_...}). It carries the owner's
 * name and current role, and the token's id and name; never the secret.
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

	private final String username;

	private final long tokenId;

	private final String tokenName;

	private final Role role;

	ApiTokenAuthentication(String username, Role role, long tokenId, String tokenName) {
		super(AuthorityUtils.createAuthorityList(role.authorities()));
		this.username = username;
		this.role = role;
		this.tokenId = tokenId;
		this.tokenName = tokenName;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return this.username;
	}

	@Override
	public String getName() {
		return this.username;
	}

	Role role() {
		return this.role;
	}

	long tokenId() {
		return this.tokenId;
	}

	String tokenName() {
		return this.tokenName;
	}

}
