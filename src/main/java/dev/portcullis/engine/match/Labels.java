package dev.portcullis.engine.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.engine.match.SelectorKey.Compiled;
import dev.portcullis.engine.match.SelectorKey.Label;
import org.jspecify.annotations.Nullable;

/**
 * An identity's labels, as Hubble prints them ({@code k8s:app=web}, {@code reserved:world},
 * {@code cidr:10.0.0.0/8}; a label without {@code =} has the empty value; a label without a source prefix has
 * source {@code unspec}). Immutable.
 * <p>
 * Lookups take a selector key: {@code source:key} matches only labels of that source, a key without a source
 * (or with {@code any:}) matches a label of any source (pkg/labels HasKey). {@code cidr:} keys are
 * containment-aware: {@code cidr:10.0.0.0/8} is present when the identity carries {@code cidr:10.1.2.3/32}.
 * <p>
 * Parsing follows pkg/labels {@code ParseLabel}: the source is the text before the first {@code :} (whatever it
 * is), the key runs to the first {@code =}, the value is the rest ({@code k8s:a:b=c=d} is source {@code k8s}, key
 * {@code a:b}, value {@code c=d}); {@code $host} is {@code reserved:host}; labels with an empty key are dropped.
 * IPv6 {@code cidr:} keys may use {@code -} for {@code :} ({@code cidr:2001-db8--/32}, pkg/labels/cidr.go); both
 * spellings are understood. When two labels share source and key, the first in sorted order gives the value.
 * Equality is by content (the sorted label strings).
 */
public final class Labels {

	/** No labels. */
	public static final Labels EMPTY = of(List.of());

	private final Label[] labels;

	/** {@code source:key} to value. */
	private final Map<String, String> bySourceKey;

	/** key to value of the first label (sorted order) of any source with that key. */
	private final Map<String, String> byKey;

	private final Cidr[] cidrs;

	private final String[] cidrValues;

	private final int hash;

	private Labels(Label[] labels) {
		this.labels = labels;
		this.bySourceKey = new HashMap<>(labels.length * 2);
		this.byKey = new HashMap<>(labels.length * 2);
		List<Cidr> cidrList = new ArrayList<>(1);
		List<String> cidrValueList = new ArrayList<>(1);
		for (Label label : labels) {
			this.bySourceKey.putIfAbsent(label.source() + ":" + label.key(), label.value());
			this.byKey.putIfAbsent(label.key(), label.value());
			if (label.source().equals(Label.CIDR)) {
				Cidr cidr = Label.cidrOf(label.key());
				if (cidr != null) {
					cidrList.add(cidr);
					cidrValueList.add(label.value());
				}
			}
		}
		this.cidrs = cidrList.toArray(new Cidr[0]);
		this.cidrValues = cidrValueList.toArray(new String[0]);
		this.hash = Arrays.hashCode(labels);
	}

	public static Labels of(Collection<String> labels) {
		List<Label> parsed = new ArrayList<>(labels.size());
		for (String text : labels) {
			Label label = Label.parse(text);
			if (!label.key().isEmpty()) {
				parsed.add(label);
			}
		}
		Label[] sorted = parsed.stream().distinct().sorted().toArray(Label[]::new);
		return new Labels(sorted);
	}

	/** Whether a label with this selector key is present. */
	public boolean has(String selectorKey) {
		return has(Compiled.of(selectorKey));
	}

	/** The value of the first label (sorted order) with this selector key, or null when absent. */
	public @Nullable String value(String selectorKey) {
		return value(Compiled.of(selectorKey));
	}

	boolean has(Compiled key) {
		if (key.cidr != null) {
			for (Cidr cidr : this.cidrs) {
				if (key.cidr.contains(cidr)) {
					return true;
				}
			}
		}
		return key.any ? this.byKey.containsKey(key.key) : this.bySourceKey.containsKey(key.sourceKey);
	}

	@Nullable String value(Compiled key) {
		if (key.cidr != null) {
			for (int i = 0; i < this.cidrs.length; i++) {
				if (key.cidr.contains(this.cidrs[i])) {
					return this.cidrValues[i];
				}
			}
		}
		return key.any ? this.byKey.get(key.key) : this.bySourceKey.get(key.sourceKey);
	}

	/** Whether any label has this source ({@code cidr}, {@code reserved}, {@code k8s}, ...). */
	public boolean hasSource(String source) {
		for (Label label : this.labels) {
			if (label.source().equals(source)) {
				return true;
			}
		}
		return false;
	}

	/** The labels in sorted order, as {@code source:key} or {@code source:key=value}. */
	public List<String> asList() {
		List<String> result = new ArrayList<>(this.labels.length);
		for (Label label : this.labels) {
			result.add(label.toString());
		}
		return result;
	}

	public boolean isEmpty() {
		return this.labels.length == 0;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof Labels that && this.hash == that.hash
				&& Arrays.equals(this.labels, that.labels));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	/** The sorted labels joined with {@code ,}. */
	@Override
	public String toString() {
		return String.join(",", asList());
	}

}
