package dev.portcullis.policy;

/**
 * One version of a policy with its text.
 *
 * @param summary its metadata
 * @param yaml the YAML as written by the author (for a tombstone: the canonical YAML of the version it deleted)
 * @param canonicalYaml the canonical form: cluster-set fields stripped, keys sorted, namespace explicit; what
 *        export writes and diffs compare
 */
public record PolicyVersion(PolicySummary summary, String yaml, String canonicalYaml) {

	public PolicyKey key() {
		return this.summary.key();
	}

	public int version() {
		return this.summary.version();
	}

	public boolean deleted() {
		return this.summary.deleted();
	}

}
