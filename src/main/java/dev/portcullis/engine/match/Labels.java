package dev.portcullis.engine.match;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * An identity's labels, as Hubble prints them ({@code k8s:app=web}, {@code reserved:world},
 * {@code cidr:10.0.0.0/8}; a label without {@code =} has the empty value; a label without a source prefix has
 * source {@code unspec}). Immutable.
 * <p>
 * Lookups take a selector key: {@code source:key} matches only labels of that source, a key without a source
 * (or with {@code any:}) matches a label of any source (pkg/labels HasKey). {@code cidr:} keys are
 * containment-aware: {@code cidr:10.0.0.0/8} is present when the identity carries {@code cidr:10.1.2.3/32}.
 */
public final class Labels {

	public static Labels of(Collection<String> labels) {
		throw new UnsupportedOperationException("TODO");
	}

	/** Whether a label with this selector key is present. */
	public boolean has(String selectorKey) {
		throw new UnsupportedOperationException("TODO");
	}

	/** The value of the first label (sorted order) with this selector key, or null when absent. */
	public @Nullable String value(String selectorKey) {
		throw new UnsupportedOperationException("TODO");
	}

}
