package dev.portcullis.publish.git;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.portcullis.publish.PublishFailure;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FileUtils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Git adapter's clones, one per target, kept between operations in {@code <root>/<target id>/}: a plan, an apply
 * or a drift read fetches the branch into the target's clone instead of cloning the repository again, and
 * {@link #open} hands out a ready working copy, the branch exactly as the remote has it now.
 * <p>
 * <b>Ready</b> means: the remote's branch fetched into {@code refs/remotes/origin/<branch>} (forced, so a remote whose
 * history was rewritten is followed, never merged), the local branch {@code <branch>} checked out at that commit with
 * the index and the files reset to it, untracked files removed, and no other local branch. Whatever an earlier
 * operation left (a commit that was never pushed, files of a crash mid-write, a branch of its own) is gone.
 * <p>
 * <b>One operation at a time per target</b>: a copy is held from {@link #open} to {@link Copy#close}, under a lock
 * in this process and an exclusive file lock on {@code <root>/<target id>.lock} (so instances or processes sharing
 * the directory also take turns). A caller that cannot get it within the lock wait is refused in words.
 * <p>
 * <b>A broken clone is cloned again</b>: when the clone cannot be opened, names another repository URL (the target's
 * URL was changed), or fetching or resetting it fails after the caller has reached the remote (a missing or damaged
 * object, a stale {@code index.lock} of a killed process), it is deleted and the branch cloned afresh; only when that
 * clone fails too does the operation fail. Credentials are never written into the clone: the URL carries none (the
 * adapter refuses such URLs) and authentication is given per command.
 * <p>
 * A target not saved yet (id 0), or one {@linkplain #forget forgotten} in this process, gets a temporary clone that
 * is deleted when closed.
 */
final class WorkingCopies {

	private static final Logger log = LoggerFactory.getLogger(WorkingCopies.class);

	private static final String ORIGIN = "origin";

	private final Path root;

	private final Duration lockWait;

	private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

	private final Set<Long> forgotten = ConcurrentHashMap.newKeySet();

	/**
	 * @param root the directory that holds the clones (made when missing)
	 * @param lockWait how long {@link #open} waits for an operation on the same target to end
	 */
	WorkingCopies(Path root, Duration lockWait) {
		this.root = root.toAbsolutePath().normalize();
		this.lockWait = lockWait;
	}

	/** Where the clone of {@code targetId} lives (it may not exist). */
	Path directory(long targetId) {
		return this.root.resolve(Long.toString(targetId));
	}

	/**
	 * The target's working copy, ready (see the class comment) and held for the caller until it closes it. The caller
	 * has already reached the remote with {@code access} (its {@code ls-remote} succeeded), so a failure to fetch
	 * into an existing clone counts as a broken clone.
	 * @throws PublishFailure when another operation holds the target's copy longer than the lock wait
	 * @throws GitAPIException when the branch cannot be cloned
	 * @throws IOException when the directory cannot be written
	 */
	Copy open(long targetId, GitAdapter.Access access) throws GitAPIException, IOException {
		Files.createDirectories(this.root);
		if (targetId <= 0 || this.forgotten.contains(targetId)) {
			return temporary(access);
		}
		Held held = hold(targetId, this.lockWait, access.where());
		if (held == null) {
			throw new PublishFailure("Another operation on this target (a publication or a drift check) has held its"
					+ " clone of " + access.where().shown() + " for more than " + this.lockWait.toSeconds()
					+ " s; try again later.");
		}
		try {
			if (this.forgotten.contains(targetId)) {
				held.release();
				return temporary(access);
			}
			Path directory = directory(targetId);
			Git git = null;
			if (Files.exists(directory)) {
				try {
					git = fetched(directory, access);
				}
				catch (GitAPIException | IOException | RuntimeException ex) {
					log.info("publishing: the Git clone of target {} cannot be used ({}); cloning it again", targetId,
							GitAdapter.redact(ex.getClass().getSimpleName() + ": " + ex.getMessage(), access.target()));
					delete(directory);
				}
			}
			boolean fetched = git != null;
			if (git == null) {
				git = cloned(directory, access);
			}
			return new Copy(git, fetched, () -> {
				if (this.forgotten.contains(targetId)) {
					deleteQuietly(targetId);
				}
				held.release();
			});
		}
		catch (GitAPIException | IOException | RuntimeException ex) {
			held.release();
			throw ex;
		}
	}

	/**
	 * Deletes the target's clone (the target was deleted), now when no operation holds it, else when the one that does
	 * ends. Later operations on the target in this process use temporary clones.
	 */
	void forget(long targetId) {
		if (targetId <= 0) {
			return;
		}
		this.forgotten.add(targetId);
		Held held = hold(targetId, Duration.ZERO, null);
		if (held != null) {
			try {
				deleteQuietly(targetId);
			}
			finally {
				held.release();
			}
		}
	}

	/**
	 * A working copy handed out: the branch as the remote has it, held until closed.
	 *
	 * @param fetched true when an existing clone was brought up to date by a fetch, false when the branch was cloned
	 * @param release gives the copy back (and deletes it when it was temporary or its target forgotten)
	 */
	record Copy(Git git, boolean fetched, Runnable release) implements AutoCloseable {

		@Override
		public void close() {
			try {
				this.git.close();
			}
			finally {
				this.release.run();
			}
		}

	}

	/** The existing clone in {@code directory}, fetched and reset to the remote's branch. */
	private static Git fetched(Path directory, GitAdapter.Access access) throws GitAPIException, IOException {
		Git git = Git.open(directory.toFile());
		try {
			Repository repository = git.getRepository();
			String url = repository.getConfig().getString("remote", ORIGIN, "url");
			if (!remoteUrl(access.where()).equals(url)) {
				throw new IOException("it is a clone of another repository URL");
			}
			String branch = access.where().branch();
			String local = Constants.R_HEADS + branch;
			String remote = Constants.R_REMOTES + ORIGIN + "/" + branch;
			access.authenticate(git.fetch()
				.setRemote(ORIGIN)
				.setRefSpecs(new RefSpec("+" + local + ":" + remote))
				.setTagOpt(TagOpt.NO_TAGS)).call();
			ObjectId head = repository.resolve(remote);
			if (head == null) {
				throw new IOException("the fetch brought no " + remote);
			}
			try (RevWalk walk = new RevWalk(repository)) {
				walk.parseTree(walk.parseCommit(head).getTree());
			}
			RefUpdate branchUpdate = repository.updateRef(local);
			branchUpdate.setNewObjectId(head);
			branchUpdate.setForceUpdate(true);
			expect(branchUpdate.update(), local, RefUpdate.Result.NEW, RefUpdate.Result.FORCED,
					RefUpdate.Result.NO_CHANGE, RefUpdate.Result.FAST_FORWARD);
			expect(repository.updateRef(Constants.HEAD).link(local), Constants.HEAD, RefUpdate.Result.NEW,
					RefUpdate.Result.FORCED, RefUpdate.Result.NO_CHANGE);
			git.reset().setMode(ResetCommand.ResetType.HARD).setRef(remote).call();
			git.clean().setCleanDirectories(true).setIgnore(false).setForce(true).call();
			for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
				if (!ref.getName().equals(local)) {
					RefUpdate delete = repository.updateRef(ref.getName());
					delete.setForceUpdate(true);
					expect(delete.delete(), ref.getName(), RefUpdate.Result.FORCED, RefUpdate.Result.NO_CHANGE);
				}
			}
			// packs pile up with every fetch; JGit runs no automatic gc after a fetch, so ask for one (only runs when
			// its thresholds are passed) in this thread, never detached while the copy is in use
			repository.getConfig().setBoolean("gc", null, "autoDetach", false);
			repository.autoGC(NullProgressMonitor.INSTANCE);
			return git;
		}
		catch (GitAPIException | IOException | RuntimeException ex) {
			git.close();
			throw ex;
		}
	}

	/** A fresh clone of the branch into {@code directory} (deleted again when the clone fails). */
	private static Git cloned(Path directory, GitAdapter.Access access) throws GitAPIException, IOException {
		String branch = Constants.R_HEADS + access.where().branch();
		try {
			return access.authenticate(Git.cloneRepository()
				.setURI(access.where().url())
				.setDirectory(directory.toFile())
				.setBranch(branch)
				.setBranchesToClone(List.of(branch))
				.setCloneAllBranches(false)).call();
		}
		catch (GitAPIException | RuntimeException ex) {
			deleteQuietly(directory);
			throw ex;
		}
	}

	private Copy temporary(GitAdapter.Access access) throws GitAPIException, IOException {
		Path directory = Files.createTempDirectory(this.root, "tmp-");
		Git git = cloned(directory, access);
		return new Copy(git, false, () -> deleteQuietly(directory));
	}

	/** What a clone of {@code where} holds as its remote URL (JGit writes it normalised). */
	private static String remoteUrl(GitAdapter.Where where) {
		try {
			return new URIish(where.url()).toPrivateString();
		}
		catch (URISyntaxException ex) {
			return where.url();
		}
	}

	private static void expect(RefUpdate.Result result, String ref, RefUpdate.Result... good) throws IOException {
		for (RefUpdate.Result ok : good) {
			if (result == ok) {
				return;
			}
		}
		throw new IOException("cannot update " + ref + ": " + result);
	}

	/** This process's lock on the target, then the file lock; null when not had within {@code wait}. */
	private @Nullable Held hold(long targetId, Duration wait, GitAdapter.@Nullable Where where) {
		long deadline = System.nanoTime() + wait.toNanos();
		ReentrantLock local = this.locks.computeIfAbsent(targetId, (id) -> new ReentrantLock(true));
		try {
			if (!local.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
				return null;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PublishFailure("Interrupted while waiting for the clone of " + describe(where) + ".");
		}
		FileChannel channel = null;
		try {
			channel = FileChannel.open(this.root.resolve(targetId + ".lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			for (;;) {
				FileLock lock;
				try {
					lock = channel.tryLock();
				}
				catch (OverlappingFileLockException ex) {
					// another instance of this class in this process holds it (tests run two apps in one JVM)
					lock = null;
				}
				if (lock != null) {
					return new Held(local, channel, lock);
				}
				if (System.nanoTime() >= deadline) {
					channel.close();
					local.unlock();
					return null;
				}
				Thread.sleep(25);
			}
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			closeQuietly(channel);
			local.unlock();
			throw new PublishFailure("Cannot lock the clone of " + describe(where) + " on this server: "
					+ ex.getMessage());
		}
	}

	private static String describe(GitAdapter.@Nullable Where where) {
		return (where != null) ? where.shown() : "the repository";
	}

	private record Held(ReentrantLock local, FileChannel channel, FileLock lock) {

		void release() {
			try {
				this.lock.release();
			}
			catch (IOException ex) {
				// closing the channel releases it too
			}
			closeQuietly(this.channel);
			this.local.unlock();
		}

	}

	private void deleteQuietly(long targetId) {
		deleteQuietly(directory(targetId));
		try {
			Files.deleteIfExists(this.root.resolve(targetId + ".lock"));
		}
		catch (IOException ex) {
			log.warn("publishing: cannot delete the lock file of target {}: {}", targetId, ex.getMessage());
		}
	}

	private static void deleteQuietly(Path directory) {
		try {
			delete(directory);
		}
		catch (IOException ex) {
			log.warn("publishing: cannot delete the Git clone {}: {}", directory, ex.getMessage());
		}
	}

	private static void delete(Path directory) throws IOException {
		FileUtils.delete(directory.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING);
	}

	private static void closeQuietly(@Nullable FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing to do
			}
		}
	}

}
