package dev.portcullis.engine.api;

/** Traffic direction as seen from a policy's subject endpoint. */
public enum Direction {

	INGRESS, EGRESS

}
