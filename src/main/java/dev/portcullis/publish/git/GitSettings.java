package dev.portcullis.publish.git;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Git adapter's settings ({@code portcullis.publish.git.*}, README "Publishing").
 *
 * @param allowFileUrls whether targets may name a repository on the server's own disk ({@code file://...}); off by
 *        default so that an administrator cannot make the server write to arbitrary local repositories
 * @param timeout how long one network operation (list, clone, fetch, push) may take (default 30s)
 * @param workDirectory where the clones are kept, one per target ({@code <directory>/<target id>}, reused by every
 *        plan, apply and drift read of the target; see {@link WorkingCopies}); default {@code ~/.portcullis/git-cache}
 * @param pushAttempts how often a push rejected because someone else pushed first is retried on top of theirs
 *        (default 5)
 */
@ConfigurationProperties("portcullis.publish.git")
public record GitSettings(@DefaultValue("false") boolean allowFileUrls, @DefaultValue("30s") Duration timeout,
		@Nullable String workDirectory, @DefaultValue("5") int pushAttempts) {

	public GitSettings {
		if (pushAttempts < 1) {
			throw new IllegalArgumentException("portcullis.publish.git.push-attempts must be 1 or more");
		}
	}

	/** The directory that holds the clones: {@link #workDirectory} or {@code ~/.portcullis/git-cache}. */
	Path cacheRoot() {
		return (this.workDirectory != null) ? Path.of(this.workDirectory)
				: Path.of(System.getProperty("user.home"), ".portcullis", "git-cache");
	}

}
