package dev.portcullis.hubble;

import dev.portcullis.engine.doc.Violation;

/** A violation and where it belongs among the flow's fields (see {@link FlowFields}' ranks). */
record Ranked(int rank, Violation violation) {
}
