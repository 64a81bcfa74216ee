package dev.portcullis.engine.match;

import java.util.OptionalInt;

/** ICMP type numbers for the names Cilium's {@code icmps} accept, per family ({@code IPv4} / {@code IPv6}). */
public final class IcmpTypes {

	private IcmpTypes() {
	}

	/** The type for a number 0..255 or a name valid in the family; empty when neither. */
	public static OptionalInt resolve(String family, String type) {
		throw new UnsupportedOperationException("TODO");
	}

}
