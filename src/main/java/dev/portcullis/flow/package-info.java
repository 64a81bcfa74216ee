/**
 * The flow log: Hubble flows ingested from uploads, Hubble Relay and exporter files ({@link dev.portcullis.flow.FlowIngest}),
 * kept per workspace in time-partitioned tables with per-minute edge rollups and lost-event gaps, and dropped by
 * retention (docs/adr/025). Flows are read by the one flow reader, {@code hubble.FlowReader}.
 */
@NullMarked
package dev.portcullis.flow;

import org.jspecify.annotations.NullMarked;
