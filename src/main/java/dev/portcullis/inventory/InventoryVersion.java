package dev.portcullis.inventory;

import java.time.Instant;
import java.util.Map;

import dev.portcullis.engine.inventory.Inventory;

/**
 * One imported version of a workspace's cluster state.
 *
 * @param workspace the workspace's name
 * @param version 1, 2, ... per workspace
 * @param author who imported it
 * @param message why (may be empty)
 * @param createdAt when
 * @param counts objects kept per kind (Service, Namespace, Node, CiliumCIDRGroup, Deployment, StatefulSet,
 *        DaemonSet, Pod)
 * @param ignored objects of other kinds, per kind, that the import skipped
 * @param inventory the kept objects
 */
public record InventoryVersion(String workspace, int version, String author, String message, Instant createdAt,
		Map<String, Integer> counts, Map<String, Integer> ignored, Inventory inventory) {

	/** The version without its objects, for lists. */
	public Summary summary() {
		return new Summary(this.version, this.author, this.message, this.createdAt, this.counts);
	}

	/** A version as the list of versions shows it. */
	public record Summary(int version, String author, String message, Instant createdAt, Map<String, Integer> counts) {
	}

}
