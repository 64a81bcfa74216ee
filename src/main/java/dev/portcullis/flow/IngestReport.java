package dev.portcullis.flow;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one ingest kept, answered once it is committed ({@code POST /api/v1/workspaces/{ws}/flows}).
 *
 * @param accepted the flow lines kept (one row each)
 * @param flows the flows they stand for: {@code accepted} with Hubble's aggregate counts honoured
 * @param rejected the first {@link #MAX_LISTED} lines left out, by line number, with the reason
 * @param rejectedCount how many lines were left out in all
 * @param ignored lines that are not flows ({@code node_status}, {@code lost_events} responses)
 * @param lostEvents the events the {@code lost_events} responses say were lost (kept as gaps)
 * @param cluster the cluster check: flows whose {@code io.cilium.k8s.policy.cluster} label differs from the
 *        workspace's cluster name, null when none does
 * @param uploadId the ingest's id ({@code flow_upload.id}), the {@code upload_id} of its rows
 */
public record IngestReport(long accepted, long flows, List<Rejected> rejected, long rejectedCount, long ignored,
		long lostEvents, @Nullable ClusterMismatch cluster, long uploadId) {

	/** At most this many rejected lines are listed. */
	public static final int MAX_LISTED = 100;

	public IngestReport {
		rejected = List.copyOf(rejected);
	}

	/** A line left out: its 1-based number and why (the field, when one is at fault, and what is wrong). */
	public record Rejected(long line, String message) {
	}

	/**
	 * Flows from clusters other than the workspace's (Cilium scopes selectors to the local cluster, so their
	 * verdicts would differ): the workspace's cluster name (agent setting {@code clusterName}), how many flows
	 * named another, and up to ten of the names seen with their counts.
	 */
	public record ClusterMismatch(String workspaceCluster, long flows, Map<String, Long> seen) {

		public ClusterMismatch {
			seen = Map.copyOf(seen);
		}

	}

}
