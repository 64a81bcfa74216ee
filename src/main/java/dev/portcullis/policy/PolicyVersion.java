package dev.portcullis.policy;

/**
 * One version of a policy with its text.
 *
 * @param summary its metadata
 * @param yaml the YAML as written by the author (empty for a tombstone; for an object that came inside a
 *        {@code kind: List} of an import, its canonical form)
 * @param canonicalYaml the canonical form: cluster-set fields stripped, keys sorted, namespace explicit; what
 *        export writes and diffs compare (empty for a tombstone)
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
