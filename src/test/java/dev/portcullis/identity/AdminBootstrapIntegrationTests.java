package dev.portcullis.identity;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The first administrator: created on start, with the configured or a generated password, once. */
@ExtendWith(OutputCaptureExtension.class)
class AdminBootstrapIntegrationTests extends IntegrationTest {

	@Autowired
	AdminBootstrap bootstrap;

	@Autowired
	DatabaseClient db;

	@Test
	void startShouldHaveCreatedTheAdminUser() {
		assertThat(this.db.sql("SELECT role FROM app_user WHERE username = 'admin'")
			.map((row) -> row.get("role", String.class)).one().block()).isEqualTo("ADMIN");
	}

	@Test
	void withoutAConfiguredPasswordAGeneratedOneShouldBeLoggedOnceAndWork(CapturedOutput output) {
		String username = "boot-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(this.bootstrap.ensure(username, null).block()).isTrue();
		Matcher logged = Pattern.compile("Created the administrator '" + username
				+ "' with this generated password:\\s+(\\S+)").matcher(output.getOut());
		assertThat(logged.find()).as(output.getOut()).isTrue();
		assertThat(output.getOut()).contains("WARN");
		String password = logged.group(1);
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();

		assertThat(this.bootstrap.ensure(username, null).block()).isFalse();
		assertThat(output.getOut().split(Pattern.quote(password), -1)).hasSize(2);
		assertThat(this.db.sql("SELECT count(*) AS n FROM audit_event WHERE action = 'user.create' AND target = :t")
			.bind("t", "user/" + username).map((row) -> row.get("n", Long.class)).one().block()).isEqualTo(1L);
	}

	@Test
	void aConfiguredPasswordShouldBeUsedAndNeverLogged(CapturedOutput output) {
		String username = "boot-" + UUID.randomUUID().toString().substring(0, 8);
		String password = "from the environment " + UUID.randomUUID();
		assertThat(this.bootstrap.ensure(username, password).block()).isTrue();
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();
		assertThat(output.getAll()).contains("PORTCULLIS_ADMIN_PASSWORD").doesNotContain(password);
		// an existing administrator is left alone
		assertThat(this.bootstrap.ensure(username.toUpperCase(), "another password entirely").block()).isFalse();
		as(username, password).get().uri("/api/v1/users").exchange().expectStatus().isOk();
	}

}
