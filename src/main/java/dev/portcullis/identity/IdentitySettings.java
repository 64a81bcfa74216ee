package dev.portcullis.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the identity feature; the README documents each. */
final class IdentitySettings {

	private IdentitySettings() {
	}

	/**
	 * Throttling of failed password sign-ins ({@code portcullis.sign-in.*}), for the sign-in form and HTTP
	 * Basic alike. {@code maxFailures} failures for one username within {@code window} lock that username for
	 * {@code lockout}; {@code maxFailuresPerAddress} failures from one client address (any usernames) lock the
	 * address. A locked username or address is refused without checking the password.
	 */
	@ConfigurationProperties("portcullis.sign-in")
	record SignIn(@DefaultValue("5") int maxFailures, @DefaultValue("20") int maxFailuresPerAddress,
			@DefaultValue("15m") Duration window, @DefaultValue("15m") Duration lockout) {
	}

	/**
	 * The first administrator ({@code portcullis.admin.*}, or the environment variables
	 * {@code PORTCULLIS_ADMIN_PASSWORD} and {@code PORTCULLIS_ADMIN_PASSWORD_FILE}).
	 *
	 * @param password its password when the user {@code admin} is created on first start; unset: generated
	 * @param passwordFile where a generated password is written, readable by its owner only (default
	 *        {@code ~/.portcullis/initial-admin-password})
	 */
	@ConfigurationProperties("portcullis.admin")
	record Admin(@Nullable String password, @Nullable Path passwordFile) {

		Admin {
			if (passwordFile == null) {
				passwordFile = Path.of(System.getProperty("user.home"), ".portcullis", "initial-admin-password");
			}
		}

		/** The password file, never null (the default applies when none is set). */
		@Override
		public Path passwordFile() {
			return java.util.Objects.requireNonNull(this.passwordFile);
		}

	}

	/**
	 * OpenID Connect sign-in ({@code portcullis.oidc.*}); active only when a
	 * {@code spring.security.oauth2.client.registration.<id>} is configured.
	 *
	 * @param groupsClaim the ID token or user-info claim holding the user's groups (a list or a string)
	 * @param roleMapping for each role, the groups that grant it; the highest matching role wins
	 * @param defaultRole the role of a user in none of the mapped groups; unset refuses their sign-in
	 */
	@ConfigurationProperties("portcullis.oidc")
	record Oidc(@DefaultValue("groups") String groupsClaim, @DefaultValue Map<Role, List<String>> roleMapping,
			@Nullable Role defaultRole) {

		Oidc {
			roleMapping = Map.copyOf(roleMapping);
		}

	}

}
