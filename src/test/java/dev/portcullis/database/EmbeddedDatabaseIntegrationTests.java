package dev.portcullis.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.portcullis.PortcullisApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The embedded default database as a user meets it: the app starts on it without any configuration, keeps
 * its data across restarts, stops it on shutdown, and recovers from a predecessor that was killed.
 */
class EmbeddedDatabaseIntegrationTests {

	@TempDir
	Path dataDir;

	@Test
	void appWithoutDatabaseUrlShouldRunOnEmbeddedPostgresKeepDataAcrossRestartsAndStopItOnShutdown() {
		UUID firstInstallation;
		long postmaster;
		try (ConfigurableApplicationContext app = startApp()) {
			DatabaseStatus.Snapshot snapshot = app.getBean(DatabaseStatus.class).snapshot().block();
			assertThat(snapshot.up()).isTrue();
			assertThat(snapshot.serverVersion()).startsWith("17.");
			assertThat(snapshot.schemaVersion()).isNotNull();
			firstInstallation = snapshot.installationId();
			postmaster = postmasterPid(this.dataDir).orElseThrow();
			assertThat(ProcessHandle.of(postmaster)).hasValueSatisfying((p) -> assertThat(p.isAlive()).isTrue());
		}
		assertThat(exited(postmaster)).as("PostgreSQL stops with the app").isTrue();
		assertThat(this.dataDir.resolve("postmaster.pid")).doesNotExist();

		try (ConfigurableApplicationContext app = startApp()) {
			DatabaseStatus.Snapshot snapshot = app.getBean(DatabaseStatus.class).snapshot().block();
			assertThat(snapshot.installationId()).as("same database after a restart").isEqualTo(firstInstallation);
		}
	}

	@Test
	void startShouldStopAnOrphanedPostmasterLeftByAKilledProcess() throws Exception {
		EmbeddedPostgresLauncher.start(this.dataDir, 0).close();
		Path bin = postgresBinDirectory();
		// Start a postmaster that no JVM owns, as after `kill -9` of the app: pg_ctl daemonizes it.
		Process pgctl = new ProcessBuilder("unshare", "-U", bin.resolve("pg_ctl").toString(), "-D",
				this.dataDir.toString(), "-o", "-c listen_addresses=127.0.0.1 -p " + freePort(), "-w", "-l",
				this.dataDir.resolveSibling(this.dataDir.getFileName() + ".log").toString(), "start")
			.redirectErrorStream(true)
			.start();
		assertThat(pgctl.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(pgctl.exitValue()).as(new String(pgctl.getInputStream().readAllBytes())).isZero();
		long orphan = postmasterPid(this.dataDir).orElseThrow();
		assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).hasValue(true);

		try (EmbeddedPostgres postgres = EmbeddedPostgresLauncher.start(this.dataDir, 0)) {
			assertThat(exited(orphan)).as("the orphan was stopped").isTrue();
			assertThat(postmasterPid(this.dataDir)).isPresent().get().isNotEqualTo(orphan);
			try (var connection = postgres.getPostgresDatabase().getConnection()) {
				assertThat(connection.isValid(5)).isTrue();
			}
		}
	}

	@Test
	void startShouldRefuseADataDirectoryThatARunningProcessStillUses() throws Exception {
		try (EmbeddedPostgres running = EmbeddedPostgresLauncher.start(this.dataDir, 0)) {
			assertThatIllegalStateException().isThrownBy(() -> EmbeddedPostgresLauncher.start(this.dataDir, 0))
				.withMessageContaining("in use by another running process")
				.withMessageContaining("portcullis.embedded-db.data-dir");
			try (var connection = running.getPostgresDatabase().getConnection()) {
				assertThat(connection.isValid(5)).as("the running database was left alone").isTrue();
			}
		}
	}

	@Test
	void startShouldIgnoreAStalePidFileOfAProcessThatIsGone() throws Exception {
		EmbeddedPostgresLauncher.start(this.dataDir, 0).close();
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		Files.writeString(this.dataDir.resolve("postmaster.pid"), gone.pid() + "\n" + this.dataDir + "\n");
		try (EmbeddedPostgres postgres = EmbeddedPostgresLauncher.start(this.dataDir, 0)) {
			try (var connection = postgres.getPostgresDatabase().getConnection()) {
				assertThat(connection.isValid(5)).isTrue();
			}
		}
	}

	private ConfigurableApplicationContext startApp() {
		return new SpringApplicationBuilder(PortcullisApplication.class)
			.properties("server.port=0", "portcullis.embedded-db.data-dir=" + this.dataDir,
					"management.server.port=")
			.run();
	}

	private static Optional<Long> postmasterPid(Path dataDir) {
		try {
			List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
			return Optional.of(Long.parseLong(lines.get(0).trim()));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static boolean exited(long pid) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			if (ProcessHandle.of(pid).map((p) -> !p.isAlive()).orElse(true)) {
				return true;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/** Where zonky unpacked the PostgreSQL binaries, read off a postmaster it started. */
	private Path postgresBinDirectory() throws IOException {
		try (EmbeddedPostgres postgres = EmbeddedPostgresLauncher.start(this.dataDir, 0)) {
			long pid = postmasterPid(this.dataDir).orElseThrow();
			String command = ProcessHandle.of(pid).flatMap((p) -> p.info().command()).orElseThrow();
			return Path.of(command).getParent();
		}
	}

	private static int freePort() throws IOException {
		try (var socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
