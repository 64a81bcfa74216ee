package dev.portcullis.flow.query;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A stored flow as read back: its keyset position, its node, its Hubble JSON as imported (the flow object) and the
 * facts filters look at.
 *
 * @param time the flow's time
 * @param id the row's id
 * @param nodeName the node that observed it, or null
 * @param json the flow object's JSON text
 * @param facts the fields filters look at
 */
public record StoredRow(Instant time, long id, @Nullable String nodeName, String json, FlowFacts facts) {

	/** The position of this row, for the next page. */
	public FlowCursor cursor() {
		return FlowCursor.of(this.time, this.id);
	}

}
