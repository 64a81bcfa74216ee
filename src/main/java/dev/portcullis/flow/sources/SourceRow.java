package dev.portcullis.flow.sources;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A row of {@code flow_source}: one live source of a workspace, its settings, lease, status and resume cursor. The
 * sealed client key stays in this package: it is never returned by the API or shown on a page.
 */
record SourceRow(long id, long workspaceId, String workspace, Kind kind, boolean enabled, @Nullable String address,
		boolean tls, @Nullable String serverName, @Nullable String caPem, @Nullable String clientCertPem,
		byte @Nullable [] clientKeySealed, @Nullable String directory, @Nullable String fileName, int configVersion,
		String updatedBy, Instant updatedAt, Status status) {

	/** The two kinds of live source. */
	enum Kind {

		/** A Hubble Relay's Observer.GetFlows stream. */
		RELAY,

		/** A directory of Hubble exporter files. */
		FILES;

		String column() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		static Kind of(String column) {
			return valueOf(column.toUpperCase(java.util.Locale.ROOT));
		}

	}

	/**
	 * What the source is doing, as the page and the API show it.
	 *
	 * @param state {@code connecting}, {@code connected}, {@code retrying} or {@code stopped}
	 * @param since when it entered that state
	 * @param lastError the last failure's message (kept after a reconnect, with its time, until the next failure)
	 * @param nextAttemptAt when a retrying source tries again
	 * @param flowsStored the flows this source stored
	 * @param resumeFrom a Relay's resume point: the newest stored flow's time
	 * @param leaseOwner the instance that follows it, while its lease lasts
	 */
	record Status(String state, Instant since, @Nullable String lastError, @Nullable Instant lastErrorAt,
			@Nullable Instant nextAttemptAt, long flowsStored, @Nullable String resumeFrom, @Nullable String leaseOwner,
			@Nullable Instant leaseUntil) {
	}

	/** A Relay's resume point: the newest stored flow time and the identities of the flows stored at that time. */
	record Cursor(@Nullable Instant time, List<String> ids) {

		static final Cursor START = new Cursor(null, List.of());

	}

}
