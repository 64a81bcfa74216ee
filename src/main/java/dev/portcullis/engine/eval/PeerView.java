package dev.portcullis.engine.eval;

import java.util.List;

/**
 * The entries of a subject's direction whose peer can match one peer identity (Cilium's policy map for that
 * identity pair): each with the index of the label peer that matched, or a marker saying that the entry selects
 * every peer or must check its flow-based peers (CIDR, FQDN, service) per flow.
 */
record PeerView(List<Candidate> allow, List<Candidate> deny) {

	/** The entry selects every peer ({@code anyPeer}). */
	static final int ANY_PEER = -1;

	/** The entry's flow peers must be checked per flow. */
	static final int FLOW_PEERS = -2;

	record Candidate(CompiledEntry entry, int labelPeer) {
	}

}
