package dev.portcullis.publish;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What applying a plan did.
 *
 * @param results one per plan item, in the plan's order
 * @param commit the commit that now holds the publication (Git; the existing one when the publication's commit was
 *        already on the branch, the branch's head when nothing changed); null for Kubernetes
 * @param resourceVersions the resource version per applied object, keyed by {@link ObjectResult#ref()}
 *        (Kubernetes); empty for Git
 * @param pullRequest the address of the pull (merge) request that proposes the commit, for a Git target in
 *        pull-request mode; null otherwise
 * @param commitStatus the commit status set on the commit, in words ({@code "failure: 3 newly dropped ..."}); null
 *        when none was set
 * @param superseded the earlier publications ({@link Publication#superseded()}) whose pull requests are no longer
 *        open: closed now in favour of this one's, or found closed or merged already
 */
public record Applied(List<ObjectResult> results, @Nullable String commit, Map<String, String> resourceVersions,
		@Nullable String pullRequest, @Nullable String commitStatus, List<Long> superseded) {

	public Applied {
		results = List.copyOf(results);
		resourceVersions = Map.copyOf(resourceVersions);
		superseded = List.copyOf(superseded);
	}

	/** What was applied, with a pull request and a commit status, superseding nothing. */
	public Applied(List<ObjectResult> results, @Nullable String commit, Map<String, String> resourceVersions,
			@Nullable String pullRequest, @Nullable String commitStatus) {
		this(results, commit, resourceVersions, pullRequest, commitStatus, List.of());
	}

	/** What was applied, without a pull request or a commit status. */
	public Applied(List<ObjectResult> results, @Nullable String commit, Map<String, String> resourceVersions) {
		this(results, commit, resourceVersions, null, null);
	}

	/** This outcome with a pull request and a commit status. */
	public Applied withForge(@Nullable String pullRequest, @Nullable String commitStatus) {
		return new Applied(this.results, this.commit, this.resourceVersions, pullRequest, commitStatus,
				this.superseded);
	}

	/** This outcome, naming the earlier publications whose pull requests are no longer open. */
	public Applied withSuperseded(List<Long> superseded) {
		return new Applied(this.results, this.commit, this.resourceVersions, this.pullRequest, this.commitStatus,
				superseded);
	}

	/** Whether some object failed while another was applied (the publication is then PARTIAL). */
	public boolean partial() {
		return this.results.stream().anyMatch((r) -> r.outcome().failed())
				&& this.results.stream().anyMatch((r) -> !r.outcome().failed());
	}

	/** Whether every object failed (and there was at least one). */
	public boolean failed() {
		return !this.results.isEmpty() && this.results.stream().allMatch((r) -> r.outcome().failed());
	}

}
