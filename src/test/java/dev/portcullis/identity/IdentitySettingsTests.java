package dev.portcullis.identity;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class IdentitySettingsTests {

	@Test
	void adminPasswordShouldComeFromThePortcullisAdminPasswordVariable() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("env",
				Map.of("PORTCULLIS_ADMIN_PASSWORD", "s3cret from env")));
		IdentitySettings.Admin admin = Binder.get(environment).bind("portcullis.admin", IdentitySettings.Admin.class)
			.get();
		assertThat(admin.password()).isEqualTo("s3cret from env");
	}

	@Test
	void signInDefaultsShouldBeFiveFailuresInFifteenMinutesLockingForFifteen() {
		IdentitySettings.SignIn signIn = Binder.get(new StandardEnvironment())
			.bindOrCreate("portcullis.sign-in", IdentitySettings.SignIn.class);
		assertThat(signIn).isEqualTo(new IdentitySettings.SignIn(5, 20, Duration.ofMinutes(15), Duration.ofMinutes(15)));
	}

	@Test
	void oidcRoleMappingShouldBindRolesToGroupLists() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
				"portcullis.oidc.role-mapping.ADMIN", "platform-admins", "portcullis.oidc.role-mapping.AUTHOR",
				"netpol-authors, sre", "portcullis.oidc.groups-claim", "roles")));
		ConfigurationPropertySources.attach(environment);
		IdentitySettings.Oidc oidc = Binder.get(environment).bindOrCreate("portcullis.oidc", IdentitySettings.Oidc.class);
		assertThat(oidc.groupsClaim()).isEqualTo("roles");
		assertThat(oidc.roleMapping()).containsEntry(Role.ADMIN, List.of("platform-admins"))
			.containsEntry(Role.AUTHOR, List.of("netpol-authors", "sre"));
		assertThat(oidc.defaultRole()).isNull();
	}

}
