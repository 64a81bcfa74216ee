package dev.portcullis.database;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class EmbeddedDatabasePropertiesTests {

	@Test
	void bindingWithoutSettingsShouldPutDataUnderTheUsersPortcullisDirectory() {
		EmbeddedDatabaseProperties properties = new Binder(new MapConfigurationPropertySource())
			.bindOrCreate("portcullis.embedded-db", EmbeddedDatabaseProperties.class);
		assertThat(properties.enabled()).isTrue();
		assertThat(properties.port()).isZero();
		assertThat(properties.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".portcullis", "pgdata"));
	}

	@Test
	void bindingShouldTakeAConfiguredDataDirectory() {
		MapConfigurationPropertySource source = new MapConfigurationPropertySource();
		source.put("portcullis.embedded-db.data-dir", "/srv/portcullis/db");
		EmbeddedDatabaseProperties properties = new Binder(source).bindOrCreate("portcullis.embedded-db",
				EmbeddedDatabaseProperties.class);
		assertThat(properties.dataDir()).isEqualTo(Path.of("/srv/portcullis/db"));
	}

	@Test
	void startShouldRefuseADataDirectoryWithShellCharactersBeforeTouchingIt() {
		Path odd = Path.of(System.getProperty("java.io.tmpdir"), "pc$HOME", "pgdata");
		assertThatIllegalStateException().isThrownBy(() -> EmbeddedPostgresLauncher.start(odd, 0))
			.withMessageContaining("shell character")
			.withMessageContaining("portcullis.embedded-db.data-dir");
		assertThat(odd.getParent()).doesNotExist();
	}

}
