package dev.portcullis.identity;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** How OpenID Connect groups map to roles. */
class OidcSignInTests {

	static final IdentitySettings.Oidc MAPPING = new IdentitySettings.Oidc("groups",
			Map.of(Role.ADMIN, List.of("platform-admins"), Role.REVIEWER, List.of("netpol-reviewers"), Role.AUTHOR,
					List.of("netpol-authors", " sre "), Role.VIEWER, List.of("everyone")),
			null);

	@ParameterizedTest(name = "groups [{0}] -> {1}")
	@CsvSource(delimiter = '|', nullValues = "none", textBlock = """
			platform-admins                  | ADMIN
			netpol-authors                   | AUTHOR
			sre                              | AUTHOR
			netpol-authors,netpol-reviewers  | REVIEWER
			everyone,platform-admins         | ADMIN
			everyone                         | VIEWER
			marketing                        | none
			''                               | none
			""")
	void highestMappedRoleShouldWinAndNoMatchShouldBeRefused(String groups, Role expected) {
		Set<String> claim = OidcSignIn.groups(groups);
		assertThat(OidcSignIn.roleFor(claim, MAPPING)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "no mapped group with default {0}")
	@CsvSource({ "VIEWER", "AUTHOR" })
	void defaultRoleShouldApplyWhenNoGroupMatches(Role defaultRole) {
		IdentitySettings.Oidc settings = new IdentitySettings.Oidc("groups", MAPPING.roleMapping(), defaultRole);
		assertThat(OidcSignIn.roleFor(Set.of("marketing"), settings)).isEqualTo(defaultRole);
		assertThat(OidcSignIn.roleFor(Set.of("platform-admins"), settings)).isEqualTo(Role.ADMIN);
	}

	@ParameterizedTest(name = "claim {0}")
	@CsvSource(delimiter = '|', textBlock = """
			a,b     | 2
			'a b'   | 2
			a       | 1
			""")
	void groupsClaimMayBeAStringOfNames(String claim, int count) {
		assertThat(OidcSignIn.groups(claim)).hasSize(count);
	}

	@ParameterizedTest(name = "provider name {0} -> {1}")
	@CsvSource(delimiter = '|', textBlock = """
			ada                  | ada
			ada.lovelace@corp.io | ada.lovelace@corp.io
			Ada Lovelace         | Ada-Lovelace
			_svc                 | u_svc
			Jürgen               | J-rgen
			""")
	void providerNamesShouldBecomeValidUsernames(String providerName, String username) {
		assertThat(OidcSignIn.usernameFor(providerName)).isEqualTo(username)
			.matches(UserAccounts.USERNAME.pattern());
	}

	@org.junit.jupiter.api.Test
	void groupsClaimMayBeAListOrMissing() {
		assertThat(OidcSignIn.groups(List.of("a", "b"))).containsExactlyInAnyOrder("a", "b");
		assertThat(OidcSignIn.groups(null)).isEmpty();
		assertThat(OidcSignIn.groups(42)).isEmpty();
	}

}
