package dev.portcullis.flow;

/** Where ingested flows come from; recorded with each ingest ({@code flow_upload.source}). */
public enum Source {

	/** An upload (the API or the upload page). */
	UPLOAD,

	/** The Hubble Relay client. */
	RELAY,

	/** An exporter file that Portcullis follows. */
	FILE;

	String column() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
