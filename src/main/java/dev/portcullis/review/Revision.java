package dev.portcullis.review;

import java.time.Instant;
import java.util.List;

import dev.portcullis.policy.ChangeSets;
import dev.portcullis.policy.PolicyKey;

/**
 * One revision of a change request, kept as written: the bundle of policies to create or change, and every policy it
 * touches (changed or deleted) with the head version it was based on.
 */
public record Revision(int revision, String changes, String author, Instant createdAt,
		List<ChangeSets.Touched> policies) {

	public Revision {
		policies = List.copyOf(policies);
	}

	/** The policies this revision deletes. */
	public List<PolicyKey> deletes() {
		return this.policies.stream().filter(ChangeSets.Touched::deleted).map(ChangeSets.Touched::key).toList();
	}

}
