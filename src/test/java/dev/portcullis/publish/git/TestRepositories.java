package dev.portcullis.publish.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Bare repositories on disk for tests outside this package: made, changed by "someone else", and read. */
public final class TestRepositories {

	private TestRepositories() {
	}

	/** A bare repository {@code dir/name} with one commit (a README) on {@code main}. */
	public static Path bare(Path dir, String name) {
		try {
			Path bare = dir.resolve(name);
			Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
			push(dir, bare, "README.md", "ops\n");
			return bare;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Someone else's commit writing (null: deleting) one file on {@code main}. */
	public static ObjectId push(Path dir, Path bare, String file, String text) {
		try {
			File work = Files.createTempDirectory(dir, "other-").toFile();
			try (Git git = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(work).call()) {
				if (git.getRepository().resolve(Constants.HEAD) != null) {
					git.checkout().setName("main").call();
				}
				else {
					git.checkout().setOrphan(true).setName("main").call();
				}
				Path path = work.toPath().resolve(file);
				if (text == null) {
					git.rm().addFilepattern(file).call();
				}
				else {
					Files.createDirectories(path.getParent());
					Files.writeString(path, text, StandardCharsets.UTF_8);
					git.add().addFilepattern(file).call();
				}
				PersonIdent someone = new PersonIdent("Someone Else", "someone@example.com");
				RevCommit commit = git.commit().setMessage("edit " + file).setAuthor(someone).setCommitter(someone)
					.setSign(false).call();
				git.push().setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
				return commit.getId();
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The commits on {@code main}, newest first. */
	public static List<RevCommit> log(Path bare) throws IOException {
		try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
				RevWalk walk = new RevWalk(repository)) {
			walk.markStart(walk.parseCommit(repository.resolve("refs/heads/main")));
			List<RevCommit> out = new ArrayList<>();
			for (RevCommit commit : walk) {
				walk.parseBody(commit);
				out.add(commit);
			}
			return out;
		}
	}

	/** The text of {@code file} on {@code main}, null when absent. */
	public static String file(Path bare, String file) throws IOException {
		try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().build();
				RevWalk walk = new RevWalk(repository)) {
			RevCommit commit = walk.parseCommit(repository.resolve("refs/heads/main"));
			try (TreeWalk tree = TreeWalk.forPath(repository, file, commit.getTree())) {
				return (tree == null) ? null
						: new String(repository.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
			}
		}
	}

}
