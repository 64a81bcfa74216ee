package dev.portcullis.flow.sources;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A workspace's sources as the API answers them and the page shows them: settings (a client key only as
 * {@code clientKeySet}) and status.
 */
record SourceView(String workspace, @Nullable Relay relay, @Nullable Files files) {

	/** A Relay source. */
	record Relay(boolean enabled, String address, boolean tls, @Nullable String serverName, @Nullable String ca,
			@Nullable String clientCertificate, boolean clientKeySet, String updatedBy, Instant updatedAt,
			Status status) {
	}

	/** An exporter directory source. */
	record Files(boolean enabled, String directory, String fileName, String updatedBy, Instant updatedAt,
			Status status) {
	}

	/**
	 * What a source is doing: {@code connected}, {@code connecting}, {@code retrying} (with the last error and the
	 * next attempt) or {@code stopped} (disabled, or no instance follows it).
	 */
	record Status(String state, Instant since, @Nullable String lastError, @Nullable Instant lastErrorAt,
			@Nullable Instant nextAttemptAt, long flowsStored, @Nullable String resumeFrom, @Nullable String followedBy) {
	}

	static SourceView of(String workspace, java.util.List<SourceRow> rows, Instant now) {
		Relay relay = null;
		Files files = null;
		for (SourceRow row : rows) {
			Status status = status(row, now);
			if (row.kind() == SourceRow.Kind.RELAY) {
				relay = new Relay(row.enabled(), row.address(), row.tls(), row.serverName(), row.caPem(),
						row.clientCertPem(), row.clientKeySealed() != null, row.updatedBy(), row.updatedAt(), status);
			}
			else {
				files = new Files(row.enabled(), row.directory(), row.fileName(), row.updatedBy(), row.updatedAt(),
						status);
			}
		}
		return new SourceView(workspace, relay, files);
	}

	/** A held lease that ran out means nobody follows the source: it is stopped, whatever its row last said. */
	private static Status status(SourceRow row, Instant now) {
		SourceRow.Status s = row.status();
		boolean followed = s.leaseOwner() != null && s.leaseUntil() != null && s.leaseUntil().isAfter(now);
		String state = (followed && row.enabled()) ? s.state() : "stopped";
		return new Status(state, s.since(), s.lastError(), s.lastErrorAt(),
				state.equals("retrying") ? s.nextAttemptAt() : null, s.flowsStored(), s.resumeFrom(),
				followed ? s.leaseOwner() : null);
	}

}
