package dev.portcullis.hubble;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A {@code lost_events} response of {@code hubble observe} (and the exporter): {@code count} events that a node's
 * Hubble could not keep, the gap in the flow log.
 *
 * @param line the 1-based line number
 * @param nodeName the response's {@code node_name}, null when absent
 * @param time the response's {@code time}, null when absent or not a time
 * @param source {@code lost_events.source} ({@code PERF_EVENT_RING_BUFFER}, {@code OBSERVER_EVENTS_QUEUE},
 *        {@code HUBBLE_RING_BUFFER}, ...), {@code UNKNOWN_LOST_EVENT_SOURCE} when absent
 * @param count {@code lost_events.num_events_lost}
 */
public record LostEvents(int line, @Nullable String nodeName, @Nullable Instant time, String source, long count) {
}
