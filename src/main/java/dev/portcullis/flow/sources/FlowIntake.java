package dev.portcullis.flow.sources;

import java.util.List;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * Where the live sources hand their flows: Hubble JSON lines (as {@code hubble observe -o json} prints them) into the
 * flow store's one ingest path, with the source's own bookkeeping (cursor, file position) written in the same
 * transaction, so that a crash leaves both or neither.
 */
interface FlowIntake {

	/** What one call stored. */
	record Stored(long accepted, long flows, long rejected, long ignored) {
	}

	/**
	 * Stores the lines in the workspace and then runs {@code alsoWrite} with what was stored, in one transaction.
	 *
	 * @param relay true for a Relay's flows, false for exporter files' (the ingest records which)
	 */
	Mono<Stored> store(long workspaceId, String workspace, boolean relay, List<String> lines,
			Function<Stored, Mono<Void>> alsoWrite);

}
