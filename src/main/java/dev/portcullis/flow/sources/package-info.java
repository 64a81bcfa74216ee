/**
 * Live flow sources of a workspace: a Hubble Relay followed over gRPC ({@code Observer.GetFlows}, a hand-written
 * codec of the fields Portcullis reads) and a directory of Hubble exporter files, each followed by one instance
 * under a lease, resuming without loss or duplicates, and storing flows through {@code flow.FlowIngest}
 * (docs/adr/027); and, through a Relay source, the policy events of each node behind it ({@link
 * dev.portcullis.flow.sources.NodeAgentEvents}, docs/adr/046).
 */
@NullMarked
package dev.portcullis.flow.sources;

import org.jspecify.annotations.NullMarked;
