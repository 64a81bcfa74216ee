package dev.portcullis.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The first administrator: created on start, with the configured or a generated password, once; a generated one is
 * written to a file only its owner can read, and never logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminBootstrapIntegrationTests extends IntegrationTest {

	@Autowired
	AdminBootstrap bootstrap;

	@Autowired
	DatabaseClient db;

	@TempDir
	Path home;

	@Test
	void startShouldHaveCreatedTheAdminUser() {
		assertThat(this.db.sql("SELECT role FROM app_user WHERE username = 'admin'")
			.map((row) -> row.get("role", String.class)).one().block()).isEqualTo("ADMIN");
	}

	@Test
	void withoutAConfiguredPasswordAGeneratedOneShouldGoToAFileOnlyItsOwnerCanReadAndNeverToTheLog(
			CapturedOutput output, @TempDir Path home) throws IOException {
		String username = "boot-" + UUID.randomUUID().toString().substring(0, 8);
		Path file = home.resolve("not-yet/.portcullis/initial-admin-password");
		assertThat(this.bootstrap.ensure(username, null, file).block()).isTrue();
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(Files.list(file.getParent())).containsExactly(file);
		String password = Files.readString(file).strip();
		assertThat(password).hasSizeGreaterThanOrEqualTo(20);
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();
		assertThat(output.getAll()).doesNotContain(password)
			.contains("Created the administrator '" + username + "'", file.toAbsolutePath().toString());
		assertThat(output.getOut()).contains("WARN");

		// only when the user is created, never again
		Files.writeString(file, "changed by its owner\n");
		assertThat(this.bootstrap.ensure(username, null, file).block()).isFalse();
		assertThat(Files.readString(file)).isEqualTo("changed by its owner\n");
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'user.create' AND target = :t")
			.bind("t", "user/" + username).map((row) -> row.get("n", Long.class)).one().block()).isEqualTo(1L);
	}

	@Test
	void aPasswordFileThatCannotBeWrittenShouldLeaveNoAdministratorBehind(@TempDir Path home) throws IOException {
		String username = "boot-" + UUID.randomUUID().toString().substring(0, 8);
		Path blocked = home.resolve("a-file");
		Files.writeString(blocked, "");
		assertThatThrownBy(() -> this.bootstrap.ensure(username, null, blocked.resolve("initial-admin-password")).block())
			.hasMessageContaining("portcullis.admin.password-file");
		assertThat(this.db.sql("SELECT count(*) AS n FROM app_user WHERE username = :u").bind("u", username)
			.map((row) -> row.get("n", Long.class)).one().block()).isZero();
	}

	@Test
	void aConfiguredPasswordShouldBeUsedAndNeverLoggedNorWritten(CapturedOutput output) {
		String username = "boot-" + UUID.randomUUID().toString().substring(0, 8);
		String password = "from the environment " + UUID.randomUUID();
		Path file = this.home.resolve("initial-admin-password");
		assertThat(this.bootstrap.ensure(username, password, file).block()).isTrue();
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();
		assertThat(output.getAll()).contains("PORTCULLIS_ADMIN_PASSWORD").doesNotContain(password);
		// an existing administrator is left alone
		assertThat(this.bootstrap.ensure(username.toUpperCase(), "another password entirely", file).block()).isFalse();
		assertThat(file).doesNotExist();
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();
	}

}
