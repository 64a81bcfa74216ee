package dev.portcullis.policy;

/**
 * The head of a policy as its {@code policy} row records it, read under a lock ({@code FOR UPDATE}) by a change that
 * writes the next version.
 *
 * @param id the policy's id
 * @param version its head version
 * @param deleted whether the head is a tombstone
 * @param hash the head's content hash
 */
record PolicyHead(long id, int version, boolean deleted, String hash) {
}
