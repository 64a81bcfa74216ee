package dev.portcullis.engine.match;

import com.google.re2j.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A label key as a selector (or a policy) writes it, split into Cilium source and key the way Cilium reads
 * selector keys: pkg/labels {@code GetExtendedKeyFrom} (via {@code parseSource(key, ':')}) turns the key into the
 * extended form {@code source.key} (the source is the text before the first {@code :}; a key without {@code :} has
 * source {@code any}, which matches labels of every source; {@code $host} and {@code reserved.host} mean
 * {@code reserved:host}; a value after {@code =} is dropped), and label lookups ({@code LabelArray.Has}/{@code Get})
 * split that extended key again at its first {@code .}. So a source written with a dot moves its tail into the key:
 * {@code k8s.io:kubernetes.pod.namespace} is the same key as {@code k8s:io.kubernetes.pod.namespace}, and
 * {@code reserved.foo:bar} is source {@code reserved}, key {@code foo.bar}. The key keeps any further colons
 * ({@code k8s:a:b} is source {@code k8s}, key {@code a:b}).
 *
 * @param source the source, {@code any} when none was written
 * @param key the key without its source
 */
public record SelectorKey(String source, String key) {

	/** The source that matches labels of every source. */
	public static final String ANY = "any";

	private static final Pattern DNS_SUBDOMAIN = Pattern
		.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

	/** Parses a selector key such as {@code k8s:app}, {@code app} or {@code any:app}. */
	public static SelectorKey parse(String text) {
		Label label = Label.split(text, ANY);
		String source = label.source();
		int dot = source.indexOf('.');
		if (dot < 0) {
			return new SelectorKey(source, label.key());
		}
		String head = source.substring(0, dot);
		return new SelectorKey(head.isEmpty() ? ANY : head, source.substring(dot + 1) + "." + label.key());
	}

	/**
	 * Whether Cilium treats the key as a reserved one: its extended form starts with {@code reserved.}
	 * ({@code reserved:host}, {@code reserved.host}, {@code $host}). A selector with such a key gets no implicit
	 * namespace or cluster (pkg/k8s/apis/cilium.io/utils/utils.go {@code getEndpointSelector}).
	 */
	public boolean isReserved() {
		return Label.RESERVED.equals(this.source);
	}

	/**
	 * Whether {@code value} is a valid Kubernetes label value: at most 63 characters matching the CRD's pattern
	 * {@code ^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$} (letters, digits, '-', '_' and '.', starting and ending
	 * with a letter or digit), or empty.
	 */
	public static boolean isLabelValue(String value) {
		int length = value.length();
		if (length == 0) {
			return true;
		}
		if (length > 63 || !isAlphanumeric(value.charAt(0)) || !isAlphanumeric(value.charAt(length - 1))) {
			return false;
		}
		for (int i = 1; i < length - 1; i++) {
			char c = value.charAt(i);
			if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether {@code key} is a Kubernetes qualified name, as label keys must be ({@code app},
	 * {@code example.com/tier}): an optional DNS-subdomain prefix (at most 253 characters) and {@code /}, then a
	 * non-empty name with the syntax of a label value.
	 */
	public static boolean isQualifiedName(String key) {
		int slash = key.lastIndexOf('/');
		String name = (slash < 0) ? key : key.substring(slash + 1);
		if (slash >= 0) {
			String prefix = key.substring(0, slash);
			if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matches(prefix)) {
				return false;
			}
		}
		return !name.isEmpty() && isLabelValue(name);
	}

	private static boolean isAlphanumeric(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	public boolean isAnySource() {
		return ANY.equals(this.source);
	}

	/**
	 * Whether this key looks up labels of {@code labelSource} with key {@code labelKey}: the keys are equal and
	 * this key's source is {@code labelSource} or {@code any}. For example {@code io.kubernetes.pod.namespace} and
	 * {@code k8s:io.kubernetes.pod.namespace} both cover {@code ("k8s", "io.kubernetes.pod.namespace")}.
	 */
	public boolean covers(String labelSource, String labelKey) {
		return this.key.equals(labelKey) && (isAnySource() || this.source.equals(labelSource));
	}

	/** Like {@link #covers(String, String)} for every key starting with {@code keyPrefix}. */
	public boolean coversPrefix(String labelSource, String keyPrefix) {
		return this.key.startsWith(keyPrefix) && (isAnySource() || this.source.equals(labelSource));
	}

	/** {@code source:key}. */
	@Override
	public String toString() {
		return this.source + ":" + this.key;
	}

	/** A key compiled for lookups in {@link Labels}. */
	static final class Compiled {

		final String source;

		final String key;

		final boolean any;

		/** {@code source:key}, the index key of {@link Labels}. */
		final String sourceKey;

		/** The prefix of a {@code cidr:} key, for containment-aware lookups. */
		final @Nullable Cidr cidr;

		Compiled(String source, String key) {
			this.source = source;
			this.key = key;
			this.any = ANY.equals(source);
			this.sourceKey = source + ":" + key;
			this.cidr = Label.CIDR.equals(source) ? Label.cidrOf(key) : null;
		}

		static Compiled of(String selectorKey) {
			SelectorKey key = parse(selectorKey);
			return new Compiled(key.source(), key.key());
		}

	}

	/** One parsed label; {@code source:key=value}. */
	record Label(String source, String key, String value) implements Comparable<Label> {

		static final String CIDR = "cidr";

		static final String RESERVED = "reserved";

		static final String UNSPEC = "unspec";

		/** pkg/labels ParseLabel: a label without source gets {@code unspec}. */
		static Label parse(String text) {
			return split(text, UNSPEC);
		}

		static Label split(String text, String defaultSource) {
			String source;
			String rest;
			int colon = text.indexOf(':');
			if (!text.isEmpty() && text.charAt(0) == '$') {
				source = RESERVED;
				rest = text.substring(1);
			}
			else if (colon >= 0) {
				source = text.substring(0, colon);
				rest = text.substring(colon + 1);
			}
			else if (text.startsWith(RESERVED + ".")) {
				source = RESERVED;
				rest = text.substring(RESERVED.length() + 1);
			}
			else {
				source = defaultSource;
				rest = text;
			}
			if (source.isEmpty()) {
				source = defaultSource;
			}
			int equals = rest.indexOf('=');
			if (equals < 0) {
				return new Label(source, rest, "");
			}
			if (equals == 0 && source.equals(RESERVED)) {
				return new Label(source, rest.substring(1), "");
			}
			return new Label(source, rest.substring(0, equals), rest.substring(equals + 1));
		}

		/** The prefix of a cidr label key; IPv6 keys may use {@code -} for {@code :} (pkg/labels/cidr.go). */
		static @Nullable Cidr cidrOf(String key) {
			return Cidr.tryParse((key.indexOf('-') >= 0) ? key.replace('-', ':') : key);
		}

		@Override
		public int compareTo(Label other) {
			int result = this.source.compareTo(other.source);
			if (result == 0) {
				result = this.key.compareTo(other.key);
			}
			return (result != 0) ? result : this.value.compareTo(other.value);
		}

		@Override
		public String toString() {
			return this.value.isEmpty() ? this.source + ":" + this.key : this.source + ":" + this.key + "=" + this.value;
		}

	}

}
