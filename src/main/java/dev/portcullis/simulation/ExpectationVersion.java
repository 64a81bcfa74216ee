package dev.portcullis.simulation;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One saved version of a workspace's expectations document.
 *
 * @param workspace the workspace
 * @param version 1, 2, ...; 0 for a workspace that has none yet ({@link #none})
 * @param text the document as it was written (YAML or JSON)
 * @param expectations how many expectations it holds
 * @param author who saved it
 * @param message why
 * @param createdAt when; null for version 0
 */
public record ExpectationVersion(String workspace, int version, String text, int expectations, String author,
		String message, @Nullable Instant createdAt) {

	/** Version 0: no expectations saved yet. */
	public static ExpectationVersion none(String workspace) {
		return new ExpectationVersion(workspace, 0, "expectations: []\n", 0, "", "", null);
	}

}
