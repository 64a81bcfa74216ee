package dev.portcullis.hubble;

import java.time.Instant;
import java.util.List;

import dev.portcullis.engine.flow.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A flow as {@link FlowReader#readStored} reads it for the flow store: the engine's {@link Flow}, the fields the
 * engine does not look at but a flow log shows and filters on, and where the flow's JSON object is in the input (the
 * inner {@code flow} of a {@code GetFlowsResponse} line, or the bare flow line), so that it can be kept as imported.
 *
 * @param line the 1-based line number
 * @param flow what the engine decides on
 * @param time {@code flow.time} (the response's {@code time} when the flow has none)
 * @param verdict {@code verdict} ({@code FORWARDED}, {@code DROPPED}, ...), null when absent
 * @param dropReasonDesc {@code drop_reason_desc}, null when absent
 * @param trafficDirection {@code traffic_direction}, null when absent
 * @param type {@code Type} ({@code L3_L4}, {@code L7}, ...), null when absent
 * @param nodeName {@code node_name} (the response's when the flow has none), null when absent
 * @param isReply {@code is_reply} (or the deprecated {@code reply}), null when neither is given
 * @param sourceIdentity {@code source.identity}, -1 when absent
 * @param destinationIdentity {@code destination.identity}, -1 when absent
 * @param sourcePort the L4 {@code source_port}, -1 when absent
 * @param httpStatus {@code l7.http.code}, -1 when absent
 * @param l7Type {@code l7.type} ({@code REQUEST}, {@code RESPONSE}, {@code SAMPLE}), null when absent
 * @param sourceNames {@code source_names}
 * @param count how many flows this one stands for: the sum of {@code aggregate}'s {@code ingress_flow_count},
 *        {@code egress_flow_count} and {@code unknown_direction_flow_count}, 1 without them
 * @param json the input the flow's JSON object is in (not copied: valid until the caller reuses it)
 * @param jsonFrom the offset of the object's first byte in {@code json}
 * @param jsonTo the offset after its last byte
 */
public record StoredFlow(int line, Flow flow, Instant time, @Nullable String verdict, @Nullable String dropReasonDesc,
		@Nullable String trafficDirection, @Nullable String type, @Nullable String nodeName, @Nullable Boolean isReply,
		long sourceIdentity, long destinationIdentity, int sourcePort, int httpStatus, @Nullable String l7Type,
		List<String> sourceNames, int count, byte[] json, int jsonFrom, int jsonTo) {
}
